import NN
import Torch

/// Net2WiderNet on single layers: each writes into a wider twin the source's weights with
/// output units replicated by one mapping and input units by another, the inputs' weights
/// divided by their replica counts so that sums over copies equal the original sums.
/// `noise` (a fraction of the source weight's standard deviation) is added to the weights
/// reading the added copies: without it, replicas receive identical gradients
/// and stay copies for ever (Chen et al. 2016, section 2.3).
struct LayerWidening {
    let noise: Double
    let generator: Generator

    /// `weight` (out, in, …) → (new out, new in, …).
    func widen(_ weight: Tensor, outputs: ChannelMapping, inputs: ChannelMapping) throws -> Tensor {
        let rows = try weight.indexSelect(dim: 0, index: outputs.index(device: weight.device))
        guard inputs.newCount != inputs.oldCount else { return rows }
        var broadcast = [Int](repeating: 1, count: weight.rank)
        broadcast[1] = inputs.newCount
        let scale = try Tensor(inputs.outgoingScale, shape: broadcast, device: weight.device).to(weight.dtype)
        let widened = try rows.indexSelect(dim: 1, index: inputs.index(device: weight.device)) * scale
        guard noise > 0 else { return widened }
        let isNew = try Tensor(inputs.isAddedCopy.map { Float($0 ? 1 : 0) }, shape: broadcast,
                               device: weight.device).to(weight.dtype)
        let std = try weight.std().item()
        // The generator is a CPU one: drawn there, then moved beside the weight.
        let draw = try Tensor.randn(widened.shape, dtype: weight.dtype, generator: generator).to(weight.device)
        return try widened + draw * isNew * (noise * std)
    }

    /// A vector over output units (bias, batch-norm statistics) replicated by `outputs`; or
    /// any tensor along `dim`.
    func widen(_ vector: Tensor, outputs: ChannelMapping, dim: Int = 0) throws -> Tensor {
        try vector.indexSelect(dim: dim, index: outputs.index(device: vector.device))
    }

    func copy(_ source: Conv2d, into target: Conv2d, outputs: ChannelMapping, inputs: ChannelMapping, layer: String) throws {
        guard source.stride == target.stride, source.padding == target.padding, source.dilation == target.dilation,
              source.groups == 1, target.groups == 1 else {
            throw ModelGrowthError.differentArchitecture("\(layer) has another stride, padding, dilation or grouping")
        }
        try assign(widen(source.weight, outputs: outputs, inputs: inputs), to: target.weight, layer: "\(layer).weight")
        try assign(bias: source.bias, target.bias, outputs: outputs, layer: layer)
    }

    func copy(_ source: Conv1d, into target: Conv1d, outputs: ChannelMapping, inputs: ChannelMapping, layer: String) throws {
        guard source.stride == target.stride, source.padding == target.padding, source.dilation == target.dilation,
              source.groups == 1, target.groups == 1 else {
            throw ModelGrowthError.differentArchitecture("\(layer) has another stride, padding, dilation or grouping")
        }
        try assign(widen(source.weight, outputs: outputs, inputs: inputs), to: target.weight, layer: "\(layer).weight")
        try assign(bias: source.bias, target.bias, outputs: outputs, layer: layer)
    }

    func copy(_ source: Linear, into target: Linear, outputs: ChannelMapping, inputs: ChannelMapping, layer: String) throws {
        try assign(widen(source.weight, outputs: outputs, inputs: inputs), to: target.weight, layer: "\(layer).weight")
        try assign(widen(source.bias, outputs: outputs), to: target.bias, layer: "\(layer).bias")
    }

    /// A batch norm's affine and running statistics, replicated: a copied channel is
    /// normalised exactly as its original, in evaluation and (same batch statistics) training.
    func copy(_ source: BatchNorm, into target: BatchNorm, outputs: ChannelMapping, layer: String) throws {
        guard source.eps == target.eps else {
            throw ModelGrowthError.differentArchitecture("\(layer) has eps \(target.eps), the source \(source.eps)")
        }
        try assign(widen(source.weight, outputs: outputs), to: target.weight, layer: "\(layer).weight")
        try assign(widen(source.bias, outputs: outputs), to: target.bias, layer: "\(layer).bias")
        try assign(widen(source.runningMean, outputs: outputs), to: target.runningMean, layer: "\(layer).running_mean")
        try assign(widen(source.runningVar, outputs: outputs), to: target.runningVar, layer: "\(layer).running_var")
        try assign(source.numBatchesTracked, to: target.numBatchesTracked, layer: "\(layer).num_batches_tracked")
    }

    /// A layer norm over replicated features: its mean and variance are the source's only when
    /// every feature has the same number of copies (checked by the caller).
    func copy(_ source: LayerNorm, into target: LayerNorm, outputs: ChannelMapping, layer: String) throws {
        guard source.eps == target.eps, source.normalizedShape.count == 1 else {
            throw ModelGrowthError.differentArchitecture("\(layer) normalises differently in the two models")
        }
        try assign(widen(source.weight, outputs: outputs), to: target.weight, layer: "\(layer).weight")
        try assign(widen(source.bias, outputs: outputs), to: target.bias, layer: "\(layer).bias")
    }

    private func assign(bias source: Tensor?, _ target: Tensor?, outputs: ChannelMapping, layer: String) throws {
        switch (source, target) {
        case (nil, nil): return
        case let (source?, target?): try assign(widen(source, outputs: outputs), to: target, layer: "\(layer).bias")
        default: throw ModelGrowthError.differentArchitecture("\(layer) has a bias in only one of the two models")
        }
    }

    /// Copies `value` into a target tensor of exactly its shape.
    func assign(_ value: Tensor, to target: Tensor, layer: String) throws {
        guard value.shape == target.shape else {
            throw ModelGrowthError.differentArchitecture("\(layer) grows to \(value.shape) but the target has \(target.shape)")
        }
        try withNoGrad { try target.copyFrom(value) }
    }
}
