import Audio
import Foundation
import NN
import Testing
import Torch
@testable import Models

/// A model whose logits are known functions of the chunk: "level" (multi-label, one class)
/// gets the chunk mean; "side" (multi-class) gets [mean, 0].
final class ChunkMeanModel: Module, AudioModel {
    let clipSamples: Int
    let sampleRate = 16000
    let tasks = [TaskSpec(name: "level", kind: .multiLabel, classes: ["a", "b"]),
                 TaskSpec(name: "side", kind: .multiClass, classes: ["x", "y"])]
    var seen: [[Float]] = []
    var spectrogramAugmentation: SpectrogramAugmentationHook?

    init(clip: Int) { clipSamples = clip; super.init() }

    func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        let rows = try waveform.toArray(Float.self)
        let b = try waveform.size(0)
        for i in 0..<b { seen.append(Array(rows[(i * clipSamples)..<((i + 1) * clipSamples)])) }
        let mean = try waveform.mean(dims: [1], keepDim: true)
        return ["level": try Tensor.cat([mean, mean * 2], dim: 1), "side": try Tensor.cat([mean, mean * 0], dim: 1)]
    }

    func setNoise(_ noise: ModelNoise) {}
}

@Suite("Full-track inference")
struct FullTrackPredictorTests {
    func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    @Test("chunk count, padding and mean aggregation", arguments: [
        (1000, 1.0, 10), (1049, 1.0, 10), (1050, 1.0, 11), (30, 1.0, 1), (1000, 0.5, 19),
    ])
    func chunking(_ length: Int, _ hop: Double, _ expectedChunks: Int) throws {
        let model = ChunkMeanModel(clip: 100)
        let samples = (0..<length).map { Float($0 % 7) / 10 }
        let p = try FullTrackPredictor(model: model, options: FullTrackOptions(hopFraction: hop, batchSize: 3))
            .predict(samples: samples)
        #expect(p.chunks == expectedChunks)
        #expect(model.seen.count == expectedChunks)
        #expect(model.seen.allSatisfy { $0.count == 100 })
        // Mean of sigmoid(chunk mean) over chunks, computed by hand from what the model saw.
        let means = model.seen.map { Double($0.reduce(0, +)) / 100 }
        let expected = means.map { sigmoid($0) }.reduce(0, +) / Double(means.count)
        #expect(Swift.abs(Double(p.outputs["level"]![0]) - expected) < 1e-5)
        let softmaxFirst = means.map { Foundation.exp($0) / (Foundation.exp($0) + 1) }.reduce(0, +) / Double(means.count)
        #expect(Swift.abs(Double(p.outputs["side"]![0]) - softmaxFirst) < 1e-5)
        #expect(Swift.abs(p.outputs["side"]!.reduce(0, +) - 1) < 1e-5)
    }

    @Test("max aggregation and temperature")
    func maxAndTemperature() throws {
        let model = ChunkMeanModel(clip: 10)
        let samples = [Float](repeating: 0.1, count: 10) + [Float](repeating: 0.9, count: 10)
        let p = try FullTrackPredictor(model: model, options: FullTrackOptions(aggregation: .max, temperature: 2))
            .predict(samples: samples)
        #expect(Swift.abs(Double(p.outputs["level"]![0]) - sigmoid(0.9 / 2)) < 1e-5)
        #expect(Swift.abs(Double(p.outputs["level"]![1]) - sigmoid(1.8 / 2)) < 1e-5)
    }

    @Test("a streamed file gives what the in-memory waveform gives")
    func streamed() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-ft-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let samples = (0..<200_000).map { Float(sin(Double($0) * 0.01)) * 0.5 }
        let path = dir.appendingPathComponent("long.wav").path
        try WAVWriter.write(samples, to: path, sampleRate: 16000, channels: 1, format: .float32)
        let options = FullTrackOptions(hopFraction: 0.5, batchSize: 4)
        let fromFile = try await FullTrackPredictor(model: ChunkMeanModel(clip: 4000), options: options).predict(path: path)
        let fromMemory = try FullTrackPredictor(model: ChunkMeanModel(clip: 4000), options: options).predict(samples: samples)
        #expect(fromFile.chunks == fromMemory.chunks)
        for (k, v) in fromMemory.outputs {
            for (a, b) in zip(v, fromFile.outputs[k]!) { #expect(Swift.abs(a - b) < 1e-5) }
        }
        #expect(Swift.abs(fromFile.duration - 12.5) < 1e-9)
    }

    @Test("an empty track and bad options are errors")
    func errors() throws {
        #expect(throws: TorchError.self) { try FullTrackPredictor(model: ChunkMeanModel(clip: 10)).predict(samples: []) }
        #expect(throws: TorchError.self) { try FullTrackPredictor(model: ChunkMeanModel(clip: 10), options: FullTrackOptions(hopFraction: 0)) }
    }
}

@Suite("Full-track inference mode")
struct FullTrackModeTests {
    @Test("the predictor puts the model in evaluation mode")
    func evalMode() throws {
        let model = ChunkMeanModel(clip: 10)
        model.train()
        _ = try FullTrackPredictor(model: model)
        #expect(!model.isTraining)
    }
}
