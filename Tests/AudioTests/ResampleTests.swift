import Foundation
import Testing
@testable import Audio

/// Reference outputs were produced by python-soxr (`soxr.resample(mono, sr,
/// 16000, quality='HQ')`, see tools/make_audio_fixtures.py). python-soxr
/// bundles its own libsoxr build (0.1.3 + git fixes); Debian links 0.1.3.
/// The same algorithm on float32 data agrees to about 1e-6 (differences come
/// from SIMD code paths and FFT rounding); we allow 1e-5 absolute, which is
/// ~100 dB below the signal and far below SOXR_HQ's own 20-bit precision
/// target (2^-20 ≈ 9.5e-7 relative to full scale is its noise floor).
let soxrTolerance: Float = 1e-5

@Suite("Resampling with libsoxr (HQ) against python-soxr references")
struct ResampleTests {
    @Test("whole file: mono + HQ resample matches soxr.resample",
          arguments: [("tone_pcm16.wav", "ref_tone_pcm16_16k.f32"), ("tone.flac", "ref_tone_pcm16_16k.f32"),
                      ("tone_float.wav", "ref_tone_float_16k.f32")])
    func wholeFile(_ file: String, _ reference: String) throws {
        let expected = try Fixtures.floats(reference)
        let mono = try loadMono(Fixtures.path(file), targetRate: 16_000)
        #expect(mono.sampleRate == 16_000)
        #expect(mono.samples.count == expected.count)
        let diff = maxAbsDiff(mono.samples, expected)
        print("\(file): max |Swift - python-soxr| = \(diff)")
        #expect(diff <= soxrTolerance, "max |diff| = \(diff)")
    }

    @Test("clip: offset 0.25 s, duration 0.5 s matches librosa-style reference")
    func clip() throws {
        let expected = try Fixtures.floats("ref_tone_pcm16_clip_16k.f32")
        let mono = try loadMono(Fixtures.path("tone_pcm16.wav"), targetRate: 16_000, offset: 0.25, duration: 0.5)
        #expect(mono.samples.count == expected.count)
        #expect(maxAbsDiff(mono.samples, expected) <= soxrTolerance)
    }

    @Test("block size does not change the output", arguments: [1, 1000, 4096, 65_536])
    func blockInvariance(_ block: Int) throws {
        let path = Fixtures.path("tone_pcm16.wav")
        var streamed: [Float] = []
        try AudioStream.forEachBlock(path: path, options: StreamOptions(blockFrames: block)) { streamed += $0.samples }
        let oneShot = try Resampler.resample(try AudioFile.readAll(path).mono(), from: 44_100, to: 16_000)
        #expect(streamed.count == oneShot.count)
        #expect(maxAbsDiff(streamed, oneShot) <= 1e-6)
    }

    @Test("output length is round(n * out / in), as python-soxr",
          arguments: [(1, 0), (2, 1), (10, 4), (44_099, 16_000), (44_101, 16_000), (100_000, 36_281), (123_457, 44_792)])
    func lengths(_ n: Int, _ expected: Int) throws {
        let x = (0..<n).map { Float(sin(Double($0) * 0.01)) }
        #expect(try Resampler.resample(x, from: 44_100, to: 16_000).count == expected)
    }

    @Test("equal rates pass samples through unchanged")
    func passThrough() throws {
        let x: [Float] = [0.1, -0.2, 0.3]
        let r = try Resampler(inputRate: 16_000, outputRate: 16_000)
        #expect(r.isPassThrough)
        #expect(try r.process(x) == x)
        #expect(try r.finish().isEmpty)
        let native = try loadMono(Fixtures.path("tone_pcm16.wav"), targetRate: nil)
        #expect(native.sampleRate == 44_100 && native.samples.count == 44_100)
    }

    @Test("multi-channel interleaved resampling keeps channels apart")
    func stereo() throws {
        let frames = 48_000
        let x = toneSamples(sampleRate: 48_000, channels: 2, frames: frames)
        let y = try Resampler.resample(x, from: 48_000, to: 16_000, channels: 2)
        #expect(y.count == 2 * 16_000)
        let left = try Resampler.resample(stride(from: 0, to: x.count, by: 2).map { x[$0] }, from: 48_000, to: 16_000)
        let yLeft = stride(from: 0, to: y.count, by: 2).map { y[$0] }
        #expect(maxAbsDiff(left, yLeft) <= 1e-6)
    }

    @Test("quality recipes map onto libsoxr and all run", arguments: [ResampleQuality.quick, .low, .medium, .high, .veryHigh])
    func qualities(_ q: ResampleQuality) throws {
        let x = toneSamples(sampleRate: 44_100, channels: 1, frames: 4410)
        let y = try Resampler.resample(x, from: 44_100, to: 16_000, quality: q)
        #expect(abs(y.count - 1600) <= 1)
    }

    @Test("invalid configurations throw instead of crashing")
    func invalid() throws {
        #expect(audioError { try Resampler(inputRate: 0, outputRate: 16_000) } != nil)
        #expect(audioError { try Resampler(inputRate: .nan, outputRate: 16_000) } != nil)
        #expect(audioError { try Resampler(inputRate: 8000, outputRate: 16_000, channels: 0) } != nil)
        let r = try Resampler(inputRate: 8000, outputRate: 16_000, channels: 2)
        #expect(audioError { try r.process([1, 2, 3]) } != nil) // not a multiple of 2
        _ = try r.finish()
        #expect(audioError { try r.process([1, 2]) } == .resampler("process() called after finish()"))
        #expect(Resampler.libraryVersion.hasPrefix("libsoxr-"))
    }

    @Test("8 kHz and 192 kHz sources resample to the right length and keep the tone",
          arguments: [8_000, 192_000])
    func extremeRates(_ rate: Int) throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/tone_\(rate).wav"
            try WAVWriter.write(toneSamples(sampleRate: rate, channels: 1, frames: rate), to: path, sampleRate: rate, channels: 1)
            let info = try AudioFile.probe(path)
            #expect(info.sampleRate == rate && info.frames == rate)
            let mono = try loadMono(path, targetRate: 16_000)
            #expect(mono.samples.count == 16_000)
            let reference = toneSamples(sampleRate: 16_000, channels: 1, frames: 16_000)
            // Compare away from the edges (filter transients).
            let s = snr(Array(reference[500..<15_500]), Array(mono.samples[500..<15_500]))
            #expect(s > 60, "SNR \(s) dB")
        }
    }
}
