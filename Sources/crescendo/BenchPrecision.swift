import ArgumentParser
import Benchmarks
import Models

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
            try PrecisionBenchmark(presets: try preset.map(ModelPreset.init(parsing:)), clips: clips,
                                   calibration: calibration, threads: threads, classes: classes)
                .run(output: .standardOutput)
        }
    }
}
