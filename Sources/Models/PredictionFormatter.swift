import Foundation
import MusicTasks

/// Whole-track predictions as text: a table for people, one JSON object per line, or CSV rows
/// under a header (`crescendo predict --format`).
public struct PredictionFormatter {
    public enum Format: String, CaseIterable, Sendable { case table, json, csv }

    public var format: Format
    /// The model's tasks, in the order the columns and lines show them.
    public var tasks: [TaskSpec]
    /// Tags shown per multi-label task in the table.
    public var top: Int

    public init(format: Format, tasks: [TaskSpec], top: Int) {
        self.format = format
        self.tasks = tasks
        self.top = top
    }

    /// What precedes the first prediction: the CSV header, nothing for the other formats.
    public var header: String? { format == .csv ? csvHeader : nil }

    /// One file's prediction in the format (several lines for the table).
    public func text(file: String, _ p: TrackPrediction) throws -> String {
        switch format {
        case .table: return table(file, p)
        case .json: return try json(file, p)
        case .csv: return csvRow(file, p)
        }
    }

    func ranked(_ probabilities: [Float], _ classes: [String]) -> [(String, Float)] {
        zip(classes, probabilities).sorted { $0.1 > $1.1 }.map { ($0.0, $0.1) }
    }

    func table(_ file: String, _ p: TrackPrediction) -> String {
        var lines = ["\(file)  (\(String(format: "%.1f", p.duration)) s, \(p.chunks.count) chunks)"]
        for task in tasks {
            guard let out = p.values[task.name] else { continue }
            switch task.kind {
            case .multiClass:
                let best = ranked(out, task.classes).prefix(3).map { "\($0.0) \(String(format: "%.2f", $0.1))" }
                lines.append("  \(task.name): " + best.joined(separator: ", "))
            case .multiLabel:
                let best = ranked(out, task.classes).prefix(top).map { "\($0.0) \(String(format: "%.2f", $0.1))" }
                lines.append("  \(task.name): " + best.joined(separator: ", "))
            case .regression:
                lines.append("  \(task.name): " + out.map { String(format: "%.4f", $0) }.joined(separator: ", "))
            case .events, .segments:
                // No model predicts them yet (the heads refuse time-aligned tasks); said, not hidden.
                lines.append("  \(task.name): time-aligned output is not written yet")
            }
        }
        return lines.joined(separator: "\n")
    }

    func json(_ file: String, _ p: TrackPrediction) throws -> String {
        var object: [String: Any] = ["file": file, "duration": p.duration, "chunks": p.chunks.count]
        for task in tasks {
            guard let out = p.values[task.name] else { continue }
            switch task.kind {
            case .multiClass:
                let best = ranked(out, task.classes)[0]
                object[task.name] = ["label": best.0, "probability": Double(best.1),
                                     "probabilities": Dictionary(uniqueKeysWithValues: zip(task.classes, out.map(Double.init)))]
            case .multiLabel:
                object[task.name] = Dictionary(uniqueKeysWithValues: zip(task.classes, out.map(Double.init)))
            case .regression:
                object[task.name] = out.map(Double.init)
            case .events, .segments:
                object[task.name] = ["error": "time-aligned output is not written yet"]
            }
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    var csvHeader: String {
        (["file"] + tasks.flatMap { task -> [String] in
            switch task.kind {
            case .multiClass: return ["\(task.name)", "\(task.name)_probability"]
            case .multiLabel, .regression: return (task.classes.isEmpty ? ["value"] : task.classes).map { "\(task.name):\($0)" }
            case .events, .segments: return []
            }
        }).joined(separator: ",")
    }

    func csvRow(_ file: String, _ p: TrackPrediction) -> String {
        var fields = [CSVField.escape(file)]
        for task in tasks {
            let out = p.values[task.name] ?? []
            switch task.kind {
            case .multiClass:
                let best = ranked(out, task.classes).first
                fields += [CSVField.escape(best?.0 ?? ""), best.map { String(format: "%.4f", $0.1) } ?? ""]
            case .multiLabel, .regression:
                fields += out.map { String(format: "%.4f", $0) }
            case .events, .segments:
                break
            }
        }
        return fields.joined(separator: ",")
    }
}
