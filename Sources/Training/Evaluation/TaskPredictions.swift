import Models
import MusicTasks
import Torch

/// Accumulated predictions and labels of one task over an evaluation pass.
public struct TaskPredictions: Sendable {
    public let task: TaskSpec
    /// Per example: probabilities (multi-label: sigmoid, multi-class: softmax) or values (regression).
    public var outputs: [[Float]] = []
    /// Per example: the dense target row, or nil where the example has no label. A time-aligned
    /// task's outputs and targets are (frames × classes) row-major.
    public var targets: [[Float]?] = []
    /// Time-aligned tasks only: per example, 1 for each frame that has a label.
    public var frameMasks: [[Float]] = []
    /// Time-aligned tasks only: the frames' rate.
    public var frameRate: Int?

    public init(task: TaskSpec) { self.task = task }

    /// Adds a batch of logits and its targets/masks.
    public mutating func append(logits: Tensor, target: Tensor, mask: Tensor) throws {
        let probabilities = try task.kind.predictions(fromLogits: logits)
        if task.kind.isTimeAligned {
            // (batch, frames, classes) with a (batch, frames) mask: one example per row.
            let b = try logits.size(0), frames = try logits.size(1), n = try logits.size(2)
            let p = try probabilities.toArray(Float.self), t = try target.toArray(Float.self), m = try mask.toArray(Float.self)
            for i in 0..<b {
                let rows = Array(m[(i * frames)..<((i + 1) * frames)])
                outputs.append(Array(p[(i * frames * n)..<((i + 1) * frames * n)]))
                targets.append(rows.contains { $0 > 0 } ? Array(t[(i * frames * n)..<((i + 1) * frames * n)]) : nil)
                frameMasks.append(rows)
            }
            return
        }
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
