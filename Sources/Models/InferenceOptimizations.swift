import Torch

/// Numeric precision of a model's network after its log-mel front end (which always computes
/// in float32, as the reference does).
public enum InferencePrecision: String, Sendable, Codable, CaseIterable {
    case float32
    /// bfloat16 weights and activations: half the memory traffic, about three significant
    /// digits. Fast only where the CPU has bfloat16 instructions (AVX-512 BF16, AMX); elsewhere
    /// libtorch emulates it and it is slower than float32.
    case bfloat16

    var dtype: DType { self == .float32 ? .float32 : .bfloat16 }
}

/// Evaluation-mode speed-ups that `AudioModel.prepareForInference(_:)` applies. All of them
/// keep float32 results equal to the unprepared model's within 1e-4 (bfloat16 does not: it
/// trades accuracy for speed, see `InferencePrecision.bfloat16`).
public struct InferenceOptimizations: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Merge every batch norm that directly follows a convolution (or the dense layer) into it.
    public var foldBatchNorm: Bool
    /// Run the convolutional part in channels-last (NHWC) memory format, inputs and weights.
    public var channelsLast: Bool
    /// Precision after the front end.
    public var precision: InferencePrecision

    public init(foldBatchNorm: Bool = true, channelsLast: Bool = true, precision: InferencePrecision = .float32) {
        self.foldBatchNorm = foldBatchNorm
        self.channelsLast = channelsLast
        self.precision = precision
    }

    /// Nothing changed: the model as it trains, only in evaluation mode.
    public static let none = InferenceOptimizations(foldBatchNorm: false, channelsLast: false)
    /// Every exact optimisation, in float32.
    public static let standard = InferenceOptimizations()

    public var description: String {
        var parts: [String] = []
        if foldBatchNorm { parts.append("folded batch norm") }
        if channelsLast { parts.append("channels-last") }
        parts.append(precision.rawValue)
        return parts.joined(separator: ", ")
    }
}
