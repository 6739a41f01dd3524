import ArgumentParser
import Foundation
import Models
import Torch

extension ConvolutionLayout: ExpressibleByArgument {}

extension Bench {
    /// `crescendo bench models`: training and inference clips/s of model presets, one JSON line
    /// per (preset, mode) in bench_reference.py's format, optionally beside the PyTorch reference.
    struct Models: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "models",
            abstract: "Training and inference throughput of model presets (JSON lines, bench_reference.py's format).",
            discussion: """
                train = zero_grad + forward + BCE-with-logits + backward + AdamW step (lr 1e-4, wd 1e-2); \
                infer = evaluation mode, no gradients, sigmoid, on a copy prepared for inference \
                (batch norm folded, oneDNN blocked layout) unless --plain. With --reference the PyTorch script \
                runs in the same invocation after each Swift round, and ratio lines follow.
                """)

        @Option(parsing: .upToNextOption, help: "Presets to measure (e.g. --preset resnet-s resnet-m mtt-s); keynet-xs … keynet-xl name the key network of that size's width (24 keys, cross-entropy, softmax; pair it with tools/key_reference.py).")
        var preset: [String]

        @Option(help: "train, infer, both, or frontend (a key network's constant-Q front end alone, for profiling).")
        var mode = "both"

        @Option(help: "Clips per step.")
        var batch = 8

        @Option(help: "Intra-op threads.")
        var threads = 2

        @Option(help: "Timed steps per measurement after one warm-up (the median is reported).")
        var reps = 5

        @Option(help: "Classes of the tagging head.")
        var classes = 50

        @Flag(help: "Inference on the plain model in evaluation mode (no folding, contiguous layout).")
        var plain = false

        @Option(help: "Layout of the convolutions in inference: contiguous, channelsLast or oneDNNBlocked.")
        var inferenceLayout = ConvolutionLayout.oneDNNBlocked

        @Flag(help: "Inference in bfloat16 after the front end.")
        var bf16 = false

        @Flag(help: "Train with channels-last convolutions (less accurate batch-norm gradients in libtorch 1.13).")
        var channelsLastTraining = false

        @Flag(help: "Also measure the matrix-multiply peak (as bench engine does) and print each measurement's model FLOP utilisation.")
        var mfu = false

        @Flag(help: "Use libtorch's default CPU allocator instead of Crescendo's caching allocator.")
        var noCachingAllocator = false

        @Option(help: "bench_reference.py to run with the same arguments after each round.")
        var reference: String?

        @Option(help: "Python interpreter for the reference (Debian's, which links the same libtorch).")
        var python = "/usr/bin/python3"

        @Option(help: "tools/paired_reference.py: alternate Crescendo's and PyTorch's steps one by one (--reps pairs) and report paired ratios.")
        var paired: String?

        @Option(help: "Folder of reference_models.py, for --paired (default: $CRESCENDO_REFERENCE_DIR, else shared/bench or ../shared/bench from here or from this checkout).")
        var referenceDir: String?

        @Option(help: "Rounds of Swift then Python, alternating, for noisy machines (ratios per round and their median).")
        var rounds = 1

        @Flag(help: "JSON lines (the only output format; kept for symmetry with other commands).")
        var json = false

        func validate() throws {
            guard !preset.isEmpty else { throw ValidationError("name at least one --preset") }
            for name in preset { _ = try BenchModel(parsing: name) }
            guard ["train", "infer", "both", "frontend"].contains(mode) else { throw ValidationError("--mode is train, infer, both or frontend") }
            if mode == "frontend", try preset.contains(where: { if case .preset = try BenchModel(parsing: $0) { return true } else { return false } }) {
                throw ValidationError("--mode frontend measures key networks only (--preset keynet-…)")
            }
            guard batch > 0, threads > 0, reps > 0, classes > 1, rounds > 0 else {
                throw ValidationError("--batch, --threads, --reps and --rounds must be positive, --classes at least 2")
            }
        }

        var modes: [ModelBenchmark.Mode] {
            mode == "both" ? [.train, .infer] : [ModelBenchmark.Mode(rawValue: mode) ?? .infer]
        }

        var inference: InferenceOptimizations {
            if plain { return InferenceOptimizations(foldBatchNorm: false, layout: .contiguous, precision: bf16 ? .bfloat16 : .float32) }
            return InferenceOptimizations(foldBatchNorm: true, layout: bf16 && inferenceLayout == .oneDNNBlocked ? .contiguous : inferenceLayout,
                                          precision: bf16 ? .bfloat16 : .float32)
        }

        func run() throws {
            let presets = try preset.map(BenchModel.init(parsing:))
            // Found before anything is measured, so that a missing reference costs no time.
            let referenceDirectory = try paired.map { _ in try ReferenceScripts.directory(holding: "reference_models.py", option: referenceDir) }
            if !noCachingAllocator { try CachingAllocator.enable() }
            let benchmark = ModelBenchmark(batch: batch, threads: threads, repetitions: reps, classes: classes,
                                           inference: inference,
                                           trainingLayout: channelsLastTraining ? .channelsLast : .contiguous)
            let engine = "crescendo-libtorch-\(Runtime.torchVersion)"
            emitInOrder(["engine": engine, "name": "settings", "inference": inference.description,
                         "training_layout": channelsLastTraining ? "channels-last" : "contiguous",
                         "allocator": noCachingAllocator ? "default" : "caching"])
            var peak: Double?
            if mfu {
                let gflops = try EngineBenchmark(repetitions: reps, threads: threads).matmulGFLOPS()
                peak = gflops
                emitInOrder(["engine": engine, "name": "matmul_gflops", "threads": threads, "value": round1(gflops)])
            }
            /// FLOPs and utilisation of one of Crescendo's results.
            func utilisation(_ result: ModelBenchmark.Result) throws {
                guard let peak else { return }
                let forward = try benchmark.forwardFLOPsPerClip(result.preset)
                // Training: forward + backward (input and weight gradients), 3x the forward's FLOPs.
                let perClip = Double(result.mode == .train ? 3 * forward : forward)
                let achieved = result.median * perClip / 1e9
                emitInOrder(["preset": result.preset.rawValue, "mode": result.mode.rawValue, "batch": batch,
                             "name": "model_flop_utilisation", "gflop_per_clip": round3(perClip / 1e9),
                             "achieved_gflops": round1(achieved), "matmul_peak_gflops": round1(peak),
                             "value": round3(achieved / peak)])
            }
            if let paired, let referenceDirectory {
                for p in presets {
                    let results = try benchmark.runPaired(p, modes: modes) { mode in
                        try PairedReference(python: python, script: paired, referenceDirectory: referenceDirectory,
                                            preset: p.rawValue, mode: mode.rawValue, batch: batch, threads: threads,
                                            classes: classes)
                    }
                    for (ours, theirs, ratios, pytorchEngine) in results {
                        ours.emit(engine: engine)
                        theirs.emit(engine: pytorchEngine)
                        try utilisation(ours)
                        let sorted = ratios.sorted()
                        emitInOrder(["preset": p.rawValue, "mode": ours.mode.rawValue, "batch": batch, "pairs": ratios.count,
                                     "name": "paired_ratio_vs_pytorch", "value": round3(median(sorted)),
                                     "min": round3(sorted.first ?? 0), "max": round3(sorted.last ?? 0),
                                     "ratio_of_medians": round3(ours.median / theirs.median),
                                     "meaning": "median over alternating step pairs of pytorch seconds / crescendo seconds (>1: crescendo faster)"])
                    }
                }
                return
            }
            // Per "preset mode": each round's (median, best) clips/s of each side.
            var crescendo: [String: [(median: Double, best: Double)]] = [:]
            var pytorch: [String: [(median: Double, best: Double)]] = [:]
            for round in 1...rounds {
                for p in presets {
                    for result in try benchmark.run(p, modes: modes) {
                        result.emit(engine: engine)
                        try utilisation(result)
                        crescendo["\(p.rawValue) \(result.mode.rawValue)", default: []].append((result.median, result.rates.last ?? 0))
                    }
                }
                guard let reference else { continue }
                for (text, line) in try runReference(reference, presets: presets) {
                    FileHandle.standardOutput.write(Data((text + "\n").utf8))
                    guard let p = line["preset"] as? String, let m = line["mode"] as? String,
                          let median = (line["clips_per_s"] as? NSNumber)?.doubleValue, median > 0,
                          let best = (line["max"] as? NSNumber)?.doubleValue,
                          let ours = crescendo["\(p) \(m)"]?.last else { continue }
                    pytorch["\(p) \(m)", default: []].append((median, best))
                    emitInOrder(["preset": p, "mode": m, "batch": batch, "round": round,
                                 "name": "clips_per_s_ratio_vs_pytorch", "value": round3(ours.median / median),
                                 "best_step_ratio": round3(ours.best / best),
                                 "meaning": "crescendo / pytorch clips/s: medians, and fastest steps (>1: crescendo faster)"])
                }
            }
            guard rounds > 1, reference != nil else { return }
            for key in crescendo.keys.sorted() {
                guard let ours = crescendo[key], let theirs = pytorch[key], !theirs.isEmpty else { continue }
                let parts = key.split(separator: " ")
                let ourMedian = median(ours.map(\.median)), theirMedian = median(theirs.map(\.median))
                let ourBest = ours.map(\.best).max() ?? 0, theirBest = theirs.map(\.best).max() ?? 0
                emitInOrder(["preset": String(parts[0]), "mode": String(parts[1]), "batch": batch, "rounds": theirs.count,
                             "name": "summary_ratio_vs_pytorch",
                             "crescendo_median_clips_per_s": round3(ourMedian), "pytorch_median_clips_per_s": round3(theirMedian),
                             "value": round3(ourMedian / theirMedian),
                             "crescendo_best_clips_per_s": round3(ourBest), "pytorch_best_clips_per_s": round3(theirBest),
                             "best_step_ratio": round3(theirBest > 0 ? ourBest / theirBest : 0)])
            }
        }

        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return 0 }
            let mid = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        }

        /// The reference's JSON lines, verbatim and parsed.
        func runReference(_ script: String, presets: [BenchModel]) throws -> [(String, [String: Any])] {
            try PythonReference(python: python).runLines(script, presets.map(\.rawValue) + [
                "--mode", mode, "--batch", String(batch), "--threads", String(threads), "--reps", String(reps),
                "--classes", String(classes),
            ]).map { ($0.line, $0.object) }
        }
    }
}
