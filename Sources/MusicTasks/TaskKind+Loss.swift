import Torch

extension TaskKind {
    /// The masked mean loss of one task's logits against dense targets of the same shape:
    /// binary cross-entropy per class (multi-label; events per frame and type), cross-entropy
    /// with optional label smoothing over the last dimension (multi-class; segments per frame),
    /// squared error (regression).
    ///
    /// Clip-level logits are (batch, outputs); time-aligned ones (batch, frames, outputs).
    /// `mask` weighs each example — (batch) — or, for time-aligned tasks, each frame —
    /// (batch, frames) — with 0 where there is no label; the mean is over what the mask keeps.
    /// A multi-label, event or regression mask may also weigh each output: it then has the
    /// logits' shape.
    public func loss(logits: Tensor, target: Tensor, mask: Tensor, labelSmoothing: Double = 0) throws -> Tensor {
        switch self {
        case .multiLabel, .events, .regression:
            let elementMask = mask.shape == logits.shape ? mask : try mask.unsqueeze(-1).expand(logits.shape)
            let raw = self == .regression
                ? try Loss.meanSquaredError(logits, target, reduction: .none)
                : try Loss.binaryCrossEntropyWithLogits(logits, target, reduction: .none)
            return try (raw * elementMask).sum() / elementMask.sum().clamp(min: 1)
        case .multiClass, .segments:
            // Cross-entropy takes (rows, classes): frames become rows.
            let classes = logits.shape[logits.shape.count - 1]
            let raw = try Loss.crossEntropy(logits.reshape([-1, classes]), target.reshape([-1, classes]),
                                            labelSmoothing: labelSmoothing, reduction: .none)
            let rowMask = try mask.reshape([-1])
            return try (raw * rowMask).sum() / rowMask.sum().clamp(min: 1)
        }
    }
}
