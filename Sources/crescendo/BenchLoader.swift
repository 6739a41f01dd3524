import ArgumentParser
import Benchmarks

/// Loader throughput against training throughput: the model, not the loader, should be the bottleneck.
struct BenchLoader: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loader",
        abstract: "Clips per second the data loader delivers versus clips per second a model trains on (JSON lines).")

    @Option(help: "Catalog with the labeled tracks.")
    var catalog: String

    @Option(help: "Comma-separated task names.")
    var tasks: String

    @Option(help: "Split to load.")
    var split = "train"

    @Option(help: "Model preset to train.")
    var preset = "resnet-s"

    @Option(help: "Batch size.")
    var batch = 16

    @Option(help: "Batches measured for each side.")
    var batches = 8

    @Option(help: "Intra-op threads for training.")
    var threads = 2

    func run() async throws {
        try await LoaderBenchmark(catalog: catalog, tasks: tasks.split(separator: ",").map(String.init), split: split,
                                  preset: preset, batch: batch, batches: batches, threads: threads)
            .run(output: .standardOutput)
    }
}
