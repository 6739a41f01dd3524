import Foundation
import GRDB

/// A catalog of audio tracks, tasks, labels, splits and runs in one SQLite database.
///
/// ## Storage
/// A file catalog is a GRDB `DatabasePool` in WAL mode (readers do not block the writer)
/// with foreign keys enforced, `synchronous = NORMAL` and a 64 MiB page cache per connection. Every write runs in one
/// transaction: when it throws, nothing of it remains. See `Schema.swift` for the tables and indexes.
///
/// ## Paths
/// Every catalog has a **root** directory, fixed when the database is created: by default
/// the directory that holds the database file. A track's path is stored *relative to the
/// root* when the file lies under it and *absolute* otherwise, after lexical normalisation
/// (`.` and `..` removed, repeated slashes collapsed; symbolic links are not resolved). A
/// catalog that lives next to its audio can therefore be moved or copied with it. The root
/// itself is stored relative to the database's directory when it lies under it.
///
/// Paths handed to the catalog's API may be absolute or relative; relative ones are taken
/// relative to the root. Paths handed back (``TrackRecord/absolutePath``,
/// ``SplitTrack/path``) are absolute.
///
/// ## Concurrency
/// `Catalog` is a value that can be shared between tasks and threads; GRDB serialises the
/// writes and runs reads concurrently.
public struct Catalog: Sendable {
    /// The database connection(s).
    let writer: any DatabaseWriter
    /// Path of the database file, or `":memory:"`.
    public let databasePath: String
    /// Absolute, normalised root directory that relative track paths are resolved against.
    public let root: String

    /// Opens the catalog at `path`, creating the file (and its parent directories) and
    /// migrating the schema as needed.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - root: The root directory for a new catalog (default: the database's directory).
    ///     For an existing catalog, `nil` uses the recorded root and anything else must equal it.
    /// - Throws: ``CatalogError/cannotOpen(path:message:)`` or
    ///   ``CatalogError/rootMismatch(database:stored:given:)``.
    public init(path: String, root: String? = nil) throws(CatalogError) {
        let cwd = FileManager.default.currentDirectoryPath
        let databasePath = PathRules.normalize(path, relativeTo: cwd)
        let databaseDirectory = PathRules.directory(of: databasePath)
        do {
            try FileManager.default.createDirectory(atPath: databaseDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: databasePath, message: "cannot create directory \(databaseDirectory): \(error.localizedDescription)")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: databasePath, configuration: Self.configuration())
        } catch {
            throw .cannotOpen(path: databasePath, message: "\(error)")
        }
        let givenRoot = root.map { PathRules.normalize($0, relativeTo: cwd) }
        let resolvedRoot = try Self.prepare(pool, databasePath: databasePath,
                                            databaseDirectory: databaseDirectory, givenRoot: givenRoot)
        self.writer = pool
        self.databasePath = databasePath
        self.root = resolvedRoot
    }

    /// Creates an empty catalog in memory (for tests and throw-away tools).
    /// - Parameter root: Directory relative track paths are resolved against (required).
    public static func inMemory(root: String) throws(CatalogError) -> Catalog {
        let absoluteRoot = PathRules.normalize(root, relativeTo: FileManager.default.currentDirectoryPath)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: configuration())
        } catch {
            throw .cannotOpen(path: ":memory:", message: "\(error)")
        }
        let resolved = try prepare(queue, databasePath: ":memory:", databaseDirectory: absoluteRoot, givenRoot: absoluteRoot)
        return Catalog(writer: queue, databasePath: ":memory:", root: resolved)
    }

    private init(writer: any DatabaseWriter, databasePath: String, root: String) {
        self.writer = writer
        self.databasePath = databasePath
        self.root = root
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 64 MiB of page cache per connection: bulk imports into a million-track catalog
            // touch index pages all over the file (paths and hashes arrive in no order).
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        return configuration
    }

    /// Migrates the schema and settles the root; returns the absolute root.
    private static func prepare(_ writer: any DatabaseWriter, databasePath: String, databaseDirectory: String,
                                givenRoot: String?) throws(CatalogError) -> String {
        do {
            try Schema.migrator.migrate(writer)
            return try writer.write { db throws -> String in
                if let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'root'") {
                    let resolved = PathRules.normalize(stored, relativeTo: databaseDirectory)
                    if let givenRoot, givenRoot != resolved {
                        throw CatalogError.rootMismatch(database: databasePath, stored: resolved, given: givenRoot)
                    }
                    return resolved
                }
                let chosen = givenRoot ?? databaseDirectory
                let stored = PathRules.relative(chosen, under: databaseDirectory) ?? chosen
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('root', ?)", arguments: [stored])
                return chosen
            }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .cannotOpen(path: databasePath, message: "\(error)")
        }
    }

    // MARK: - Paths

    /// The form in which `path` is stored: relative to ``root`` when it lies under it,
    /// absolute otherwise. A relative `path` is taken relative to ``root``.
    public func storedPath(for path: String) -> String {
        if PathRules.isNormalRelative(path) { return path }
        let absolute = PathRules.normalize(path, relativeTo: root)
        return PathRules.relative(absolute, under: root) ?? absolute
    }

    /// The absolute path of a stored path.
    public func absolutePath(forStored stored: String) -> String {
        stored.hasPrefix("/") ? stored : (root == "/" ? "/" + stored : root + "/" + stored)
    }

    // MARK: - Transactions

    /// Runs `body` in a write transaction, mapping any non-catalog error to
    /// ``CatalogError/database(path:operation:message:)``.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(CatalogError) -> T {
        do {
            return try writer.write(body)
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .database(path: databasePath, operation: operation, message: "\(error)")
        }
    }

    /// Async variant of ``write(_:_:)`` that does not block a cooperative thread.
    func writeAsync<T: Sendable>(_ operation: String,
                                 _ body: @escaping @Sendable (Database) throws -> T) async throws(CatalogError) -> T {
        do {
            return try await writer.write(body)
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .database(path: databasePath, operation: operation, message: "\(error)")
        }
    }

    /// Runs `body` in a read-only transaction (a consistent snapshot).
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(CatalogError) -> T {
        do {
            return try writer.read(body)
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .database(path: databasePath, operation: operation, message: "\(error)")
        }
    }
}

/// Lexical path rules shared by the catalog and the importers.
enum PathRules {
    /// `path` made absolute against `base` (when relative), with `.`, `..` and repeated
    /// slashes removed lexically. `..` above `/` stays at `/`.
    static func normalize(_ path: String, relativeTo base: String) -> String {
        if isNormalRelative(path) { return base == "/" ? "/" + path : base + "/" + path }
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether `path` is relative and already normal: no empty, `.` or `..` component.
    /// (The common case, checked in one pass over the UTF-8 bytes.)
    static func isNormalRelative(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var componentLength = 0
        var dots = 0
        for byte in path.utf8 {
            if byte == slash {
                if componentLength == 0 || componentLength == dots && dots <= 2 { return false }
                componentLength = 0
                dots = 0
            } else {
                componentLength += 1
                if byte == dot { dots += 1 }
            }
        }
        return componentLength > 0 && !(componentLength == dots && dots <= 2)
    }

    /// `path` relative to `directory` when it lies strictly under it (both absolute and
    /// normalised), else `nil`. The directory itself maps to `"."`.
    static func relative(_ path: String, under directory: String) -> String? {
        if path == directory { return "." }
        let prefix = directory == "/" ? "/" : directory + "/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count))
    }

    /// The directory part of a normalised absolute path.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}
