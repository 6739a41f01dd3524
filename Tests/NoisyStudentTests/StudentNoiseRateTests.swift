import Audio
import Foundation
import Models
import Testing
import Torch
@testable import Training
@testable import NoisyStudent
import MusicTasks

/// The students' input noise runs at the rate of the audio it gets, the model's, not at an
/// assumed 16 kHz (issue #20, item 12).
@Suite("Student noise at the model's sample rate")
struct StudentNoiseRateTests {
    static let tags = TaskSpec(name: "tags", kind: .multiLabel, classes: ["a", "b"])

    /// A pipeline whose augmentation depends on the rate: a 3 kHz low-pass, always applied.
    static func config() throws -> PipelineConfig {
        try ConfigLoader.load(PipelineConfig.self, yaml: """
            catalog: c.sqlite
            runs_directory: runs/x
            tasks: [tags]
            schedule: {teacher: resnet-xs, students: [resnet-xs]}
            augmentation:
              waveform: [{type: filter, kind: lowPass, cutoffHz: [3000, 3000], probability: 1}]
            """)
    }

    /// A sine at `hz`. The low-pass designed for 16 kHz but run on 22.05 kHz audio cuts at
    /// 3000 · 22050/16000 = 4134 Hz, so a 3.6 kHz sine tells the two apart.
    static func sine(hz: Double, rate: Int, samples: Int) -> [Float] {
        (0..<samples).map { Float(0.5 * sin(2 * Double.pi * hz * Double($0) / Double(rate))) }
    }

    @Test("the pipeline's student noise filters a 22.05 kHz batch at 22.05 kHz")
    func filterAtBatchRate() throws {
        let rate = 22_050, samples = 22_050
        let tracks = [LabeledTrack(id: 1, path: "a", duration: 1, targets: ["tags": .classSet([0])])]
        let clip = Self.sine(hz: 3_600, rate: rate, samples: samples)
        var batch = try Batch.make(clips: [clip], sampleRate: rate, tracks: tracks, indices: [0], tasks: [Self.tags], failures: [])
        let original = batch.waveforms
        let config = try Self.config()
        try config.studentInputNoise(tasks: [Self.tags]).apply(to: &batch, generator: Generator(seed: 3))

        // Exactly the policy at 22,050 Hz, and not what it does at 16 kHz.
        let atRate = try config.augmentation.augmentWaveform(original, sampleRate: rate,
                                                             random: AugmentationRandom(generator: Generator(seed: 3)))
        let at16k = try config.augmentation.augmentWaveform(original, sampleRate: 16_000,
                                                            random: AugmentationRandom(generator: Generator(seed: 3)))
        #expect(try (batch.waveforms - atRate).abs().max().item() == 0)
        #expect(try (at16k - atRate).abs().max().item() > 0.1)
        // In physical terms: 3.6 kHz lies above the 3 kHz cutoff, so little of it is left.
        let interior = try batch.waveforms.slice(dim: 1, start: 1000, end: samples - 1000)
        let power = try interior.square().mean().item() / 0.125
        #expect(power < 0.1, "3.6 kHz kept \(power) of its power through a 3 kHz low-pass")
    }

    @Test("the loader's batches carry the model's rate, which the noise then uses")
    func loaderRate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-rate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rate = 22_050
        var tracks: [LabeledTrack] = []
        for i in 0..<2 {
            let path = directory.appendingPathComponent("tone\(i).wav").path
            try WAVWriter.write(Self.sine(hz: 440, rate: rate, samples: rate), to: path, sampleRate: rate, channels: 1)
            tracks.append(LabeledTrack(id: Int64(i), path: path, duration: 1, targets: ["tags": .classSet([0])]))
        }
        let loader = try ClipLoader(tracks: tracks, tasks: [Self.tags],
                                    config: ClipLoaderConfig(batchSize: 2, clipSamples: 8_000, sampleRate: rate, shuffle: false))
        var iterator = loader.batches(epoch: 0).makeAsyncIterator()
        let batch = try #require(try await iterator.next())
        #expect(batch.sampleRate == rate)
        #expect(batch.failures.isEmpty)
    }
}
