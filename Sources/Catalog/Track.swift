import Foundation
import GRDB

/// Whether a track's file could be probed.
public enum TrackStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Probed: duration, sample rate and channels are known. Only these tracks appear in
    /// data-loader queries.
    case ok
    /// The file exists but could not be probed; ``TrackMetadata/error`` says why.
    case failed
}

/// Everything the catalog stores about one audio file: its ``TrackMetadata`` (read through as
/// `record.duration`, `record.status`, …), its row id, absolute path and row times.
@dynamicMemberLookup
public struct TrackRecord: Sendable, Hashable, CustomStringConvertible {
    /// Row id.
    public var id: Int64
    /// The stored facts; ``TrackMetadata/path`` is the stored path: relative to the catalog
    /// root, or absolute (see ``Catalog``).
    public var metadata: TrackMetadata
    /// The absolute path.
    public var absolutePath: String
    /// When the track was first imported.
    public var addedAt: Date
    /// When the track's row last changed.
    public var updatedAt: Date

    /// A stored fact of the track (`path`, `duration`, `sampleRate`, `status`, `error`, …).
    public subscript<Value>(dynamicMember keyPath: KeyPath<TrackMetadata, Value>) -> Value {
        metadata[keyPath: keyPath]
    }

    public var description: String {
        let m = metadata
        switch m.status {
        case .ok:
            let seconds = m.duration.map { String(format: "%.3f s", $0) } ?? "? s"
            return "#\(id) \(m.path) (\(seconds), \(m.sampleRate.map(String.init) ?? "?") Hz, \(m.channels.map(String.init) ?? "?") ch)"
        case .failed:
            return "#\(id) \(m.path) (failed: \(m.error ?? "unknown error"))"
        }
    }

    static let columns = """
        id, path, duration, sampleRate, channels, frames, format, fileSize, modifiedAt, contentHash,
        status, error, addedAt, updatedAt
        """

    init(row: Row, catalog: Catalog) throws {
        id = row["id"]
        let path: String = row["path"]
        absolutePath = catalog.absolutePath(forStored: path)
        let hash: Int64 = row["contentHash"]
        let statusText: String = row["status"]
        guard let status = TrackStatus(rawValue: statusText) else {
            throw CatalogError.database(path: catalog.databasePath, operation: "reading track \(path)",
                                        message: "unknown status \"\(statusText)\"")
        }
        metadata = TrackMetadata(path: path, duration: row["duration"], sampleRate: row["sampleRate"],
                                 channels: row["channels"], frames: row["frames"], format: row["format"],
                                 fileSize: row["fileSize"], modifiedAt: row["modifiedAt"],
                                 contentHash: UInt64(bitPattern: hash), status: status, error: row["error"])
        addedAt = Date(timeIntervalSince1970: row["addedAt"])
        updatedAt = Date(timeIntervalSince1970: row["updatedAt"])
    }
}

/// The facts about a track that the catalog stores, known without asking the catalog: what
/// an import gathers by probing, or what ``Catalog/addTracks(_:)`` takes from elsewhere.
public struct TrackMetadata: Sendable, Hashable {
    /// Absolute path, or a path relative to the catalog root.
    public var path: String
    /// Duration in seconds.
    public var duration: Double?
    /// Sample rate in Hz.
    public var sampleRate: Int?
    /// Channel count.
    public var channels: Int?
    /// Frame count.
    public var frames: Int?
    /// Container and encoding, e.g. `MP3/MPEG_LAYER_III`.
    public var format: String?
    /// File size in bytes.
    public var fileSize: Int64
    /// Modification time in nanoseconds since the Unix epoch.
    public var modifiedAt: Int64
    /// ``ContentHash`` of the file.
    public var contentHash: UInt64
    /// `.ok`, or `.failed` with an `error` message.
    public var status: TrackStatus
    /// The failure's message (required for, and only for, failed tracks).
    public var error: String?

    /// Creates track metadata.
    public init(path: String, duration: Double?, sampleRate: Int?, channels: Int?, frames: Int? = nil,
                format: String? = nil, fileSize: Int64, modifiedAt: Int64, contentHash: UInt64,
                status: TrackStatus = .ok, error: String? = nil) {
        self.path = path
        self.duration = duration
        self.sampleRate = sampleRate
        self.channels = channels
        self.frames = frames
        self.format = format
        self.fileSize = fileSize
        self.modifiedAt = modifiedAt
        self.contentHash = contentHash
        self.status = status
        self.error = error
    }
}
