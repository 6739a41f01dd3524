import Catalog
import Foundation

/// Merges the shard files of a labelling directory into `labels.json`: one run's labels sorted by
/// track and task, and the tracks that failed (sorted by track; the key is left out when none did).
/// Idempotent: merging again gives the same file, byte for byte. Tracks that failed are left out
/// and reported, so one undecodable file does not hold the merge back; a track with neither
/// labels for every task nor a recorded failure makes it refuse, naming the shards to rerun.
public struct PseudoLabelMerge {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public var url: URL { directory.appendingPathComponent("labels.json") }

    /// The merged file holds nothing about the sharding, so any split of the work gives the same bytes.
    struct Merged: Codable {
        var labels: [PseudoLabel]
        var failed: [PseudoLabelFailure]?
    }

    /// What a merge wrote.
    public struct Result: Sendable, Equatable {
        public var labels: [PseudoLabel]
        /// Pool tracks without labels because labelling them failed.
        public var failed: [PseudoLabelFailure]
        /// Tracks labelled for every task.
        public var labelledTracks: Int
    }

    /// The shard count of the files present.
    public func shardCount() throws(PseudoLabelShardError) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var counts = Set<Int>()
        for name in names where name.hasPrefix("shard-") && name.hasSuffix(".jsonl") {
            let parts = name.dropFirst("shard-".count).dropLast(".jsonl".count).components(separatedBy: "-of-")
            if parts.count == 2, let count = Int(parts[1]) { counts.insert(count) }
        }
        guard let count = counts.first else { throw .noShards(directory.path) }
        guard counts.count == 1 else { throw .mixedShardCounts(counts.sorted()) }
        return count
    }

    /// What the shards covering a pool hold for one run.
    public struct Gathered: Sendable, Equatable {
        /// Track and segment labels, sorted by track, task and segment start.
        public var labels: [PseudoLabel]
        /// Rows naming frame files, sorted by track and task.
        public var frames: [FrameLabel]
        /// Pool tracks without labels because labelling them failed, sorted by track.
        public var failed: [PseudoLabelFailure]
        /// Tracks labelled for every task.
        public var labelledTracks: Int
    }

    /// Gathers what `run` stored for `tasks` in the shards covering `pool`; refuses while a pool
    /// track has neither labels for every task nor a recorded failure, naming the shards to rerun.
    public func gather(pool: [PoolTrack], run: Int64, tasks: [String]) throws(PseudoLabelShardError) -> Gathered {
        let count = try shardCount()
        var labels: [PseudoLabel] = []
        var frames: [FrameLabel] = []
        var labelled = Set<Int64>()
        var failures: [Int64: PseudoLabelFailure] = [:]
        for index in 0..<count {
            let stored = try ShardLabelFile(directory: directory, shardIndex: index, shardCount: count).stored(run: run)
            labels += stored.allLabels
            frames += stored.frames.values.flatMap(\.values)
            labelled.formUnion(stored.tracks(labelledFor: tasks))
            failures.merge(stored.failures) { _, later in later }
        }
        let inPool = Set(pool.map(\.id))
        let failed = failures.values.filter { inPool.contains($0.trackId) && !labelled.contains($0.trackId) }
            .sorted { $0.trackId < $1.trackId }
        let failedIDs = Set(failed.map(\.trackId))
        let missing = pool.filter { !labelled.contains($0.id) && !failedIDs.contains($0.id) }
        if !missing.isEmpty {
            let shards = Set(missing.map { Int(($0.id % Int64(count) + Int64(count)) % Int64(count)) }).sorted()
            throw .incomplete(missingShards: shards, missingTracks: missing.count)
        }
        labels.sort { ($0.trackId, $0.task, $0.segment?.start ?? -1) < ($1.trackId, $1.task, $1.segment?.start ?? -1) }
        frames.sort { ($0.trackId, $0.task) < ($1.trackId, $1.task) }
        return Gathered(labels: labels, frames: frames, failed: failed, labelledTracks: labelled.count)
    }

    /// Merges the labels that `run` stored for `tasks` in the shards covering `pool`.
    @discardableResult
    public func merge(pool: [PoolTrack], run: Int64, tasks: [String]) throws(PseudoLabelShardError) -> Result {
        let gathered = try gather(pool: pool, run: run, tasks: tasks)
        let failed = gathered.failed
        try Self.writeAtomically(Merged(labels: gathered.labels, failed: failed.isEmpty ? nil : failed), to: url)
        return Result(labels: gathered.labels, failed: failed, labelledTracks: gathered.labelledTracks)
    }

    static func writeAtomically<T: Encodable>(_ value: T, to url: URL) throws(PseudoLabelShardError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoder.encode(value).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .write(path: url.path, reason: "\(error)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .write(path: url.path, reason: reason)
        }
    }
}
