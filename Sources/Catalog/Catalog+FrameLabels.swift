import Foundation
import GRDB

/// A teacher's frame probabilities of one track for one time-aligned task: the catalog row that
/// names the file holding them (frames × classes), with what selection and reports need.
public struct FrameLabel: Sendable, Equatable, Codable {
    public var trackId: Int64
    public var task: String
    /// The file with the frames (absolute, or relative to the working directory of the run that
    /// wrote it).
    public var path: String
    public var frameRate: Double
    public var frameCount: Int
    /// Mean confidence over the frames (each frame's as ``MusicTasks/TaskKind/confidence(of:)``).
    public var confidence: Double
    /// The noisy-student round whose teacher made it.
    public var round: Int

    public init(trackId: Int64, task: String, path: String, frameRate: Double, frameCount: Int,
                confidence: Double, round: Int) {
        self.trackId = trackId
        self.task = task
        self.path = path
        self.frameRate = frameRate
        self.frameCount = frameCount
        self.confidence = confidence
        self.round = round
    }
}

extension Catalog {
    /// Stores frame labels of run `runId` in one transaction; a track and task stored again is
    /// replaced, so a resumed run is idempotent.
    /// - Throws: ``CatalogError/unknownRun(id:)``, ``CatalogError/unknownTask(_:)``,
    ///   ``CatalogError/unknownTrack(id:)``, ``CatalogError/invalidLabel(task:trackId:reason:)`` for
    ///   a task that is not time-aligned, an empty path, a rate that is not positive or a
    ///   confidence that is not finite.
    public func addFrameLabels(_ labels: [FrameLabel], runId: Int64) throws(CatalogError) {
        try write("adding \(labels.count) frame labels of run \(runId)") { db in
            guard try RunTable.fetch(id: runId, in: db) != nil else { throw CatalogError.unknownRun(id: runId) }
            var taskIDs: [String: Int64] = [:]
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO frameLabel (runId, trackId, taskId, path, frameRate, frameCount, confidence, round)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for label in labels {
                func invalid(_ reason: String) -> CatalogError {
                    .invalidLabel(task: label.task, trackId: label.trackId, reason: reason)
                }
                guard !label.path.isEmpty else { throw invalid("frame label without a file") }
                guard label.frameRate > 0, label.frameRate.isFinite, label.frameCount >= 0 else {
                    throw invalid("\(label.frameCount) frames at \(label.frameRate) fps")
                }
                guard label.confidence.isFinite else { throw invalid("confidence \(label.confidence)") }
                let taskID: Int64
                if let known = taskIDs[label.task] { taskID = known } else {
                    let task = try TaskTable.fetchRequired(named: label.task, in: db)
                    guard task.kind.isTimeAligned else {
                        throw invalid("task \(label.task) is \(task.kind), not time-aligned: its pseudo-labels are label rows")
                    }
                    taskID = task.id
                    taskIDs[label.task] = taskID
                }
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM track WHERE id = ?", arguments: [label.trackId]) != nil else {
                    throw CatalogError.unknownTrack(id: label.trackId)
                }
                try statement.execute(arguments: [runId, label.trackId, taskID, label.path, label.frameRate,
                                                  label.frameCount, label.confidence, label.round])
            }
        }
    }

    /// Frame labels of run `runId` for `tasks` (all tasks when nil), ordered by track and task.
    public func frameLabels(runId: Int64, tasks: [String]? = nil) throws(CatalogError) -> [FrameLabel] {
        try read("reading frame labels of run \(runId)") { db in
            var sql = """
                SELECT f.trackId, t.name, f.path, f.frameRate, f.frameCount, f.confidence, f.round
                FROM frameLabel f JOIN task t ON t.id = f.taskId
                WHERE f.runId = ?
                """
            var arguments: StatementArguments = [runId]
            if let tasks {
                sql += " AND t.name IN (\(Array(repeating: "?", count: tasks.count).joined(separator: ",")))"
                arguments += StatementArguments(tasks)
            }
            sql += " ORDER BY f.trackId, t.name"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                FrameLabel(trackId: row[0], task: row[1], path: row[2], frameRate: row[3], frameCount: row[4],
                           confidence: row[5], round: row[6])
            }
        }
    }

    /// Per track: the tasks that run `runId` has frame labels of (for resuming a run).
    public func frameLabelledTasks(runId: Int64) throws(CatalogError) -> [Int64: Set<String>] {
        try read("reading the frame-labelled tracks of run \(runId)") { db in
            var result: [Int64: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT f.trackId, t.name FROM frameLabel f JOIN task t ON t.id = f.taskId WHERE f.runId = ?
                """, arguments: [runId]) {
                result[row[0], default: []].insert(row[1])
            }
            return result
        }
    }
}
