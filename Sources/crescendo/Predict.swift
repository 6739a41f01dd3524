import ArgumentParser
import Foundation
import Models
import MusicTasks
import Torch
import Training

/// Runs a trained model on new audio files, whole tracks.
struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict tags, classes (e.g. key) and values for audio files with a trained model.")

    @Option(name: .long, help: "A run directory (its best checkpoint is used) or a checkpoint file.")
    var model: String

    @Argument(help: "Audio files (wav, flac, ogg, opus, mp3).")
    var files: [String]

    @Option(help: "Output format: table, json (one object per line) or csv.")
    var format: OutputFormat = .table

    @Option(help: "Tags shown per multi-label task.")
    var top = 5

    @Option(help: "Chunk hop as a fraction of the model's input length (1: no overlap).")
    var hop = 1.0

    @Flag(help: "Run a copy of the model prepared for inference (batch norms folded, oneDNN layout): faster, equal within 1e-4.")
    var optimize = false

    @Option(help: "Intra-op threads.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    func run() async throws {
        try TensorMemory.enableCaching()
        Runtime.threads = threads
        let checkpoint = try RunLocation.checkpoint(model)
        let contents = try Checkpoint.load(from: checkpoint)
        let network = try contents.model()
        let predictor = try FullTrackPredictor(model: network, options: FullTrackOptions(hopFraction: hop),
                                               optimizations: optimize ? .standard : nil)
        let tasks = contents.description.tasks
        var failures = 0
        if format == .csv { print(csvHeader(tasks)) }
        try await predictor.predict(paths: files) { index, outcome in
            let file = files[index]
            do {
                let p = try outcome.get()
                switch format {
                case .table: print(table(file, p, tasks))
                case .json: print(try json(file, p, tasks))
                case .csv: print(csvRow(file, p, tasks))
                }
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    func ranked(_ probabilities: [Float], _ classes: [String]) -> [(String, Float)] {
        zip(classes, probabilities).sorted { $0.1 > $1.1 }.map { ($0.0, $0.1) }
    }

    func table(_ file: String, _ p: TrackPrediction, _ tasks: [TaskSpec]) -> String {
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
            }
        }
        return lines.joined(separator: "\n")
    }

    func json(_ file: String, _ p: TrackPrediction, _ tasks: [TaskSpec]) throws -> String {
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
            }
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    func csvHeader(_ tasks: [TaskSpec]) -> String {
        (["file"] + tasks.flatMap { task -> [String] in
            switch task.kind {
            case .multiClass: return ["\(task.name)", "\(task.name)_probability"]
            case .multiLabel, .regression: return (task.classes.isEmpty ? ["value"] : task.classes).map { "\(task.name):\($0)" }
            }
        }).joined(separator: ",")
    }

    func csvRow(_ file: String, _ p: TrackPrediction, _ tasks: [TaskSpec]) -> String {
        var fields = [CSV.escape(file)]
        for task in tasks {
            let out = p.values[task.name] ?? []
            switch task.kind {
            case .multiClass:
                let best = ranked(out, task.classes).first
                fields += [CSV.escape(best?.0 ?? ""), best.map { String(format: "%.4f", $0.1) } ?? ""]
            case .multiLabel, .regression:
                fields += out.map { String(format: "%.4f", $0) }
            }
        }
        return fields.joined(separator: ",")
    }
}

/// Finds checkpoints given a run directory or a file.
enum RunLocation {
    static func checkpoint(_ location: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory) else {
            throw ValidationError("\(location): no such run directory or checkpoint")
        }
        guard isDirectory.boolValue else { return URL(fileURLWithPath: location) }
        for candidate in ["checkpoints/best.safetensors", "checkpoints/latest.safetensors"] {
            let url = URL(fileURLWithPath: location).appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw ValidationError("\(location): the run has no checkpoint (checkpoints/best.safetensors)")
    }
}

/// RFC 4180 quoting for CSV fields.
enum CSV {
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
