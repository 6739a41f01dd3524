import Foundation
import Testing
import NN
import Torch
@testable import Models

@Suite("Function-preserving growth of the Music Tagging Transformer")
struct TransformerGrowthTests {
    @Test("mtt-xs grows to mtt-s with its function")
    func presetStep() throws {
        let source = try ModelPreset.mttXS.build(tasks: GrowthFixture.tasks, generator: Generator(seed: 51))
        try GrowthFixture.giveTrainedStatistics(source, seed: 52)
        let state = try ModelGrowth.grownStateDict(source.stateDict(), from: .mttXS, to: .mttS, tasks: GrowthFixture.tasks)
        let grown = try ModelPreset.mttS.build(tasks: GrowthFixture.tasks, generator: Generator(seed: 53))
        try grown.load(stateDict: state, strict: true)
        let input = try GrowthFixture.input(samples: source.clipSamples)
        let difference = try GrowthFixture.relativeDifference(GrowthFixture.logits(source, input), GrowthFixture.logits(grown, input))
        print("growth mtt-xs → mtt-s: \(difference)")
        #expect(difference <= ModelGrowthTests.tolerance)
    }

    @Test("a wider and deeper transformer (64 → 128 features, 4 → 6 layers) keeps the function and trains in its new parts")
    func deeper() throws {
        let tasks = GrowthFixture.tasks
        let source = try MusicTaggingTransformer(dModel: 64, layers: 4, heads: 8, feedForward: 256, convChannels: 64,
                                                 tasks: tasks, noise: ModelNoise(dropout: 0), generator: Generator(seed: 61))
        try GrowthFixture.giveTrainedStatistics(source, seed: 62)
        let grown = try MusicTaggingTransformer(dModel: 128, layers: 6, heads: 8, feedForward: 384, convChannels: 96,
                                                tasks: tasks, noise: ModelNoise(dropout: 0), generator: Generator(seed: 63))
        try ModelGrowth.grow(source, into: grown)
        let input = try GrowthFixture.input(samples: source.clipSamples)
        let difference = try GrowthFixture.relativeDifference(GrowthFixture.logits(source, input), GrowthFixture.logits(grown, input))
        print("growth transformer 64×4 → 128×6: \(difference)")
        #expect(difference <= ModelGrowthTests.tolerance)

        grown.train()
        let logits = try grown(input)
        let loss = try Loss.crossEntropy(logits["key"]!, Tensor([Int64(1), 20], shape: [2]))
            + Loss.binaryCrossEntropyWithLogits(logits["instruments"]!, Tensor.ones([2, 5]) * 0.5)
        try loss.backward()
        let parameters = Dictionary(uniqueKeysWithValues: grown.namedParameters())
        for name in ["encoder.layers.5.self_attn.out_proj.weight", "encoder.layers.4.linear2.weight",
                     "encoder.layers.0.linear1.weight", "proj.weight"] {
            let gradient = try #require(parameters[name]?.grad, "\(name) has no gradient")
            #expect(try gradient.isFinite().to(.float32).min().item() == 1, "\(name)")
            #expect(try gradient.abs().sum().item() > 0, "\(name)")
        }
        // The new feed-forward units of a grown layer learn too.
        let hidden = try #require(parameters["encoder.layers.0.linear1.weight"]?.grad)
        #expect(try hidden.slice(dim: 0, start: 256).abs().sum().item() > 0)
    }
}
