import ArgumentParser
import Benchmarks

/// Speed measurements, printed as JSON lines so that runs can be compared as ratios.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed (JSON lines); compare against the PyTorch references in one run.",
        subcommands: [Engine.self, Models.self, Precision.self, BenchLoader.self, BenchPseudoLabel.self, BenchAudio.self, BenchSegments.self])

    struct Engine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per-op overhead, matrix-multiply and convolution throughput of the tensor engine.")

        @Option(help: "Intra-op threads.")
        var threads = 2

        @Option(help: "Timed repetitions per measurement (the median is reported).")
        var reps = 5

        @Option(help: "Python PyTorch reference script to run in the same invocation (engine_reference.py).")
        var reference: String?

        @Option(help: "Python interpreter for the reference (Debian's, which links the same libtorch).")
        var python = "/usr/bin/python3"

        @Flag(help: "JSON lines (the only output format; kept for symmetry with other commands).")
        var json = false

        func run() throws {
            try EngineComparison(benchmark: EngineBenchmark(repetitions: reps, threads: threads),
                                 reference: reference, python: python)
                .run(output: .standardOutput)
        }
    }
}
