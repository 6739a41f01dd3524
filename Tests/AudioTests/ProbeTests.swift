import Foundation
import Testing
@testable import Audio

@Suite("Probing and full decoding of every supported format")
struct ProbeTests {
    struct Expected: Sendable, CustomStringConvertible {
        let file: String
        let container: String
        let subtype: String
        let sampleRate: Int
        let frames: Int
        var description: String { file }
    }

    static let formats: [Expected] = [
        Expected(file: "tone_pcm16.wav", container: "WAV", subtype: "PCM_16", sampleRate: 44_100, frames: 44_100),
        Expected(file: "tone_float.wav", container: "WAV", subtype: "FLOAT", sampleRate: 44_100, frames: 11_025),
        Expected(file: "tone.flac", container: "FLAC", subtype: "PCM_16", sampleRate: 44_100, frames: 44_100),
        Expected(file: "tone.ogg", container: "OGG", subtype: "VORBIS", sampleRate: 44_100, frames: 44_100),
        Expected(file: "tone.opus", container: "OGG", subtype: "OPUS", sampleRate: 48_000, frames: 48_000),
        Expected(file: "tone.mp3", container: "MP3", subtype: "MPEG_LAYER_III", sampleRate: 44_100, frames: 44_100),
    ]

    @Test("probe reports header facts without decoding", arguments: formats)
    func probe(_ expected: Expected) throws {
        let info = try AudioFile.probe(Fixtures.path(expected.file))
        #expect(info.format.container == expected.container)
        #expect(info.format.subtype == expected.subtype)
        #expect(info.sampleRate == expected.sampleRate)
        #expect(info.channels == 2)
        #expect(info.frames == expected.frames)
        #expect(abs(info.duration - Double(expected.frames) / Double(expected.sampleRate)) < 1e-12)
        #expect(info.seekable)
        // LAME writes a Xing/Info tag, so even the mp3's length is exact.
        #expect(info.frameCountIsExact)
        #expect(info.path == Fixtures.path(expected.file))
    }

    @Test("full decode yields exactly the announced frames", arguments: formats)
    func decodeAll(_ expected: Expected) throws {
        let buffer = try AudioFile.readAll(Fixtures.path(expected.file))
        #expect(buffer.frames == expected.frames)
        #expect(buffer.channels == 2)
        #expect(buffer.decodedFrames == expected.frames)
        #expect(buffer.interleaved.allSatisfy { $0.isFinite && abs($0) <= 1.01 })
    }

    @Test("lossy codecs reproduce the source signal (SNR against the generator's formula)",
          arguments: ["tone.ogg", "tone.opus", "tone.mp3", "tone.flac", "tone_pcm16.wav"])
    func fidelity(_ file: String) throws {
        let buffer = try AudioFile.readAll(Fixtures.path(file))
        let reference = referenceToneMono(sampleRate: buffer.sampleRate)
        // Skip the first and last 50 ms, where codecs ramp.
        let margin = buffer.sampleRate / 20
        let mono = buffer.mono()
        let s = snr(Array(reference[margin..<(reference.count - margin)]), Array(mono[margin..<(mono.count - margin)]))
        let minimum = file.hasSuffix(".wav") || file.hasSuffix(".flac") ? 80.0 : 15.0
        #expect(s > minimum, "SNR \(s) dB for \(file)")
    }

    @Test("PCM_16 WAV and FLAC of the same signal decode bit-identically")
    func flacIsLossless() throws {
        let wav = try AudioFile.readAll(Fixtures.path("tone_pcm16.wav"))
        let flac = try AudioFile.readAll(Fixtures.path("tone.flac"))
        let same = wav.interleaved == flac.interleaved
        #expect(same)
    }

    @Test("de-interleaving and down-mixing")
    func layout() throws {
        let buffer = try AudioFile.read(Fixtures.path("tone_pcm16.wav"), length: .frames(1000))
        let channels = buffer.deinterleaved()
        #expect(channels.count == 2 && channels[0].count == 1000)
        #expect(channels[0][10] == buffer.interleaved[20] && channels[1][10] == buffer.interleaved[21])
        let mono = buffer.mono()
        for i in 0..<1000 { #expect(mono[i] == (channels[0][i] + channels[1][i]) / 2) }
        #expect(Downmix.mono([1, 2, 3, 4, 5, 6], channels: 3) == [2, 5])
        #expect(Downmix.mono([0.5, 0.25], channels: 1) == [0.5, 0.25])
    }

    @Test("format names for codes libsndfile knows")
    func formatNames() {
        let mp3 = AudioFormat(rawValue: 0x230082)
        #expect(mp3.container == "MP3" && mp3.subtype == "MPEG_LAYER_III" && mp3.isMPEG && mp3.isLossy)
        let f = AudioFormat(rawValue: 0x010006)
        #expect(f.description == "WAV/FLOAT" && f.isFloatingPoint && !f.isLossy)
        let unknown = AudioFormat(rawValue: 0x7F0000 | 0x00FE)
        #expect(unknown.container == "0x7f0000" && unknown.subtype == "0xfe")
    }
}

@Suite("End-of-stream shortfall that still counts as complete")
struct EndShortfallToleranceTests {
    @Test("Ogg Opus tolerates one maximal packet (120 ms); lossless and Vorbis streams none")
    func tolerances() throws {
        let opus = try AudioFile.probe(Fixtures.path("tone.opus"))
        #expect(opus.endShortfallTolerance == 5_760)
        for file in ["tone.flac", "tone_pcm16.wav", "tone.ogg"] {
            #expect(try AudioFile.probe(Fixtures.path(file)).endShortfallTolerance == 0, "\(file)")
        }
        let mp3 = try AudioFile.probe(Fixtures.path("tone.mp3"))
        #expect(mp3.endShortfallTolerance == (mp3.frameCountIsExact ? 0 : mp3.mpegFrameTolerance))
    }
}
