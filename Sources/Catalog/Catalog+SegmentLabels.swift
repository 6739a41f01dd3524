import Foundation
import GRDB

/// A teacher's label of one window of a track: where the window is, the probabilities, and
/// how sure the teacher was.
public struct SegmentLabel: Sendable, Equatable {
    public var trackId: Int64
    public var task: String
    /// Seconds from the track's start.
    public var start: Double
    public var duration: Double
    public var probabilities: [Float]
    /// The top probability (multi-class) or the mean distance from 0.5, scaled to [0, 1]
    /// (multi-label); what selection thresholds.
    public var confidence: Double
    /// Entropy of the distribution divided by its maximum (0: certain, 1: uniform).
    public var entropy: Double
    /// The noisy-student round whose teacher made it (1 for the first teacher).
    public var round: Int

    public init(trackId: Int64, task: String, start: Double, duration: Double, probabilities: [Float],
                confidence: Double, entropy: Double, round: Int) {
        self.trackId = trackId
        self.task = task
        self.start = start
        self.duration = duration
        self.probabilities = probabilities
        self.confidence = confidence
        self.entropy = entropy
        self.round = round
    }
}

extension Catalog {
    /// Stores segment labels of run `runId` in one transaction; a segment stored again (same
    /// run, track, task and start) is replaced, so a resumed run is idempotent.
    /// - Throws: ``CatalogError/unknownRun(id:)``, ``CatalogError/unknownTask(_:)``,
    ///   ``CatalogError/unknownTrack(id:)``, ``CatalogError/invalidLabel(task:trackId:reason:)``
    ///   for a segment with a negative start, no duration or non-finite probabilities.
    public func addSegmentLabels(_ labels: [SegmentLabel], runId: Int64) throws(CatalogError) {
        try write("adding \(labels.count) segment labels of run \(runId)") { db in
            guard try RunTable.fetch(id: runId, in: db) != nil else { throw CatalogError.unknownRun(id: runId) }
            var taskIDs: [String: Int64] = [:]
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO segmentLabel (runId, trackId, taskId, start, duration, probabilities, confidence, entropy, round)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for label in labels {
                guard label.start >= 0, label.duration > 0, label.start.isFinite, label.duration.isFinite else {
                    throw CatalogError.invalidLabel(task: label.task, trackId: label.trackId,
                                                    reason: "segment at \(label.start) s for \(label.duration) s")
                }
                guard label.probabilities.allSatisfy(\.isFinite), label.confidence.isFinite, label.entropy.isFinite else {
                    throw CatalogError.invalidLabel(task: label.task, trackId: label.trackId, reason: "non-finite probabilities")
                }
                let taskID: Int64
                if let known = taskIDs[label.task] { taskID = known } else {
                    taskID = try TaskTable.fetchRequired(named: label.task, in: db).id
                    taskIDs[label.task] = taskID
                }
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM track WHERE id = ?", arguments: [label.trackId]) != nil else {
                    throw CatalogError.unknownTrack(id: label.trackId)
                }
                try statement.execute(arguments: [runId, label.trackId, taskID, label.start, label.duration,
                                                  Self.blob(label.probabilities), label.confidence, label.entropy, label.round])
            }
        }
    }

    /// Segment labels of run `runId` for `tasks` (all tasks when nil) with confidence ≥
    /// `minimumConfidence`, of `round` (any when nil), ordered by track, start and task.
    public func segmentLabels(runId: Int64, tasks: [String]? = nil, minimumConfidence: Double = -.infinity,
                              round: Int? = nil) throws(CatalogError) -> [SegmentLabel] {
        try read("reading segment labels of run \(runId)") { db in
            var sql = """
                SELECT s.trackId, t.name, s.start, s.duration, s.probabilities, s.confidence, s.entropy, s.round
                FROM segmentLabel s JOIN task t ON t.id = s.taskId
                WHERE s.runId = ? AND s.confidence >= ?
                """
            var arguments: StatementArguments = [runId, minimumConfidence]
            if let round {
                sql += " AND s.round = ?"
                arguments += [round]
            }
            if let tasks {
                sql += " AND t.name IN (\(Array(repeating: "?", count: tasks.count).joined(separator: ",")))"
                arguments += StatementArguments(tasks)
            }
            sql += " ORDER BY s.trackId, s.start, t.name"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let blob: Data = row[4]
                return SegmentLabel(trackId: row[0], task: row[1], start: row[2], duration: row[3],
                                    probabilities: Self.floats(blob), confidence: row[5], entropy: row[6], round: row[7])
            }
        }
    }

    /// Per track: the tasks that run `runId` has segment labels of (for resuming a run).
    public func segmentLabelledTasks(runId: Int64) throws(CatalogError) -> [Int64: Set<String>] {
        try read("reading the tracks of run \(runId)") { db in
            var result: [Int64: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT s.trackId, t.name FROM segmentLabel s JOIN task t ON t.id = s.taskId WHERE s.runId = ?
                """, arguments: [runId]) {
                result[row[0], default: []].insert(row[1])
            }
            return result
        }
    }

    /// Little-endian float32s, one copy (the bytes are built from the bit patterns, so the
    /// layout does not depend on the host).
    static func blob(_ values: [Float]) -> Data {
        let words = values.map { $0.bitPattern.littleEndian }
        return words.withUnsafeBytes { Data($0) }
    }

    static func floats(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { i in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        }
    }
}
