import Foundation
import Models
import MusicTasks
import Torch

/// Evaluates a model on labeled tracks with deterministic centre crops of its input length.
public struct Evaluator: Sendable {
    public var tasks: [TaskSpec]
    public var batchSize: Int
    public var prefetchBatches: Int

    public init(tasks: [TaskSpec], batchSize: Int = 16, prefetchBatches: Int = 4) {
        self.tasks = tasks
        self.batchSize = batchSize
        self.prefetchBatches = prefetchBatches
    }

    /// Metrics per task (`TaskMetrics`) and, with a loss, the mean loss under "loss".
    public func evaluate(_ model: any AudioModel, tracks: [LabeledTrack], loss: MultiTaskLoss? = nil) async throws -> [String: Double] {
        let predictions = try await predict(model, tracks: tracks, loss: loss)
        var metrics: [String: Double] = [:]
        for p in predictions.tasks { metrics.merge(try TaskMetrics.compute(p)) { $1 } }
        if let l = predictions.meanLoss { metrics["loss"] = l }
        return metrics
    }

    /// Per-task predictions for every track, in track order. Batches run on the model's device;
    /// outputs come back to the CPU for the metrics.
    public func predict(_ model: any AudioModel, tracks: [LabeledTrack], loss: MultiTaskLoss? = nil) async throws
        -> (tasks: [TaskPredictions], meanLoss: Double?) {
        let device = model.device
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        let loader = try ClipLoader(tracks: tracks, tasks: tasks, config: ClipLoaderConfig(
            batchSize: batchSize, clipSamples: model.clipSamples, sampleRate: model.sampleRate, shuffle: false,
            crop: .center, dropLast: false, prefetchBatches: prefetchBatches, frameRate: model.frameRate))
        var accumulated = tasks.map { task -> TaskPredictions in
            var predictions = TaskPredictions(task: task)
            if task.kind.isTimeAligned { predictions.frameRate = model.frameRate }
            return predictions
        }
        var lossSum = 0.0, batches = 0
        for try await loaded in loader.batches(epoch: 0) {
            let batch = try loaded.moved(to: device)
            try withNoGrad {
                let logits = try model(batch.waveforms)
                for i in accumulated.indices {
                    let name = accumulated[i].task.name
                    guard let l = logits[name], let t = batch.targets[name], let m = batch.masks[name] else { continue }
                    try accumulated[i].append(logits: l, target: t, mask: m)
                }
                if let loss {
                    lossSum += try loss(logits, batch).total.item()
                    batches += 1
                }
            }
        }
        return (accumulated, batches > 0 ? lossSum / Double(batches) : nil)
    }
}
