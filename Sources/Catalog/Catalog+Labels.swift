import Foundation
import GRDB
import MusicTasks

/// One label to write: a track, a task (by name), a value and an optional confidence.
public struct LabelInput: Sendable, Hashable {
    /// Row id of the track.
    public var trackId: Int64
    /// Name of the task.
    public var task: String
    /// The value; must fit the task (see ``LabelValue``).
    public var value: LabelValue
    /// The model's confidence in a pseudo-label (or an annotator's agreement), if any.
    public var confidence: Double?

    /// Creates a label to write.
    public init(trackId: Int64, task: String, value: LabelValue, confidence: Double? = nil) {
        self.trackId = trackId
        self.task = task
        self.value = value
        self.confidence = confidence
    }
}

/// A label as stored.
public struct StoredLabel: Sendable, Hashable {
    /// Row id of the track.
    public var trackId: Int64
    /// Name of the task.
    public var task: String
    /// The value (probabilities at `Float16` precision).
    public var value: LabelValue
    /// Human, or the pseudo-labelling run.
    public var source: LabelSource
    /// Confidence, if recorded.
    public var confidence: Double?
}

/// What writing labels did.
public struct LabelWriteCounts: Sendable, Hashable, CustomStringConvertible {
    /// Labels that did not exist.
    public var inserted = 0
    /// Labels that existed with another value or confidence, and were replaced.
    public var changed = 0
    /// Labels that existed with the same value and confidence.
    public var unchanged = 0

    /// Zero counts.
    public init() {}

    public var description: String { "\(inserted) inserted, \(changed) changed, \(unchanged) unchanged" }

    mutating func add(_ outcome: LabelTable.Outcome) {
        switch outcome {
        case .inserted: inserted += 1
        case .changed: changed += 1
        case .unchanged: unchanged += 1
        }
    }
}

extension Catalog {
    /// Writes one label (inserting it, or replacing the track's label for the same task and
    /// source).
    /// - Throws: ``CatalogError/unknownTask(_:)``, ``CatalogError/unknownTrack(id:)``,
    ///   ``CatalogError/unknownRun(id:)``, ``CatalogError/invalidLabel(task:trackId:reason:)``.
    @discardableResult
    public func addLabel(_ label: LabelInput, source: LabelSource = .human) throws(CatalogError) -> LabelWriteCounts {
        try addLabels([label], source: source)
    }

    /// Writes labels in one transaction: either all of them are written or, when one of
    /// them is invalid (unknown task, track or run, value that does not fit its task), none.
    /// - Throws: as ``addLabel(_:source:)``.
    @discardableResult
    public func addLabels(_ labels: [LabelInput], source: LabelSource = .human) throws(CatalogError) -> LabelWriteCounts {
        try write("adding \(labels.count) \(source) labels") { db in
            if case .pseudo(let runId) = source, try RunTable.fetch(id: runId, in: db) == nil {
                throw CatalogError.unknownRun(id: runId)
            }
            var tasks: [String: CatalogTask] = [:]
            var counts = LabelWriteCounts()
            let writer = try LabelTable.Writer(db)
            for label in labels {
                let task: CatalogTask
                if let cached = tasks[label.task] {
                    task = cached
                } else {
                    task = try TaskTable.fetchRequired(named: label.task, in: db)
                    tasks[label.task] = task
                }
                counts.add(try writer.upsert(trackId: label.trackId, task: task, value: label.value,
                                             confidence: label.confidence, source: source))
            }
            return counts
        }
    }

    /// All labels of a track, ordered by task and source.
    public func labels(ofTrack trackId: Int64) throws(CatalogError) -> [StoredLabel] {
        try read("reading labels of track \(trackId)") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT l.trackId, t.name, l.source, l.runId, l.form, l.value, l.confidence
                FROM label l JOIN task t ON t.id = l.taskId
                WHERE l.trackId = ?
                ORDER BY t.id, l.source, coalesce(l.runId, 0)
                """, arguments: [trackId])
            return try rows.map { row in
                let task: String = row[1]
                guard let value = LabelStorage.decode(form: row[4], value: row[5]) else {
                    throw LabelTable.corrupt(task: task, trackId: trackId, catalog: self)
                }
                let runId: Int64? = row[3]
                return StoredLabel(trackId: row[0], task: task, value: value,
                                   source: runId.map { .pseudo(runId: $0) } ?? .human, confidence: row[6])
            }
        }
    }

    /// Deletes the labels of `source` (all tasks, or only `task`); returns how many.
    @discardableResult
    public func removeLabels(source: LabelSource, task: String? = nil) throws(CatalogError) -> Int {
        try write("removing \(source) labels") { db in
            var sql = "DELETE FROM label WHERE source = ? AND coalesce(runId, 0) = ?"
            var arguments: StatementArguments = [source.sourceName, source.runKey]
            if let task {
                let stored = try TaskTable.fetchRequired(named: task, in: db)
                sql += " AND taskId = ?"
                arguments += [stored.id]
            }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }
}

/// Row-level helpers for the `label` table, used inside transactions.
enum LabelTable {
    enum Outcome { case inserted, changed, unchanged }

    /// The label-table statements of one transaction, prepared once.
    struct Writer {
        private let db: Database
        private let selectStatement: Statement
        private let insertStatement: Statement
        private let updateStatement: Statement

        init(_ db: Database) throws {
            self.db = db
            selectStatement = try db.cachedStatement(sql: """
                SELECT id, form, value, confidence FROM label
                WHERE trackId = ? AND taskId = ? AND source = ? AND coalesce(runId, 0) = ?
                """)
            insertStatement = try db.cachedStatement(sql: """
                INSERT INTO label(trackId, taskId, source, runId, form, value, confidence)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
            updateStatement = try db.cachedStatement(sql: "UPDATE label SET form = ?, value = ?, confidence = ? WHERE id = ?")
        }

        /// Validates and writes one label: inserts it, replaces a different one, or leaves an
        /// identical one alone.
        func upsert(trackId: Int64, task: CatalogTask, value: LabelValue, confidence: Double?,
                    source: LabelSource) throws -> Outcome {
            try value.validateForCatalog(task.spec, trackId: trackId)
            if let confidence, !confidence.isFinite {
                throw CatalogError.invalidLabel(task: task.name, trackId: trackId, reason: "confidence \(confidence) is not finite")
            }
            let (form, encoded) = LabelStorage.encode(value)
            // Insert first (the common case in bulk); an existing label falls through to the
            // comparison. The statements' arities are fixed here, so skip GRDB's per-call
            // argument validation.
            insertStatement.setUncheckedArguments([trackId, task.id, source.sourceName, source.runId, form, encoded, confidence])
            do {
                try insertStatement.execute()
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                // The task and run are checked by the callers, so the track is missing.
                throw CatalogError.unknownTrack(id: trackId)
            }
            if db.changesCount > 0 { return .inserted }
            selectStatement.setUncheckedArguments([trackId, task.id, source.sourceName, source.runKey])
            guard let existing = try Row.fetchOne(selectStatement) else {
                throw CatalogError.invalidLabel(task: task.name, trackId: trackId, reason: "the label could be neither inserted nor found")
            }
            let storedForm: Int = existing[1]
            let storedValue: DatabaseValue = existing[2]
            let storedConfidence: Double? = existing[3]
            if storedForm == form && storedValue == encoded && storedConfidence == confidence {
                return .unchanged
            }
            let id: Int64 = existing[0]
            updateStatement.setUncheckedArguments([form, encoded, confidence, id])
            try updateStatement.execute()
            return .changed
        }
    }

    static func corrupt(task: String, trackId: Int64, catalog: Catalog) -> CatalogError {
        .database(path: catalog.databasePath, operation: "reading labels",
                  message: "the stored label of task \(task) for track \(trackId) cannot be decoded")
    }
}
