import Catalog
import Foundation
import MusicTasks
import Training

/// What the frame-level pseudo-labels of one pool track teach a student, per time-aligned task:
/// the teacher's posteriors (frames below the confidence floor masked), or their decoding.
public struct FramePseudoTargets: Sendable, Equatable {
    public var posteriors: [String: SoftFrameTargets] = [:]
    public var decoded: [String: LabelValue] = [:]
    /// Mean frame confidence over this track's tasks (what a frame-only example is ranked by).
    public var confidence: Double = 0

    public var isEmpty: Bool { posteriors.isEmpty && decoded.isEmpty }

    /// Per task, over the tracks loaded: frames, frames kept and the sum of kept confidence.
    public struct Statistics: Sendable, Equatable, Codable {
        public var tracks = 0
        public var frames = 0
        public var keptFrames = 0
        public var meanConfidence = 0.0

        public init() {}

        /// Frames selection kept, as a fraction of all.
        public var keptFraction: Double { frames > 0 ? Double(keptFrames) / Double(frames) : 0 }
    }

    /// Loads the frame files that `labels` name (each file once) and turns them into targets as
    /// `options` says (``PseudoLabelOptions/frameTargets``, ``PseudoLabelOptions/frameConfidenceThreshold``).
    /// Tasks that `options.tasks` leaves out are skipped.
    public static func load(_ labels: [FrameLabel], tasks: [TaskSpec], options: PseudoLabelOptions) throws
        -> (targets: [Int64: FramePseudoTargets], statistics: [String: Statistics]) {
        let specs = Dictionary(uniqueKeysWithValues: tasks.map { ($0.name, $0) })
        var targets: [Int64: FramePseudoTargets] = [:]
        var statistics: [String: Statistics] = [:]
        var confidences: [Int64: [Double]] = [:]
        for label in labels {
            guard let task = specs[label.task], task.kind.isTimeAligned,
                  options.uses(task: task.name, confidence: label.confidence) else { continue }
            let classes = task.classes.count
            let (values, rate) = try FrameLabelFile.read(path: label.path, task: task.name, classes: classes)
            var entry = targets[label.trackId] ?? FramePseudoTargets()
            var stats = statistics[task.name] ?? Statistics()
            let frames = values.count / classes
            switch options.frameTargets {
            case .posteriors:
                var kept = [Bool](repeating: true, count: frames)
                var keptConfidence = 0.0
                for f in 0..<frames {
                    let confidence = task.kind.confidence(of: Array(values[f * classes..<(f + 1) * classes]))
                    kept[f] = confidence >= options.frameConfidenceThreshold
                    if kept[f] { keptConfidence += confidence }
                }
                let source = "\(label.path)#\(task.name)"
                let posteriors: FramePosteriors
                do { posteriors = try FramePosteriors(values: values, classCount: classes) } catch {
                    throw PipelineError.frameLabelFile(path: label.path, reason: "\(error)")
                }
                let soft = try SoftFrameTargets(frameRate: rate, posteriors: posteriors, kept: kept, source: source)
                entry.posteriors[task.name] = soft
                let keptFrames = kept.lazy.filter { $0 }.count
                stats.meanConfidence = (stats.meanConfidence * Double(stats.keptFrames) + keptConfidence)
                    / Double(Swift.max(1, stats.keptFrames + keptFrames))
                stats.keptFrames += keptFrames
            case .decoded:
                guard rate == rate.rounded(), rate >= 1 else {
                    throw PipelineError.frameLabelFile(path: label.path, reason: "frame rate \(rate) is not a whole number of frames per second")
                }
                entry.decoded[task.name] = try TimeAlignedDecoding.decode(values, task: task, frameRate: Int(rate))
                stats.meanConfidence = (stats.meanConfidence * Double(stats.keptFrames) + label.confidence * Double(frames))
                    / Double(Swift.max(1, stats.keptFrames + frames))
                stats.keptFrames += frames
            }
            stats.tracks += 1
            stats.frames += frames
            statistics[task.name] = stats
            confidences[label.trackId, default: []].append(label.confidence)
            targets[label.trackId] = entry
        }
        for (id, values) in confidences { targets[id]?.confidence = values.reduce(0, +) / Double(values.count) }
        return (targets, statistics)
    }
}
