import Foundation
import Testing
import NN
import Torch
@testable import Models

@Suite("Grown models train")
struct GrownModelTrainingTests {
    /// The routed resnet-xs (key network 16, ResNet 32) grown to resnet-s (32, 64), without dropout
    /// so that a training-mode pass is a function of the weights alone.
    static func grown(noise: Double) throws -> (source: any AudioModel, grown: any AudioModel) {
        let source = try ModelPreset.resnetXS.build(tasks: GrowthFixture.tasks, variant: GrowthFixture.routed,
                                                    generator: Generator(seed: 41))
        try GrowthFixture.giveTrainedStatistics(source, seed: 42)
        let grown = try ModelGrowth.grow(source, to: .resnetS, variant: GrowthFixture.routed,
                                         noise: ModelNoise(dropout: 0), options: GrowthOptions(seed: 4, noise: noise))
        grown.train()
        return (source, grown)
    }

    static func loss(_ model: any AudioModel, _ input: Tensor) throws -> Tensor {
        let logits = try model(input)
        let keys = try Tensor([Int64(3), 17], shape: [2])
        let present = try Tensor([Float](repeating: 0, count: 5) + [1, 0, 1, 0, 1], shape: [2, 5])
        return try Loss.crossEntropy(logits["key"]!, keys) + Loss.binaryCrossEntropyWithLogits(logits["instruments"]!, present)
    }

    /// Gradient of every weight, by name.
    static func gradients(_ model: any AudioModel) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, p) in model.namedParameters() { if let g = p.grad { out[name] = g } }
        return out
    }

    @Test("gradients reach the new channels, finite and non-zero, and an SGD step lowers the loss")
    func trains() throws {
        let (source, model) = try Self.grown(noise: 0)
        let input = try GrowthFixture.input(samples: model.clipSamples, seed: 43)
        let before = try Self.loss(model, input)
        try before.backward()
        let gradients = Self.gradients(model)
        let sourceShapes = source.stateDict().mapValues(\.shape)
        var widened = 0
        for (name, weight) in model.namedParameters() where name.hasSuffix("weight") && weight.rank >= 2 {
            guard let old = sourceShapes[name], old[0] < weight.shape[0] else { continue }
            widened += 1
            let gradient = try #require(gradients[name], "\(name) has no gradient")
            #expect(try gradient.isFinite().to(.float32).min().item() == 1, "\(name)")
            let newRows = try gradient.slice(dim: 0, start: old[0])
            #expect(try newRows.abs().sum().item() > 0, "\(name): no gradient in the new channels")
        }
        // The key network's 5 convolutions; the ResNet's 7 × 3 convolutions and its dense layer.
        #expect(widened == 27)
        // The key head's templates keep their count but read the new channels.
        let template = try #require(gradients["constant_q.head.template.weight"])
        #expect(try template.slice(dim: 1, start: 16).abs().sum().item() > 0)

        var optimizer = try SGD(parameters: model.trainableParameters(), learningRate: 0.01)
        try optimizer.step()
        let after = try withNoGrad { try Self.loss(model, input) }
        print("grown resnet-xs → resnet-s (routed): loss \(try before.item()) → \(try after.item()) after one SGD step")
        #expect(try after.item() < before.item())
    }

    /// The relative difference between the gradients of the first new filter of the ResNet's
    /// first convolution and of the original it copies.
    static func replicaGradientGap(noise: Double) throws -> Double {
        let (_, model) = try Self.grown(noise: noise)
        try Self.loss(model, GrowthFixture.input(samples: model.clipSamples, seed: 44)).backward()
        let name = "log_mel.layers.0.conv_1.weight"
        let weight = try #require(model.stateDict()[name])
        let gradient = try #require(Self.gradients(model)[name])
        let copy = 32  // resnet-xs has 32 filters; filter 32 is the first copy
        let filter = try weight.select(dim: 0, index: copy)
        let original = try (0..<copy).first { try (weight.select(dim: 0, index: $0) - filter).abs().max().item() == 0 }
        let index = try #require(original, "filter \(copy) copies no original filter")
        let (a, b) = (try gradient.select(dim: 0, index: index), try gradient.select(dim: 0, index: copy))
        return try (a - b).abs().max().item() / Swift.max(try a.abs().max().item(), 1e-30)
    }

    @Test("without noise a copy's gradient is its original's (it would stay a copy); noise makes them differ")
    func symmetry() throws {
        let exact = try Self.replicaGradientGap(noise: 0)
        let noisy = try Self.replicaGradientGap(noise: 0.01)
        print("replica gradient gap: exact growth \(exact), noise 0.01: \(noisy)")
        #expect(exact < 1e-4)
        #expect(noisy > 1e-3)
    }
}
