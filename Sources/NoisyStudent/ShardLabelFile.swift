import Foundation
import Models

/// The labels one rank wrote for its shard of the pool: `shard-<index>-of-<count>.json` in a
/// labelling directory. Each commit rewrites the file atomically (temporary file + rename), so a
/// killed rank leaves the labels of its completed commits and a rerun of that shard continues.
public struct ShardLabelFile: PseudoLabelStore {
    public let directory: URL
    public let shardIndex: Int
    public let shardCount: Int

    public init(directory: URL, shardIndex: Int, shardCount: Int) {
        self.directory = directory
        self.shardIndex = shardIndex
        self.shardCount = shardCount
    }

    public var url: URL { directory.appendingPathComponent("shard-\(shardIndex)-of-\(shardCount).json") }

    struct Contents: Codable {
        var shardIndex: Int
        var shardCount: Int
        var labels: [PseudoLabel]
    }

    /// The labels stored so far (none when the file does not exist).
    public func labels() throws -> [PseudoLabel] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        do {
            let contents = try JSONDecoder().decode(Contents.self, from: Data(contentsOf: url))
            guard contents.shardIndex == shardIndex, contents.shardCount == shardCount else {
                throw PseudoLabelShardError.corrupt(path: url.path, reason: "holds shard \(contents.shardIndex) of \(contents.shardCount)")
            }
            return contents.labels
        } catch let error as PseudoLabelShardError {
            throw error
        } catch {
            throw PseudoLabelShardError.corrupt(path: url.path, reason: "\(error)")
        }
    }

    public func labeledTrackIDs(run: Int64) throws -> Set<Int64> { Set(try labels().map(\.trackId)) }

    public func store(_ labels: [PseudoLabel], run: Int64, tasks: [TaskSpec]) throws {
        var byKey: [String: PseudoLabel] = [:]
        for label in try self.labels() + labels { byKey["\(label.trackId)/\(label.task)"] = label }
        let sorted = byKey.values.sorted { ($0.trackId, $0.task) < ($1.trackId, $1.task) }
        try ShardLabelFile.writeAtomically(Contents(shardIndex: shardIndex, shardCount: shardCount, labels: sorted), to: url)
    }

    static func writeAtomically<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try encoder.encode(value).write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw PseudoLabelShardError.write(path: url.path, reason: String(cString: strerror(errno)))
        }
    }
}

/// Failures of sharded labelling and its merge.
public enum PseudoLabelShardError: Error, CustomStringConvertible, Equatable {
    case corrupt(path: String, reason: String)
    case write(path: String, reason: String)
    /// Shards of different splits (counts) lie in one directory.
    case mixedShardCounts([Int])
    /// Shards (or tracks of them) are not labelled yet: rerun them (`--shard i/n`).
    case incomplete(missingShards: [Int], missingTracks: Int)
    case noShards(String)

    public var description: String {
        switch self {
        case .corrupt(let path, let reason): return "\(path) is not a shard label file: \(reason)"
        case .write(let path, let reason): return "could not write \(path): \(reason)"
        case .mixedShardCounts(let counts): return "the directory holds shards of \(counts.map(String.init).joined(separator: " and ")) ranks; label into an empty directory"
        case .incomplete(let shards, let tracks):
            return "cannot merge yet: \(tracks) pool tracks unlabelled" + (shards.isEmpty ? "" : "; rerun shard\(shards.count == 1 ? "" : "s") \(shards.map(String.init).joined(separator: ", "))")
        case .noShards(let path): return "no shard-*-of-*.json files in \(path)"
        }
    }
}
