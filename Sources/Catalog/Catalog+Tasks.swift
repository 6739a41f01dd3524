import Foundation
import GRDB
import MusicTasks

extension Catalog {
    /// Adds a task, or returns the existing one when a task of that name has the same kind
    /// and classes (so importers can call it on every run).
    /// - Throws: ``CatalogError/invalidTask(name:reason:)`` for an unusable specification,
    ///   ``CatalogError/taskConflict(name:existing:requested:)`` when the name is taken by a
    ///   different definition.
    @discardableResult
    public func addTask(_ spec: TaskSpec) throws(CatalogError) -> CatalogTask {
        try spec.validateForCatalog()
        return try write("adding task \(spec.name)") { db in try TaskTable.ensure(spec, in: db) }
    }

    /// The task called `name`, or `nil`.
    public func task(named name: String) throws(CatalogError) -> CatalogTask? {
        try read("reading task \(name)") { db in try TaskTable.fetch(named: name, in: db) }
    }

    /// All tasks, in creation order.
    public func tasks() throws(CatalogError) -> [CatalogTask] {
        try read("listing tasks") { db in
            try Row.fetchAll(db, sql: "SELECT id, name, kind, classes FROM task ORDER BY id").map(TaskTable.decode)
        }
    }
}

/// Row-level helpers for the `task` table, used inside transactions.
enum TaskTable {
    static func fetch(named name: String, in db: Database) throws -> CatalogTask? {
        try Row.fetchOne(db, sql: "SELECT id, name, kind, classes FROM task WHERE name = ?", arguments: [name])
            .map(decode)
    }

    static func fetchRequired(named name: String, in db: Database) throws -> CatalogTask {
        guard let task = try fetch(named: name, in: db) else { throw CatalogError.unknownTask(name) }
        return task
    }

    static func fetch(id: Int64, in db: Database) throws -> CatalogTask? {
        try Row.fetchOne(db, sql: "SELECT id, name, kind, classes FROM task WHERE id = ?", arguments: [id])
            .map(decode)
    }

    /// Inserts `spec` (already validated) unless an identical task exists.
    static func ensure(_ spec: TaskSpec, in db: Database) throws -> CatalogTask {
        if let existing = try fetch(named: spec.name, in: db) {
            guard existing.spec == spec else {
                throw CatalogError.taskConflict(name: spec.name, existing: existing.spec.description,
                                                requested: spec.description)
            }
            return existing
        }
        let classes = try JSONText.encode(spec.classes, what: "classes of task \(spec.name)")
        try db.execute(sql: "INSERT INTO task(name, kind, classes) VALUES (?, ?, ?)",
                       arguments: [spec.name, spec.kind.rawValue, classes])
        return CatalogTask(id: db.lastInsertedRowID, spec: spec)
    }

    static func decode(_ row: Row) throws -> CatalogTask {
        let id: Int64 = row["id"]
        let name: String = row["name"]
        let kindText: String = row["kind"]
        guard let kind = TaskKind(rawValue: kindText) else {
            throw CatalogError.invalidTask(name: name, reason: "stored kind \"\(kindText)\" is unknown")
        }
        let classesText: String = row["classes"]
        let classes = try JSONText.decode([String].self, from: classesText, what: "classes of task \(name)")
        return CatalogTask(id: id, spec: TaskSpec(name: name, kind: kind, classes: classes))
    }
}

/// JSON text helpers with catalog errors.
enum JSONText {
    static func encode<T: Encodable>(_ value: T, what: String) throws(CatalogError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(value)
            guard let text = String(data: data, encoding: .utf8) else {
                throw CatalogError.invalidJSON(what: what, message: "encoder produced non-UTF-8 output")
            }
            return text
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .invalidJSON(what: what, message: "\(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String, what: String) throws(CatalogError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw .invalidJSON(what: what, message: "\(error)")
        }
    }

    /// Checks that `text` is one JSON value (object, array, string, number, literal).
    static func validate(_ text: String, what: String) throws(CatalogError) {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw .invalidJSON(what: what, message: "\(error.localizedDescription)")
        }
    }
}
