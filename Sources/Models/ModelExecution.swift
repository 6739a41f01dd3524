import NN
import Torch

/// How a model runs, beyond its weights: the layout of its convolutional part, the dtype after
/// the front end, and the inference preparation it has had, if any. Each model holds one and
/// consults it in its forward pass.
struct ModelExecution: Sendable {
    /// Dense layout of convolution inputs and weights (training and inference).
    var convolutionFormat: MemoryFormat = .contiguous
    /// Inference in oneDNN's blocked layout between the first and the last convolution.
    var oneDNNLayout = false
    var computeDType: DType = .float32
    var prepared: InferenceOptimizations?

    /// Refuses training-mode forward passes once batch norms are folded or precision changed.
    func checkMode(isTraining: Bool, model: String) throws {
        if isTraining, prepared != nil { throw ModelError.preparedForInference(model: model) }
    }

    /// Lays out `model`'s convolution weights in `format` and records it for the inputs
    /// (every model's `setConvolutionMemoryFormat`).
    mutating func setConvolutionFormat(_ format: MemoryFormat, of model: Module) throws {
        guard format != .preserve else {
            throw TorchError.invalidArgument("a model's convolution layout is .contiguous or .channelsLast, not .preserve")
        }
        try model.setConvolutionWeightFormat(format)
        convolutionFormat = format
    }

    /// The front end's float32 output in the network's dtype.
    func networkInput(_ spectrogram: Tensor) throws -> Tensor {
        spectrogram.dtype == computeDType ? spectrogram : try spectrogram.to(computeDType)
    }

    /// A (batch, channels, height, width) activation in the convolutional part's layout.
    func convolutionInput(_ x: Tensor) throws -> Tensor {
        if oneDNNLayout { return try x.toOneDNNLayout() }
        if convolutionFormat == .channelsLast { return try x.contiguous(.channelsLast) }
        return x
    }

    /// The convolutional part's output as a dense tensor for the layers after it.
    func convolutionOutput(_ x: Tensor) throws -> Tensor {
        oneDNNLayout ? try x.toDense() : x
    }

    /// Logits in float32 whatever the compute dtype.
    func outputs(_ logits: [String: Tensor]) throws -> [String: Tensor] {
        guard computeDType != .float32 else { return logits }
        return try logits.mapValues { try $0.to(.float32) }
    }

    /// The common part of `prepareForInference`: oneDNN layout and precision of `model`, whose
    /// batch norms the caller has already folded and whose dense format it has set.
    mutating func prepare(_ model: Module, _ optimizations: InferenceOptimizations) throws {
        if optimizations.layout == .oneDNNBlocked {
            for (_, module) in model.namedModules() {
                if let conv = module as? Conv2d { try conv.prepareForOneDNNLayout() }
            }
            oneDNNLayout = true
        }
        if optimizations.precision != .float32 {
            try model.convertFloatingPoint(to: optimizations.precision.dtype) { !$0.hasPrefix("frontend.") }
            computeDType = optimizations.precision.dtype
        }
        prepared = optimizations
    }
}
