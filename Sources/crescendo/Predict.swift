import ArgumentParser
import Foundation
import Models
import MusicTasks
import Torch
import Training

/// Runs a trained model on new audio files, whole tracks.
struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict tags, classes (e.g. key), values, beats and chords for audio files with a trained model.")

    @Option(name: .long, help: "A run directory (its best checkpoint is used) or a checkpoint file.")
    var model: String

    @Argument(help: "Audio files (wav, flac, ogg, opus, mp3).")
    var files: [String]

    @Option(help: "Output format: table, json (one object per line) or csv.")
    var format: PredictionFormatter.Format = .table

    @Option(help: "Tags shown per multi-label task.")
    var top = 5

    @Option(help: "Chunk hop as a fraction of the model's input length (1: no overlap; default: the run's, else 1).")
    var hop: Double?

    @Option(help: "How the chunks' outputs become the track's: mean, max (a tag holds if it holds anywhere) or log_mean (normalised geometric mean for multi-class tasks); default: the run's, else mean.")
    var aggregation: ChunkAggregation?

    @Flag(help: "Run a copy of the model prepared for inference (batch norms folded, oneDNN layout): faster, equal within 1e-4.")
    var optimize = false

    @Option(help: "Intra-op threads.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Also write each file's decoded beats (NAME.<task>.beats) and chords (NAME.<task>.lab) into this folder.")
    var annotations: String?

    @OptionGroup var placement: DeviceOption

    func run() async throws {
        try TensorMemory.enableCaching()
        Runtime.threads = threads
        let device = try placement.resolve()
        let checkpoint = try RunLocation.checkpoint(model)
        let contents = try Checkpoint.load(from: checkpoint)
        let network = try contents.model(device: device)
        // A run directory (a pipeline stage) predicts as it was evaluated; a bare checkpoint by the defaults.
        let options = FullTrackOptions.resolved(recorded: try FullTrackOptions.recorded(at: model), hop: hop, aggregation: aggregation)
        let predictor = try FullTrackPredictor(model: network, options: options,
                                               optimizations: optimize ? .standard : nil)
        let formatter = PredictionFormatter(format: format, tasks: contents.description.tasks, top: top)
        var failures = 0
        if let header = formatter.header { print(header) }
        try await predictor.predict(paths: files) { index, outcome in
            let file = files[index]
            do {
                let prediction = try outcome.get()
                print(try formatter.text(file: file, prediction))
                if let annotations { try writeAnnotations(prediction, file: file, tasks: contents.description.tasks, to: annotations) }
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

extension Predict {
    /// One beat or `.lab` file per time-aligned task, written atomically.
    func writeAnnotations(_ prediction: TrackPrediction, file: String, tasks: [TaskSpec], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        for task in tasks where task.kind.isTimeAligned {
            guard let value = try PredictionFormatter.decoded(prediction, task),
                  let text = PredictionFormatter.annotationText(value) else { continue }
            let suffix = task.kind == .events ? "beats" : "lab"
            let path = (folder as NSString).appendingPathComponent("\(stem).\(task.name).\(suffix)")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }
}

extension PredictionFormatter.Format: ExpressibleByArgument {}
