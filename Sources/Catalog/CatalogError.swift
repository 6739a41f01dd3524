import MusicTasks
/// Everything that can make a catalog operation fail.
///
/// Every case names what it is about (the database or manifest file, the line, the task,
/// track or run) so that a message printed by a command-line tool identifies the culprit
/// without extra context. Problems that concern single rows or files of an import (a
/// missing audio file, an unknown class name, a file that does not probe) are *not* errors:
/// they are collected in an ``ImportReport`` and the import goes on.
public enum CatalogError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The database could not be opened, created or migrated.
    case cannotOpen(path: String, message: String)
    /// SQLite reported an error during `operation` (a few words such as "adding labels").
    /// Whatever the operation had written in its transaction has been rolled back.
    case database(path: String, operation: String, message: String)
    /// The catalog was opened with a `root` other than the one recorded when it was created.
    case rootMismatch(database: String, stored: String, given: String)
    /// An in-memory catalog was requested without a root directory.
    case rootRequired
    /// No task has this name.
    case unknownTask(String)
    /// A task with this name exists with a different kind or class list.
    case taskConflict(name: String, existing: String, requested: String)
    /// A task specification is unusable (duplicate or empty class names, classes given for
    /// a regression task...).
    case invalidTask(name: String, reason: String)
    /// No track has this id.
    case unknownTrack(id: Int64)
    /// No run has this id.
    case unknownRun(id: Int64)
    /// A run was asked to finish but is no longer running.
    case runNotRunning(id: Int64, status: String)
    /// A label does not fit its task: wrong value type for the task kind, class index out
    /// of range, probability vector of the wrong length, non-finite number...
    case invalidLabel(task: String, trackId: Int64?, reason: String)
    /// A split or split-set name is empty or otherwise unusable.
    case invalidSplit(name: String, reason: String)
    /// A JSON text (run configuration, metrics) does not parse or does not encode.
    case invalidJSON(what: String, message: String)
    /// A file (manifest, annotation, directory) could not be read.
    case unreadable(path: String, message: String)
    /// A manifest is malformed in a way that makes the rest of it unreadable
    /// (unterminated quoted field, missing header...). `line` is 1-based.
    case malformedManifest(path: String, line: Int, reason: String)
    /// A manifest's header lacks a required column.
    case missingColumn(path: String, column: String)
    /// A manifest's header names a column that is neither `path`, `split` nor a task of the
    /// import's specification.
    case unknownColumn(path: String, column: String)
    /// A caller-supplied argument is out of range.
    case invalidArgument(String)

    /// A one-line, human-readable message naming the file, row or key at fault.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let message):
            return "\(path): cannot open catalog: \(message)"
        case .database(let path, let operation, let message):
            return "\(path): database error while \(operation) (nothing was written): \(message)"
        case .rootMismatch(let database, let stored, let given):
            return "\(database): catalog root is \"\(stored)\" but \"\(given)\" was given"
        case .rootRequired:
            return "an in-memory catalog needs an explicit root directory"
        case .unknownTask(let name):
            return "unknown task \"\(name)\""
        case .taskConflict(let name, let existing, let requested):
            return "task \"\(name)\" already exists as \(existing); cannot redefine it as \(requested)"
        case .invalidTask(let name, let reason):
            return "invalid task \"\(name)\": \(reason)"
        case .unknownTrack(let id):
            return "unknown track id \(id)"
        case .unknownRun(let id):
            return "unknown run id \(id)"
        case .runNotRunning(let id, let status):
            return "run \(id) is \(status), not running"
        case .invalidLabel(let task, let trackId, let reason):
            let track = trackId.map { " for track \($0)" } ?? ""
            return "invalid label of task \"\(task)\"\(track): \(reason)"
        case .invalidSplit(let name, let reason):
            return "invalid split name \"\(name)\": \(reason)"
        case .invalidJSON(let what, let message):
            return "invalid JSON for \(what): \(message)"
        case .unreadable(let path, let message):
            return "\(path): cannot read: \(message)"
        case .malformedManifest(let path, let line, let reason):
            return "\(path):\(line): malformed manifest: \(reason)"
        case .missingColumn(let path, let column):
            return "\(path): header has no \"\(column)\" column"
        case .unknownColumn(let path, let column):
            return "\(path): header column \"\(column)\" is neither path, split nor a task of the import specification"
        case .invalidArgument(let message):
            return "invalid argument: \(message)"
        }
    }
}

extension CatalogError {
    /// The catalog's form of a task-definition or label error found by `MusicTasks`.
    init(_ error: TaskError) {
        switch error {
        case let .invalidTask(name, reason): self = .invalidTask(name: name, reason: reason)
        case let .invalidLabel(task, trackId, reason): self = .invalidLabel(task: task, trackId: trackId, reason: reason)
        case let .labelOutOfRange(task, index, classes):
            self = .invalidLabel(task: task, trackId: nil, reason: "class index \(index) is outside 0..<\(classes)")
        case let .targetSize(task, expected, found):
            self = .invalidLabel(task: task, trackId: nil, reason: "\(found) values for \(expected) outputs")
        case let .targetKind(task, kind, value):
            self = .invalidLabel(task: task, trackId: nil, reason: "a \(kind) task does not take \(value) values")
        case let .invalidKey(text, reason): self = .invalidLabel(task: "key", trackId: nil, reason: "\"\(text)\": \(reason)")
        case let .invalidAnnotation(line, reason):
            self = .invalidArgument("annotation line \(line): \(reason)")
        case let .invalidChord(text, reason): self = .invalidLabel(task: "chord", trackId: nil, reason: "\"\(text)\": \(reason)")
        case let .invalidDecoding(reason): self = .invalidArgument("cannot decode: \(reason)")
        }
    }
}
