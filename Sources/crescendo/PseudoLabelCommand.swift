import ArgumentParser
import Foundation
import Models
import NoisyStudent
import Torch
import Training

/// Labels a pool with a trained run, sharded over ranks (`crescendo launch`) or one shard at a time.
struct PseudoLabelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pseudo-label",
        abstract: "Label a catalog's pool with a trained run; each rank labels the tracks with id % ranks == rank into its own shard file, then rank 0 merges them into labels.json.",
        discussion: """
            Under `crescendo launch` (or torchrun/Slurm variables) the shard is the rank. A rank that died can be rerun \
            alone with --shard RANK/RANKS (already labelled tracks are kept), then --merge-only merges; merging is idempotent.
            """)

    @Option(help: "The teacher: a run directory or a checkpoint.")
    var run: String

    @Option(help: "Directory for the shard files and labels.json.")
    var output: String

    @Option(help: "The catalog (default: the run's).")
    var catalog: String?

    @Option(help: "The pool split.")
    var split = "unlabeled"

    @Option(help: "The split set (default: the run's).")
    var splitSet: String?

    @Option(help: "Label only shard INDEX/COUNT (rerun of one rank); default: from the launch variables.")
    var shard: String?

    @Option(help: "Label only the first N pool tracks.")
    var limit: Int?

    @Option(help: "Chunks per forward pass.")
    var batch = 8

    @Option(help: "Intra-op threads.")
    var threads = 1

    @Flag(help: "Only merge the shard files already written.")
    var mergeOnly = false

    func run() async throws {
        try TensorMemory.enableCaching()
        Runtime.threads = threads
        let environment = try DistributedEnvironment()
        let checkpoint = try RunLocation.checkpoint(run)
        let runDirectory = checkpoint.deletingLastPathComponent().deletingLastPathComponent()
        let manifest = try? RunManifest.load(from: runDirectory)
        guard let catalogPath = catalog ?? manifest?.catalog else {
            throw ValidationError("\(run) has no run manifest: pass --catalog")
        }
        let data = try CatalogPipelineData(catalogPath: catalogPath, poolSplit: split,
                                           splitSet: splitSet ?? manifest?.splitSet ?? "default")
        var pool = try data.poolTracks(split: split, splitSet: data.splitSet)
        if let limit { pool = Array(pool.prefix(limit)) }
        guard !pool.isEmpty else { throw ValidationError("split \(split) of \(catalogPath) has no tracks") }
        let directory = URL(fileURLWithPath: output)
        let merge = PseudoLabelMerge(directory: directory)
        if mergeOnly {
            let labels = try merge.merge(pool: pool)
            print("merged \(labels.count) labels of \(pool.count) tracks into \(merge.url.path)")
            return
        }
        let (index, count) = try shard.map(Self.parseShard) ?? (environment.rank, environment.worldSize)
        // Joining first makes a misconfigured job fail before any work.
        let group = shard == nil && environment.isDistributed ? try environment.connect() : nil
        let contents = try Checkpoint.load(from: checkpoint)
        let model = try contents.model()
        let labeler = try PseudoLabeler(teacher: model, options: FullTrackOptions(batchSize: batch), commitEvery: 4,
                                        shardIndex: index, shardCount: count)
        let store = ShardLabelFile(directory: directory, shardIndex: index, shardCount: count)
        let report = try await labeler.label(pool: pool, run: 0, store: store)
        print("shard \(index)/\(count): labelled \(report.labeled) tracks (\(report.alreadyLabeled) already), \(report.failed.count) failed, \(String(format: "%.1f", report.audioSeconds / 3600)) h of audio in \(String(format: "%.1f", report.wallSeconds)) s")
        for (path, message) in report.failed.sorted(by: { $0.key < $1.key }) { print("  failed \(path): \(message)") }
        if let group {
            try group.barrier()
            guard environment.isPrimary else { return }
        } else if count > 1 {
            print("shard written to \(store.url.path); merge with --merge-only once every shard is done")
            return
        }
        let labels = try merge.merge(pool: pool)
        print("merged \(labels.count) labels of \(pool.count) tracks into \(merge.url.path)")
    }

    static func parseShard(_ text: String) throws -> (Int, Int) {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (0..<parts[1]).contains(parts[0]) else {
            throw ValidationError("--shard expects INDEX/COUNT with 0 ≤ INDEX < COUNT, got \"\(text)\"")
        }
        return (parts[0], parts[1])
    }
}
