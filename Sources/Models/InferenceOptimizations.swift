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

/// How the convolutional part of a model lays out its activations and weights in inference.
public enum ConvolutionLayout: String, Sendable, Codable, CaseIterable {
    /// NCHW, as the model trains; each oneDNN convolution converts to and from its blocked
    /// layout internally.
    case contiguous
    /// NHWC (`MemoryFormat.channelsLast`) inputs and weights.
    case channelsLast
    /// oneDNN's own blocked layout from the first convolution to the last, weights reordered
    /// once: no layout conversions between layers. Needs folded batch norms and float32.
    case oneDNNBlocked
}

/// Evaluation-mode speed-ups that `AudioModel.prepareForInference(_:)` applies. All of them
/// keep float32 results equal to the unprepared model's within 1e-4 (bfloat16 does not: it
/// trades accuracy for speed, see `InferencePrecision.bfloat16`).
public struct InferenceOptimizations: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Merge every batch norm that directly follows a convolution (or the dense layer) into it.
    public var foldBatchNorm: Bool
    /// Layout of the convolutional part.
    public var layout: ConvolutionLayout
    /// Precision after the front end.
    public var precision: InferencePrecision

    public init(foldBatchNorm: Bool = true, layout: ConvolutionLayout = .oneDNNBlocked,
                precision: InferencePrecision = .float32) {
        self.foldBatchNorm = foldBatchNorm
        self.layout = layout
        self.precision = precision
    }

    /// Nothing changed: the model as it trains, only in evaluation mode.
    public static let none = InferenceOptimizations(foldBatchNorm: false, layout: .contiguous)
    /// The fastest exact combination on CPU: folded batch norms, oneDNN blocked layout, float32.
    public static let standard = InferenceOptimizations()

    /// These optimizations as they can run on `device`: oneDNN's blocked layout exists on the
    /// CPU only, so on a CUDA device it becomes channels-last (cuDNN's fast layout).
    public func suited(to device: Device) -> InferenceOptimizations {
        guard device != .cpu, layout == .oneDNNBlocked else { return self }
        var suited = self
        suited.layout = .channelsLast
        return suited
    }

    /// Throws when the combination cannot run.
    public func validate() throws {
        if layout == .oneDNNBlocked && (!foldBatchNorm || precision != .float32) {
            throw ModelError.invalidInferenceSetting("the oneDNN blocked layout needs folded batch norms and float32 (got \(self))")
        }
    }

    public var description: String {
        var parts: [String] = []
        if foldBatchNorm { parts.append("folded batch norm") }
        parts.append(layout.rawValue)
        parts.append(precision.rawValue)
        return parts.joined(separator: ", ")
    }
}
