import Audio
import Foundation
import NN
import Testing
import Torch
@testable import Models
import MusicTasks

/// A model whose logits are known functions of the chunk: "level" (multi-label, two classes)
/// gets [mean, 2 mean]; "side" (multi-class) gets [mean, 0]. It records every chunk it saw.
final class ChunkMeanModel: Module, AudioModel {
    let clipSamples: Int
    let sampleRate = 16000
    let tasks = [TaskSpec(name: "level", kind: .multiLabel, classes: ["a", "b"]),
                 TaskSpec(name: "side", kind: .multiClass, classes: ["x", "y"])]
    var seen: [[Float]] = []
    var spectrogramAugmentation: SpectrogramAugmentationHook?
    var inferenceOptimizations: InferenceOptimizations? { nil }

    init(clip: Int) { clipSamples = clip; super.init() }

    func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        let rows = try waveform.toArray(Float.self)
        let b = try waveform.size(0)
        for i in 0..<b { seen.append(Array(rows[(i * clipSamples)..<((i + 1) * clipSamples)])) }
        let mean = try waveform.mean(dims: [1], keepDim: true)
        return ["level": try Tensor.cat([mean, mean * 2], dim: 1), "side": try Tensor.cat([mean, mean * 0], dim: 1)]
    }

    func setNoise(_ noise: ModelNoise) {}
    func prepareForInference(_ optimizations: InferenceOptimizations) throws {}
    func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {}
    func copy() throws -> any AudioModel { ChunkMeanModel(clip: clipSamples) }
}

@Suite("Full-track inference")
struct FullTrackPredictorTests {
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

    @Test("chunk count with the end-aligned tail, every chunk whole, mean aggregation", arguments: [
        (1000, 1.0, 10), (1049, 1.0, 11), (1050, 1.0, 11), (30, 1.0, 1), (1000, 0.5, 19),
    ])
    func chunking(_ length: Int, _ hop: Double, _ expectedChunks: Int) throws {
        let model = ChunkMeanModel(clip: 100)
        let samples = (0..<length).map { Float($0 % 7) / 10 }
        let p = try FullTrackPredictor(model: model, options: FullTrackOptions(hopFraction: hop, batchSize: 3))
            .predict(samples: samples)
        #expect(p.chunks.count == expectedChunks)
        #expect(model.seen.count == expectedChunks)
        #expect(model.seen.allSatisfy { $0.count == 100 })
        // Mean of sigmoid(chunk mean) over chunks, computed by hand from what the model saw.
        let means = model.seen.map { Double($0.reduce(0, +)) / 100 }
        let expected = means.map { Self.sigmoid($0) }.reduce(0, +) / Double(means.count)
        #expect(Swift.abs(Double(p.values["level"]![0]) - expected) < 1e-5)
        let softmaxFirst = means.map { Foundation.exp($0) / (Foundation.exp($0) + 1) }.reduce(0, +) / Double(means.count)
        #expect(Swift.abs(Double(p.values["side"]![0]) - softmaxFirst) < 1e-5)
        #expect(Swift.abs(p.values["side"]!.reduce(0, +) - 1) < 1e-5)
    }

    @Test("mean and max of sigmoid, softmax and identity over chunks, as computed by hand",
          arguments: ChunkAggregation.allCases)
    func aggregation(_ aggregation: ChunkAggregation) throws {
        let model = StubAudioModel(clipSamples: 4)
        let predictor = try FullTrackPredictor(model: model, options: FullTrackOptions(batchSize: 2, aggregation: aggregation))
        let prediction = try predictor.predict(samples: Self.track)
        // Chunks [0, 4), [4, 8) and the end-aligned [6, 10); batches of 2 then 1.
        #expect(prediction.chunks.map(\.start) == [0, 4, 6])
        #expect(model.batchSizes == [2, 1])
        let per = [Self.track[0..<4], Self.track[4..<8], Self.track[6..<10]].map(Self.handValues)
        func reduce(_ column: [Double]) -> Double {
            aggregation == .max ? column.max() ?? 0 : column.reduce(0, +) / Double(column.count)
        }
        Self.expectClose(prediction.values["tags"], (0..<2).map { i in reduce(per.map { $0.tags[i] }) }, "tags")
        if aggregation == .logMean {
            // Multi-class: the geometric mean of each class's probability, renormalised.
            let geometric = (0..<3).map { i in Foundation.exp(per.map { Foundation.log($0.key[i]) }.reduce(0, +) / 3) }
            let total = geometric.reduce(0, +)
            Self.expectClose(prediction.values["key"], geometric.map { $0 / total }, "key")
            let arithmetic = (0..<3).map { i in reduce(per.map { $0.key[i] }) }
            #expect(abs(Double(prediction.values["key"]![0]) - arithmetic[0]) > 1e-4)  // not the plain mean
        } else {
            Self.expectClose(prediction.values["key"], (0..<3).map { i in reduce(per.map { $0.key[i] }) }, "key")
        }
        Self.expectClose(prediction.values["level"], [reduce(per.map(\.level))], "level")
        #expect(prediction.trackSamples == 10)
        #expect(prediction.chunkValues.isEmpty)
    }

    @Test("temperature divides classification logits, not regression values")
    func temperature() throws {
        let model = ChunkMeanModel(clip: 10)
        let samples = [Float](repeating: 0.1, count: 10) + [Float](repeating: 0.9, count: 10)
        let p = try FullTrackPredictor(model: model, options: FullTrackOptions(aggregation: .max, temperature: 2))
            .predict(samples: samples)
        #expect(Swift.abs(Double(p.values["level"]![0]) - Self.sigmoid(0.9 / 2)) < 1e-5)
        #expect(Swift.abs(Double(p.values["level"]![1]) - Self.sigmoid(1.8 / 2)) < 1e-5)
        let stub = try FullTrackPredictor(model: StubAudioModel(clipSamples: 4), options: FullTrackOptions(temperature: 4))
            .predict(samples: Array(Self.track[0..<4]))
        Self.expectClose(stub.values["level"], [Self.handValues(Self.track[0..<4]).level], "level")
        Self.expectClose(stub.values["tags"], [Self.sigmoid(0.1 / 4), Self.sigmoid(-0.2 / 4)], "tags")
    }

    @Test("evaluation mode without gradients, and the model's mode restored")
    func modes() throws {
        let model = StubAudioModel(clipSamples: 4)
        model.train()
        _ = try FullTrackPredictor(model: model).predict(samples: Self.track)
        #expect(!model.ranInTrainingMode)
        #expect(!model.ranWithGradients)
        #expect(model.isTraining)
    }

    @Test("a short track is zero-padded to one chunk; chunk values are kept when asked")
    func shortTrack() throws {
        let model = StubAudioModel(clipSamples: 6)
        let options = FullTrackOptions(keepChunkPredictions: true)
        let prediction = try FullTrackPredictor(model: model, options: options).predict(samples: [0.2, 0.4, -0.3])
        #expect(prediction.chunks == [TrackChunk(start: 0, audioSamples: 3)])
        // The padding counts in the chunk's mean: (0.2 + 0.4 - 0.3) / 6.
        Self.expectClose(prediction.values["level"], [0.3 / 6], "level")
        Self.expectClose(prediction.values["key"], Self.softmax([0.4, -0.3, 0]), "key")
        #expect(prediction.chunkValues["tags"]?.count == 1)
    }

    @Test("overlapping chunks (hop) and the zero-padded tail policy")
    func hopAndTail() throws {
        let model = StubAudioModel(clipSamples: 4)
        let options = FullTrackOptions(hopFraction: 0.75, tail: .zeroPad, keepChunkPredictions: true)
        let predictor = try FullTrackPredictor(model: model, options: options)
        #expect(predictor.hopSamples == 3)
        let prediction = try predictor.predict(samples: Self.track)
        // [0, 4), [3, 7), [6, 10): the last one ends exactly at the track's end, so no tail.
        #expect(prediction.chunks.map(\.start) == [0, 3, 6])
        let eleven = Self.track + [0.25]
        let padded = try predictor.predict(samples: eleven)
        #expect(padded.chunks == [TrackChunk(start: 0, audioSamples: 4), TrackChunk(start: 3, audioSamples: 4),
                                  TrackChunk(start: 6, audioSamples: 4), TrackChunk(start: 9, audioSamples: 2)])
        Self.expectClose(padded.chunkValues["level"]?.last, [(1.0 + 0.25) / 4], "padded tail level")
        let dropped = try FullTrackPredictor(model: model, options: FullTrackOptions(hopFraction: 0.75, tail: .drop))
            .predict(samples: eleven)
        #expect(dropped.chunks.map(\.start) == [0, 3, 6])
    }

    @Test("streaming in blocks gives the in-memory result with memory bounded by the batch")
    func streaming() throws {
        let clip = 1_000, batch = 4, block = 777
        let options = FullTrackOptions(hopFraction: 0.6, batchSize: batch)
        func track(_ n: Int) -> [Float] { (0..<n).map { Float(Foundation.sin(Double($0) * 0.01)) } }
        func stream(_ samples: [Float]) throws -> (TrackPrediction, Int) {
            let session = try FullTrackPredictor(model: StubAudioModel(clipSamples: clip), options: options).session()
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
        let inMemory = try FullTrackPredictor(model: StubAudioModel(clipSamples: clip),
                                              options: FullTrackOptions(hopFraction: 0.6, batchSize: 3))
            .predict(samples: longTrack)
        #expect(inMemory.chunks == long.chunks)
        for (task, values) in long.values {
            Self.expectClose(values, inMemory.values[task]?.map(Double.init) ?? [], task)
        }
        #expect(short.chunks.count == (20_000 - clip) / 600 + 2)
    }

    @Test("a file is streamed at the model's rate and predicted like its samples")
    func file() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-track-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("tone.wav").path
        let samples = (0..<200_000).map { Float(0.5 * Foundation.sin(Double($0) * 0.05)) }
        try WAVWriter.write(samples, to: path, sampleRate: 16_000, channels: 1, format: .float32)
        for aggregation in ChunkAggregation.allCases {
            let predictor = try FullTrackPredictor(model: StubAudioModel(clipSamples: 4_000),
                                                   options: FullTrackOptions(hopFraction: 0.5, batchSize: 4,
                                                                             aggregation: aggregation))
            let fromFile = try await predictor.predict(path: path, blockFrames: 3_000)
            let fromSamples = try predictor.predict(samples: samples)
            #expect(fromFile.trackSamples == 200_000)
            #expect(Swift.abs(fromFile.duration - 12.5) < 1e-9)
            #expect(fromFile.chunks == fromSamples.chunks)
            for (task, values) in fromFile.values {
                Self.expectClose(values, fromSamples.values[task]?.map(Double.init) ?? [], task)
            }
        }
    }

    @Test("files are predicted in order with decoding ahead; unreadable and empty files fail alone")
    func files() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-tracks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        var expected: [Int: [Float]] = [:]
        for (i, length) in [50_000, 0, 9_000, -1, 120_000].enumerated() {
            let path = dir.appendingPathComponent("track\(i).wav").path
            paths.append(path)
            guard length >= 0 else { continue }  // never written: unreadable
            let samples = (0..<length).map { Float(0.4 * Foundation.sin(Double($0) * 0.01 * Double(i + 1))) }
            try WAVWriter.write(samples, to: path, sampleRate: 16_000, channels: 1, format: .float32)
            if length > 0 { expected[i] = samples }
        }
        let predictor = try FullTrackPredictor(model: StubAudioModel(clipSamples: 4_000),
                                               options: FullTrackOptions(hopFraction: 0.5, batchSize: 3))
        var seen: [Int] = []
        var failures: [Int: String] = [:]
        try await predictor.predict(paths: paths, blockFrames: 2_500, prefetchSeconds: 0.5) { index, outcome in
            seen.append(index)
            switch outcome {
            case let .success(prediction):
                let reference = try predictor.predict(samples: expected[index] ?? [])
                #expect(prediction.chunks == reference.chunks, "track \(index)")
                for (task, values) in prediction.values {
                    Self.expectClose(values, reference.values[task]?.map(Double.init) ?? [], task)
                }
            case let .failure(error): failures[index] = "\(error)"
            }
        }
        #expect(seen == [0, 1, 2, 3, 4])
        #expect(Set(failures.keys) == [1, 3])
        #expect(failures[1]?.contains("track1.wav: contains no audio frames") == true)
        #expect(failures[3]?.contains("track3.wav") == true)
    }

    @Test("an empty track, a finished session and bad options are errors")
    func errors() throws {
        #expect(throws: ModelError.emptyTrack) { try FullTrackPredictor(model: ChunkMeanModel(clip: 10)).predict(samples: []) }
        for options in [FullTrackOptions(hopFraction: 0), FullTrackOptions(hopFraction: 1.5),
                        FullTrackOptions(batchSize: 0), FullTrackOptions(temperature: 0)] {
            #expect(throws: ModelError.self) { try FullTrackPredictor(model: ChunkMeanModel(clip: 10), options: options) }
        }
        let session = try FullTrackPredictor(model: ChunkMeanModel(clip: 10)).session()
        try session.append([Float](repeating: 0.5, count: 12))
        _ = try session.finish()
        #expect(throws: ModelError.self) { try session.append([0.5]) }
    }

    @Test("options decode from a config's snake_case keys, missing ones defaulted")
    func optionsDecoding() throws {
        let json = #"{"hop_fraction": 0.5, "tail": "zero_pad", "aggregation": "max", "keep_chunk_predictions": true}"#
        let options = try JSONDecoder().decode(FullTrackOptions.self, from: Data(json.utf8))
        #expect(options == FullTrackOptions(hopFraction: 0.5, aggregation: .max, tail: .zeroPad, keepChunkPredictions: true))
        #expect(try JSONDecoder().decode(FullTrackOptions.self, from: Data("{}".utf8)) == FullTrackOptions())
    }

    @Test("a real preset predicts a track: probabilities in [0, 1], one value per class")
    func preset() throws {
        let tasks = [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<5).map { "t\($0)" }),
                     TaskSpec(name: "key", kind: .multiClass, classes: ["major", "minor"])]
        let model = try ModelPreset.resnetXS.build(tasks: tasks)
        let samples = (0..<(59049 * 2 + 1000)).map { Float(0.1 * Foundation.sin(Double($0) * 0.03)) }
        let prediction = try FullTrackPredictor(model: model, options: FullTrackOptions(batchSize: 2)).predict(samples: samples)
        #expect(prediction.chunks.count == 3)
        let tags = try #require(prediction.values["tags"])
        #expect(tags.count == 5 && tags.allSatisfy { (0...1).contains($0) })
        let key = try #require(prediction.values["key"])
        #expect(abs(key.reduce(0, +) - 1) < 1e-5)
    }

    @Test("with optimizations, a prepared copy predicts like the plain model within 1e-4; the model is not changed")
    func preparedModel() throws {
        let generator = try Generator(seed: 8)
        let tasks = [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<6).map { "t\($0)" })]
        let model = try ModelPreset.resnetXS.build(tasks: tasks, generator: generator)
        try withNoGrad {
            for (name, t) in model.namedBuffers(persistentOnly: true) where name.hasSuffix("running_var") {
                try t.copyFrom(Tensor.rand(t.shape, generator: generator) + 0.5)
            }
        }
        let samples = (0..<(59049 + 30_000)).map { Float(0.2 * Foundation.sin(Double($0) * 0.011)) }
        let options = FullTrackOptions(hopFraction: 20_000.0 / 59_049, batchSize: 2, aggregation: .max)
        let plain = try FullTrackPredictor(model: model, options: options)
        let fast = try FullTrackPredictor(model: model, options: options, optimizations: .standard)
        #expect(plain.hopSamples == 20_000)
        #expect(fast.model.inferenceOptimizations == .standard)
        #expect(model.inferenceOptimizations == nil)
        let plainPrediction = try plain.predict(samples: samples)
        let fastPrediction = try fast.predict(samples: samples)
        #expect(plainPrediction.chunks == fastPrediction.chunks)
        Self.expectClose(fastPrediction.values["tags"], plainPrediction.values["tags"]?.map(Double.init) ?? [], "tags",
                         tolerance: 1e-4)
    }
}
