/// A failure of distributed setup or communication.
public enum DistributedError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A launch variable is missing or malformed.
    case invalidEnvironment(variable: String, reason: String)
    /// The store at `address` could not be reached or served.
    case store(address: String, message: String)
    /// The process group could not be formed (a rank did not join in time, a bad address).
    case rendezvous(rank: Int, worldSize: Int, message: String)
    /// A collective failed because these ranks stopped answering (died, hung, or lost the network).
    case lostRanks([Int], operation: String, message: String)
    /// A collective failed and the lost ranks could not be determined.
    case collective(operation: String, message: String)
    /// The backend is not compiled into this build.
    case backendUnavailable(String)

    public var description: String {
        switch self {
        case .invalidEnvironment(let variable, let reason): return "\(variable): \(reason)"
        case .store(let address, let message): return "store at \(address): \(message)"
        case .rendezvous(let rank, let worldSize, let message):
            return "rank \(rank) of \(worldSize) could not join the process group: \(message)"
        case .lostRanks(let ranks, let operation, let message):
            let names = ranks.map(String.init).joined(separator: ", ")
            return "\(operation) failed: lost rank\(ranks.count == 1 ? "" : "s") \(names) (\(message))"
        case .collective(let operation, let message): return "\(operation) failed: \(message)"
        case .backendUnavailable(let name): return "the \(name) backend is not compiled into this build"
        }
    }
}
