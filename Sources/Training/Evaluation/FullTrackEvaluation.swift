import Foundation
import Models
import MusicTasks

/// Evaluates a model on whole tracks: each track streamed through full-track inference, chunk
/// outputs aggregated, then the task metrics; time-aligned tasks decoded from the track's frames
/// and scored per track (``TimeAlignedScores``). Unreadable tracks are skipped and reported.
public struct FullTrackEvaluation: Sendable {
    public var options: FullTrackOptions

    public init(options: FullTrackOptions = FullTrackOptions()) { self.options = options }

    public struct Result: Sendable {
        public var metrics: [String: Double]
        public var predictions: [TaskPredictions]
        /// Path → error of the tracks that could not be read.
        public var failures: [String: String]
        /// Metric → path → the clip's score, for the metrics that are means over clips
        /// (``TaskMetrics/clipScores(task:output:target:)``).
        public var clipScores: [String: [String: Double]] = [:]
    }

    public func evaluate(_ model: any AudioModel, tracks: [LabeledTrack], tasks: [TaskSpec]) async throws -> Result {
        model.eval()
        let predictor = try FullTrackPredictor(model: model, options: options)
        let clipTasks = tasks.filter { !$0.kind.isTimeAligned }
        var predictions = clipTasks.map { TaskPredictions(task: $0) }
        var frameScores = tasks.filter(\.kind.isTimeAligned).map { TimeAlignedScores(task: $0) }
        var failures: [String: String] = [:]
        var clipScores: [String: [String: Double]] = [:]
        try await predictor.predict(paths: tracks.map(\.path)) { index, outcome in
            let track = tracks[index]
            let p: TrackPrediction
            switch outcome {
            case let .success(prediction): p = prediction
            case let .failure(error):
                failures[track.path] = "\(error)"
                return
            }
            for i in predictions.indices {
                let task = predictions[i].task
                guard let output = p.values[task.name] else { continue }
                let target = try track.targets[task.name]?.dense(for: task)
                predictions[i].append(output: output, target: target)
                for (metric, score) in TaskMetrics.clipScores(task: task, output: output, target: target) {
                    clipScores[metric, default: [:]][track.path] = score
                }
            }
            for i in frameScores.indices {
                let task = frameScores[i].task
                guard let frames = p.frames?[task.name], let rate = p.frameRate, let reference = track.targets[task.name]
                else { continue }
                try frameScores[i].add(frames: frames, frameRate: rate, reference: reference)
            }
        }
        var metrics: [String: Double] = [:]
        for p in predictions { metrics.merge(try TaskMetrics.compute(p)) { $1 } }
        for scores in frameScores { metrics.merge(scores.metrics) { $1 } }
        return Result(metrics: metrics, predictions: predictions, failures: failures, clipScores: clipScores)
    }
}
