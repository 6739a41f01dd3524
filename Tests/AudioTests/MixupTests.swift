import Foundation
import Testing
import Torch
@testable import Audio

@Suite("Mixup")
struct MixupTests {
    @Test("inputs and targets are λ·x + (1 − λ)·x[π], with the λ and π returned", arguments: [false, true])
    func mixes(_ perExample: Bool) throws {
        let x = try Tensor.randn([8, 3, 50], generator: Generator(seed: 1))
        let labels = try Tensor([0, 1, 2, 3, 4, 0, 1, 2] as [Int64])
        let result = try Mixup(alpha: 0.4, lambdaPerExample: perExample)(
            inputs: x, targets: .classIndices(labels, classes: 5), random: AugmentationRandom(seed: 7))
        let lambda: [Float] = try result.lambda.toArray()
        let order: [Int64] = try result.permutation.toArray()
        #expect(Set(order) == Set(0..<8))
        #expect(lambda.allSatisfy { (0...1).contains($0) })
        #expect(perExample ? Set(lambda).count > 1 : Set(lambda).count == 1)
        let oneHot = try labels.oneHot(classes: 5).to(.float32)
        for i in 0..<8 {
            let partner = Int(order[i]), l = Double(lambda[i])
            let expected = try x.select(dim: 0, index: i) * l + x.select(dim: 0, index: partner) * (1 - l)
            #expect(try result.inputs.select(dim: 0, index: i).allClose(expected, rtol: 1e-5, atol: 1e-6))
            let target = try oneHot.select(dim: 0, index: i) * l + oneHot.select(dim: 0, index: partner) * (1 - l)
            #expect(try result.targets.select(dim: 0, index: i).allClose(target, rtol: 1e-5, atol: 1e-6))
        }
        // Class distributions stay distributions.
        #expect(try (result.targets.sum(dims: [1]) - 1).abs().max().item() < 1e-6)
        #expect(result.inputs.shape == x.shape && result.targets.shape == [8, 5])
    }

    @Test("with one λ per batch the sum of multi-label targets is conserved")
    func conservesSums() throws {
        let random = try AugmentationRandom(seed: 3)
        for _ in 0..<5 {
            let y = try Tensor.rand([16, 50], generator: Generator(seed: 2)).gt(0.8).to(.float32)
            let x = try Tensor.randn([16, 100])
            let result = try Mixup(alpha: 1)(inputs: x, targets: .multiLabel(y), random: random)
            #expect(try Swift.abs(result.targets.sum().item() - y.sum().item()) < 1e-3)
            #expect(try (result.targets.sum(dims: [0]) - y.sum(dims: [0])).abs().max().item() < 1e-4)
            #expect(try result.targets.min().item() >= 0 && result.targets.max().item() <= 1)
        }
        let soft = try Tensor.rand([16, 4], generator: Generator(seed: 5)).softmax(dim: 1)
        let mixed = try Mixup(alpha: 0.3, lambdaPerExample: true)(inputs: Tensor.randn([16, 10]), targets: .classProbabilities(soft),
                                                                 random: random)
        #expect(try (mixed.targets.sum(dims: [1]) - 1).abs().max().item() < 1e-5)
    }

    @Test("λ follows Beta(α, α): mean 1/2, variance 1/(4(2α + 1))", arguments: [0.2, 0.4, 1.0, 2.0])
    func betaMoments(_ alpha: Double) throws {
        let samples = try AugmentationRandom(seed: 12).beta(40_000, alpha: alpha, beta: alpha)
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count - 1)
        let expected = 1 / (4 * (2 * alpha + 1))
        #expect(samples.allSatisfy { (0...1).contains($0) })
        #expect(Swift.abs(mean - 0.5) < 0.01, "mean \(mean)")
        #expect(Swift.abs(variance / expected - 1) < 0.04, "variance \(variance), expected \(expected)")
    }

    @Test("probability 0 keeps every example (λ = 1); same seed, same mix; bad targets are AugmentationErrors")
    func edges() throws {
        let x = try Tensor.randn([6, 20])
        let y = try Tensor.rand([6, 3])
        let kept = try Mixup(alpha: 0.4, probability: 0)(inputs: x, targets: .multiLabel(y), random: AugmentationRandom(seed: 1))
        #expect(try kept.inputs.equals(x) && kept.targets.equals(y))
        let a = try Mixup()(inputs: x, targets: .multiLabel(y), random: AugmentationRandom(seed: 4))
        let b = try Mixup()(inputs: x, targets: .multiLabel(y), random: AugmentationRandom(seed: 4))
        #expect(try a.inputs.equals(b.inputs) && a.targets.equals(b.targets))
        #expect(throws: AugmentationError.self) {
            try Mixup()(inputs: x, targets: .multiLabel(Tensor.rand([5, 3])), random: AugmentationRandom(seed: 1))
        }
        #expect(throws: AugmentationError.self) {
            try Mixup()(inputs: x, targets: .classIndices(Tensor.zeros([6]), classes: 3), random: AugmentationRandom(seed: 1))
        }
        #expect(throws: AugmentationError.self) {
            try Mixup(alpha: 0)(inputs: x, targets: .multiLabel(y), random: AugmentationRandom(seed: 1))
        }
    }
}
