/// Errors of data preparation, training and evaluation, each naming what is at fault.
public enum TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    case emptyDataset(String)
    case invalidConfig(key: String, reason: String)
    case checkpoint(path: String, reason: String)
    case unknownMetric(String, available: [String])
    case diverged(step: Int, loss: Double)
    /// A device was asked for (by `--device` or a configuration key) that this process cannot use.
    case unavailableDevice(requestedBy: String, message: String)

    public var description: String {
        switch self {
        case .emptyDataset(let what):
            return "no examples: \(what)"
        case .invalidConfig(let key, let reason):
            return "configuration key \(key): \(reason)"
        case .checkpoint(let path, let reason):
            return "\(path): \(reason)"
        case .unknownMetric(let name, let available):
            return "unknown metric \"\(name)\"; available: \(available.joined(separator: ", "))"
        case .diverged(let step, let loss):
            return "training diverged at step \(step): loss \(loss)"
        case .unavailableDevice(let source, let message):
            return "\(source): \(message)"
        }
    }
}
