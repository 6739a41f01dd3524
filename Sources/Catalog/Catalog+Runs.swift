import Foundation
import GRDB

extension Catalog {
    /// Records a new run in status ``RunStatus/running``.
    /// - Parameters:
    ///   - kind: What the run does.
    ///   - configJSON: Its configuration as JSON text.
    ///   - parent: The run it builds on, if any.
    /// - Throws: ``CatalogError/invalidJSON(what:message:)``, ``CatalogError/unknownRun(id:)``
    ///   for an unknown parent.
    @discardableResult
    public func createRun(kind: RunKind, configJSON: String = "{}", parent: Int64? = nil) throws(CatalogError) -> RunRecord {
        try JSONText.validate(configJSON, what: "the configuration of a \(kind) run")
        let now = Date().timeIntervalSince1970
        return try write("creating a \(kind) run") { db in
            if let parent, try RunTable.fetch(id: parent, in: db) == nil {
                throw CatalogError.unknownRun(id: parent)
            }
            try db.execute(sql: """
                INSERT INTO run(kind, config, parentRunId, createdAt, status) VALUES (?, ?, ?, ?, 'running')
                """, arguments: [kind.rawValue, configJSON, parent, now])
            let id = db.lastInsertedRowID
            guard let run = try RunTable.fetch(id: id, in: db) else { throw CatalogError.unknownRun(id: id) }
            return run
        }
    }

    /// Records a new run whose configuration is any `Encodable` value (stored as JSON with
    /// sorted keys).
    @discardableResult
    public func createRun<Config: Encodable>(kind: RunKind, config: Config, parent: Int64? = nil) throws(CatalogError) -> RunRecord {
        let json = try JSONText.encode(config, what: "the configuration of a \(kind) run")
        return try createRun(kind: kind, configJSON: json, parent: parent)
    }

    /// Marks a running run as finished (or failed) with its metrics.
    /// - Throws: ``CatalogError/unknownRun(id:)``, ``CatalogError/runNotRunning(id:status:)``,
    ///   ``CatalogError/invalidArgument(_:)`` when `status` is ``RunStatus/running``,
    ///   ``CatalogError/invalidJSON(what:message:)``.
    @discardableResult
    public func finishRun(_ id: Int64, metricsJSON: String, status: RunStatus = .finished) throws(CatalogError) -> RunRecord {
        guard status != .running else {
            throw .invalidArgument("run \(id): finish with status finished or failed, not running")
        }
        try JSONText.validate(metricsJSON, what: "the metrics of run \(id)")
        let now = Date().timeIntervalSince1970
        return try write("finishing run \(id)") { db in
            guard let run = try RunTable.fetch(id: id, in: db) else { throw CatalogError.unknownRun(id: id) }
            guard run.status == .running else {
                throw CatalogError.runNotRunning(id: id, status: run.status.rawValue)
            }
            try db.execute(sql: "UPDATE run SET status = ?, metrics = ?, finishedAt = ? WHERE id = ?",
                           arguments: [status.rawValue, metricsJSON, now, id])
            guard let finished = try RunTable.fetch(id: id, in: db) else { throw CatalogError.unknownRun(id: id) }
            return finished
        }
    }

    /// Marks a running run as finished (or failed) with a flat dictionary of metrics.
    /// Non-finite values cannot be written as JSON and are rejected.
    @discardableResult
    public func finishRun(_ id: Int64, metrics: [String: Double], status: RunStatus = .finished) throws(CatalogError) -> RunRecord {
        if let bad = metrics.first(where: { !$0.value.isFinite }) {
            throw .invalidJSON(what: "the metrics of run \(id)", message: "metric \(bad.key) is \(bad.value)")
        }
        let json = try JSONText.encode(metrics, what: "the metrics of run \(id)")
        return try finishRun(id, metricsJSON: json, status: status)
    }

    /// Replaces the metrics of a finished run (a stage re-evaluated from its checkpoint when
    /// only its evaluation changed); its status and finish time stay.
    /// A run still running is finished with the metrics.
    /// - Throws: ``CatalogError/unknownRun(id:)``, ``CatalogError/invalidJSON(what:message:)``.
    @discardableResult
    public func recordMetrics(_ id: Int64, metrics: [String: Double]) throws(CatalogError) -> RunRecord {
        if let bad = metrics.first(where: { !$0.value.isFinite }) {
            throw .invalidJSON(what: "the metrics of run \(id)", message: "metric \(bad.key) is \(bad.value)")
        }
        let json = try JSONText.encode(metrics, what: "the metrics of run \(id)")
        let status = try read("reading run \(id)") { db in try RunTable.fetch(id: id, in: db)?.status }
        guard let status else { throw .unknownRun(id: id) }
        if status == .running { return try finishRun(id, metricsJSON: json) }
        return try write("updating the metrics of run \(id)") { db in
            try db.execute(sql: "UPDATE run SET metrics = ? WHERE id = ?", arguments: [json, id])
            guard let run = try RunTable.fetch(id: id, in: db) else { throw CatalogError.unknownRun(id: id) }
            return run
        }
    }

    /// The run with id `id`, or `nil`.
    public func run(id: Int64) throws(CatalogError) -> RunRecord? {
        try read("reading run \(id)") { db in try RunTable.fetch(id: id, in: db) }
    }

    /// All runs (of one kind, when given), in creation order.
    public func runs(kind: RunKind? = nil) throws(CatalogError) -> [RunRecord] {
        try read("listing runs") { db in
            if let kind {
                return try Row.fetchAll(db, sql: "SELECT \(RunRecord.columns) FROM run WHERE kind = ? ORDER BY id",
                                        arguments: [kind.rawValue]).map(RunRecord.init(row:))
            }
            return try Row.fetchAll(db, sql: "SELECT \(RunRecord.columns) FROM run ORDER BY id").map(RunRecord.init(row:))
        }
    }

    /// The run and its ancestors: `[run, parent, grandparent, ...]`.
    ///
    /// Parents must exist when a run is created and cannot be changed afterwards, so the
    /// chain is finite; the query still stops after 10 000 generations.
    /// - Throws: ``CatalogError/unknownRun(id:)``.
    public func lineage(of id: Int64) throws(CatalogError) -> [RunRecord] {
        try read("reading the lineage of run \(id)") { db in
            let rows = try Row.fetchAll(db, sql: """
                WITH RECURSIVE chain(runId, depth) AS (
                    SELECT ?, 0
                    UNION ALL
                    SELECT r.parentRunId, chain.depth + 1 FROM run r JOIN chain ON r.id = chain.runId
                    WHERE r.parentRunId IS NOT NULL AND chain.depth < 10000
                )
                SELECT \(RunRecord.columns.split(separator: ",").map { "r." + $0.trimmingWhitespace }.joined(separator: ", "))
                FROM chain JOIN run r ON r.id = chain.runId ORDER BY chain.depth
                """, arguments: [id])
            guard !rows.isEmpty else { throw CatalogError.unknownRun(id: id) }
            return try rows.map(RunRecord.init(row:))
        }
    }
}

/// Row-level helpers for the `run` table, used inside transactions.
enum RunTable {
    static func fetch(id: Int64, in db: Database) throws -> RunRecord? {
        try Row.fetchOne(db, sql: "SELECT \(RunRecord.columns) FROM run WHERE id = ?", arguments: [id]).map(RunRecord.init(row:))
    }
}
