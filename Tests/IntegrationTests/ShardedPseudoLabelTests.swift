import Foundation
import Testing

/// `crescendo pseudo-label` sharded over ranks gives exactly the single-process labels; the merge
/// is idempotent and a lost shard can be rerun alone.
@Suite("Sharded pseudo-labelling from the command line", .serialized)
struct ShardedPseudoLabelTests {
    @Test("2 ranks give the single-process labels byte for byte; merge is idempotent; one shard reruns alone")
    func shardedEqualsSingle() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 9, seconds: 4)
        defer { if ProcessInfo.processInfo.environment["CRESCENDO_KEEP_TEST_DATA"] == nil { set.remove() } }
        let dir = set.directory
        let imported = try CrescendoBinary.run(["import", "manifest", "manifest.csv", "--tasks", "tasks.yaml", "--catalog", "catalog.sqlite"], in: dir)
        #expect(imported.status == 0, "\(imported.output)")
        try """
        catalog: catalog.sqlite
        run_directory: runs/teacher
        tasks: [register, layers]
        model: {preset: resnet-xs}
        trainer: {epochs: 1, batch_size: 4, threads: 1, seed: 3, max_steps_per_epoch: 1}
        """.write(to: dir.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        let trained = try CrescendoBinary.run(["train", "--config", "t.yaml"], in: dir)
        #expect(trained.status == 0, "\(trained.output)")

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
        func ids(_ name: String) throws -> Set<Int> {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("two/\(name)"))) as? [String: Any]
            return Set((object?["labels"] as? [[String: Any]] ?? []).compactMap { $0["trackId"] as? Int })
        }
        let shard0 = try ids("shard-0-of-2.json"), shard1 = try ids("shard-1-of-2.json")
        #expect(shard0.isDisjoint(with: shard1) && shard0.count + shard1.count == 9)
        #expect(shard0.allSatisfy { $0 % 2 == 0 } && shard1.allSatisfy { $0 % 2 == 1 })

        // Merging again is a no-op.
        let again = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--merge-only"], in: dir)
        #expect(again.status == 0, "\(again.output)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("two/labels.json")) == one)

        // A lost shard: merging refuses and names it; rerunning that shard alone restores the labels.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("two/shard-1-of-2.json"))
        let refused = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--merge-only"], in: dir)
        #expect(refused.status != 0 && refused.output.contains("rerun shard 1"), "\(refused.output)")
        let rerun = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--shard", "1/2"], in: dir)
        #expect(rerun.status == 0, "\(rerun.output)")
        let merge = try CrescendoBinary.run(["pseudo-label", "--run", "runs/teacher", "--output", "two", "--merge-only"], in: dir)
        #expect(merge.status == 0, "\(merge.output)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("two/labels.json")) == one)
    }
}
