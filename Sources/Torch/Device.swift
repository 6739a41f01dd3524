import CTorch

/// Where a tensor lives. Every creating function takes one; nothing assumes the CPU.
public enum Device: Hashable, Sendable, CustomStringConvertible {
    case cpu
    case cuda(Int)

    var code: (type: Int32, index: Int32) {
        switch self {
        case .cpu: return (Int32(CT_CPU.rawValue), 0)
        case .cuda(let index): return (Int32(CT_CUDA.rawValue), Int32(index))
        }
    }

    /// Parses "cpu", "cuda" or "cuda:N".
    public init(parsing text: String) throws {
        let lower = text.lowercased()
        if lower == "cpu" { self = .cpu; return }
        if lower == "cuda" { self = .cuda(0); return }
        if lower.hasPrefix("cuda:"), let index = Int(lower.dropFirst(5)), index >= 0 {
            self = .cuda(index); return
        }
        throw TorchError.invalidArgument("unknown device \"\(text)\" (expected cpu, cuda or cuda:N)")
    }

    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let index): return "cuda:\(index)"
        }
    }
}

/// How a 4-d tensor's elements are ordered in memory.
public enum MemoryFormat: Int32, Sendable {
    case contiguous = 0
    /// NHWC; convolutions on the CPU (oneDNN) are faster in it.
    case channelsLast = 1
    case preserve = 2
}
