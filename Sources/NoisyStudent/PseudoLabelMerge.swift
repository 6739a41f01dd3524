import Foundation

/// Merges the shard files of a labelling directory into `labels.json` (labels sorted by track and
/// task). Idempotent: merging again gives the same file, byte for byte. Refuses when a track of the
/// pool has no labels, naming the shards to rerun.
public struct PseudoLabelMerge {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public var url: URL { directory.appendingPathComponent("labels.json") }

    /// The merged file holds nothing about the sharding, so any split of the work gives the same bytes.
    struct Merged: Codable {
        var labels: [PseudoLabel]
    }

    /// The shard count of the files present.
    public func shardCount() throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var counts = Set<Int>()
        for name in names where name.hasPrefix("shard-") && name.hasSuffix(".json") {
            let parts = name.dropFirst("shard-".count).dropLast(".json".count).components(separatedBy: "-of-")
            if parts.count == 2, let count = Int(parts[1]) { counts.insert(count) }
        }
        guard let count = counts.first else { throw PseudoLabelShardError.noShards(directory.path) }
        guard counts.count == 1 else { throw PseudoLabelShardError.mixedShardCounts(counts.sorted()) }
        return count
    }

    /// Merges the shards covering `pool` (the track ids that must be labelled); returns the labels.
    @discardableResult
    public func merge(pool: [PoolTrack], failedTracks: Set<Int64> = []) throws -> [PseudoLabel] {
        let count = try shardCount()
        var labels: [PseudoLabel] = []
        for index in 0..<count {
            labels += try ShardLabelFile(directory: directory, shardIndex: index, shardCount: count).labels()
        }
        let labelled = Set(labels.map(\.trackId))
        let missing = pool.filter { !labelled.contains($0.id) && !failedTracks.contains($0.id) }
        if !missing.isEmpty {
            let shards = Set(missing.map { Int(($0.id % Int64(count) + Int64(count)) % Int64(count)) }).sorted()
            throw PseudoLabelShardError.incomplete(missingShards: shards, missingTracks: missing.count)
        }
        labels.sort { ($0.trackId, $0.task) < ($1.trackId, $1.task) }
        try ShardLabelFile.writeAtomically(Merged(labels: labels), to: url)
        return labels
    }
}
