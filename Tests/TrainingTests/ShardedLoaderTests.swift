import Testing
@testable import Training

@Suite("Data-parallel loader shards")
struct ShardedLoaderTests {
    func loader(tracks: Int, batch: Int, shard: Int, of count: Int, seed: UInt64 = 7) throws -> ClipLoader {
        let list = (0..<tracks).map { LabeledTrack(id: Int64($0), path: "t\($0)", duration: 10, targets: [:]) }
        return try ClipLoader(tracks: list, tasks: [], config: ClipLoaderConfig(
            batchSize: batch, clipSamples: 16, seed: seed, shardIndex: shard, shardCount: count))
    }

    @Test("the ranks' parts of every batch, concatenated, are the single-process batch; every example once per epoch")
    func shardsPartitionEachBatch() throws {
        let single = try loader(tracks: 26, batch: 6, shard: 0, of: 1)
        let ranks = try (0..<3).map { try loader(tracks: 26, batch: 6, shard: $0, of: 3) }
        for epoch in 0..<3 {
            var seen: [Int] = []
            for index in 0..<single.batchCount {
                let parts = ranks.map { $0.batchIndices(epoch: epoch, index: index) }
                #expect(parts.allSatisfy { $0.count == 2 })
                #expect(parts.flatMap { $0 } == single.batchIndices(epoch: epoch, index: index))
                seen += parts.flatMap { $0 }
            }
            #expect(Set(seen).count == seen.count, "an example appeared twice in epoch \(epoch)")
            #expect(seen.count == 24)  // 4 full batches of 6; the last 2 of 26 are dropped, as in one process
            // Deterministic: a fresh loader gives the same parts.
            #expect(try loader(tracks: 26, batch: 6, shard: 1, of: 3).batchIndices(epoch: epoch, index: 2)
                    == ranks[1].batchIndices(epoch: epoch, index: 2))
        }
    }

    @Test("a global batch that does not split evenly over the ranks is refused, naming batch_size")
    func unevenBatch() {
        #expect(throws: TrainingError.self) { try loader(tracks: 10, batch: 5, shard: 0, of: 2) }
        #expect(throws: TrainingError.self) { try loader(tracks: 10, batch: 4, shard: 2, of: 2) }
    }
}
