/// An error from the tensor engine: libtorch's own message (shapes included) or a
/// precondition that Crescendo checks before calling it.
public enum TorchError: Error, CustomStringConvertible, Equatable, Sendable {
    /// libtorch refused an operation; `message` is its explanation.
    case operation(String, message: String)
    /// An argument was invalid before reaching libtorch.
    case invalidArgument(String)
    /// A device was asked for that this process cannot use (a CUDA device without CUDA).
    case deviceUnavailable(String, reason: String)

    public var description: String {
        switch self {
        case .operation(let op, let message): return "\(op): \(message)"
        case .invalidArgument(let message): return message
        case .deviceUnavailable(let device, let reason): return "device \(device) is not available: \(reason)"
        }
    }
}
