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
            guard let out = p.values[task.name] ?? (task.kind.isTimeAligned ? [] : nil) else { continue }
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
                lines.append("  \(task.name): " + Self.summary(try? Self.decoded(p, task)))
            }
        }
        return lines.joined(separator: "\n")
    }

    func json(_ file: String, _ p: TrackPrediction) throws -> String {
        var object: [String: Any] = ["file": file, "duration": p.duration, "chunks": p.chunks.count]
        for task in tasks {
            guard let out = p.values[task.name] ?? (task.kind.isTimeAligned ? [] : nil) else { continue }
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
                switch try Self.decoded(p, task) {
                case .events(let events)?:
                    object[task.name] = events.map { event -> [String: Any] in
                        var entry: [String: Any] = ["time": event.time]
                        if let position = event.position { entry["position"] = position }
                        return entry
                    }
                case .segments(let segments)?:
                    object[task.name] = segments.map { ["start": $0.start, "end": $0.end, "label": $0.label] as [String: Any] }
                default: break
                }
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

    /// A time-aligned task's decoded label (``TimeAlignedDecoding``), nil when the prediction has
    /// no frames for it.
    public static func decoded(_ p: TrackPrediction, _ task: TaskSpec) throws -> LabelValue? {
        guard let frames = p.frames?[task.name], let rate = p.frameRate else { return nil }
        return try TimeAlignedDecoding.decode(frames, task: task, frameRate: rate)
    }

    /// `123 beats (31 downbeats), about 96 bpm` or `42 chords: C:maj 0.0–2.1, …`.
    static func summary(_ value: LabelValue?) -> String {
        switch value {
        case .events(let events)?:
            let downbeats = events.filter(\.isDownbeat).count
            let gaps = zip(events.dropFirst(), events).map { $0.time - $1.time }.sorted()
            let tempo = gaps.isEmpty ? "" : String(format: ", about %.0f bpm", 60 / gaps[gaps.count / 2])
            return "\(events.count) beats (\(downbeats) downbeats)" + tempo
        case .segments(let segments)?:
            let first = segments.prefix(4).map { String(format: "%@ %.1f–%.1f", $0.label, $0.start, $0.end) }
            return "\(segments.count) chords: " + first.joined(separator: ", ") + (segments.count > 4 ? ", …" : "")
        default:
            return "no frames"
        }
    }

    /// The annotation file of a decoded label: a beat file (`TIME\tPOSITION`) or a `.lab` file
    /// (`START\tEND\tLABEL`), the formats the importers read.
    public static func annotationText(_ value: LabelValue) -> String? {
        switch value {
        case .events(let events):
            return events.map { e in String(format: "%.3f", e.time) + (e.position.map { "\t\($0)" } ?? "") + "\n" }.joined()
        case .segments(let segments):
            return segments.map { String(format: "%.3f\t%.3f\t", $0.start, $0.end) + $0.label + "\n" }.joined()
        default:
            return nil
        }
    }
}
