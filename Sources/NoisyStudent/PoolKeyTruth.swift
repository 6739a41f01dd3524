import Catalog
import Foundation
import Models
import MusicTasks
import Training

/// The true keys of pool tracks, kept outside the catalog (the demo builder's
/// `pool_truth.csv`: a header with at least `path` and `key`; paths relative to the file's
/// folder; an empty key where a work has none). Only the pipeline's measurement of its
/// pseudo-labels reads it — no stage trains on it.
public struct PoolKeyTruth: Sendable, Equatable {
    /// Absolute, standardised path → true key.
    public var keys: [String: MusicalKey]

    public init(keys: [String: MusicalKey]) { self.keys = keys }

    /// Reads the file; a row whose key does not parse is an error naming the file and line.
    public static func load(path: String) throws -> PoolKeyTruth {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError.invalidConfig(key: "splits.pool_truth", reason: "\(path) does not exist (tools/make_demo_dataset.sh writes it; leave the key out to skip the measurement)")
        }
        let records = try DelimitedText.read(path: path, delimiter: ",")
        guard let header = records.first?.fields,
              let pathColumn = header.firstIndex(of: "path"), let keyColumn = header.firstIndex(of: "key") else {
            throw PipelineError.invalidConfig(key: "splits.pool_truth", reason: "\(path): needs a header with path and key columns")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        var keys: [String: MusicalKey] = [:]
        for record in records.dropFirst() where record.fields.count > Swift.max(pathColumn, keyColumn) {
            let text = record.fields[keyColumn].trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            let key: MusicalKey
            do { key = try MusicalKey(parsing: text, bareTonicMode: nil) } catch {
                throw PipelineError.invalidConfig(key: "splits.pool_truth", reason: "\(path):\(record.line): key \"\(text)\": \(error)")
            }
            let file = record.fields[pathColumn]
            let url = file.hasPrefix("/") ? URL(fileURLWithPath: file) : base.appendingPathComponent(file)
            keys[url.standardizedFileURL.path] = key
        }
        return PoolKeyTruth(keys: keys)
    }

    /// The key task's accuracy and MIREX weighted score of `groups`' labels (tracks or
    /// segments) against the true keys of their tracks, with the number of labels compared;
    /// nil when no label has a true key.
    public func measure(_ groups: [PseudoLabelSelection.Group], paths: [Int64: String], task: TaskSpec) throws
        -> (metrics: [String: Double], compared: Int)? {
        try measure(groups.compactMap { group in
            guard let label = group.labels[task.name], let path = paths[group.trackId] else { return nil }
            return (path, label.probabilities)
        }, task: task)
    }

    /// The same for the examples a student learns from (the selected pseudo-labels, after the
    /// thresholds and the consistency check): each (track, segment) once, however often
    /// balancing repeats it; examples without a key target are not counted.
    public func measure(selected examples: [LabeledTrack], task: TaskSpec) throws -> (metrics: [String: Double], compared: Int)? {
        var seen = Set<String>()
        var labels: [(path: String, probabilities: [Float])] = []
        for example in examples {
            let probabilities: [Float]
            switch example.targets[task.name] {
            case let .probabilities(p)?: probabilities = p
            case let .classIndex(i)? where task.classes.indices.contains(i):
                var p = [Float](repeating: 0, count: task.classes.count)
                p[i] = 1
                probabilities = p
            default: continue
            }
            guard seen.insert("\(example.id)@\(example.segment?.start ?? -1)").inserted else { continue }
            labels.append((example.path, probabilities))
        }
        return try measure(labels, task: task)
    }

    func measure(_ labels: [(path: String, probabilities: [Float])], task: TaskSpec) throws -> (metrics: [String: Double], compared: Int)? {
        let classes = task.classes.map { try? MusicalKey(parsing: $0, bareTonicMode: nil) }
        var predictions = TaskPredictions(task: task)
        var compared = 0
        for (path, probabilities) in labels {
            guard let truth = keys[URL(fileURLWithPath: path).standardizedFileURL.path],
                  let index = classes.firstIndex(where: { $0 == truth }) else { continue }
            var target = [Float](repeating: 0, count: task.classes.count)
            target[index] = 1
            predictions.append(output: probabilities, target: target)
            compared += 1
        }
        guard compared > 0 else { return nil }
        return (try TaskMetrics.compute(predictions), compared)
    }
}
