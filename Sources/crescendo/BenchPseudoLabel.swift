import ArgumentParser
import Audio
import Foundation
import Models
import NoisyStudent
import Torch
import Training

/// Pseudo-labelling throughput end to end (decode included) against the model alone.
struct BenchPseudoLabel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pseudo-label",
        abstract: "Hours of audio labelled per hour, decode included, and its ratio to model-only inference (JSON lines).")

    @Option(help: "Catalog with the pool.")
    var catalog: String

    @Option(help: "Comma-separated task names (heads of the benchmarked models).")
    var tasks: String

    @Option(help: "The pool split.")
    var split = "unlabeled"

    @Option(parsing: .upToNextOption, help: "Model presets.")
    var preset: [String] = ["resnet-s", "resnet-m"]

    @Option(help: "Pool tracks to label (the longest first are not preferred: pool order).")
    var tracks = 3

    @Option(help: "Chunks per forward pass.")
    var batch = 8

    @Flag(help: "Label with a copy of the model prepared for inference (batch norms folded, oneDNN layout).")
    var optimize = false

    @Option(help: "Intra-op threads.")
    var threads = 2

    /// Keeps labels in memory: the benchmark measures labelling, not the database.
    final class DiscardingStore: PseudoLabelStore, @unchecked Sendable {
        func labeledTrackIDs(run: Int64) throws -> Set<Int64> { [] }
        func store(_ labels: [PseudoLabel], run: Int64, tasks: [TaskSpec]) throws {}
    }

    func run() async throws {
        Runtime.threads = threads
        // As `pseudo-label` and `pipeline` run.
        try TensorMemory.enableCaching()
        let data = try CatalogData(path: catalog)
        let specs = try data.tasks(named: tasks.split(separator: ",").map(String.init))
        let pool = try data.labeledTracks(split: split, tasks: [], includeUnlabeled: true).prefix(tracks)
            .map { PoolTrack(id: $0.id, path: $0.path, duration: $0.duration) }
        guard !pool.isEmpty else { throw ValidationError("split \(split) has no tracks") }
        for name in preset {
            let model = try ModelPreset(parsing: name).build(tasks: specs, generator: Generator(seed: 0))
            let options = FullTrackOptions(batchSize: batch)
            // Warm-up (oneDNN primitives, allocator), unmeasured: otherwise the first measurement
            // pays for it and the second does not.
            let warmUp = try FullTrackPredictor(model: model, options: options, optimizations: optimize ? .standard : nil)
            _ = try warmUp.predict(samples: [Float](repeating: 0, count: model.clipSamples * batch))
            // End to end: streaming decode + resample + chunking + model, as the pipeline runs it.
            let optimizations: InferenceOptimizations? = optimize ? .standard : nil
            let labeler = try PseudoLabeler(teacher: model, options: options, optimizations: optimizations)
            let report = try await labeler.label(pool: Array(pool), run: 0, store: DiscardingStore())
            let endToEnd = report.audioSeconds / report.wallSeconds
            // Model only: the same audio decoded beforehand, then chunked and run.
            let decoded = try pool.map { try loadMono($0.path, targetRate: model.sampleRate).samples }
            let predictor = try FullTrackPredictor(model: model, options: options, optimizations: optimizations)
            let start = DispatchTime.now().uptimeNanoseconds
            var seconds = 0.0
            for samples in decoded { seconds += try predictor.predict(samples: samples).duration }
            let modelOnly = seconds / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            emit(["name": "pseudo_label_hours_per_hour", "preset": name, "value": round1(endToEnd), "tracks": pool.count,
                  "audio_hours": round3(report.audioSeconds / 3600), "threads": threads, "batch": batch, "optimized": optimize])
            emit(["name": "model_only_hours_per_hour", "preset": name, "value": round1(modelOnly)])
            emit(["name": "pseudo_label_vs_model_only", "preset": name, "value": round3(endToEnd / modelOnly),
                  "meaning": "end-to-end ÷ model-only throughput (goal ≥ 0.8: decoding hidden behind the model)"])
        }
    }
}
