import ArgumentParser
import Catalog
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
            alone with --shard RANK/RANKS (already labelled tracks are kept), then --merge-only merges; merging is idempotent. \
            Tracks that fail to decode are recorded in their shard and left out of the merge, which lists them.
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

    @OptionGroup var placement: DeviceOption

    func run() async throws {
        try TensorMemory.enableCaching()
        Runtime.threads = threads
        let environment = try DistributedEnvironment()
        let device = try placement.resolve(environment: environment)
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
        let contents = try Checkpoint.load(from: checkpoint)
        let tasks = contents.description.tasks.map(\.name)
        let teacher = try Self.teacherFingerprint(checkpoint)
        if mergeOnly {
            try Self.merge(merge, pool: pool, teacher: teacher, tasks: tasks)
            return
        }
        let (index, count) = try shard.map(Self.parseShard) ?? (environment.rank, environment.worldSize)
        // Joining first makes a misconfigured job fail before any work.
        let group = shard == nil && environment.isDistributed ? try environment.connect() : nil
        let model = try contents.model(device: device)
        let labeler = try PseudoLabeler(teacher: model, options: FullTrackOptions(batchSize: batch), commitEvery: 4,
                                        shardIndex: index, shardCount: count)
        let store = ShardLabelFile(directory: directory, shardIndex: index, shardCount: count)
        let report = try await labeler.label(pool: pool, run: teacher, store: store)
        print("shard \(index)/\(count): labelled \(report.labeled) tracks (\(report.alreadyLabeled) already), \(report.failed.count) failed, \(String(format: "%.1f", report.audioSeconds / 3600)) h of audio in \(String(format: "%.1f", report.wallSeconds)) s")
        for (path, message) in report.failed.sorted(by: { $0.key < $1.key }) { print("  failed \(path): \(message)") }
        if let group {
            try group.barrier()
            guard environment.isPrimary else { return }
        } else if count > 1 {
            print("shard written to \(store.url.path); merge with --merge-only once every shard is done")
            return
        }
        try Self.merge(merge, pool: pool, teacher: teacher, tasks: tasks)
    }

    /// Merges, listing the tracks left out because they failed; refuses while any is unlabelled.
    static func merge(_ merge: PseudoLabelMerge, pool: [PoolTrack], teacher: Int64, tasks: [String]) throws {
        let result = try merge.merge(pool: pool, run: teacher, tasks: tasks)
        print("merged \(result.labels.count) labels of \(pool.count - result.failed.count) tracks into \(merge.url.path)"
              + (result.failed.isEmpty ? "" : "; \(result.failed.count) failed and left out:"))
        for failure in result.failed { print("  failed \(failure.path): \(failure.error)") }
    }

    /// Shard files have no catalog run, so the teacher checkpoint's content fingerprint stands in
    /// for it: labels written by another teacher into the same directory are neither resumed
    /// nor merged.
    static func teacherFingerprint(_ checkpoint: URL) throws -> Int64 {
        do {
            return Int64(bitPattern: try ContentHash.of(path: checkpoint.path).contentHash)
        } catch {
            throw ValidationError("cannot read the teacher \(checkpoint.path): \(error)")
        }
    }

    static func parseShard(_ text: String) throws -> (Int, Int) {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (0..<parts[1]).contains(parts[0]) else {
            throw ValidationError("--shard expects INDEX/COUNT with 0 ≤ INDEX < COUNT, got \"\(text)\"")
        }
        return (parts[0], parts[1])
    }
}
