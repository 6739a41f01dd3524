import Foundation
import Models
import Testing
@testable import NoisyStudent
@testable import Training

/// Shard label files: append-only JSON Lines, a torn last line tolerated, failed tracks recorded
/// and left out of the merge.
@Suite("Shard label files")
struct ShardLabelFileTests {
    let tasks = [MeanModel.key.name, MeanModel.inst.name]

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-shards-\(UUID().uuidString)")
    }

    /// Labels `pool` with `shardCount` labelers, one shard file each, then merges.
    func labelAndMerge(_ pool: [PoolTrack], into directory: URL, shardCount: Int) async throws -> PseudoLabelMerge.Result {
        for index in 0..<shardCount {
            let labeler = try PseudoLabeler(teacher: MeanModel(), options: FullTrackOptions(), commitEvery: 2,
                                            shardIndex: index, shardCount: shardCount)
            _ = try await labeler.label(pool: pool, run: 7, store: ShardLabelFile(directory: directory, shardIndex: index, shardCount: shardCount))
        }
        return try PseudoLabelMerge(directory: directory).merge(pool: pool, run: 7, tasks: tasks)
    }

    @Test("a shard holding an undecodable file still merges: the other tracks' labels are there, the failure listed, 1 and 2 shards byte-identical")
    func brokenFileMerges() async throws {
        let (audio, good) = try PseudoLabelTests.makePool(6)
        defer { try? FileManager.default.removeItem(at: audio) }
        let brokenPath = audio.appendingPathComponent("broken.wav").path
        try Data("RIFF\u{0}\u{0}this is not audio".utf8).write(to: URL(fileURLWithPath: brokenPath))
        let pool = good + [PoolTrack(id: 201, path: brokenPath, duration: 3)]
        let one = temporaryDirectory(), two = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: one); try? FileManager.default.removeItem(at: two) }

        let single = try await labelAndMerge(pool, into: one, shardCount: 1)
        let sharded = try await labelAndMerge(pool, into: two, shardCount: 2)
        #expect(sharded.labelledTracks == good.count)
        #expect(Set(sharded.labels.map(\.trackId)) == Set(good.map(\.id)))
        #expect(sharded.labels.count == good.count * tasks.count)
        #expect(sharded.failed.map(\.trackId) == [201] && sharded.failed.first?.path == brokenPath)
        #expect(sharded.failed.first?.error.isEmpty == false)
        // The failure is in the shard that owns the track (201 % 2 == 1), with its message.
        let shard1 = try ShardLabelFile(directory: two, shardIndex: 1, shardCount: 2).stored(run: 7)
        #expect(shard1.failures[201]?.error == sharded.failed.first?.error)
        let merged = try Data(contentsOf: PseudoLabelMerge(directory: two).url)
        #expect(merged == (try Data(contentsOf: PseudoLabelMerge(directory: one).url)))
        #expect(single == sharded)
        let object = try JSONSerialization.jsonObject(with: merged) as? [String: Any]
        #expect((object?["failed"] as? [[String: Any]])?.first?["path"] as? String == brokenPath)
    }

    @Test("without failures the merged file has no failed key (the format readers know)")
    func noFailuresNoKey() async throws {
        let (audio, pool) = try PseudoLabelTests.makePool(3)
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: audio); try? FileManager.default.removeItem(at: directory) }
        _ = try await labelAndMerge(pool, into: directory, shardCount: 2)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: PseudoLabelMerge(directory: directory).url)) as? [String: Any]
        #expect(object.map { Set($0.keys) } == ["labels"])
    }

    @Test("each commit appends one line and never rewrites what is there: the bytes written grow linearly")
    func appendOnly() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = ShardLabelFile(directory: directory, shardIndex: 0, shardCount: 1)
        var previous = Data()
        let commits = 40
        for k in 0..<commits {
            let label = PseudoLabel(trackId: Int64(k), task: "key", probabilities: [0.25, 0.5, 0.25])
            try file.store([label], frames: [], failures: [], run: 3, tasks: [MeanModel.key])
            let now = try Data(contentsOf: file.url)
            #expect(now.prefix(previous.count) == previous, "commit \(k) rewrote earlier bytes")
            // One header line, then one line per commit.
            #expect(now.filter { $0 == UInt8(ascii: "\n") }.count == k + 2)
            if k > 0 {
                // Every commit of one label adds the same few bytes (±2 for the id's digits),
                // not a copy of the file.
                #expect(now.count - previous.count < 120, "commit \(k) added \(now.count - previous.count) bytes")
            }
            previous = now
        }
        #expect(try file.commits().count == commits)
        #expect(try file.labeledTrackIDs(run: 3, tasks: [MeanModel.key]).count == commits)
    }

    @Test("a killed rank's torn last line is ignored, and its rerun continues to the uninterrupted labels")
    func tornLastLine() async throws {
        let (audio, pool) = try PseudoLabelTests.makePool(9)
        let reference = temporaryDirectory(), killed = temporaryDirectory()
        defer { for url in [audio, reference, killed] { try? FileManager.default.removeItem(at: url) } }
        _ = try await labelAndMerge(pool, into: reference, shardCount: 1)

        // A complete run, then cut in the middle of its third commit line: what a kill mid-write leaves.
        _ = try await labelAndMerge(pool, into: killed, shardCount: 1)
        let file = ShardLabelFile(directory: killed, shardIndex: 0, shardCount: 1)
        let bytes = try Data(contentsOf: file.url)
        let newlines = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
        let cut = (newlines[2] + newlines[3]) / 2  // header, commits 1 and 2 complete; commit 3 half written
        try bytes.prefix(cut + 1).write(to: file.url)
        try FileManager.default.removeItem(at: PseudoLabelMerge(directory: killed).url)

        #expect(try file.commits().count == 2)
        let done = try file.labeledTrackIDs(run: 7, tasks: [MeanModel.key, MeanModel.inst])
        #expect(done.count == 4)
        // The merge sees tracks missing, not a corrupt file.
        #expect(throws: PseudoLabelShardError.incomplete(missingShards: [0], missingTracks: 5)) {
            try PseudoLabelMerge(directory: killed).merge(pool: pool, run: 7, tasks: tasks)
        }
        let labeler = try PseudoLabeler(teacher: MeanModel(), options: FullTrackOptions(), commitEvery: 2)
        let rerun = try await labeler.label(pool: pool, run: 7, store: file)
        #expect(rerun.alreadyLabeled == 4 && rerun.labeled == 5)
        // The torn bytes were cut off before appending: every line of the file reads.
        #expect(try file.commits().count == 2 + 3)
        try PseudoLabelMerge(directory: killed).merge(pool: pool, run: 7, tasks: tasks)
        #expect(try Data(contentsOf: PseudoLabelMerge(directory: killed).url) == Data(contentsOf: PseudoLabelMerge(directory: reference).url))
    }

    @Test("a torn header alone (killed on the first write) reads as empty and is rewritten")
    func tornHeader() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = ShardLabelFile(directory: directory, shardIndex: 1, shardCount: 2)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("{\"format\":\"crescendo-sh".utf8).write(to: file.url)
        #expect(try file.commits().isEmpty)
        try file.store([PseudoLabel(trackId: 3, task: "key", probabilities: [1, 0, 0])], frames: [], failures: [], run: 1, tasks: [MeanModel.key])
        #expect(try file.commits().map(\.labels.count) == [1])
    }

    @Test("a damaged complete line, or another shard's file, is reported as corrupt")
    func corrupt() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = ShardLabelFile(directory: directory, shardIndex: 0, shardCount: 2)
        try file.store([PseudoLabel(trackId: 2, task: "key", probabilities: [1, 0, 0])], frames: [], failures: [], run: 1, tasks: [MeanModel.key])
        let bytes = try Data(contentsOf: file.url)
        try (bytes + Data("garbage\n".utf8)).write(to: file.url)
        #expect(throws: PseudoLabelShardError.self) { try file.commits() }
        try bytes.write(to: file.url)
        try FileManager.default.moveItem(at: file.url, to: ShardLabelFile(directory: directory, shardIndex: 1, shardCount: 2).url)
        #expect(throws: PseudoLabelShardError.self) { try ShardLabelFile(directory: directory, shardIndex: 1, shardCount: 2).commits() }
    }
}
