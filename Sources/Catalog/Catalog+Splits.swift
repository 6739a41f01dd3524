import GRDB

/// A track's membership of one split (`train`, `valid`, `test`, `unlabeled`, ...).
public struct SplitAssignment: Sendable, Hashable {
    /// Row id of the track.
    public var trackId: Int64
    /// Name of the split.
    public var split: String

    /// Creates an assignment.
    public init(trackId: Int64, split: String) {
        self.trackId = trackId
        self.split = split
    }
}

extension Catalog {
    /// The name of the split set importers use when none is given.
    public static let defaultSplitSet = "default"

    /// Puts tracks into splits of `splitSet` (created if needed), in one transaction. A track
    /// belongs to at most one split of a split set; assigning it again moves it.
    /// - Returns: The number of assignments that changed something.
    /// - Throws: ``CatalogError/invalidSplit(name:reason:)``, ``CatalogError/unknownTrack(id:)``
    ///   (nothing is written).
    @discardableResult
    public func assignSplits(_ assignments: [SplitAssignment], splitSet: String = Catalog.defaultSplitSet) throws(CatalogError) -> Int {
        try SplitTable.checkName(splitSet)
        for assignment in assignments { try SplitTable.checkName(assignment.split) }
        return try write("assigning \(assignments.count) tracks to splits of \(splitSet)") { db in
            let setId = try SplitTable.ensureSet(named: splitSet, in: db)
            let writer = try SplitTable.Writer(db)
            var changed = 0
            for assignment in assignments {
                if try writer.assign(trackId: assignment.trackId, setId: setId, split: assignment.split) {
                    changed += 1
                }
            }
            return changed
        }
    }

    /// The split of `trackId` in `splitSet`, or `nil`.
    public func split(ofTrack trackId: Int64, splitSet: String = Catalog.defaultSplitSet) throws(CatalogError) -> String? {
        try read("reading split of track \(trackId)") { db in
            try String.fetchOne(db, sql: """
                SELECT s.name FROM split s JOIN splitSet ss ON ss.id = s.splitSetId
                WHERE ss.name = ? AND s.trackId = ?
                """, arguments: [splitSet, trackId])
        }
    }

    /// The names of all split sets.
    public func splitSets() throws(CatalogError) -> [String] {
        try read("listing split sets") { db in
            try String.fetchAll(db, sql: "SELECT name FROM splitSet ORDER BY name")
        }
    }

    /// Deletes a split set and its assignments; returns whether it existed.
    @discardableResult
    public func removeSplitSet(_ name: String) throws(CatalogError) -> Bool {
        try write("removing split set \(name)") { db in
            try db.execute(sql: "DELETE FROM splitSet WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }
}

/// Row-level helpers for the `split` and `splitSet` tables, used inside transactions.
enum SplitTable {
    static func checkName(_ name: String) throws(CatalogError) {
        guard !name.isEmpty, name.trimmingWhitespace == name else {
            throw .invalidSplit(name: name, reason: "split names must be non-empty, without surrounding whitespace")
        }
    }

    static func setId(named name: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM splitSet WHERE name = ?", arguments: [name])
    }

    static func ensureSet(named name: String, in db: Database) throws -> Int64 {
        if let id = try setId(named: name, in: db) { return id }
        try db.execute(sql: "INSERT INTO splitSet(name) VALUES (?)", arguments: [name])
        return db.lastInsertedRowID
    }

    /// The split-table statement of one transaction, prepared once.
    struct Writer {
        private let db: Database
        private let assignStatement: Statement

        init(_ db: Database) throws {
            self.db = db
            assignStatement = try db.cachedStatement(sql: """
                INSERT INTO split(splitSetId, trackId, name) VALUES (?, ?, ?)
                ON CONFLICT(splitSetId, trackId) DO UPDATE SET name = excluded.name WHERE name IS NOT excluded.name
                """)
        }

        /// Assigns a track; returns whether the row changed.
        func assign(trackId: Int64, setId: Int64, split: String) throws -> Bool {
            assignStatement.setUncheckedArguments([setId, trackId, split])
            do {
                try assignStatement.execute()
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                // The split set was just looked up or created, so the track is missing.
                throw CatalogError.unknownTrack(id: trackId)
            }
            return db.changesCount > 0
        }
    }
}
