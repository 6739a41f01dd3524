import ArgumentParser
import Foundation
import Models
import Torch

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
                (batch norm folded, channels-last) unless --plain. With --reference the PyTorch script \
                runs in the same invocation after each Swift round, and ratio lines follow.
                """)

        @Option(parsing: .upToNextOption, help: "Presets to measure (e.g. --preset resnet-s resnet-m mtt-s).")
        var preset: [String]

        @Option(help: "train, infer or both.")
        var mode = "both"

        @Option(help: "Clips per step.")
        var batch = 8

        @Option(help: "Intra-op threads.")
        var threads = 2

        @Option(help: "Timed steps per measurement after one warm-up (the median is reported).")
        var reps = 5

        @Option(help: "Classes of the tagging head.")
        var classes = 50

        @Flag(help: "Inference on the plain model in evaluation mode (no folding, no channels-last).")
        var plain = false

        @Flag(help: "Inference without channels-last (batch norm still folded unless --plain).")
        var contiguousInference = false

        @Flag(help: "Inference in bfloat16 after the front end.")
        var bf16 = false

        @Flag(help: "Train with channels-last convolutions (less accurate batch-norm gradients in libtorch 1.13).")
        var channelsLastTraining = false

        @Option(help: "bench_reference.py to run with the same arguments after each round.")
        var reference: String?

        @Option(help: "Python interpreter for the reference (Debian's, which links the same libtorch).")
        var python = "/usr/bin/python3"

        @Option(help: "Rounds of Swift then Python, alternating, for noisy machines (ratios per round and their median).")
        var rounds = 1

        @Flag(help: "JSON lines (the only output format; kept for symmetry with other commands).")
        var json = false

        func validate() throws {
            guard !preset.isEmpty else { throw ValidationError("name at least one --preset") }
            for name in preset { _ = try ModelPreset(parsing: name) }
            guard ["train", "infer", "both"].contains(mode) else { throw ValidationError("--mode is train, infer or both") }
            guard batch > 0, threads > 0, reps > 0, classes > 1, rounds > 0 else {
                throw ValidationError("--batch, --threads, --reps and --rounds must be positive, --classes at least 2")
            }
        }

        var modes: [ModelBenchmark.Mode] {
            mode == "both" ? [.train, .infer] : [mode == "train" ? .train : .infer]
        }

        var inference: InferenceOptimizations {
            if plain { return InferenceOptimizations(foldBatchNorm: false, channelsLast: false, precision: bf16 ? .bfloat16 : .float32) }
            return InferenceOptimizations(foldBatchNorm: true, channelsLast: !contiguousInference,
                                          precision: bf16 ? .bfloat16 : .float32)
        }

        func run() throws {
            let presets = try preset.map(ModelPreset.init(parsing:))
            let benchmark = ModelBenchmark(batch: batch, threads: threads, repetitions: reps, classes: classes,
                                           inference: inference,
                                           trainingLayout: channelsLastTraining ? .channelsLast : .contiguous)
            let engine = "crescendo-libtorch-\(Runtime.torchVersion)"
            emitInOrder(["engine": engine, "name": "settings", "inference": inference.description,
                         "training_layout": channelsLastTraining ? "channels-last" : "contiguous"])
            var ratios: [String: [Double]] = [:]
            for round in 1...rounds {
                var mine: [String: Double] = [:]
                for p in presets {
                    for result in try benchmark.run(p, modes: modes) {
                        result.emit(engine: engine)
                        mine["\(p.rawValue) \(result.mode.rawValue)"] = result.median
                    }
                }
                guard let reference else { continue }
                for line in try runReference(reference, presets: presets) {
                    emit(line)
                    guard let p = line["preset"] as? String, let m = line["mode"] as? String,
                          let theirs = (line["clips_per_s"] as? NSNumber)?.doubleValue, theirs > 0,
                          let ours = mine["\(p) \(m)"] else { continue }
                    ratios["\(p) \(m)", default: []].append(ours / theirs)
                    emitInOrder(["preset": p, "mode": m, "batch": batch, "round": round,
                                 "name": "clips_per_s_ratio_vs_pytorch", "value": round3(ours / theirs),
                                 "meaning": "crescendo clips/s / pytorch clips/s (>1: crescendo faster)"])
                }
            }
            guard rounds > 1 else { return }
            for key in ratios.keys.sorted() {
                guard let values = ratios[key]?.sorted(), !values.isEmpty else { continue }
                let parts = key.split(separator: " ")
                emitInOrder(["preset": String(parts[0]), "mode": String(parts[1]), "batch": batch, "rounds": values.count,
                             "name": "median_ratio_vs_pytorch", "value": round3(values[values.count / 2]),
                             "min": round3(values[0]), "max": round3(values[values.count - 1])])
            }
        }

        func runReference(_ script: String, presets: [ModelPreset]) throws -> [[String: Any]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script] + presets.map(\.rawValue) + [
                "--mode", mode, "--batch", String(batch), "--threads", String(threads), "--reps", String(reps),
                "--classes", String(classes),
            ]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw ValidationError("reference \(script) exited with status \(process.terminationStatus)")
            }
            return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }
    }
}
