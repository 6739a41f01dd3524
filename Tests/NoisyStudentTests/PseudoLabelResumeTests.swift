import Catalog
import Foundation
import Models
import Testing
@testable import NoisyStudent
@testable import Training
import MusicTasks

/// Resume is keyed per task and per run: a track is done for a run only when it has that run's
/// labels for every task being labelled now.
@Suite("Pseudo-label resume per task and run")
struct PseudoLabelResumeTests {
    /// Labels `pool` with a teacher of `[key]`, then resumes the same run with a teacher of
    /// `[key, inst]`, then labels under another run; `labels(run)` reads back what a run stored.
    func resumeWithMoreTasks(pool: [PoolTrack], store: any PseudoLabelStore, run: Int64, otherRun: Int64,
                             labels: (Int64) throws -> [Int64: [String: PseudoLabel]]) async throws {
        let ids = Set(pool.map(\.id))
        let keyOnly = try PseudoLabeler(teacher: MeanModel(tasks: [MeanModel.key]), options: FullTrackOptions(), commitEvery: 2)
        let first = try await keyOnly.label(pool: pool, run: run, store: store)
        #expect(first.labeled == pool.count)
        #expect(try store.labeledTrackIDs(run: run, tasks: [MeanModel.key]) == ids)
        #expect(try store.labeledTrackIDs(run: run, tasks: [MeanModel.key, MeanModel.inst]).isEmpty)

        let both = try PseudoLabeler(teacher: MeanModel(), options: FullTrackOptions(), commitEvery: 2)
        let resumed = try await both.label(pool: pool, run: run, store: store)
        #expect(resumed.alreadyLabeled == 0 && resumed.labeled == pool.count)
        let stored = try labels(run)
        #expect(Set(stored.keys) == ids)
        #expect(stored.values.allSatisfy { $0["key"] != nil && $0["inst"] != nil }, "a track lacks a task after the resume")
        let again = try await both.label(pool: pool, run: run, store: store)
        #expect(again.alreadyLabeled == pool.count && again.labeled == 0)

        // Another run (another teacher) starts from nothing.
        #expect(try store.labeledTrackIDs(run: otherRun, tasks: [MeanModel.key]).isEmpty)
        let other = try await keyOnly.label(pool: pool, run: otherRun, store: store)
        #expect(other.alreadyLabeled == 0 && other.labeled == pool.count)
        #expect(try labels(otherRun).values.allSatisfy { $0["inst"] == nil })
    }

    @Test("catalog store: resuming a run with tasks [key] as [key, inst] gives every track inst; another run's labels never count",
          arguments: [false, true])
    func catalog(unlabelledTaskFirst: Bool) async throws {
        let (audio, files) = try PseudoLabelTests.makePool(5)
        defer { try? FileManager.default.removeItem(at: audio) }
        let path = audio.appendingPathComponent("catalog.sqlite").path
        let catalog = try Catalog(path: path)
        // Resume used to look at the catalog's first task only: key (labelled by the first teacher,
        // so inst was never added), or one that no teacher labels (so nothing ever counted as done).
        if unlabelledTaskFirst { try catalog.addTask(.multiLabel("genre", classes: ["x", "y"])) }
        try catalog.addTask(.multiClass("key", classes: ["a", "b", "c"]))
        try catalog.addTask(.multiLabel("inst", classes: ["p", "q"]))
        let ids = try catalog.addTracks(files.enumerated().map { index, file in
            TrackMetadata(path: file.path, duration: file.duration, sampleRate: 16000, channels: 1, fileSize: 100,
                          modifiedAt: 0, contentHash: UInt64(index + 1))
        })
        try catalog.assignSplits(ids.map { SplitAssignment(trackId: $0, split: "unlabeled") })
        let run = try catalog.createRun(kind: .pseudoLabel).id
        let otherRun = try catalog.createRun(kind: .pseudoLabel).id
        let data = try CatalogPipelineData(catalogPath: path, poolSplit: "unlabeled", splitSet: Catalog.defaultSplitSet)
        let pool = try data.poolTracks(split: "unlabeled", splitSet: Catalog.defaultSplitSet)
        #expect(pool.count == files.count)
        try await resumeWithMoreTasks(pool: pool, store: data, run: run, otherRun: otherRun) { run in
            try data.pseudoLabels(run: run, tasks: [MeanModel.key, MeanModel.inst])
        }
    }

    @Test("shard file store: the same, per task and run")
    func shardFile() async throws {
        let (audio, pool) = try PseudoLabelTests.makePool(5)
        defer { try? FileManager.default.removeItem(at: audio) }
        let store = ShardLabelFile(directory: audio.appendingPathComponent("labels"), shardIndex: 0, shardCount: 1)
        try await resumeWithMoreTasks(pool: pool, store: store, run: 11, otherRun: -4) { run in
            try store.stored(run: run).labels
        }
    }
}
