import Audio
import Foundation
import Models
import MusicTasks
import Testing
import Torch
@testable import Training

/// Click tracks in 4/4 at random tempi with louder downbeats, over noise, with their beats.
struct ClickTrackSet {
    static let tasks = [TaskSpec(name: "beats", kind: .events, classes: ["beat", "downbeat"])]

    let directory: URL
    let train: [LabeledTrack]
    let valid: [LabeledTrack]

    init(trainCount: Int = 16, validCount: Int = 4, seconds: Double = 16) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-clicks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        var rng = SplitMix64(seed: 23)
        let rate = 16_000
        func make(_ i: Int) throws -> LabeledTrack {
            let bpm = 90 + 60 * rng.nextUnit()
            let period = 60 / bpm, start = 0.2 + 0.3 * rng.nextUnit()
            var samples = (0..<Int(seconds * Double(rate))).map { _ in Float(0.02 * (rng.nextUnit() * 2 - 1)) }
            var events: [TimedEvent] = []
            var time = start, beat = 0
            while time < seconds - 0.1 {
                let position = beat % 4 + 1
                events.append(TimedEvent(time: time, position: position))
                let first = Int(time * Double(rate)), gain: Float = position == 1 ? 0.9 : 0.4
                for k in 0..<400 where first + k < samples.count {
                    samples[first + k] += gain * Float(rng.nextUnit() * 2 - 1) * Float(exp(-Double(k) / 80))
                }
                time += period
                beat += 1
            }
            let path = directory.appendingPathComponent("clicks\(i).wav").path
            try WAVWriter.write(samples, to: path, sampleRate: rate, channels: 1)
            return LabeledTrack(id: Int64(i), path: path, duration: seconds, targets: ["beats": .events(events)])
        }
        train = try (0..<trainCount).map(make)
        valid = try (trainCount..<(trainCount + validCount)).map(make)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite("Frame-level tasks: targets, the temporal network, training", .serialized)
struct FrameTaskTrainingTests {
    @Test("beat targets: 1 at the nearest frame, 0.5 beside it; downbeats from bar positions; padding masked")
    func eventTargets() throws {
        let task = ClickTrackSet.tasks[0]
        let value = LabelValue.events([TimedEvent(time: 1.0, position: 1), TimedEvent(time: 1.5, position: 2)])
        let (target, mask) = try FrameTargets.make(value, task: task, offset: 0.5, frames: 51, frameRate: 50, trackDuration: 1.2)
        // 1.0 s is frame 25, 1.5 s frame 50 of the window starting at 0.5 s.
        #expect(target[25 * 2] == 1 && target[24 * 2] == 0.5 && target[26 * 2] == 0.5 && target[25 * 2 + 1] == 1)
        #expect(target[50 * 2] == 1 && target[50 * 2 + 1] == 0 && target[49 * 2 + 1] == 0)
        #expect(mask[35] == 1 && mask[36] == 0)  // 0.5 + 36/50 = 1.22 s > 1.2 s
        let unpositioned = LabelValue.events([TimedEvent(time: 1.0)])
        #expect(try FrameTargets.make(unpositioned, task: task, offset: 0, frames: 10, frameRate: 50, trackDuration: 9).mask
                == [Float](repeating: 0, count: 10))
    }

    @Test("chord targets: the vocabulary's class per frame; frames without a chord class are masked")
    func segmentTargets() throws {
        let task = MajorMinorChords.taskSpec()
        let value = LabelValue.segments([TimedSegment(start: 0, end: 1, label: "G:7"), TimedSegment(start: 1, end: 2, label: "C:dim"),
                                         TimedSegment(start: 2, end: 3, label: "A:min")])
        let (target, mask) = try FrameTargets.make(value, task: task, offset: 0.5, frames: 30, frameRate: 10, trackDuration: 3)
        #expect(target[0 * 25 + 7] == 1 && mask[0] == 1)  // 0.5 s: G:7 → G:maj
        #expect(mask[5] == 0)  // 1.0 s: C:dim has no major/minor class
        #expect(target[15 * 25 + 21] == 1)  // 2.0 s: A:min (12 + 9)
        #expect(mask[25] == 0)  // 3.0 s: past the last span
    }

    @Test("a routed model gives frame logits for beats; a short training run learns click tracks")
    func learnsClickTracks() async throws {
        let set = try ClickTrackSet()
        defer { set.remove() }
        var config = TrainerConfig()
        config.epochs = 36
        config.batchSize = 8
        config.learningRate = 3e-3
        config.warmupSteps = 2
        config.threads = 2
        config.seed = 5
        config.checkpointEvery = 100
        config.selectionMetric = "beats/beat_f_measure"
        let description = ModelDescription(preset: .resnetXS, tasks: ClickTrackSet.tasks, noise: ModelNoise(dropout: 0.1))
        let model = try description.build(generator: Generator(seed: config.seed))
        #expect(model.frameRate == 50)
        _ = model.eval()
        let logits = try withNoGrad { try model(Tensor.zeros([1, model.clipSamples])) }
        #expect(logits["beats"]?.shape == [1, model.clipSamples / 320 + 1, 2])
        _ = model.train()
        let trainer = try Trainer(model: model, description: description, train: set.train, valid: set.valid, config: config,
                                  runDirectory: set.directory.appendingPathComponent("run"), reporter: ProgressReporter(quiet: true))
        let result = try await trainer.fit()
        let beat = try #require(result.bestMetrics["beats/beat_f_measure"])
        let downbeat = try #require(result.bestMetrics["beats/downbeat_f_measure"])
        #expect(beat >= 0.8, "beat F-measure \(beat) after \(result.state.step) steps")
        #expect(downbeat >= 0.0)
        // Whole tracks: frames joined in time, decoded by the bar-pointer DBN, scored as mir_eval.
        let best = try Checkpoint.load(from: result.bestCheckpoint).model()
        let evaluation = try await FullTrackEvaluation().evaluate(best, tracks: set.valid, tasks: ClickTrackSet.tasks)
        let decoded = try #require(evaluation.metrics["beats/beat_f_measure"])
        #expect(decoded >= 0.8, "decoded beat F-measure \(decoded); \(evaluation.metrics)")
        #expect(evaluation.metrics["beats/beat_cmlt"] != nil && evaluation.metrics["beats/downbeat_f_measure"] != nil)
        #expect(evaluation.failures.isEmpty)
    }
}

@Suite("Whole-track frame predictions")
struct FullTrackFrameTests {
    @Test("a track's frames are its chunks' frames placed in time; overlaps averaged; padding dropped")
    func framesJoinInTime() throws {
        let tasks = [TaskSpec(name: "beats", kind: .events, classes: ["beat", "downbeat"])]
        let model = try TemporalConvNetwork(width: 4, blocks: 2, tasks: tasks, clipSamples: 16_000, generator: Generator(seed: 3))
        _ = model.eval()
        var rng = SplitMix64(seed: 9)
        let samples = (0..<40_000).map { _ in Float(rng.nextUnit() * 2 - 1) * 0.1 }
        let predictor = try FullTrackPredictor(model: model, options: FullTrackOptions(hopFraction: 1, batchSize: 2))
        let prediction = try predictor.predict(samples: samples)
        let frames = try #require(prediction.frames?["beats"])
        #expect(prediction.frameRate == 50)
        #expect(frames.count == (40_000 / 320 + 1) * 2)
        // Chunk 0 covers frames 0...50 on its own (frame 50 is shared with chunk 1); batches of 2
        // and of 1 differ by rounding (1e-6).
        let first = try withNoGrad {
            try model(Tensor(Array(samples[0..<16_000]), shape: [1, 16_000]))["beats"]!.sigmoid().toArray(Float.self)
        }
        for i in 0..<(50 * 2) { #expect(abs(frames[i] - first[i]) < 1e-5) }
        let second = try withNoGrad {
            try model(Tensor(Array(samples[16_000..<32_000]), shape: [1, 16_000]))["beats"]!.sigmoid().toArray(Float.self)
        }
        #expect(abs(frames[100] - (first[100] + second[0]) / 2) < 1e-5)
        #expect(abs(frames[102] - second[2]) < 1e-5)
        #expect(prediction.values["beats"] == nil)
    }
}
