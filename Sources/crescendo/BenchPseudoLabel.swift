import ArgumentParser
import Benchmarks

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
    var tracks = 6

    @Option(help: "Measured pairs (end to end, then model only, alternating which goes first); medians are reported.")
    var repeats = 3

    @Option(help: "Chunks per forward pass.")
    var batch = 8

    @Flag(help: "Label with a copy of the model prepared for inference (batch norms folded, oneDNN layout).")
    var optimize = false

    @Option(help: "Intra-op threads.")
    var threads = 2

    @Flag(help: "JSON lines (the only output format; kept for symmetry with other commands).")
    var json = false

    func run() async throws {
        try await PseudoLabelBenchmark(catalog: catalog, tasks: tasks.split(separator: ",").map(String.init), split: split,
                                       presets: preset, tracks: tracks, repeats: repeats, batch: batch,
                                       optimize: optimize, threads: threads)
            .run(output: .standardOutput)
    }
}
