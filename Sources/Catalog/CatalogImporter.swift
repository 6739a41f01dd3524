import MusicTasks

/// A reader of some data set's layout that turns it into an ``ImportPlan``.
///
/// Importers only read their source (manifests, annotation files, directory listings); the
/// catalog does the file work and the writing in ``Catalog/importTracks(_:prober:options:)``.
public protocol CatalogImporter: Sendable {
    /// Reads the source.
    /// - Parameter existingTasks: The catalog's tasks. Importers that derive a class list
    ///   from the data use an existing task's classes instead, so that a second import
    ///   reports new names as unknown rather than conflicting with the task.
    /// - Throws: ``CatalogError`` when the source as a whole is unusable.
    func plan(existingTasks: [TaskSpec]) throws(CatalogError) -> ImportPlan
}

extension CatalogImporter {
    /// Reads the source as for an empty catalog.
    public func plan() throws(CatalogError) -> ImportPlan {
        try plan(existingTasks: [])
    }

    /// Reads the source and imports it into `catalog`.
    /// - Returns: The report of the whole import (reading and file work).
    public func run(into catalog: Catalog, prober: any AudioProber = AudioFileProber(),
                    options: ImportOptions = ImportOptions()) async throws(CatalogError) -> ImportReport {
        let existing = try catalog.tasks().map(\.spec)
        let plan = try plan(existingTasks: existing)
        return try await catalog.importTracks(plan, prober: prober, options: options)
    }
}
