import Torch

extension TaskKind {
    /// What a task's logits (…, outputs) predict: sigmoid probabilities for `multiLabel` and
    /// for `events` (each event type per frame), softmax probabilities over the last dimension
    /// for `multiClass` and for `segments` (one vocabulary entry per frame), the values
    /// themselves for `regression`. Time-aligned logits are (batch, frames, outputs).
    public func predictions(fromLogits logits: Tensor) throws -> Tensor {
        switch self {
        case .multiLabel, .events: return try logits.sigmoid()
        case .multiClass, .segments: return try logits.softmax(dim: -1)
        case .regression: return logits
        }
    }
}
