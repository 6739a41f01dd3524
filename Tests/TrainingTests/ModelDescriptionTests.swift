import Foundation
import Testing
import Models
import NN
import Torch
@testable import Training
import MusicTasks

@Suite("A checkpoint's model description carries the architecture variant")
struct ModelDescriptionTests {
    static let tasks = [
        TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b", "c"]),
        TaskSpec(name: "inst", kind: .multiLabel, classes: ["x", "y"]),
    ]

    @Test("a branched model saved in a checkpoint comes back with its branches and weights")
    func checkpointRoundTrip() throws {
        let variant = ModelVariant(frequencyCoordinates: true, taskBranchBlocks: 2)
        let description = ModelDescription(preset: .resnetXS, variant: variant, tasks: Self.tasks, noise: ModelNoise(dropout: 0.2))
        let model = try description.build(generator: Generator(seed: 6))
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("crescendo-variant-\(UUID().uuidString)/best.safetensors")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try Checkpoint.save(to: url, model: model, description: description, optimizer: nil, state: TrainingState())
        let contents = try Checkpoint.load(from: url)
        #expect(contents.description == description)
        let restored = try contents.model()
        #expect(restored.stateDict()["branches.inst.head.weight"] != nil)
        let x = try Tensor.randn([1, ModelPreset.resnetXS.clipSamples], generator: Generator(seed: 1)) * 0.1
        model.eval()
        restored.eval()
        let a = try withNoGrad { try model(x) }, b = try withNoGrad { try restored(x) }
        for task in ["key", "inst"] { #expect(try (a[task]! - b[task]!).abs().max().item() == 0) }
    }

    @Test("descriptions written before variants existed read as the standard model")
    func olderDescriptions() throws {
        let old = #"{"preset":"resnet-xs","tasks":[{"name":"t","kind":"multiLabel","classes":["a","b"]}],"noise":{"dropout":0.5}}"#
        let description = try JSONDecoder().decode(ModelDescription.self, from: Data(old.utf8))
        #expect(description.variant.isStandard)
        #expect(try description.build().stateDict()["dense2.weight"] != nil)
    }

    @Test("a training config names the variant under model")
    func trainingConfig() throws {
        let yaml = """
            catalog: c
            run_directory: r
            tasks: [key, inst]
            model: {preset: resnet-xs, variant: {task_branch_blocks: 1}}
            """
        let config = try ConfigLoader.load(TrainingRunConfig.self, yaml: yaml)
        #expect(config.model.variant == ModelVariant(taskBranchBlocks: 1))
        let plain = try ConfigLoader.load(TrainingRunConfig.self, yaml: yaml, overrides: ["model.variant=null"])
        #expect(plain.model.variant == nil)
    }
}
