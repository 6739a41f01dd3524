import ArgumentParser
import Benchmarks

/// The segment-label table at scale: insert speed as it grows, and the selections on it.
struct BenchSegments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Fill a scratch catalog's segment-label table and time inserts per tenth and selections (JSON lines).")

    @Option(help: "Segment rows to insert.")
    var rows = 1_000_000

    @Option(help: "Rows per commit (a labeller commits a few tracks' segments at a time).")
    var commitRows = 2_000

    @Option(help: "Segments per track.")
    var segmentsPerTrack = 12

    @Option(help: "Folder for the scratch catalog (default: the temporary folder); removed afterwards.")
    var directory: String?

    func run() throws {
        try SegmentTableBenchmark(rows: rows, commitRows: commitRows, segmentsPerTrack: segmentsPerTrack, directory: directory)
            .run(output: .standardOutput)
    }
}
