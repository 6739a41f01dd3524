import Foundation

/// How a worker ended.
public enum WorkerStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    public var succeeded: Bool { self == .exited(0) }
    /// The launcher's own exit code for this worker's failure.
    public var exitCode: Int32 {
        switch self {
        case .exited(let code): return code == 0 ? 1 : code
        case .signalled(let signal): return 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signalled(let signal): return "was killed by signal \(signal)\(signal == SIGKILL ? " (SIGKILL)" : signal == SIGSEGV ? " (SIGSEGV)" : "")"
        }
    }
}
