import Foundation
import Models
import MusicTasks
import NN
import Torch

/// `crescendo bench precision`: what bfloat16 inference costs in accuracy (and gains or loses in
/// speed) against float32, on a model with calibrated batch-norm statistics.
public struct PrecisionBenchmark {
    public var presets: [ModelPreset]
    /// Clips compared.
    public var clips: Int
    /// Training-mode passes (batch 4) that calibrate the batch-norm statistics.
    public var calibration: Int
    public var threads: Int
    /// Classes of the tagging head.
    public var classes: Int

    public init(presets: [ModelPreset], clips: Int, calibration: Int, threads: Int, classes: Int) {
        self.presets = presets
        self.clips = clips
        self.calibration = calibration
        self.threads = threads
        self.classes = classes
    }

    public func run(output: BenchmarkOutput) throws {
        Runtime.threads = threads
        try CachingAllocator.enable()
        for p in presets {
            manualSeed(0)
            let tasks = [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<classes).map { "tag\($0)" })]
            let model = try p.build(tasks: tasks)
            try withNoGrad {
                model.train()
                for i in 0..<calibration { _ = try model(SyntheticClips.make(4, samples: p.clipSamples, seed: 100 + i)) }
            }
            let x = try SyntheticClips.make(clips, samples: p.clipSamples, seed: 1)
            let single = try model.inferenceCopy(.standard)
            let half = try model.inferenceCopy(InferenceOptimizations(layout: .contiguous, precision: .bfloat16))
            var reference: Tensor?, candidate: Tensor?
            let fullSeconds = try Self.seconds { reference = try withNoGrad { try ModelBenchmark.tags(single(x)) } }
            let halfSeconds = try Self.seconds { candidate = try withNoGrad { try ModelBenchmark.tags(half(x)) } }
            guard let reference, let candidate else { continue }
            let logitDiff = try (candidate - reference).abs()
            let probDiff = try (candidate.sigmoid() - reference.sigmoid()).abs()
            let agree = try candidate.gt(0).eq(reference.gt(0)).to(.float32).mean().item()
            output.emitInOrder([
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

    /// Seconds of one run of `body` after one warm-up run.
    static func seconds(_ body: () throws -> Void) throws -> Double {
        try body()  // warm-up
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
