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
        case .noShards(let path): return "no shard-*-of-*.jsonl files in \(path)"
        }
    }
}
