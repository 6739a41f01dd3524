import Foundation
import Testing

/// `crescendo pseudo-label` sharded over ranks gives exactly the single-process labels; the merge
/// is idempotent and a lost shard can be rerun alone.
@Suite("Sharded pseudo-labelling from the command line", .serialized)
struct ShardedPseudoLabelTests {
    /// Imports the data set and trains a one-step teacher in `runs/teacher`.
    static func trainTeacher(_ set: ToneDataSet) throws {
        try set.prepare(catalog: "catalog.sqlite", config: """
            catalog: catalog.sqlite
            run_directory: runs/teacher
            tasks: [register, layers]
            model: {preset: resnet-xs}
            trainer: {epochs: 1, batch_size: 4, threads: 1, seed: 3, max_steps_per_epoch: 1}
            """, as: "t.yaml")
        let trained = try CrescendoBinary.run(["train", "--config", "t.yaml"], in: set.directory)
        #expect(trained.status == 0, "\(trained.output)")
    }

    @Test("2 ranks give the single-process labels byte for byte; merge is idempotent; one shard reruns alone")
    func shardedEqualsSingle() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 9, seconds: 4)
        defer { if ProcessInfo.processInfo.environment["CRESCENDO_KEEP_TEST_DATA"] == nil { set.remove() } }
        let dir = set.directory
        try Self.trainTeacher(set)

        let single = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "one"], in: dir)
        #expect(single.status == 0, "\(single.output)")
        let sharded = try CrescendoBinary.run(["launch", "--nproc", "2", "--", "pseudo-label", "--run", "runs/teacher", "--output", "two"], in: dir)
        #expect(sharded.status == 0, "\(sharded.output)")
        let one = try Data(contentsOf: dir.appendingPathComponent("one/labels.json"))
        let two = try Data(contentsOf: dir.appendingPathComponent("two/labels.json"))
        #expect(one == two, "labels differ between one process and two ranks")
        let merged = try JSONSerialization.jsonObject(with: two) as? [String: Any]
        let labels = merged?["labels"] as? [[String: Any]] ?? []
        #expect(Set(labels.compactMap { $0["trackId"] as? Int }).count == 9)

        // The shards are disjoint and cover the pool.
        let shard0 = try ShardFile.trackIDs(dir.appendingPathComponent("two/shard-0-of-2.jsonl"))
        let shard1 = try ShardFile.trackIDs(dir.appendingPathComponent("two/shard-1-of-2.jsonl"))
        #expect(shard0.isDisjoint(with: shard1) && shard0.count + shard1.count == 9)
        #expect(shard0.allSatisfy { $0 % 2 == 0 } && shard1.allSatisfy { $0 % 2 == 1 })

        // Merging again is a no-op.
        let again = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--merge-only"], in: dir)
        #expect(again.status == 0, "\(again.output)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("two/labels.json")) == one)

        // A lost shard: merging refuses and names it; rerunning that shard alone restores the labels.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("two/shard-1-of-2.jsonl"))
        let refused = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--merge-only"], in: dir)
        #expect(refused.status != 0 && refused.output.contains("rerun shard 1"), "\(refused.output)")
        let rerun = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--shard", "1/2"], in: dir)
        #expect(rerun.status == 0, "\(rerun.output)")
        let merge = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--merge-only"], in: dir)
        #expect(merge.status == 0, "\(merge.output)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("two/labels.json")) == one)
    }

    @Test("a pool track that no longer decodes: 1 and 2 ranks both merge the others, byte for byte, and list it")
    func brokenTrackMerges() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 6, seconds: 3)
        defer { if ProcessInfo.processInfo.environment["CRESCENDO_KEEP_TEST_DATA"] == nil { set.remove() } }
        let dir = set.directory
        try Self.trainTeacher(set)
        // Damaged after import (the catalog still lists it as healthy): only labelling finds out.
        try Data("RIFF\u{0}\u{0}\u{0}\u{0}WAVEnot audio".utf8).write(to: dir.appendingPathComponent("audio/tone13.wav"))

        let single = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "one"], in: dir)
        #expect(single.status == 0, "\(single.output)")
        #expect(single.output.contains("1 failed and left out") && single.output.contains("tone13.wav"), "\(single.output)")
        let sharded = try CrescendoBinary.run(["launch", "--nproc", "2", "--", "pseudo-label", "--run", "runs/teacher", "--output", "two"], in: dir)
        #expect(sharded.status == 0, "\(sharded.output)")
        let one = try Data(contentsOf: dir.appendingPathComponent("one/labels.json"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("two/labels.json")) == one, "labels differ between one process and two ranks")
        let merged = try JSONSerialization.jsonObject(with: one) as? [String: Any]
        let labelled = Set((merged?["labels"] as? [[String: Any]] ?? []).compactMap { $0["trackId"] as? Int })
        let failed = merged?["failed"] as? [[String: Any]] ?? []
        #expect(labelled.count == 5)
        #expect(failed.count == 1 && (failed.first?["path"] as? String)?.hasSuffix("audio/tone13.wav") == true, "\(failed)")
        #expect((failed.first?["error"] as? String)?.isEmpty == false)
        if let id = failed.first?["trackId"] as? Int { #expect(!labelled.contains(id)) }
        // Merging again (nothing relabelled) gives the same bytes and the same report.
        let again = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--merge-only"], in: dir)
        #expect(again.status == 0 && again.output.contains("tone13.wav"), "\(again.output)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("two/labels.json")) == one)
    }
}

/// Reads a shard label file (JSON Lines: a header, then one line per commit) as the test sees it.
enum ShardFile {
    static func trackIDs(_ url: URL) throws -> Set<Int> {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        var ids = Set<Int>()
        for line in lines {
            let commit = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            ids.formUnion((commit?["labels"] as? [[String: Any]] ?? []).compactMap { $0["trackId"] as? Int })
        }
        return ids
    }
}
