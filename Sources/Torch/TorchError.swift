/// An error from the tensor engine: libtorch's own message (shapes included) or a
/// precondition that Crescendo checks before calling it.
public enum TorchError: Error, CustomStringConvertible, Equatable, Sendable {
    /// libtorch refused an operation; `message` is its explanation.
    case operation(String, message: String)
    /// An argument was invalid before reaching libtorch.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .operation(let op, let message): return "\(op): \(message)"
        case .invalidArgument(let message): return message
        }
    }
}
