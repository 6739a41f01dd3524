import ArgumentParser
import Benchmarks
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

        func run() throws {
            let benchmark = ModelBenchmark(
                batch: batch, threads: threads, repetitions: reps, classes: classes,
                inference: ModelBenchmark.inferenceOptimizations(plain: plain, layout: inferenceLayout, bfloat16: bf16),
                trainingLayout: channelsLastTraining ? .channelsLast : .contiguous)
            try ModelComparison(benchmark: benchmark, presets: try preset.map(BenchModel.init(parsing:)), mode: mode,
                                measuresUtilisation: mfu, cachingAllocator: !noCachingAllocator, reference: reference,
                                paired: paired, referenceDirectory: referenceDir, python: python, rounds: rounds)
                .run(output: .standardOutput)
        }
    }
}
