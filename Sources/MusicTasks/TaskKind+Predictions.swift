import Torch

extension TaskKind {
    /// What a task's logits (…, outputs) predict: sigmoid probabilities for `multiLabel`,
    /// softmax probabilities over the last dimension for `multiClass`, the values themselves
    /// for `regression`.
    public func predictions(fromLogits logits: Tensor) throws -> Tensor {
        switch self {
        case .multiLabel: return try logits.sigmoid()
        case .multiClass: return try logits.softmax(dim: -1)
        case .regression: return logits
        }
    }
}
