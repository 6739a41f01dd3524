import CTorch

/// How a loss reduces its per-element values.
public enum LossReduction: Int32, Sendable {
    case none = 0, mean = 1, sum = 2
}

/// The losses that MIR training needs, with PyTorch's definitions. Masks select which
/// rows (examples) or elements count; a masked mean divides by the number that count.
public enum Loss {
    /// Binary cross-entropy on logits with soft or hard targets in [0, 1].
    /// - Parameters:
    ///   - weight: per-element weights (broadcast against the logits).
    ///   - positiveWeight: weight of positive examples per class.
    ///   - mask: 1 where the element counts, 0 where it does not (broadcast); with a mask
    ///     the reduction is over the counted elements.
    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    positiveWeight: Tensor? = nil, mask: Tensor? = nil,
                                                    reduction: LossReduction = .mean) throws -> Tensor {
        let r: LossReduction = mask == nil ? reduction : .none
        let loss = try Tensor.wrap(ct_bce_with_logits(logits.handle, target.handle, weight?.handle,
                                                      positiveWeight?.handle, r.rawValue),
                                   "binary_cross_entropy_with_logits (logits \(logits.shape), target \(target.shape))")
        guard let mask else { return loss }
        return try maskedReduce(loss, mask: mask.expand(loss.shape), reduction: reduction)
    }

    /// Cross-entropy of logits (batch, classes, ...) with class indices (int64) or class
    /// probabilities (same shape as the logits).
    /// - Parameters:
    ///   - mask: per-example 1/0 (shape of the batch) selecting the examples that count.
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                    labelSmoothing: Double = 0, ignoreIndex: Int = -100, mask: Tensor? = nil,
                                    reduction: LossReduction = .mean) throws -> Tensor {
        guard (0...1).contains(labelSmoothing) else {
            throw TorchError.invalidArgument("label smoothing \(labelSmoothing) is outside [0, 1]")
        }
        let r: LossReduction = mask == nil ? reduction : .none
        let loss = try Tensor.wrap(ct_cross_entropy(logits.handle, target.handle, weight?.handle, r.rawValue,
                                                    Int64(ignoreIndex), labelSmoothing),
                                   "cross_entropy (logits \(logits.shape), target \(target.shape))")
        guard let mask else { return loss }
        return try maskedReduce(loss, mask: mask, reduction: reduction)
    }

    /// Mean squared error, optionally masked.
    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor, mask: Tensor? = nil,
                                        reduction: LossReduction = .mean) throws -> Tensor {
        let r: LossReduction = mask == nil ? reduction : .none
        let loss = try Tensor.wrap(ct_mse(prediction.handle, target.handle, r.rawValue),
                                   "mse_loss (prediction \(prediction.shape), target \(target.shape))")
        guard let mask else { return loss }
        return try maskedReduce(loss, mask: mask.expand(loss.shape), reduction: reduction)
    }

    /// Reduces per-element losses over the elements the mask selects. A mask that selects
    /// nothing gives a zero loss (still connected to the graph), not NaN.
    static func maskedReduce(_ loss: Tensor, mask: Tensor, reduction: LossReduction) throws -> Tensor {
        let m = try mask.to(loss.dtype)
        let masked = try loss * m
        switch reduction {
        case .none: return masked
        case .sum: return try masked.sum()
        case .mean: return try masked.sum() / m.sum().clamp(min: 1)
        }
    }
}
