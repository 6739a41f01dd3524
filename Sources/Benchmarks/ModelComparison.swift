import Foundation
import Models
import Torch

/// `crescendo bench models`: Crescendo's training and inference clips/s of model presets, one
/// JSON line per (preset, mode) in bench_reference.py's format, optionally beside the PyTorch
/// reference, either in rounds (Crescendo then Python) or step by step (paired).
public struct ModelComparison {
    public var benchmark: ModelBenchmark
    public var presets: [BenchModel]
    /// As given on the command line (train, infer, both or frontend): the reference takes it too.
    public var mode: String
    /// Also measure the matrix-multiply peak and report each measurement's FLOP utilisation.
    public var measuresUtilisation: Bool
    public var cachingAllocator: Bool
    /// bench_reference.py, run with the same arguments after each round.
    public var reference: String?
    /// tools/paired_reference.py, alternating Crescendo's and PyTorch's steps one by one.
    public var paired: String?
    /// The folder of reference_models.py (for `paired`), as an option named it.
    public var referenceDirectory: String?
    public var python: String
    public var rounds: Int

    public init(benchmark: ModelBenchmark, presets: [BenchModel], mode: String, measuresUtilisation: Bool,
                cachingAllocator: Bool, reference: String?, paired: String?, referenceDirectory: String?,
                python: String, rounds: Int) {
        self.benchmark = benchmark
        self.presets = presets
        self.mode = mode
        self.measuresUtilisation = measuresUtilisation
        self.cachingAllocator = cachingAllocator
        self.reference = reference
        self.paired = paired
        self.referenceDirectory = referenceDirectory
        self.python = python
        self.rounds = rounds
    }

    var modes: [ModelBenchmark.Mode] {
        mode == "both" ? [.train, .infer] : [ModelBenchmark.Mode(rawValue: mode) ?? .infer]
    }

    var batch: Int { benchmark.batch }
    var threads: Int { benchmark.threads }

    public func run(output: BenchmarkOutput) throws {
        // Found before anything is measured, so that a missing reference costs no time.
        let pairedDirectory = try paired.map { _ in
            try ReferenceScripts.directory(holding: "reference_models.py", option: referenceDirectory)
        }
        if cachingAllocator { try CachingAllocator.enable() }
        let engine = "crescendo-libtorch-\(Runtime.torchVersion)"
        output.emitInOrder(["engine": engine, "name": "settings", "inference": benchmark.inference.description,
                            "training_layout": benchmark.trainingLayout == .channelsLast ? "channels-last" : "contiguous",
                            "allocator": cachingAllocator ? "caching" : "default"])
        var peak: Double?
        if measuresUtilisation {
            let gflops = try EngineBenchmark(repetitions: benchmark.repetitions, threads: threads).matmulGFLOPS()
            peak = gflops
            output.emitInOrder(["engine": engine, "name": "matmul_gflops", "threads": threads, "value": round1(gflops)])
        }
        /// FLOPs and utilisation of one of Crescendo's results.
        func utilisation(_ result: ModelBenchmark.Result) throws {
            guard let peak else { return }
            let forward = try benchmark.forwardFLOPsPerClip(result.preset)
            // Training: forward + backward (input and weight gradients), 3x the forward's FLOPs.
            let perClip = Double(result.mode == .train ? 3 * forward : forward)
            let achieved = result.median * perClip / 1e9
            output.emitInOrder(["preset": result.preset.rawValue, "mode": result.mode.rawValue, "batch": batch,
                                "name": "model_flop_utilisation", "gflop_per_clip": round3(perClip / 1e9),
                                "achieved_gflops": round1(achieved), "matmul_peak_gflops": round1(peak),
                                "value": round3(achieved / peak)])
        }
        if let paired, let pairedDirectory {
            try runPaired(script: paired, referenceDirectory: pairedDirectory, engine: engine, output: output,
                          utilisation: utilisation)
            return
        }
        // Per "preset mode": each round's (median, best) clips/s of each side.
        var crescendo: [String: [(median: Double, best: Double)]] = [:]
        var pytorch: [String: [(median: Double, best: Double)]] = [:]
        for round in 1...rounds {
            for p in presets {
                for result in try benchmark.run(p, modes: modes) {
                    result.emit(engine: engine, to: output)
                    try utilisation(result)
                    crescendo["\(p.rawValue) \(result.mode.rawValue)", default: []].append((result.median, result.rates.last ?? 0))
                }
            }
            guard let reference else { continue }
            for (text, line) in try runReference(reference) {
                output.verbatim(text)
                guard let p = line["preset"] as? String, let m = line["mode"] as? String,
                      let median = (line["clips_per_s"] as? NSNumber)?.doubleValue, median > 0,
                      let best = (line["max"] as? NSNumber)?.doubleValue,
                      let ours = crescendo["\(p) \(m)"]?.last else { continue }
                pytorch["\(p) \(m)", default: []].append((median, best))
                output.emitInOrder(["preset": p, "mode": m, "batch": batch, "round": round,
                                    "name": "clips_per_s_ratio_vs_pytorch", "value": round3(ours.median / median),
                                    "best_step_ratio": round3(ours.best / best),
                                    "meaning": "crescendo / pytorch clips/s: medians, and fastest steps (>1: crescendo faster)"])
            }
        }
        guard rounds > 1, reference != nil else { return }
        for key in crescendo.keys.sorted() {
            guard let ours = crescendo[key], let theirs = pytorch[key], !theirs.isEmpty else { continue }
            let parts = key.split(separator: " ")
            let ourMedian = Self.median(ours.map(\.median)), theirMedian = Self.median(theirs.map(\.median))
            let ourBest = ours.map(\.best).max() ?? 0, theirBest = theirs.map(\.best).max() ?? 0
            output.emitInOrder(["preset": String(parts[0]), "mode": String(parts[1]), "batch": batch, "rounds": theirs.count,
                                "name": "summary_ratio_vs_pytorch",
                                "crescendo_median_clips_per_s": round3(ourMedian), "pytorch_median_clips_per_s": round3(theirMedian),
                                "value": round3(ourMedian / theirMedian),
                                "crescendo_best_clips_per_s": round3(ourBest), "pytorch_best_clips_per_s": round3(theirBest),
                                "best_step_ratio": round3(theirBest > 0 ? ourBest / theirBest : 0)])
        }
    }

    /// Crescendo's and PyTorch's steps alternating one by one, per preset and mode, with the
    /// median of the per-pair ratios.
    func runPaired(script: String, referenceDirectory: String, engine: String, output: BenchmarkOutput,
                   utilisation: (ModelBenchmark.Result) throws -> Void) throws {
        for p in presets {
            let results = try benchmark.runPaired(p, modes: modes) { mode in
                try PairedReference(python: python, script: script, referenceDirectory: referenceDirectory,
                                    preset: p.rawValue, mode: mode.rawValue, batch: batch, threads: threads,
                                    classes: benchmark.classes)
            }
            for (ours, theirs, ratios, pytorchEngine) in results {
                ours.emit(engine: engine, to: output)
                theirs.emit(engine: pytorchEngine, to: output)
                try utilisation(ours)
                let sorted = ratios.sorted()
                output.emitInOrder(["preset": p.rawValue, "mode": ours.mode.rawValue, "batch": batch, "pairs": ratios.count,
                                    "name": "paired_ratio_vs_pytorch", "value": round3(Self.median(sorted)),
                                    "min": round3(sorted.first ?? 0), "max": round3(sorted.last ?? 0),
                                    "ratio_of_medians": round3(ours.median / theirs.median),
                                    "meaning": "median over alternating step pairs of pytorch seconds / crescendo seconds (>1: crescendo faster)"])
            }
        }
    }

    /// The median; the mean of the middle two for an even count.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The reference's JSON lines, verbatim and parsed.
    func runReference(_ script: String) throws -> [(String, [String: Any])] {
        try PythonReference(python: python).runLines(script, presets.map(\.rawValue) + [
            "--mode", mode, "--batch", String(batch), "--threads", String(threads), "--reps", String(benchmark.repetitions),
            "--classes", String(benchmark.classes),
        ]).map { ($0.line, $0.object) }
    }
}
