import Models
import MusicTasks
import Torch

/// The sum over tasks of each task's masked loss: binary cross-entropy on logits for
/// multi-label tasks, cross-entropy with (soft) class distributions for multi-class tasks,
/// mean squared error for regression. Examples without a label for a task do not count for
/// it; per-example weights scale each example's contribution.
public struct MultiTaskLoss: Sendable {
    public var tasks: [TaskSpec]
    /// Relative weight of each task (default 1).
    public var taskWeights: [String: Double]
    public var labelSmoothing: Double

    public init(tasks: [TaskSpec], taskWeights: [String: Double] = [:], labelSmoothing: Double = 0) {
        self.tasks = tasks
        self.taskWeights = taskWeights
        self.labelSmoothing = labelSmoothing
    }

    /// Total loss and each task's loss (as Doubles, for logging).
    public func callAsFunction(_ logits: [String: Tensor], _ batch: Batch) throws -> (total: Tensor, perTask: [String: Tensor]) {
        var total: Tensor?
        var perTask: [String: Tensor] = [:]
        for task in tasks {
            guard let l = logits[task.name], let target = batch.targets[task.name], let mask = batch.masks[task.name] else {
                throw TrainingError.invalidConfig(key: "tasks", reason: "no logits or targets for task \(task.name)")
            }
            // A time-aligned mask is (batch, frames): each example's weight covers its frames.
            var exampleMask = try mask * (task.kind.isTimeAligned ? batch.weights.unsqueeze(1) : batch.weights)
            // Classes a pseudo-label leaves out (``Batch/classMasks``): a mask per (example, class).
            if let classMask = batch.classMasks[task.name] { exampleMask = try exampleMask.unsqueeze(-1) * classMask }
            let loss = try task.kind.loss(logits: l, target: target, mask: exampleMask, labelSmoothing: labelSmoothing)
            perTask[task.name] = loss
            let weighted = try loss * (taskWeights[task.name] ?? 1)
            total = try total.map { try $0 + weighted } ?? weighted
        }
        guard let total else { throw TrainingError.invalidConfig(key: "tasks", reason: "no tasks") }
        return (total, perTask)
    }
}
