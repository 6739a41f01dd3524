import Catalog
import Foundation
import Models
import MusicTasks

/// The labels one rank wrote for its shard of the pool: `shard-<index>-of-<count>.jsonl` in a
/// labelling directory, in JSON Lines. The first line names the shard; each commit of the labeler
/// appends one line with its run, the labels of its tracks and the tracks that failed.
///
/// Appending makes a commit cost its own size (rewriting the whole file made a shard quadratic in
/// its length). A killed rank leaves at most a torn last line, which is ignored, and a rerun of the
/// shard continues after the last complete commit.
public struct ShardLabelFile: PseudoLabelStore {
    public static let format = "crescendo-shard-labels-1"

    public let directory: URL
    public let shardIndex: Int
    public let shardCount: Int

    public init(directory: URL, shardIndex: Int, shardCount: Int) {
        self.directory = directory
        self.shardIndex = shardIndex
        self.shardCount = shardCount
    }

    public static func fileName(shardIndex: Int, shardCount: Int) -> String { "shard-\(shardIndex)-of-\(shardCount).jsonl" }

    public var url: URL { directory.appendingPathComponent(Self.fileName(shardIndex: shardIndex, shardCount: shardCount)) }

    /// The first line: which shard of which split the file holds.
    struct Header: Codable, Equatable {
        var format: String
        var shardIndex: Int
        var shardCount: Int
    }

    /// One line: what one commit of the labeler stored.
    public struct Commit: Codable, Sendable, Equatable {
        /// The labelling run (for files written by `crescendo pseudo-label`, the teacher's fingerprint).
        public var run: Int64
        public var labels: [PseudoLabel]
        public var failed: [PseudoLabelFailure]
        /// The rows naming the frame files of time-aligned tasks (written by the pipeline's
        /// ranks; absent in files of `crescendo pseudo-label`, which labels clip-level tasks).
        public var frames: [FrameLabel]?
    }

    /// The complete commits so far, in order; none when the file does not exist.
    public func commits() throws(PseudoLabelShardError) -> [Commit] {
        let lines = try AppendOnlyLines(url: url).read().lines
        guard let first = lines.first else { return [] }
        let decoder = JSONDecoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: first)
        } catch {
            throw .corrupt(path: url.path, reason: "line 1 is not a shard header: \(error)")
        }
        guard header.format == Self.format else {
            throw .corrupt(path: url.path, reason: "format \(header.format), expected \(Self.format)")
        }
        guard header.shardIndex == shardIndex, header.shardCount == shardCount else {
            throw .corrupt(path: url.path, reason: "holds shard \(header.shardIndex) of \(header.shardCount)")
        }
        var commits: [Commit] = []
        commits.reserveCapacity(lines.count - 1)
        for (offset, line) in lines.enumerated().dropFirst() {
            do {
                commits.append(try decoder.decode(Commit.self, from: line))
            } catch {
                // Complete lines were written whole: a bad one is damage, not a killed writer.
                throw .corrupt(path: url.path, reason: "line \(offset + 1): \(error)")
            }
        }
        return commits
    }

    /// What `run` stored in this shard, later commits replacing earlier ones.
    public func stored(run: Int64) throws(PseudoLabelShardError) -> StoredPseudoLabels {
        var stored = StoredPseudoLabels()
        for commit in try commits() where commit.run == run { stored.add(commit) }
        return stored
    }

    public func labeledTrackIDs(run: Int64, tasks: [TaskSpec]) throws -> Set<Int64> {
        try stored(run: run).tracks(labelledFor: tasks.map(\.name))
    }

    /// Frame labels are stored as the rows naming their files (the files themselves are written
    /// by the labeler, beside the shards).
    public func store(_ labels: [PseudoLabel], frames: [FrameLabel], failures: [PseudoLabelFailure], run: Int64,
                      tasks: [TaskSpec]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func encode(_ value: some Encodable) throws(PseudoLabelShardError) -> Data {
            do { return try encoder.encode(value) } catch {
                throw .write(path: url.path, reason: "cannot encode: \(error)")
            }
        }
        let line = try encode(Commit(run: run, labels: labels, failed: failures, frames: frames.isEmpty ? nil : frames))
        try AppendOnlyLines(url: url).append(line) { () throws(PseudoLabelShardError) in
            try encode(Header(format: Self.format, shardIndex: shardIndex, shardCount: shardCount))
        }
    }
}

/// One run's labels and failures gathered from shard commits: the last label of each track and
/// task, and the last failure of each track that has not been labelled since.
public struct StoredPseudoLabels: Sendable, Equatable {
    public private(set) var labels: [Int64: [String: PseudoLabel]] = [:]
    public private(set) var failures: [Int64: PseudoLabelFailure] = [:]
    /// The last frame-file row of each track and time-aligned task.
    public private(set) var frames: [Int64: [String: FrameLabel]] = [:]

    public init() {}

    mutating func add(_ commit: ShardLabelFile.Commit) {
        // A track's segment labels of one task come in one commit: a later commit replaces them all.
        var replaced = Set<String>()
        for label in commit.labels {
            if label.segment != nil, replaced.insert("\(label.trackId)/\(label.task)").inserted {
                segments[label.trackId, default: [:]][label.task] = []
            }
            if label.segment != nil {
                segments[label.trackId, default: [:]][label.task, default: []].append(label)
            } else {
                labels[label.trackId, default: [:]][label.task] = label
            }
            failures[label.trackId] = nil
        }
        for frame in commit.frames ?? [] {
            frames[frame.trackId, default: [:]][frame.task] = frame
            failures[frame.trackId] = nil
        }
        for failure in commit.failed { failures[failure.trackId] = failure }
    }

    /// Segment labels per track and task, in the order the labeler stored them.
    public private(set) var segments: [Int64: [String: [PseudoLabel]]] = [:]

    /// Every stored label: track labels and segment labels, by track, task and segment order.
    public var allLabels: [PseudoLabel] {
        var all = labels.values.flatMap(\.values)
        all += segments.values.flatMap { $0.values.flatMap { $0 } }
        return all
    }

    /// Tracks with a label (track, segments or frames) for every one of `tasks`.
    public func tracks(labelledFor tasks: [String]) -> Set<Int64> {
        let ids = Set(labels.keys).union(segments.keys).union(frames.keys)
        return ids.filter { id in
            tasks.allSatisfy { labels[id]?[$0] != nil || segments[id]?[$0] != nil || frames[id]?[$0] != nil }
        }
    }
}
