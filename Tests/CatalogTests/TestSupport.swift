import Audio
import Foundation
import Synchronization
import Testing
@testable import Catalog

/// Fixture lookup: `Tests/CatalogTests/Fixtures`, located from this source file (the folder
/// is excluded from the target, not bundled as a resource).
enum Fixtures {
    static let directory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }()

    static func path(_ relative: String) -> String { directory + "/" + relative }
}

/// A fresh temporary directory, removed when the value's scope ends via ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Resolve /tmp symlinks so that paths compare equal to what the catalog stores.
        path = url.resolvingSymlinksInPath().path
    }

    func file(_ relative: String) -> String { path + "/" + relative }

    /// Writes `contents` (creating parent folders) and returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ contents: String) throws -> String {
        try write(relative, Data(contents.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let target = file(relative)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: target))
        return target
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` with a temporary directory and a fresh file catalog in it.
func withCatalog<T>(_ body: (Catalog, TemporaryDirectory) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let catalog = try Catalog(path: directory.file("catalog.sqlite"))
    return try await body(catalog, directory)
}

/// A prober that does not read audio: every file is 44.1 kHz stereo, one second per 1000
/// bytes; files whose name contains `bad` fail. It records the paths it was asked about.
final class FakeProber: AudioProber {
    private let calls = Mutex<[String]>([])

    var probedPaths: [String] { calls.withLock { $0 } }

    func probe(_ path: String) throws(AudioError) -> AudioInfo {
        calls.withLock { $0.append(path) }
        if (path as NSString).lastPathComponent.contains("bad") {
            throw .unsupportedFormat(path: path, reason: "File contains data in an unknown format.")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return AudioInfo(path: path, sampleRate: 44_100, channels: 2, frames: size * 44_100 / 1000,
                         format: AudioFormat(rawValue: 0x010002), seekable: true)
    }
}

/// Sets a file's modification time (to make a rewrite with the same size visible, or to
/// touch a file without changing it).
func setModificationTime(_ path: String, secondsSince1970: Double) throws {
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: secondsSince1970)], ofItemAtPath: path)
}

/// A short 16-bit PCM WAV of a sine tone, written through the Audio module.
func writeTone(_ path: String, seconds: Double, sampleRate: Int = 8_000, channels: Int = 1, frequency: Double = 440) throws {
    let frames = Int(seconds * Double(sampleRate))
    var samples = [Float](repeating: 0, count: frames * channels)
    for frame in 0..<frames {
        let value = Float(0.5 * sin(2 * Double.pi * frequency * Double(frame) / Double(sampleRate)))
        for channel in 0..<channels { samples[frame * channels + channel] = value }
    }
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try WAVWriter.write(samples, to: path, sampleRate: sampleRate, channels: channels)
}
