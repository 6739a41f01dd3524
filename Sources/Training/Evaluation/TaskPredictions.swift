import Models
import MusicTasks
import Torch

/// Accumulated predictions and labels of one task over an evaluation pass.
public struct TaskPredictions: Sendable {
    public let task: TaskSpec
    /// Per example: probabilities (multi-label: sigmoid, multi-class: softmax) or values (regression).
    public var outputs: [[Float]] = []
    /// Per example: the dense target row, or nil where the example has no label.
    public var targets: [[Float]?] = []

    public init(task: TaskSpec) { self.task = task }

    /// Adds a batch of logits and its targets/masks.
    public mutating func append(logits: Tensor, target: Tensor, mask: Tensor) throws {
        let probabilities = try task.kind.predictions(fromLogits: logits)
        let b = try logits.size(0), n = try logits.size(1)
        let p = try probabilities.toArray(Float.self), t = try target.toArray(Float.self), m = try mask.toArray(Float.self)
        for i in 0..<b {
            outputs.append(Array(p[(i * n)..<((i + 1) * n)]))
            targets.append(m[i] > 0 ? Array(t[(i * n)..<((i + 1) * n)]) : nil)
        }
    }

    /// Adds one track's aggregated output (e.g. from full-track inference).
    public mutating func append(output: [Float], target: [Float]?) {
        outputs.append(output)
        targets.append(target)
    }
}
