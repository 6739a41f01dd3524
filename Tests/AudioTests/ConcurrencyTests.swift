import Foundation
import Testing
@testable import Audio

@Suite("Concurrent decoding and per-file batch results")
struct ConcurrencyTests {
    static let files = ["tone_pcm16.wav", "tone_float.wav", "tone.flac", "tone.ogg", "tone.opus", "tone.mp3"]

    @Test("many tasks decode different files at once with identical results")
    func parallelDecode() async throws {
        let paths = Self.files.map(Fixtures.path)
        var serial: [String: [Float]] = [:]
        for p in paths { serial[p] = try loadMono(p).samples }
        let expected = serial
        try await withThrowingTaskGroup(of: (String, [Float]).self) { group in
            for round in 0..<4 {
                for p in paths {
                    group.addTask {
                        // Mix entry points so handles of all kinds are live at once.
                        if round % 2 == 0 {
                            return (p, try loadMono(p).samples)
                        }
                        var all: [Float] = []
                        for try await block in AudioBlocks(path: p, options: StreamOptions(blockFrames: 2048)) {
                            all += block.samples
                        }
                        return (p, all)
                    }
                }
            }
            for try await (p, samples) in group {
                let same = samples == expected[p]
                #expect(same, "\(p) differs under concurrency")
            }
        }
    }

    @Test("concurrent open failures keep their own libsndfile messages")
    func parallelErrors() async throws {
        try await withTemporaryDirectory { dir in
            let text = dir + "/text.wav"
            try writeBytes(Array("not audio".utf8), to: text)
            let zeroChannels = dir + "/zero_channels.wav"
            try writeBytes(WAVHeader.bytes(sampleRate: 8000, channels: 0, frames: 4, format: .pcm16) + [UInt8](repeating: 0, count: 8),
                           to: zeroChannels)
            let good = Fixtures.path("tone.flac")
            let paths = Array(repeating: [text, zeroChannels, good], count: 20).flatMap { $0 }
            let results = await AudioBatch.probe(paths, maxConcurrency: 8)
            for (path, result) in zip(paths, results) {
                switch (path, result) {
                case (text, .failure(let e)): #expect(e == .unsupportedFormat(path: text, reason: "Format not recognised."))
                case (zeroChannels, .failure(let e)): #expect(e == .invalidChannelCount(path: zeroChannels, channels: 0))
                case (good, .success(let info)): #expect(info.frames == 44_100)
                default: Issue.record("unexpected \(result) for \(path)")
                }
            }
        }
    }

    @Test("batch helpers return one Result per path, in order; one bad file stops nothing")
    func batch() async throws {
        try await withTemporaryDirectory { dir in
            let empty = dir + "/empty.mp3"
            try writeBytes([], to: empty)
            let paths = [Fixtures.path("tone.ogg"), "/no/such.wav", empty, Fixtures.path("tone_pcm16.wav"), dir]
            let probes = await AudioBatch.probe(paths, maxConcurrency: 2)
            #expect(probes.count == 5)
            #expect((try? probes[0].get())?.format.subtype == "VORBIS")
            #expect(probes[1] == .failure(.fileNotFound(path: "/no/such.wav")))
            #expect(probes[2] == .failure(.emptyAudio(path: empty)))
            #expect((try? probes[3].get())?.frames == 44_100)
            #expect(probes[4] == .failure(.isDirectory(path: dir)))

            let loads = await AudioBatch.loadMono(paths, targetRate: 16_000, maxConcurrency: 3)
            #expect(loads.map { (try? $0.get())?.samples.count } == [16_000, nil, nil, 16_000, nil])
            #expect(AudioBatch.probeSequentially(paths).map { (try? $0.get()) != nil } == [true, false, false, true, false])
            #expect(await AudioBatch.probe([]).isEmpty)
        }
    }
}
