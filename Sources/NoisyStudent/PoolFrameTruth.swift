import Catalog
import Foundation
import MusicTasks
import Training

/// The true beats and chords of pool tracks, kept outside the catalog (the demo builder's
/// `pool_frame_truth.csv`: a header with `path` and one column per time-aligned task naming
/// the track's annotation file — `.beats` or `.lab` —, paths relative to the file's folder).
/// Only the pipeline's measurement of its frame pseudo-labels reads it; no stage trains on it.
public struct PoolFrameTruth: Sendable {
    /// Per task: absolute, standardised track path → annotation file.
    public var annotations: [String: [String: String]]

    /// Reads the file; a missing file is a configuration error naming it.
    public static func load(path: String, tasks: [TaskSpec]) throws -> PoolFrameTruth {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError.invalidConfig(key: "splits.pool_frame_truth", reason: "\(path) does not exist (tools/make_demo_dataset.sh writes it; leave the key out to skip the measurement)")
        }
        let records = try DelimitedText.read(path: path, delimiter: ",")
        guard let header = records.first?.fields, let pathColumn = header.firstIndex(of: "path") else {
            throw PipelineError.invalidConfig(key: "splits.pool_frame_truth", reason: "\(path): needs a header with a path column")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ file: String) -> String {
            (file.hasPrefix("/") ? URL(fileURLWithPath: file) : base.appendingPathComponent(file)).standardizedFileURL.path
        }
        var annotations: [String: [String: String]] = [:]
        for task in tasks where task.kind.isTimeAligned {
            guard let column = header.firstIndex(of: task.name) else { continue }
            for record in records.dropFirst() where record.fields.count > Swift.max(pathColumn, column) {
                let file = record.fields[column].trimmingCharacters(in: .whitespaces)
                guard !file.isEmpty else { continue }
                annotations[task.name, default: [:]][resolve(record.fields[pathColumn])] = resolve(file)
            }
        }
        return PoolFrameTruth(annotations: annotations)
    }

    /// The decoded frame pseudo-labels of `labels` scored against the true annotations of their
    /// tracks (as the test metrics score a model: beat F-measure, CMLt, AMLt, downbeat F;
    /// chord root, majmin, mirex), per task with the number of tracks compared. An annotation
    /// that cannot be read is an error naming it.
    public func measure(_ labels: [FrameLabel], paths: [Int64: String], tasks: [TaskSpec]) throws
        -> [String: (metrics: [String: Double], compared: Int)] {
        var result: [String: (metrics: [String: Double], compared: Int)] = [:]
        for task in tasks where task.kind.isTimeAligned {
            guard let truth = annotations[task.name] else { continue }
            var scores = TimeAlignedScores(task: task)
            var compared = 0
            for label in labels where label.task == task.name {
                guard let path = paths[label.trackId],
                      let file = truth[URL(fileURLWithPath: path).standardizedFileURL.path] else { continue }
                let reference: LabelValue
                do {
                    let text = try String(contentsOfFile: file, encoding: .utf8)
                    reference = task.kind == .events ? .events(try AnnotationText.beats(text))
                        : .segments(try AnnotationText.labeledIntervals(text))
                } catch {
                    throw PipelineError.invalidConfig(key: "splits.pool_frame_truth", reason: "\(file): \(error)")
                }
                let (values, rate) = try FrameLabelFile.read(path: label.path, task: task.name, classes: task.classes.count)
                try scores.add(frames: values, frameRate: Int(rate.rounded()), reference: reference)
                compared += 1
            }
            if compared > 0 { result[task.name] = (scores.metrics, compared) }
        }
        return result
    }
}
