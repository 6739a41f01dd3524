import Foundation
import Testing
import NN
import Torch
@testable import Models

/// One growth step of the ResNet family under one variant.
struct GrowthStep: Sendable, CustomTestStringConvertible {
    let from: ModelPreset
    let to: ModelPreset
    let variant: ModelVariant
    let label: String

    var testDescription: String { "\(from.rawValue) → \(to.rawValue), \(label)" }
}

@Suite("Function-preserving growth (Net2Net)")
struct ModelGrowthTests {
    static let steps = [
        GrowthStep(from: .resnetXS, to: .resnetS, variant: .standard, label: "standard"),
        GrowthStep(from: .resnetS, to: .resnetM, variant: .standard, label: "standard"),
        GrowthStep(from: .resnetXS, to: .resnetS, variant: GrowthFixture.routed, label: "key on constant-Q"),
        GrowthStep(from: .resnetS, to: .resnetM, variant: GrowthFixture.routed, label: "key on constant-Q"),
        GrowthStep(from: .resnetXS, to: .resnetS, variant: ModelVariant(frequencyCoordinates: true, taskBranchBlocks: 2),
                   label: "frequency coordinates and task branches"),
    ]

    /// 1e-5 of the logits' scale: float32 sums over copied and divided weights round
    /// differently from the original sums, nothing more.
    static let tolerance = 1e-5

    @Test("the grown model computes the source's logits in evaluation mode", arguments: steps)
    func preservesFunction(step: GrowthStep) throws {
        let source = try step.from.build(tasks: GrowthFixture.tasks, variant: step.variant, generator: Generator(seed: 11))
        try GrowthFixture.giveTrainedStatistics(source, seed: 12)
        let state = try ModelGrowth.grownStateDict(source.stateDict(), from: step.from, to: step.to,
                                                   tasks: GrowthFixture.tasks, variant: step.variant)
        let grown = try step.to.build(tasks: GrowthFixture.tasks, variant: step.variant, generator: Generator(seed: 13))
        try grown.load(stateDict: state, strict: true)
        #expect(grown.parameterCount > source.parameterCount)

        let input = try GrowthFixture.input(samples: source.clipSamples)
        let expected = try GrowthFixture.logits(source, input)
        let difference = try GrowthFixture.relativeDifference(expected, GrowthFixture.logits(grown, input))
        print("growth \(step.testDescription): max |grown − source| / max |source| = \(difference)")
        #expect(difference <= Self.tolerance)
        // A freshly initialised model of the target preset is far from the source: the
        // comparison can tell.
        let fresh = try step.to.build(tasks: GrowthFixture.tasks, variant: step.variant, generator: Generator(seed: 13))
        #expect(try GrowthFixture.relativeDifference(expected, GrowthFixture.logits(fresh, input)) > 1e-2)
    }

    @Test("the key network grows 16 → 32 → 64 channels and 5 → 7 layers with its function")
    func keyNetworkLadder() throws {
        let source = try KeyNetwork(width: 16, task: GrowthFixture.key, generator: Generator(seed: 21))
        try GrowthFixture.giveTrainedStatistics(source, seed: 22)
        let middle = try KeyNetwork(width: 32, task: GrowthFixture.key, generator: Generator(seed: 23))
        let top = try KeyNetwork(width: 64, depth: 7, task: GrowthFixture.key, generator: Generator(seed: 24))
        try ModelGrowth.grow(source, into: middle)
        try ModelGrowth.grow(middle, into: top, options: GrowthOptions(seed: 1))

        let input = try GrowthFixture.input(samples: source.clipSamples)
        let expected = try GrowthFixture.logits(source, input)
        let toMiddle = try GrowthFixture.relativeDifference(expected, GrowthFixture.logits(middle, input))
        let toTop = try GrowthFixture.relativeDifference(expected, GrowthFixture.logits(top, input))
        print("growth keynet 16 → 32: \(toMiddle); 16 → 32 → 64 with 2 identity layers: \(toTop)")
        #expect(toMiddle <= Self.tolerance)
        #expect(toTop <= Self.tolerance)
    }

    @Test("symmetry-breaking noise moves the function only a little")
    func noise() throws {
        let source = try ModelPreset.resnetXS.build(tasks: GrowthFixture.tasks, generator: Generator(seed: 31))
        try GrowthFixture.giveTrainedStatistics(source, seed: 32)
        let noisy = try ModelGrowth.grow(source, to: .resnetS, options: GrowthOptions(seed: 3, noise: 0.01))
        let input = try GrowthFixture.input(samples: source.clipSamples)
        let difference = try GrowthFixture.relativeDifference(GrowthFixture.logits(source, input),
                                                              GrowthFixture.logits(noisy, input))
        print("growth resnet-xs → resnet-s with noise 0.01: \(difference)")
        #expect(difference > Self.tolerance)
        #expect(difference < 0.05)
    }

    @Test("growth refuses to narrow, to change the variant or family, and the transformer")
    func refusals() throws {
        let small = try ModelPreset.resnetXS.build(tasks: GrowthFixture.tasks)
        let large = try ModelPreset.resnetS.build(tasks: GrowthFixture.tasks)
        #expect(throws: ModelGrowthError.narrower(layer: "layers.0.conv_1", from: 64, to: 32)) {
            try ModelGrowth.grow(large, into: small)
        }
        let routed = try ModelPreset.resnetS.build(tasks: GrowthFixture.tasks, variant: GrowthFixture.routed)
        #expect(throws: ModelGrowthError.self) { try ModelGrowth.grow(small, into: routed) }
        #expect(throws: ModelGrowthError.self) {
            try ModelGrowth.grownStateDict(small.stateDict(), from: .resnetXS, to: .mttS, tasks: GrowthFixture.tasks)
        }
        // 256 → 384 features: a layer norm over unevenly copied features would change.
        let transformer = try ModelPreset.mttS.build(tasks: GrowthFixture.tasks)
        let wider = try ModelPreset.mttM.build(tasks: GrowthFixture.tasks)
        #expect(throws: ModelGrowthError.self) { try ModelGrowth.grow(transformer, into: wider) }
        let shallow = try KeyNetwork(width: 16, depth: 3, task: GrowthFixture.key)
        let deeper = try KeyNetwork(width: 16, depth: 4, task: GrowthFixture.key)
        #expect(throws: ModelGrowthError.self) { try ModelGrowth.grow(shallow, into: deeper) }
    }
}
