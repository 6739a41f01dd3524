/// Why a report could not be made.
public enum ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The directory holds neither a pipeline's `pipeline.json` nor a study's `study-results.json`.
    case notARun(path: String)
    /// A file is there but cannot be read or decoded.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notARun(let path): return "\(path) is neither a pipeline run (pipeline.json) nor a study (study-results.json)"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        }
    }
}
