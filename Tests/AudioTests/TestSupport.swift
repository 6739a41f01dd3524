import Foundation
import Testing
@testable import Audio

/// Shared helpers: fixture lookup, temporary directories, raw file writers,
/// reference loading and memory sampling.
enum Fixtures {
    /// `Tests/AudioTests/Fixtures`, located from this source file (the folder
    /// is excluded from the target, not bundled as a resource).
    static let directory: String = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return here.appendingPathComponent("Fixtures").path
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    /// Raw little-endian float32 file (the `.f32` references).
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
        var out = [Float](repeating: 0, count: data.count / 4)
        data.withUnsafeBytes { raw in
            for i in 0..<out.count {
                out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        }
        return out
    }
}

/// Creates a fresh temporary directory, runs `body`, then removes it.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-audio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    return try body(base.path)
}

/// Async variant of ``withTemporaryDirectory(_:)``.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-audio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    return try await body(base.path)
}

/// Writes raw bytes to `path`.
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Copies the first `count` bytes of a fixture to `path`.
func writePrefix(of fixture: String, bytes count: Int, to path: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(fixture)))
    try data.prefix(count).write(to: URL(fileURLWithPath: path))
}

/// Interleaved test tone: channel `c` is a sine at `440 * (c + 1)` Hz, amplitude 0.25.
func toneSamples(sampleRate: Int, channels: Int, frames: Int, baseFrequency: Double = 440) -> [Float] {
    var out = [Float](repeating: 0, count: frames * channels)
    for f in 0..<frames {
        for c in 0..<channels {
            out[f * channels + c] = Float(0.25 * sin(2 * Double.pi * baseFrequency * Double(c + 1) * Double(f) / Double(sampleRate)))
        }
    }
    return out
}

/// Largest absolute difference of two equally long arrays.
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a[i] - b[i])) }
    return m
}

/// Signal-to-noise ratio (dB) of `test` against `reference`.
func snr(_ reference: [Float], _ test: [Float]) -> Double {
    var signal = 0.0, noise = 0.0
    for i in 0..<min(reference.count, test.count) {
        signal += Double(reference[i]) * Double(reference[i])
        let d = Double(reference[i]) - Double(test[i])
        noise += d * d
    }
    return 10 * log10(signal / max(noise, 1e-30))
}

/// The fixture's source signal (what tools/make_audio_fixtures.py encodes),
/// down-mixed to mono, at `sampleRate` for `seconds`.
func referenceToneMono(sampleRate: Int, seconds: Double = 1) -> [Float] {
    let n = Int((Double(sampleRate) * seconds).rounded())
    return (0..<n).map { i -> Float in
        let t = Double(i) / Double(sampleRate)
        let left = Float(0.5 * sin(2 * Double.pi * 440 * t))
        let right = Float(0.3 * sin(2 * Double.pi * (200 * t + 0.5 * 3800 * t * t)))
        return (left + right) / 2
    }
}

/// Captures an ``AudioError`` thrown by `body` (nil when nothing was thrown).
func audioError<T>(_ body: () throws -> T) -> AudioError? {
    do {
        _ = try body()
        return nil
    } catch let error as AudioError {
        return error
    } catch {
        Issue.record("unexpected non-AudioError \(error)")
        return nil
    }
}
