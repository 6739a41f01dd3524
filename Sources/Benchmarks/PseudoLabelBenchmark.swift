import Audio
import Catalog
import Foundation
import Models
import MusicTasks
import NoisyStudent
import Torch
import Training

/// `crescendo bench pseudo-label`: pseudo-labelling throughput end to end (decode included)
/// against the model alone, in hours of audio labelled per hour.
public struct PseudoLabelBenchmark {
    /// The catalog with the pool.
    public var catalog: String
    /// Task names (heads of the benchmarked models).
    public var tasks: [String]
    /// The pool split.
    public var split: String
    public var presets: [String]
    /// Pool tracks to label, in pool order.
    public var tracks: Int
    /// Measured pairs (end to end, then model only, alternating which goes first).
    public var repeats: Int
    /// Chunks per forward pass.
    public var batch: Int
    /// Label with a copy of the model prepared for inference.
    public var optimize: Bool
    public var threads: Int

    public init(catalog: String, tasks: [String], split: String, presets: [String], tracks: Int, repeats: Int,
                batch: Int, optimize: Bool, threads: Int) {
        self.catalog = catalog
        self.tasks = tasks
        self.split = split
        self.presets = presets
        self.tracks = tracks
        self.repeats = repeats
        self.batch = batch
        self.optimize = optimize
        self.threads = threads
    }

    /// Keeps no labels: the benchmark measures labelling, not the database.
    struct DiscardingStore: PseudoLabelStore {
        func labeledTrackIDs(run: Int64, tasks: [TaskSpec]) throws -> Set<Int64> { [] }
        func store(_ labels: [PseudoLabel], frames: [FrameLabel], failures: [PseudoLabelFailure], run: Int64,
                   tasks: [TaskSpec]) throws {}
    }

    public func run(output: BenchmarkOutput) async throws {
        Runtime.threads = threads
        // As `pseudo-label` and `pipeline` run.
        try TensorMemory.enableCaching()
        let data = try CatalogData(path: catalog)
        let specs = try data.tasks(named: tasks)
        let pool = try data.labeledTracks(split: split, tasks: [], includeUnlabeled: true).prefix(tracks)
            .map { PoolTrack(id: $0.id, path: $0.path, duration: $0.duration) }
        guard !pool.isEmpty else { throw BenchmarkError.noTracks(split: split) }
        for name in presets {
            let model = try ModelPreset(parsing: name).build(tasks: specs, generator: Generator(seed: 0))
            let options = FullTrackOptions(batchSize: batch)
            let optimizations: InferenceOptimizations? = optimize ? .standard : nil
            let labeler = try PseudoLabeler(teacher: model, options: options, optimizations: optimizations)
            // Warm-up (oneDNN primitives, allocator), unmeasured: otherwise the first measurement
            // pays for it and the second does not.
            _ = try labeler.predictor.predict(samples: [Float](repeating: 0, count: model.clipSamples * batch))
            let decoded = try pool.map { try loadMono($0.path, targetRate: model.sampleRate).samples }
            // End to end: decoding ahead + resampling + chunking + model, as the pipeline runs it.
            func endToEnd() async throws -> (rate: Double, hours: Double) {
                let report = try await labeler.label(pool: Array(pool), run: 0, store: DiscardingStore())
                return (report.audioSeconds / report.wallSeconds, report.audioSeconds / 3600)
            }
            // Model only: the same audio decoded beforehand, then chunked and run.
            func modelOnly() throws -> Double {
                let start = DispatchTime.now().uptimeNanoseconds
                var seconds = 0.0
                for samples in decoded { seconds += try labeler.predictor.predict(samples: samples).duration }
                return seconds / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            // Pairs close in time share the machine's state (a shared machine drifts); the
            // median of their ratios is what is compared.
            var endToEndRates: [Double] = [], modelOnlyRates: [Double] = [], ratios: [Double] = []
            var audioHours = 0.0
            for pair in 0..<Swift.max(1, repeats) {
                var pairRates: (Double, Double)
                if pair % 2 == 0 {
                    let e = try await endToEnd()
                    audioHours = e.hours
                    pairRates = (e.rate, try modelOnly())
                } else {
                    let m = try modelOnly()
                    let e = try await endToEnd()
                    pairRates = (e.rate, m)
                }
                endToEndRates.append(pairRates.0)
                modelOnlyRates.append(pairRates.1)
                ratios.append(pairRates.0 / pairRates.1)
            }
            let endToEnd = BenchTiming.median(endToEndRates), modelOnly = BenchTiming.median(modelOnlyRates)
            let ratio = BenchTiming.median(ratios)
            output.emit(["name": "pseudo_label_hours_per_hour", "preset": name, "value": round1(endToEnd), "tracks": pool.count,
                         "audio_hours": round3(audioHours), "threads": threads, "batch": batch, "optimized": optimize,
                         "runs": endToEndRates.map(round1)])
            output.emit(["name": "model_only_hours_per_hour", "preset": name, "value": round1(modelOnly),
                         "runs": modelOnlyRates.map(round1)])
            output.emit(["name": "pseudo_label_vs_model_only", "preset": name, "value": round3(ratio), "runs": ratios.map(round3),
                         "meaning": "median over pairs of end-to-end ÷ model-only throughput (goal ≥ 0.8: decoding hidden behind the model)"])
        }
    }
}
