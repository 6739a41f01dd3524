import MusicTasks

// The catalog reports a bad task or label as its own error, so that callers of the catalog
// handle one error type.
extension TaskSpec {
    /// ``TaskSpec/validate()`` with the catalog's error.
    func validateForCatalog() throws(CatalogError) {
        do { try validate() } catch { throw CatalogError(error) }
    }
}

extension LabelValue {
    /// ``LabelValue/validate(for:trackId:)`` with the catalog's error.
    func validateForCatalog(_ task: TaskSpec, trackId: Int64? = nil) throws(CatalogError) {
        do { try validate(for: task, trackId: trackId) } catch { throw CatalogError(error) }
    }
}
