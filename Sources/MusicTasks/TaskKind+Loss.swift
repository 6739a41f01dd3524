import Torch

extension TaskKind {
    /// The masked mean loss of one task's logits (batch, outputs) against dense targets of the
    /// same shape: binary cross-entropy per class (multi-label), cross-entropy with optional
    /// label smoothing (multi-class), squared error (regression). `exampleMask` (batch) weighs
    /// each example (0 where it has no label); the mean is over what the mask keeps.
    public func loss(logits: Tensor, target: Tensor, exampleMask: Tensor, labelSmoothing: Double = 0) throws -> Tensor {
        switch self {
        case .multiLabel:
            let elementMask = try exampleMask.unsqueeze(1).expand(logits.shape)
            let raw = try Loss.binaryCrossEntropyWithLogits(logits, target, reduction: .none)
            return try (raw * elementMask).sum() / elementMask.sum().clamp(min: 1)
        case .multiClass:
            let raw = try Loss.crossEntropy(logits, target, labelSmoothing: labelSmoothing, reduction: .none)
            return try (raw * exampleMask).sum() / exampleMask.sum().clamp(min: 1)
        case .regression:
            let elementMask = try exampleMask.unsqueeze(1).expand(logits.shape)
            let raw = try Loss.meanSquaredError(logits, target, reduction: .none)
            return try (raw * elementMask).sum() / elementMask.sum().clamp(min: 1)
        }
    }
}
