import Foundation
import NN
import Torch
@testable import Models
import MusicTasks

/// Models, inputs and comparisons shared by the growth tests.
enum GrowthFixture {
    static let keyNames = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
        .flatMap { tonic in ["major", "minor"].map { "\(tonic) \($0)" } }
    static let key = TaskSpec(name: "key", kind: .multiClass, classes: keyNames)
    static let instruments = TaskSpec(name: "instruments", kind: .multiLabel, classes: (0..<5).map { "i\($0)" })
    static let tasks = [key, instruments]
    static let routed = ModelVariant(frontEnds: ["key": .constantQ])

    /// Random waveforms, quiet enough to stay in the front ends' usual range.
    static func input(samples: Int, batch: Int = 2, seed: UInt64 = 5) throws -> Tensor {
        try Tensor.randn([batch, samples], generator: Generator(seed: seed)) * 0.1
    }

    /// Makes every batch norm non-trivial, as a trained model's are: running statistics first
    /// tracked over a few training-mode passes (so the spectrogram's normalisation fits its
    /// scale), then every statistic and affine parameter perturbed at random.
    static func giveTrainedStatistics(_ model: any AudioModel, seed: UInt64) throws {
        let generator = try Generator(seed: seed)
        model.train()
        try withNoGrad {
            for pass in 0..<3 { _ = try model(input(samples: model.clipSamples, seed: seed &+ UInt64(pass))) }
            for case let (_, norm as BatchNorm) in model.namedModules() {
                let n = norm.weight.count
                try norm.weight.copyFrom(Tensor.rand([n], generator: generator) + 0.5)
                try norm.bias.copyFrom(Tensor.randn([n], generator: generator) * 0.1)
                try norm.runningMean.addInPlace(Tensor.randn([n], generator: generator) * 0.1)
                try norm.runningVar.copyFrom(norm.runningVar * (Tensor.rand([n], generator: generator) + 0.5))
            }
        }
        model.eval()
    }

    /// The largest difference between two models' logits over every task, relative to the
    /// largest logit magnitude of `reference`.
    static func relativeDifference(_ reference: [String: Tensor], _ other: [String: Tensor]) throws -> Double {
        var difference = 0.0, scale = 0.0
        for (task, expected) in reference {
            guard let actual = other[task] else { return .infinity }
            difference = Swift.max(difference, try (actual - expected).abs().max().item())
            scale = Swift.max(scale, try expected.abs().max().item())
        }
        return difference / Swift.max(scale, 1e-12)
    }

    /// Evaluation-mode logits.
    static func logits(_ model: any AudioModel, _ input: Tensor) throws -> [String: Tensor] {
        model.eval()
        return try withNoGrad { try model(input) }
    }
}
