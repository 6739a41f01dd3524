import Catalog
import Foundation
import MusicTasks

/// Reads training data from a catalog: task definitions and the labeled tracks of a split,
/// as the trainer takes them.
public struct CatalogData: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog) { self.catalog = catalog }

    /// Opens the catalog at `path`, with an error naming it when it is missing.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.invalidConfig(key: "catalog", reason: "\(path) does not exist (run crescendo import first)")
        }
        catalog = try Catalog(path: path)
    }

    /// The tasks with these names, in the given order.
    public func tasks(named names: [String]) throws -> [TaskSpec] {
        try names.map { name in
            guard let stored = try catalog.task(named: name) else {
                let known = try catalog.tasks().map(\.spec.name)
                throw TrainingError.invalidConfig(key: "tasks", reason: "the catalog has no task \"\(name)\" (it has \(known.joined(separator: ", ")))")
            }
            return stored.spec
        }
    }

    /// Tracks of a split with the selected labels for `tasks` (tracks with none are included
    /// only when `includeUnlabeled`).
    public func labeledTracks(split: String, splitSet: String = Catalog.defaultSplitSet, tasks: [TaskSpec],
                              labels: LabelSelection = .human, includeUnlabeled: Bool = false) throws -> [LabeledTrack] {
        let rows = try catalog.tracks(inSplit: split, splitSet: splitSet, tasks: tasks.map(\.name), labels: labels)
        return rows.compactMap { (row: SplitTrack) -> LabeledTrack? in
            var targets: [String: LabelValue] = [:]
            for (task, label) in zip(tasks, row.labels) {
                guard let label else { continue }
                targets[task.name] = label.value
            }
            guard includeUnlabeled || !targets.isEmpty else { return nil }
            return LabeledTrack(id: row.id, path: catalog.absolutePath(forStored: row.path), duration: row.duration,
                                targets: targets)
        }
    }
}
