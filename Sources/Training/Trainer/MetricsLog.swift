import Foundation

/// The run's JSON-lines log (`metrics.jsonl`): one object per logged step and per evaluation.
public struct MetricsLog: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    public func append(_ object: [String: Any]) throws {
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        data.append(0x0A)
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // A failure here surfaces below, where opening the file throws with its path.
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    /// Drops entries written after `step` (by a run that was killed after its last checkpoint),
    /// so that a resumed run's log reads as one uninterrupted run. Rewritten atomically.
    public func truncate(afterStep step: Int) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let kept = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let s = object["step"] as? Int else { return false }
            return s <= step
        }
        let text = kept.map { $0 + "\n" }.joined()
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Every entry, parsed.
    public func entries() -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
