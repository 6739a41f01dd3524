import Audio
import Foundation
import Testing
import Torch
@testable import Models

@Suite("Full-track inference")
struct TrackPredictorTests {
    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
    static func softmax(_ xs: [Double]) -> [Double] {
        let m = xs.max() ?? 0
        let e = xs.map { Foundation.exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static let track: [Float] = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, 0.9, 1.0]

    /// The per-chunk values the stub model's tasks give, computed by hand.
    static func handValues(_ chunk: ArraySlice<Float>) -> (tags: [Double], key: [Double], level: Double) {
        let x = chunk.map(Double.init)
        return ([sigmoid(x[0]), sigmoid(x[1])], softmax([x[1], x[2], x[3]]), x.reduce(0, +) / Double(x.count))
    }

    static func expectClose(_ a: [Float]?, _ b: [Double], _ what: String, tolerance: Double = 1e-6) {
        guard let a, a.count == b.count else {
            Issue.record("\(what): \(String(describing: a)) vs \(b)")
            return
        }
        for (x, y) in zip(a, b) { #expect(abs(Double(x) - y) < tolerance, "\(what): \(a) vs \(b)") }
    }

    @Test("mean and max of sigmoid, softmax and identity over chunks, as computed by hand",
          arguments: ChunkAggregation.allCases)
    func aggregation(_ aggregation: ChunkAggregation) throws {
        let model = StubAudioModel(clipSamples: 4)
        let predictor = try TrackPredictor(model: model, settings: TrackInferenceSettings(batchSize: 2, aggregation: aggregation))
        let prediction = try predictor.predict(samples: Self.track)
        // Chunks [0, 4), [4, 8) and the end-aligned [6, 10); batches of 2 then 1.
        #expect(prediction.chunks.map(\.start) == [0, 4, 6])
        #expect(model.batchSizes == [2, 1])
        let per = [Self.track[0..<4], Self.track[4..<8], Self.track[6..<10]].map(Self.handValues)
        func reduce(_ column: [Double]) -> Double {
            aggregation == .mean ? column.reduce(0, +) / Double(column.count) : column.max() ?? 0
        }
        Self.expectClose(prediction.values["tags"], (0..<2).map { i in reduce(per.map { $0.tags[i] }) }, "tags")
        Self.expectClose(prediction.values["key"], (0..<3).map { i in reduce(per.map { $0.key[i] }) }, "key")
        Self.expectClose(prediction.values["level"], [reduce(per.map(\.level))], "level")
        #expect(prediction.trackSamples == 10)
        #expect(prediction.chunkValues.isEmpty)
    }

    @Test("evaluation mode without gradients, and the model's mode restored")
    func modes() throws {
        let model = StubAudioModel(clipSamples: 4)
        model.train()
        _ = try TrackPredictor(model: model).predict(samples: Self.track)
        #expect(!model.ranInTrainingMode)
        #expect(!model.ranWithGradients)
        #expect(model.isTraining)
    }

    @Test("a short track is zero-padded to one chunk; chunk values are kept when asked")
    func shortTrack() throws {
        let model = StubAudioModel(clipSamples: 6)
        let settings = TrackInferenceSettings(keepChunkPredictions: true)
        let prediction = try TrackPredictor(model: model, settings: settings).predict(samples: [0.2, 0.4, -0.3])
        #expect(prediction.chunks == [TrackChunk(start: 0, audioSamples: 3)])
        // The padding counts in the chunk's mean: (0.2 + 0.4 - 0.3) / 6.
        Self.expectClose(prediction.values["level"], [0.3 / 6], "level")
        Self.expectClose(prediction.values["key"], Self.softmax([0.4, -0.3, 0]), "key")
        #expect(prediction.chunkValues["tags"]?.count == 1)
        #expect(throws: ModelError.emptyTrack) { try TrackPredictor(model: model).predict(samples: []) }
    }

    @Test("overlapping chunks (hop) and the zero-padded tail policy")
    func hopAndTail() throws {
        let model = StubAudioModel(clipSamples: 4)
        let settings = TrackInferenceSettings(hopSamples: 3, tail: .zeroPad, keepChunkPredictions: true)
        let prediction = try TrackPredictor(model: model, settings: settings).predict(samples: Self.track)
        // [0, 4), [3, 7), [6, 10): the last one ends exactly at the track's end, so no tail.
        #expect(prediction.chunks.map(\.start) == [0, 3, 6])
        let eleven = Self.track + [0.25]
        let padded = try TrackPredictor(model: model, settings: settings).predict(samples: eleven)
        #expect(padded.chunks == [TrackChunk(start: 0, audioSamples: 4), TrackChunk(start: 3, audioSamples: 4),
                                  TrackChunk(start: 6, audioSamples: 4), TrackChunk(start: 9, audioSamples: 2)])
        Self.expectClose(padded.chunkValues["level"]?.last, [(1.0 + 0.25) / 4], "padded tail level")
    }

    @Test("streaming in blocks gives the in-memory result with memory bounded by the batch")
    func streaming() throws {
        let clip = 1_000, batch = 4, block = 777
        func track(_ n: Int) -> [Float] { (0..<n).map { Float(Foundation.sin(Double($0) * 0.01)) } }
        func stream(_ samples: [Float]) throws -> (TrackPrediction, Int) {
            let session = try TrackPredictor(model: StubAudioModel(clipSamples: clip),
                                             settings: TrackInferenceSettings(hopSamples: 600, batchSize: batch)).session()
            var start = 0
            while start < samples.count {
                try session.append(samples[start..<min(samples.count, start + block)])
                start += block
            }
            return (try session.finish(), session.peakBufferedSamples)
        }
        let shortTrack = track(20_000), longTrack = track(400_100)
        let (short, shortPeak) = try stream(shortTrack)
        let (long, longPeak) = try stream(longTrack)
        #expect(long.chunks.count == (400_100 - clip) / 600 + 2)
        // A batch of chunks, the chunk being assembled and one block: nothing that grows with the track.
        #expect(shortPeak <= batch * clip + clip + block, "peak \(shortPeak) samples")
        #expect(longPeak <= batch * clip + clip + block, "peak \(longPeak) samples for a 400k-sample track")
        let inMemory = try TrackPredictor(model: StubAudioModel(clipSamples: clip),
                                          settings: TrackInferenceSettings(hopSamples: 600, batchSize: 3))
            .predict(samples: longTrack)
        #expect(inMemory.chunks == long.chunks)
        for (task, values) in long.values {
            Self.expectClose(values, inMemory.values[task]?.map(Double.init) ?? [], task)
        }
        #expect(short.chunks.count == (20_000 - clip) / 600 + 2)
    }

    @Test("a file is streamed at the model's rate and predicted like its samples")
    func file() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-track-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("tone.wav").path
        let samples = (0..<50_000).map { Float(0.5 * Foundation.sin(Double($0) * 0.05)) }
        try WAVWriter.write(samples, to: path, sampleRate: 16_000, channels: 1, format: .float32)
        let predictor = try TrackPredictor(model: StubAudioModel(clipSamples: 4_000),
                                           settings: TrackInferenceSettings(aggregation: .max))
        let fromFile = try predictor.predict(file: path, blockFrames: 3_000)
        let fromSamples = try predictor.predict(samples: samples)
        #expect(fromFile.trackSamples == 50_000)
        #expect(fromFile.chunks == fromSamples.chunks)
        for (task, values) in fromFile.values {
            Self.expectClose(values, fromSamples.values[task]?.map(Double.init) ?? [], task)
        }
    }

    @Test("a real preset predicts a track: probabilities in [0, 1], one value per class")
    func preset() throws {
        let tasks = [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<5).map { "t\($0)" }),
                     TaskSpec(name: "key", kind: .multiClass, classes: ["major", "minor"])]
        let model = try ModelPreset.resnetXS.build(tasks: tasks)
        let samples = (0..<(59049 * 2 + 1000)).map { Float(0.1 * Foundation.sin(Double($0) * 0.03)) }
        let prediction = try TrackPredictor(model: model, settings: TrackInferenceSettings(batchSize: 2)).predict(samples: samples)
        #expect(prediction.chunks.count == 3)
        let tags = try #require(prediction.values["tags"])
        #expect(tags.count == 5 && tags.allSatisfy { (0...1).contains($0) })
        let key = try #require(prediction.values["key"])
        #expect(abs(key.reduce(0, +) - 1) < 1e-5)
    }

    @Test("a copy prepared for inference predicts a track like the plain model, within 1e-4")
    func preparedModel() throws {
        manualSeed(8)
        let tasks = [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<6).map { "t\($0)" })]
        let model = try ModelPreset.resnetXS.build(tasks: tasks)
        try withNoGrad {
            for (name, t) in model.namedBuffers(persistentOnly: true) where name.hasSuffix("running_var") {
                try t.copyFrom(Tensor.rand(t.shape) + 0.5)
            }
        }
        let samples = (0..<(59049 + 30_000)).map { Float(0.2 * Foundation.sin(Double($0) * 0.011)) }
        let settings = TrackInferenceSettings(hopSamples: 20_000, batchSize: 2, aggregation: .max)
        let plain = try TrackPredictor(model: model, settings: settings).predict(samples: samples)
        let fast = try TrackPredictor(model: model.inferenceCopy(), settings: settings).predict(samples: samples)
        #expect(plain.chunks == fast.chunks)
        Self.expectClose(fast.values["tags"], plain.values["tags"]?.map(Double.init) ?? [], "tags", tolerance: 1e-4)
    }
}
