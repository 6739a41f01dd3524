import Foundation
import Testing
import NN
import Torch
@testable import Models
import MusicTasks

@Suite("ResNet variants: frequency coordinates and task branches")
struct ModelVariantTests {
    static let tasks = [
        TaskSpec(name: "key", kind: .multiClass, classes: (0..<24).map { "k\($0)" }),
        TaskSpec(name: "instruments", kind: .multiLabel, classes: (0..<5).map { "i\($0)" }),
    ]
    static let both = ModelVariant(frequencyCoordinates: true, taskBranchBlocks: 3)

    static func input(batch: Int = 2) throws -> Tensor {
        try Tensor.randn([batch, ModelPreset.resnetXS.clipSamples], generator: Generator(seed: 3)) * 0.1
    }

    @Test("task branches own the last blocks, the dense layer and the head; the rest is shared")
    func branchNames() throws {
        let model = try ModelPreset.resnetXS.build(tasks: Self.tasks, variant: Self.both, generator: Generator(seed: 1))
        let names = Set(model.stateDict().keys)
        for task in ["key", "instruments"] {
            for block in 0..<3 { #expect(names.contains("branches.\(task).layers.\(block).conv_1.weight")) }
            #expect(!names.contains("branches.\(task).layers.3.conv_1.weight"))
            #expect(names.contains("branches.\(task).dense1.weight"))
            #expect(names.contains("branches.\(task).bn.running_var"))
            #expect(names.contains("branches.\(task).head.weight"))
        }
        #expect(names.contains("layers.3.conv_1.weight"))
        #expect(!names.contains("layers.4.conv_1.weight"))
        #expect(!names.contains("dense1.weight"))
        #expect(!names.contains(where: { $0.hasPrefix("heads.") }))
        // The first convolution reads the spectrogram and the frequency positions.
        #expect(model.stateDict()["layers.0.conv_1.weight"]?.shape == [32, 2, 3, 3])
        #expect(try model.stateDict()["branches.key.head.weight"]?.size(0) == 24)

        // The standard model keeps the reference's names and shapes.
        let standard = try ModelPreset.resnetXS.build(tasks: Self.tasks, generator: Generator(seed: 1))
        let standardNames = Set(standard.stateDict().keys)
        #expect(standardNames.contains("dense1.weight") && standardNames.contains("heads.key.weight"))
        #expect(standardNames.contains("layers.6.conv_1.weight") && !standardNames.contains(where: { $0.hasPrefix("branches") }))
        #expect(standard.stateDict()["layers.0.conv_1.weight"]?.shape == [32, 1, 3, 3])
        #expect(model.parameterCount > standard.parameterCount)
    }

    @Test("one task's loss reaches the shared blocks and its own branch, never another task's branch")
    func branchGradients() throws {
        let model = try ModelPreset.resnetXS.build(tasks: Self.tasks, variant: Self.both, generator: Generator(seed: 2))
        let logits = try model(Self.input(batch: 3))
        try logits["instruments"]!.sum().backward()
        let grads = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.0, $0.1.grad) })
        func norm(_ name: String) throws -> Double {
            guard let g = grads[name] ?? nil else { return 0 }
            return try g.abs().sum().item()
        }
        #expect(try norm("layers.0.conv_1.weight") > 0)
        #expect(try norm("branches.instruments.layers.0.conv_1.weight") > 0)
        #expect(try norm("branches.instruments.head.weight") > 0)
        #expect(try norm("branches.key.layers.0.conv_1.weight") == 0)
        #expect(try norm("branches.key.dense1.weight") == 0)
        #expect(try norm("branches.key.head.weight") == 0)
    }

    @Test("the second input channel is the mel bin's position, from -1 to 1, for every frame")
    func frequencyChannel() throws {
        let model = try ShortChunkResNet(width: 8, tasks: Self.tasks, variant: ModelVariant(frequencyCoordinates: true))
        model.eval()
        let input = try withNoGrad { try model.blockInput(Self.input(batch: 2)) }
        #expect(try input.size(1) == 2)
        let positions = try input.select(dim: 1, index: 1)   // (batch, mels, frames)
        let mels = try positions.size(1)
        let expected = try Tensor.linspace(-1, 1, steps: mels).reshape([1, mels, 1]).expand(positions.shape)
        #expect(try (positions - expected).abs().max().item() < 1e-6)
        // Without the option the input has the spectrogram alone.
        let plain = try ShortChunkResNet(width: 8, tasks: Self.tasks)
        plain.eval()
        #expect(try withNoGrad { try plain.blockInput(Self.input(batch: 1)) }.size(1) == 1)
    }

    @Test("a branched model folds, copies and reloads to the same outputs")
    func inferenceAndCopies() throws {
        let model = try ModelPreset.resnetXS.build(tasks: Self.tasks, variant: Self.both, generator: Generator(seed: 4))
        // Non-trivial batch-norm statistics, as after training.
        let generator = try Generator(seed: 9)
        try withNoGrad {
            for (name, t) in model.namedBuffers(persistentOnly: true) {
                if name.hasSuffix("running_mean") { try t.copyFrom(Tensor.randn(t.shape, generator: generator) * 0.1) }
                if name.hasSuffix("running_var") { try t.copyFrom(Tensor.rand(t.shape, generator: generator) + 0.5) }
            }
        }
        model.eval()
        let x = try Self.input()
        let expected = try withNoGrad { try model(x) }
        #expect(Set(expected.keys) == ["key", "instruments"])
        let folded = try model.inferenceCopy(.standard)
        let foldedOut = try withNoGrad { try folded(x) }
        let copy = try model.copy()
        copy.eval()
        let copyOut = try withNoGrad { try copy(x) }
        let rebuilt = try ModelPreset.resnetXS.build(tasks: Self.tasks, variant: Self.both)
        try rebuilt.load(stateDict: model.stateDict(), strict: true)
        rebuilt.eval()
        let rebuiltOut = try withNoGrad { try rebuilt(x) }
        for name in expected.keys {
            #expect(try (foldedOut[name]! - expected[name]!).abs().max().item() < 1e-4, "\(name) folded")
            #expect(try (copyOut[name]! - expected[name]!).abs().max().item() == 0, "\(name) copy")
            #expect(try (rebuiltOut[name]! - expected[name]!).abs().max().item() == 0, "\(name) reloaded")
        }
        // A standard model's state dict does not load into a branched one.
        let standard = try ModelPreset.resnetXS.build(tasks: Self.tasks)
        #expect(throws: (any Error).self) { try rebuilt.load(stateDict: standard.stateDict(), strict: true) }
    }

    @Test("a single task has nothing to branch; bad variants are refused with the reason")
    func limits() throws {
        let single = [Self.tasks[0]]
        let model = try ModelPreset.resnetXS.build(tasks: single, variant: ModelVariant(taskBranchBlocks: 3))
        #expect(model.stateDict()["dense1.weight"] != nil)
        #expect(throws: ModelError.invalidVariant("task_branch_blocks is 8; it must lie in 0...7")) {
            try ModelPreset.resnetXS.build(tasks: Self.tasks, variant: ModelVariant(taskBranchBlocks: 8))
        }
        #expect(throws: ModelError.self) { try ModelPreset.mttXS.build(tasks: Self.tasks, variant: Self.both) }
        _ = try ModelPreset.mttXS.build(tasks: Self.tasks, variant: .standard)
    }

    @Test("variant keys decode from snake case, absent keys meaning the standard model")
    func decoding() throws {
        let json = #"{"frequency_coordinates": true, "task_branch_blocks": 2}"#
        let decoded = try JSONDecoder().decode(ModelVariant.self, from: Data(json.utf8))
        #expect(decoded == ModelVariant(frequencyCoordinates: true, taskBranchBlocks: 2))
        #expect(try JSONDecoder().decode(ModelVariant.self, from: Data("{}".utf8)).isStandard)
        let encoded = try JSONEncoder().encode(decoded)
        #expect(try JSONDecoder().decode(ModelVariant.self, from: encoded) == decoded)
    }
}
