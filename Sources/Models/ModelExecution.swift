import Torch

/// How a model runs, beyond its weights: the memory format of its convolutional part, the
/// dtype after the front end, and the inference preparation it has had, if any. Each model
/// holds one and consults it in its forward pass.
struct ModelExecution: Sendable {
    var convolutionFormat: MemoryFormat = .contiguous
    var computeDType: DType = .float32
    var prepared: InferenceOptimizations?

    /// Refuses training-mode forward passes once batch norms are folded or precision changed.
    func checkMode(isTraining: Bool, model: String) throws {
        if isTraining, prepared != nil { throw ModelError.preparedForInference(model: model) }
    }

    /// The front end's float32 (batch, 1, mels, frames) output in the network's dtype and layout.
    func networkInput(_ spectrogram: Tensor) throws -> Tensor {
        var x = spectrogram
        if x.dtype != computeDType { x = try x.to(computeDType) }
        if convolutionFormat == .channelsLast { x = try x.contiguous(.channelsLast) }
        return x
    }

    /// Logits in float32 whatever the compute dtype.
    func outputs(_ logits: [String: Tensor]) throws -> [String: Tensor] {
        guard computeDType != .float32 else { return logits }
        return try logits.mapValues { try $0.to(.float32) }
    }
}
