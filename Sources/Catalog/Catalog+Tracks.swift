import Foundation
import GRDB

extension Catalog {
    /// The track with row id `id`, or `nil`.
    public func track(id: Int64) throws(CatalogError) -> TrackRecord? {
        try read("reading track \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT \(TrackRecord.columns) FROM track WHERE id = ?", arguments: [id])
                .map { try TrackRecord(row: $0, catalog: self) }
        }
    }

    /// The track at `path` (absolute, or relative to the root), or `nil`.
    public func track(path: String) throws(CatalogError) -> TrackRecord? {
        let stored = storedPath(for: path)
        return try read("reading track \(stored)") { db in
            try Row.fetchOne(db, sql: "SELECT \(TrackRecord.columns) FROM track WHERE path = ?", arguments: [stored])
                .map { try TrackRecord(row: $0, catalog: self) }
        }
    }

    /// The content hash (``ContentHash``) and file size of each of `ids` that exists, by id:
    /// what a stage fingerprint records of the audio it reads.
    public func contentHashes(ids: [Int64]) throws(CatalogError) -> [Int64: (hash: UInt64, size: Int64)] {
        try read("reading content hashes") { db in
            var result: [Int64: (hash: UInt64, size: Int64)] = [:]
            // Chunks keep each statement under SQLite's bound-parameter limit.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<Swift.min(ids.count, start + 500)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT id, contentHash, fileSize FROM track WHERE id IN (\(marks))",
                                            arguments: StatementArguments(chunk)) {
                    let hash: Int64 = row["contentHash"]
                    result[row["id"]] = (UInt64(bitPattern: hash), row["fileSize"])
                }
            }
            return result
        }
    }

    /// All tracks whose probe failed, by path.
    public func failedTracks() throws(CatalogError) -> [TrackRecord] {
        try read("listing failed tracks") { db in
            try Row.fetchAll(db, sql: "SELECT \(TrackRecord.columns) FROM track WHERE status = 'failed' ORDER BY path")
                .map { try TrackRecord(row: $0, catalog: self) }
        }
    }

    /// The number of tracks with `status`, or of all tracks when `status` is `nil`.
    public func trackCount(status: TrackStatus? = .ok) throws(CatalogError) -> Int {
        try read("counting tracks") { db in
            if let status {
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM track WHERE status = ?", arguments: [status.rawValue]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM track") ?? 0
        }
    }

    /// Inserts tracks whose metadata is already known, without touching their files, in one
    /// transaction through one prepared statement: the bulk path for large, pre-probed
    /// collections. A track whose path is already catalogued is updated in place (its id and
    /// labels are kept).
    ///
    /// - Returns: The row ids, in the order of `tracks`.
    /// - Throws: ``CatalogError/invalidArgument(_:)`` for a status/error mismatch (nothing is
    ///   written), ``CatalogError/database(path:operation:message:)``.
    @discardableResult
    public func addTracks(_ tracks: [TrackMetadata]) throws(CatalogError) -> [Int64] {
        for track in tracks {
            try TrackTable.check(track)
        }
        let now = Date().timeIntervalSince1970
        return try write("adding \(tracks.count) tracks") { db in
            let writer = try TrackTable.Writer(db)
            var ids = [Int64]()
            ids.reserveCapacity(tracks.count)
            for track in tracks {
                ids.append(try writer.upsert(track, storedPath: storedPath(for: track.path), now: now))
            }
            return ids
        }
    }
}

/// Row-level helpers for the `track` table, used inside transactions.
enum TrackTable {
    static func check(_ track: TrackMetadata) throws(CatalogError) {
        switch (track.status, track.error) {
        case (.ok, nil), (.failed, .some):
            break
        case (.ok, .some):
            throw .invalidArgument("track \(track.path): an ok track has no error message")
        case (.failed, nil):
            throw .invalidArgument("track \(track.path): a failed track needs an error message")
        }
    }

    /// The track-table statements of one transaction, prepared once.
    struct Writer {
        private let db: Database
        private let insertStatement: Statement
        private let updateStatement: Statement
        private let touchStatement: Statement

        init(_ db: Database) throws {
            self.db = db
            // Insert first (the common case in bulk: one statement, no result row); a path
            // that is already catalogued falls through to the update.
            insertStatement = try db.cachedStatement(sql: """
                INSERT INTO track(path, duration, sampleRate, channels, frames, format, fileSize, modifiedAt,
                                  contentHash, status, error, addedAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(path) DO NOTHING
                """)
            updateStatement = try db.cachedStatement(sql: """
                UPDATE track SET duration = ?, sampleRate = ?, channels = ?, frames = ?, format = ?, fileSize = ?,
                                 modifiedAt = ?, contentHash = ?, status = ?, error = ?, updatedAt = ?
                WHERE path = ?
                RETURNING id
                """)
            touchStatement = try db.cachedStatement(sql: "UPDATE track SET modifiedAt = ? WHERE id = ?")
        }

        /// Inserts or updates the row for `storedPath`; returns its id. `addedAt` is kept on update.
        func upsert(_ track: TrackMetadata, storedPath: String, now: Double) throws -> Int64 {
            let hash = Int64(bitPattern: track.contentHash)
            // The statements' arities are fixed here, so skip GRDB's per-call argument validation.
            insertStatement.setUncheckedArguments([
                storedPath, track.duration, track.sampleRate, track.channels, track.frames, track.format,
                track.fileSize, track.modifiedAt, hash, track.status.rawValue, track.error, now, now,
            ])
            try insertStatement.execute()
            if db.changesCount > 0 { return db.lastInsertedRowID }
            updateStatement.setUncheckedArguments([
                track.duration, track.sampleRate, track.channels, track.frames, track.format, track.fileSize,
                track.modifiedAt, hash, track.status.rawValue, track.error, now, storedPath,
            ])
            guard let id = try Int64.fetchOne(updateStatement) else {
                throw CatalogError.invalidArgument("track \(storedPath): neither inserted nor updated")
            }
            return id
        }

        /// Updates only the recorded modification time (the file was touched, its content is
        /// unchanged).
        func touch(id: Int64, modifiedAt: Int64) throws {
            touchStatement.setUncheckedArguments([modifiedAt, id])
            try touchStatement.execute()
        }
    }
}
