import Torch

/// Folding an evaluation-mode batch norm into the layer before it.
///
/// In evaluation a batch norm is the per-channel affine map
/// `y = (x − running_mean) · γ / √(running_var + ε) + β`, so when it directly follows a
/// convolution or linear layer it can be merged into that layer's weight and bias:
/// `W' = W · s`, `b' = (b − running_mean) · s + β` with `s = γ / √(running_var + ε)`.
/// The merged layer computes the same function with one memory pass less. The merge is valid
/// only for evaluation: in training a batch norm normalises with the batch's own statistics
/// and updates its running ones, which a folded layer cannot do.
///
/// The arithmetic is done in float64 and rounded once to the layer's dtype; the weight keeps
/// its memory format.
enum BatchNormFolding {
    /// The folded (weight, bias) for a layer whose output channels are dimension 0 of `weight`.
    static func folded(weight: Tensor, bias: Tensor?, batchNorm bn: BatchNorm) throws -> (weight: Tensor, bias: Tensor) {
        let channels = try weight.size(0)
        guard bn.runningMean.shape == [channels] else {
            throw TorchError.invalidArgument("batch-norm folding: the layer has \(channels) output channels, the batch norm \(bn.runningMean.shape)")
        }
        return try withNoGrad {
            let scale = try bn.weight.to(.float64) / (bn.runningVar.to(.float64) + bn.eps).sqrt()
            var broadcast = [channels]
            broadcast += Array(repeating: 1, count: weight.rank - 1)
            let w = try weight.to(.float64) * scale.reshape(broadcast)
            let b0 = try bias?.to(.float64) ?? Tensor.zeros([channels], dtype: .float64, device: weight.device)
            let b = try (b0 - bn.runningMean.to(.float64)) * scale + bn.bias.to(.float64)
            return (try w.to(weight.dtype), try b.to(bias?.dtype ?? weight.dtype))
        }
    }
}

extension Conv2d {
    /// Merges `batchNorm`, which must directly follow this convolution, into this convolution's
    /// weight and bias, in place (a bias is added when there was none). Afterwards the
    /// convolution alone computes what convolution → batch norm computed in evaluation mode;
    /// the caller must then skip the batch norm, and must not train the pair any more.
    public func foldBatchNorm(_ batchNorm: BatchNorm) throws {
        let (w, b) = try BatchNormFolding.folded(weight: weight, bias: bias, batchNorm: batchNorm)
        try weight.zeroGrad()
        try weight.setData(w)
        if let bias {
            try bias.zeroGrad()
            try bias.setData(b)
        } else {
            bias = try b.requiringGrad(weight.requiresGrad)
        }
    }
}

extension Linear {
    /// Merges `batchNorm` (a `BatchNorm.oneD` over this layer's outputs, directly after it) into
    /// this layer's weight and bias, in place; see `Conv2d.foldBatchNorm(_:)`.
    public func foldBatchNorm(_ batchNorm: BatchNorm) throws {
        let (w, b) = try BatchNormFolding.folded(weight: weight, bias: bias, batchNorm: batchNorm)
        try weight.zeroGrad()
        try weight.setData(w)
        try bias.zeroGrad()
        try bias.setData(b)
    }
}
