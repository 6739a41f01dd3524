import Foundation
import Testing
@testable import Audio

@Suite("Block streaming: sync, forEachBlock, AsyncSequence, bounded memory")
struct StreamTests {
    @Test("blocks are contiguous and concatenate to loadMono's output",
          arguments: ["tone_pcm16.wav", "tone.flac", "tone.ogg", "tone.opus", "tone.mp3"])
    func concatenation(_ file: String) throws {
        let path = Fixtures.path(file)
        let stream = try AudioStream(path: path, options: StreamOptions(blockFrames: 8192))
        var all: [Float] = []
        var expectedStart = 0
        while let block = try stream.next() {
            #expect(block.startFrame == expectedStart)
            #expect(block.channels == 1 && block.sampleRate == 16_000)
            expectedStart += block.frames
            all += block.samples
        }
        #expect(try stream.next() == nil) // stays finished
        let mono = try loadMono(path)
        let same = all == mono.samples
        #expect(same)
        #expect(all.count == 16_000)
    }

    @Test("native-rate, multi-channel streaming (no down-mix, no resampling)")
    func nativeStereo() throws {
        let path = Fixtures.path("tone_pcm16.wav")
        var all: [Float] = []
        let options = StreamOptions(blockFrames: 10_000, targetSampleRate: nil, downmix: false)
        try AudioFile.forEachBlock(path, options: options) { block in
            #expect(block.channels == 2 && block.sampleRate == 44_100)
            all += block.samples
        }
        let same = try all == AudioFile.readAll(path).interleaved
        #expect(same)
    }

    @Test("AsyncSequence yields the same blocks; errors surface from next()")
    func asyncSequence() async throws {
        let path = Fixtures.path("tone.flac")
        var all: [Float] = []
        for try await block in AudioFile.blocks(path, options: StreamOptions(blockFrames: 4096)) {
            all += block.samples
        }
        let same = try all == loadMono(path).samples
        #expect(same)

        var thrown: AudioError?
        do {
            for try await _ in AudioBlocks(path: "/definitely/not/here.wav") {}
        } catch {
            thrown = error
        }
        #expect(thrown == .fileNotFound(path: "/definitely/not/here.wav"))
    }

    @Test("forEachBlock propagates the body's own errors")
    func bodyErrors() throws {
        struct Stop: Error {}
        var calls = 0
        #expect(throws: Stop.self) {
            try AudioFile.forEachBlock(Fixtures.path("tone_pcm16.wav"), options: StreamOptions(blockFrames: 1000)) { _ in
                calls += 1
                if calls == 3 { throw Stop() }
            }
        }
        #expect(calls == 3)
    }

    @Test("offset/duration windows on a stream; an offset past the end yields nothing")
    func windows() throws {
        let path = Fixtures.path("tone_pcm16.wav")
        let s = try AudioStream(path: path, offset: .seconds(0.9), duration: .seconds(5))
        var n = 0
        while let b = try s.next() { n += b.frames }
        #expect(n == 1600) // 0.1 s left at 16 kHz
        let empty = try loadMono(path, offset: 3, duration: 1)
        #expect(empty.samples.isEmpty)
        #expect(audioError { try AudioStream(path: path, options: StreamOptions(blockFrames: 0)) } != nil)
        #expect(audioError { try AudioStream(path: path, options: StreamOptions(targetSampleRate: 10)) } != nil)
    }

    /// Measured in a child process (`crescendo-audio stream`, this package's tool): in the test
    /// process, suites running at the same time (and libtorch's caching allocator) move the
    /// resident set by more than the budget, which made an in-process measurement fail at random.
    @Test("a 2-hour file streams with bounded memory: peak RSS < 200 MB, < 64 MiB above start")
    func twoHourFile() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/two_hours.wav"
            let rate = 8_000
            let frames = 2 * 3600 * rate // 57.6 M frames, 115 MB of PCM16 (sparse on disk)
            try WAVWriter.writeSparseSilence(to: path, sampleRate: rate, channels: 1, frames: frames)
            let info = try AudioFile.probe(path)
            #expect(info.frames == frames && abs(info.duration - 7200) < 1e-9)

            let tool = try #require(siblingExecutable("crescendo-audio"),
                                    "crescendo-audio is built with the tests (swift build --build-tests)")
            let output = try runProcess(tool, ["stream", path, "--rate", "16000", "--block", "65536"])
            // "output: N frames at 16000 Hz …" and "memory: VmRSS before B MiB, peak (VmHWM) P MiB"
            func number(after marker: String) -> Double? {
                guard let range = output.range(of: marker) else { return nil }
                return Double(output[range.upperBound...].prefix { $0.isNumber || $0 == "." })
            }
            let outFrames = try #require(number(after: "output: "), "tool output: \(output)")
            let before = try #require(number(after: "VmRSS before "), "tool output: \(output)")
            let peak = try #require(number(after: "peak (VmHWM) "), "tool output: \(output)")
            #expect(Int(outFrames) == frames * 2)
            // Whole-file decoding would need 230 MB (input) + 460 MB (output).
            #expect(peak * 1_048_576 < 200e6, "peak RSS \(peak) MiB")
            #expect(peak - before < 64, "RSS grew from \(before) to \(peak) MiB")
        }
    }
}
