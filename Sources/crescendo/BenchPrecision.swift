import ArgumentParser
import Foundation
import Models
import MusicTasks
import NN
import Torch

extension Bench {
    /// `crescendo bench precision`: what bfloat16 inference costs in accuracy (and gains or
    /// loses in speed) against float32, on a model with calibrated batch-norm statistics.
    struct Precision: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accuracy and speed of bfloat16 inference against float32 (JSON lines).",
            discussion: """
                The model gets realistic batch-norm statistics first (training-mode forward passes over \
                synthetic music-like clips, no weight updates), then float32 and bfloat16 copies prepared \
                for inference predict the same clips: tones, chords with noise, and noise, at several levels.
                """)

        @Option(parsing: .upToNextOption, help: "Presets to measure.")
        var preset: [String] = ["resnet-s"]

        @Option(help: "Clips compared.")
        var clips = 8

        @Option(help: "Training-mode passes (batch 4) that calibrate the batch-norm statistics.")
        var calibration = 10

        @Option(help: "Intra-op threads.")
        var threads = 2

        @Option(help: "Classes of the tagging head.")
        var classes = 50

        func validate() throws {
            guard clips > 0, calibration >= 0, threads > 0, classes > 1 else {
                throw ValidationError("--clips and --threads must be positive, --classes at least 2")
            }
            for name in preset { _ = try ModelPreset(parsing: name) }
        }

        func run() throws {
            Runtime.threads = threads
            try CachingAllocator.enable()
            for name in preset {
                let p = try ModelPreset(parsing: name)
                manualSeed(0)
                let tasks = [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<classes).map { "tag\($0)" })]
                let model = try p.build(tasks: tasks)
                try withNoGrad {
                    model.train()
                    for i in 0..<calibration { _ = try model(Self.clips(4, samples: p.clipSamples, seed: 100 + i)) }
                }
                let x = try Self.clips(clips, samples: p.clipSamples, seed: 1)
                let single = try model.inferenceCopy(.standard)
                let half = try model.inferenceCopy(InferenceOptimizations(layout: .contiguous, precision: .bfloat16))
                var reference: Tensor?, candidate: Tensor?
                let fullSeconds = try Self.seconds { reference = try withNoGrad { try ModelBenchmark.tags(single(x)) } }
                let halfSeconds = try Self.seconds { candidate = try withNoGrad { try ModelBenchmark.tags(half(x)) } }
                guard let reference, let candidate else { continue }
                let logitDiff = try (candidate - reference).abs()
                let probDiff = try (candidate.sigmoid() - reference.sigmoid()).abs()
                let agree = try candidate.gt(0).eq(reference.gt(0)).to(.float32).mean().item()
                emitInOrder([
                    "preset": p.rawValue, "name": "bfloat16_vs_float32", "clips": clips, "classes": classes,
                    "logit_range": round3(try reference.abs().max().item()),
                    "max_logit_diff": round4(try logitDiff.max().item()), "mean_logit_diff": round4(try logitDiff.mean().item()),
                    "max_prob_diff": round4(try probDiff.max().item()), "mean_prob_diff": round4(try probDiff.mean().item()),
                    "decision_agreement": round4(agree),
                    "float32_clips_per_s": round3(Double(clips) / fullSeconds),
                    "bfloat16_clips_per_s": round3(Double(clips) / halfSeconds),
                ])
            }
        }

        static func seconds(_ body: () throws -> Void) throws -> Double {
            try body()  // warm-up
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }

        /// Deterministic music-like clips: a harmonic tone, a noisy chord, a chirp and noise, at
        /// levels from -30 to -6 dBFS.
        static func clips(_ count: Int, samples: Int, seed: Int) throws -> Tensor {
            var values = [Float](repeating: 0, count: count * samples)
            var state = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
            func noise() -> Double {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
            }
            for c in 0..<count {
                let level = pow(10, (-30 + 24 * Double(c % 5) / 4) / 20)
                let f0 = 110 * pow(2, Double((c * 5 + seed) % 24) / 12)
                for i in 0..<samples {
                    let t = Double(i) / 16000
                    var x: Double
                    switch c % 4 {
                    case 0: x = (1...6).reduce(0) { $0 + sin(2 * .pi * f0 * Double($1) * t) / Double($1) }
                    case 1: x = [1, 1.26, 1.5].reduce(0) { $0 + sin(2 * .pi * f0 * $1 * t) } + 0.3 * noise()
                    case 2: x = sin(2 * .pi * (f0 + 400 * t) * t) + 0.1 * noise()
                    default: x = noise()
                    }
                    values[c * samples + i] = Float(level * x)
                }
            }
            return try Tensor(values, shape: [count, samples])
        }
    }
}

func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
