/// Why `crescendo launch` could not start its workers.
public enum LaunchError: Error, CustomStringConvertible, Sendable {
    case startFailed(rank: Int, message: String)

    public var description: String {
        switch self {
        case .startFailed(let rank, let message): return "could not start rank \(rank): \(message)"
        }
    }
}
