import Foundation
import Testing
@testable import Audio

@Suite("Windowed reads (seek, no full decode) and padding policies")
struct WindowedReadTests {
    @Test("a seeked window equals the same slice of a full decode",
          arguments: ["tone_pcm16.wav", "tone_float.wav", "tone.flac", "tone.ogg", "tone.opus", "tone.mp3"])
    func seekMatchesFullDecode(_ file: String) throws {
        let path = Fixtures.path(file)
        let full = try AudioFile.readAll(path)
        let reader = try AudioReader(path: path)
        let total = reader.info.frames
        for (start, length) in [(0, 100), (1234, 4096), (total / 2, 777), (total - 300, 300)] {
            let window = try reader.read(offset: .frames(start), length: .frames(length), padding: .fail)
            #expect(window.frames == length && window.decodedFrames == length)
            let expected = Array(full.interleaved[(start * 2)..<((start + length) * 2)])
            // Lossless formats seek sample-exactly; lossy decoders restart
            // from a packet boundary and may differ in the last float bits.
            let tolerance: Float = file.hasSuffix(".wav") || file.hasSuffix(".flac") ? 0 : 1e-6
            #expect(maxAbsDiff(window.interleaved, expected) <= tolerance, "\(file) window at \(start)")
        }
    }

    /// libsndfile 1.2.0 mis-seeks Ogg Vorbis from a non-zero position and does
    /// not prime the MPEG layer III bit reservoir after a seek; AudioReader
    /// works around both. Many seeks on one handle, forwards, backwards and
    /// short hops, must all match the full decode.
    @Test("random seeks on one handle match the full decode (libsndfile seek workarounds)",
          arguments: ["tone.ogg", "tone.mp3", "tone.opus", "tone.flac"])
    func randomSeeks(_ file: String) throws {
        let path = Fixtures.path(file)
        let full = try AudioFile.readAll(path)
        let reader = try AudioReader(path: path)
        let total = reader.info.frames
        var rng = SplitMix(seed: 42)
        var starts = (0..<60).map { _ in Int(rng.next() % UInt64(total - 400)) }
        starts += [100, 300, 2000, 2100, 0, 40_000, 10] // short forward hops and rewinds
        var worst: Float = 0
        for start in starts {
            let window = try reader.read(offset: .frames(start), length: .frames(300), padding: .fail)
            let expected = Array(full.interleaved[(start * 2)..<((start + 300) * 2)])
            worst = max(worst, maxAbsDiff(window.interleaved, expected))
        }
        #expect(worst <= 1e-6, "\(file): worst window error \(worst)")
    }

    @Test("seconds convert to frames by truncation (librosa semantics)")
    func secondsOffsets() throws {
        let path = Fixtures.path("tone_pcm16.wav")
        let bySeconds = try AudioFile.read(path, offset: .seconds(0.5), length: .seconds(0.01))
        let byFrames = try AudioFile.read(path, offset: .frames(22_050), length: .frames(441))
        #expect(bySeconds == byFrames)
        #expect(try AudioTime.seconds(0.29).frameCount(atSampleRate: 100) == 28) // 0.29 * 100 = 28.999999999999996
        #expect(try AudioTime.seconds(1.0).frameCount(atSampleRate: 44_100) == 44_100)
        #expect(audioError { try AudioTime.seconds(-1).frameCount(atSampleRate: 8000) } == .invalidArgument("time must be finite and >= 0, got -1.0 s"))
        #expect(audioError { try AudioTime.seconds(.nan).frameCount(atSampleRate: 8000) } != nil)
        #expect(audioError { try AudioTime.frames(-5).frameCount(atSampleRate: 8000) } == .invalidArgument("negative frame count -5"))
    }

    @Test("padding .zeros fills silence past the end")
    func padZeros() throws {
        let path = Fixtures.path("tone_pcm16.wav")
        let reader = try AudioReader(path: path)
        let window = try reader.read(offset: .frames(44_000), length: .frames(300), padding: .zeros)
        #expect(window.frames == 300 && window.decodedFrames == 100)
        #expect(window.interleaved[(100 * 2)...].allSatisfy { $0 == 0 })
        #expect(window.interleaved[0..<200].contains { $0 != 0 })
        // Entirely past the end: all zeros, nothing decoded.
        let beyond = try reader.read(offset: .seconds(5), length: .frames(10), padding: .zeros)
        #expect(beyond.frames == 10 && beyond.decodedFrames == 0 && beyond.interleaved.allSatisfy { $0 == 0 })
    }

    @Test("padding .repeatLoop continues from the start of the file")
    func padLoop() throws {
        let path = Fixtures.path("tone_pcm16.wav")
        let full = try AudioFile.readAll(path).interleaved
        let reader = try AudioReader(path: path)
        // 100 frames from the end, then the whole file twice more, then 50 frames.
        let length = 100 + 44_100 * 2 + 50
        let window = try reader.read(offset: .frames(44_000), length: .frames(length), padding: .repeatLoop)
        #expect(window.frames == length && window.decodedFrames == 100)
        let head = Array(window.interleaved[0..<200]) == Array(full[(44_000 * 2)...])
        #expect(head)
        let firstCycle = Array(window.interleaved[200..<(200 + 88_200)]) == full
        #expect(firstCycle)
        let secondCycle = Array(window.interleaved[(200 + 88_200)..<(200 + 176_400)]) == full
        #expect(secondCycle)
        let tail = Array(window.interleaved[(200 + 176_400)...]) == Array(full[0..<100])
        #expect(tail)
        // Offset past the end wraps around.
        let wrapped = try reader.read(offset: .frames(44_100 + 10), length: .frames(5), padding: .repeatLoop)
        #expect(wrapped.interleaved == Array(full[20..<30]))
    }

    @Test("padding .truncate returns only what exists; .fail throws a typed error")
    func truncateAndFail() throws {
        let path = Fixtures.path("tone_pcm16.wav")
        let reader = try AudioReader(path: path)
        let short = try reader.read(offset: .frames(44_000), length: .frames(300), padding: .truncate)
        #expect(short.frames == 100)
        let none = try reader.read(offset: .frames(50_000), length: .frames(300), padding: .truncate)
        #expect(none.frames == 0)
        let error = audioError { try reader.read(offset: .frames(44_000), length: .frames(300), padding: .fail) }
        #expect(error == .shorterThanWindow(path: path, requestedFrames: 300, availableFrames: 100))
        #expect(error?.description.contains("shorter than the requested window") == true)
        // The reader is still usable after the error.
        #expect(try reader.read(offset: .frames(0), length: .frames(10), padding: .fail).frames == 10)
    }

    @Test("sequential reads with readNext and seek")
    func sequential() throws {
        let reader = try AudioReader(path: Fixtures.path("tone.flac"))
        var total = 0
        while true {
            let b = try reader.readNext(frames: 10_000)
            if b.frames == 0 { break }
            total += b.frames
        }
        #expect(total == 44_100)
        try reader.seek(to: .frames(44_000))
        #expect(reader.position == 44_000)
        #expect(try reader.readNext(frames: 1000).frames == 100)
        try reader.seek(to: .seconds(0))
        #expect(try reader.readNext(frames: 5).frames == 5)
    }

    @Test("a 1-second crop from a 10-minute file decodes only the crop")
    func cropIsCheap() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/long.wav"
            let rate = 44_100
            try WAVWriter.writeSparseSilence(to: path, sampleRate: rate, channels: 2, frames: rate * 600)
            let reader = try AudioReader(path: path)
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                for k in 0..<20 {
                    _ = try reader.read(offset: .seconds(Double(k) * 29.5), length: .seconds(1), padding: .fail)
                }
            }
            // 20 seconds of audio: far below what decoding 600 s would take.
            #expect(elapsed < .seconds(2), "20 crops took \(elapsed)")
            let tail = try reader.read(offset: .frames(rate * 600 - rate), length: .seconds(1), padding: .fail)
            #expect(tail.interleaved.contains { $0 != 0 }) // the tone written at the end
        }
    }
}

/// Small deterministic generator for reproducible test positions.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
