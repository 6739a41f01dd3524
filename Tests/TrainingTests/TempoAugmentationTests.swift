import Audio
import Foundation
import MusicTasks
import Testing
import Torch
@testable import Training

@Suite("Tempo augmentation moves frame targets with the audio")
struct TempoAugmentationTests {
    static let task = TaskSpec(name: "beats", kind: .events, classes: ["beat"])

    /// 12 s of quiet noise with a 25-ms click every 0.5 s from 0.25 s, and those beats.
    func clickTrack(in directory: URL) throws -> LabeledTrack {
        let rate = 16_000
        var rng = SplitMix64(seed: 4)
        var samples = (0..<(12 * rate)).map { _ in Float(0.01 * (rng.nextUnit() * 2 - 1)) }
        let beats = Array(stride(from: 0.25, to: 11.9, by: 0.5))
        for time in beats {
            let first = Int(time * Double(rate))
            for k in 0..<400 { samples[first + k] += 0.8 * Float(exp(-Double(k) / 80)) * (k % 2 == 0 ? 1 : -1) }
        }
        let path = directory.appendingPathComponent("clicks.wav").path
        try WAVWriter.write(samples, to: path, sampleRate: rate, channels: 1)
        return LabeledTrack(id: 1, path: path, duration: 12, targets: ["beats": .events(beats.map { TimedEvent(time: $0) })])
    }

    @Test("a clip played 1.5× fast holds 1.5× the beats, each target at its click; quiet frames are not beats",
          arguments: [1.5, 1.25, 0.8, 0.67])
    func targetsFollowClicks(rate: Double) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-tempo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let track = try clickTrack(in: directory)
        let config = ClipLoaderConfig(batchSize: 1, clipSamples: 64_000, sampleRate: 16_000, seed: 3, frameRate: 50,
                                      tempo: TempoAugmentation(probability: 1, rates: rate...rate))
        let loader = try ClipLoader(tracks: [track], tasks: [Self.task], config: config)
        #expect(abs(loader.tempoRate(track: 0, epoch: 0) - rate) < 1e-12)
        let batch = try await loader.decodeBatch(epoch: 0, index: 0)
        let audio = try batch.waveforms.toArray(Float.self)
        let target = try #require(batch.targets["beats"]).toArray(Float.self)
        #expect(audio.count == 64_000 && target.count == 201)
        let beatFrames = target.indices.filter { target[$0] == 1 }
        // 4 s of clip play 4 · rate s of the track: 8 · rate beats, give or take one at the edges.
        #expect(abs(Double(beatFrames.count) - 8 * rate) <= 1, "\(beatFrames.count) beats at rate \(rate)")
        func loudness(frame: Int, halfWidth: Int) -> Float {
            let centre = frame * 320
            return audio[Swift.max(0, centre - halfWidth)..<Swift.min(audio.count, centre + halfWidth)].map(abs).max() ?? 0
        }
        for frame in beatFrames { #expect(loudness(frame: frame, halfWidth: 480) > 0.3, "no click at beat frame \(frame)") }
        let farFromBeats = target.indices.filter { f in beatFrames.allSatisfy { abs($0 - f) >= 6 } }
        #expect(!farFromBeats.isEmpty)
        for frame in farFromBeats { #expect(loudness(frame: frame, halfWidth: 160) < 0.1, "a click at non-beat frame \(frame)") }
    }

    @Test("rates are drawn per example and epoch, reproducibly, within the range; bad ranges are refused")
    func rates() throws {
        let tempo = TempoAugmentation(probability: 0.5, rates: 0.8...1.25)
        let drawn = (0..<400).map { tempo.rate(seed: 1, epoch: 2, index: $0) }
        #expect(drawn == (0..<400).map { tempo.rate(seed: 1, epoch: 2, index: $0) })
        #expect(drawn.allSatisfy { $0 == 1 || (0.8...1.25).contains($0) })
        let changed = drawn.filter { $0 != 1 }.count
        #expect(changed > 150 && changed < 250)
        #expect(throws: TrainingError.self) { try TempoAugmentation(probability: 1.5, rates: 0.8...1.2).validate() }
        #expect(throws: TrainingError.self) { try TempoAugmentation(probability: 1, rates: 0...1.2).validate() }
    }
}
