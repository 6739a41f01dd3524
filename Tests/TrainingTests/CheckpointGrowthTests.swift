import Foundation
import Testing
import Models
import NN
import Torch
@testable import Training
import MusicTasks

@Suite("A checkpoint grows to a larger preset")
struct CheckpointGrowthTests {
    static let tasks = [
        TaskSpec(name: "genre", kind: .multiClass, classes: ["a", "b", "c"]),
        TaskSpec(name: "inst", kind: .multiLabel, classes: ["x", "y"]),
    ]

    static func savedTeacher(in directory: URL) throws -> (model: any AudioModel, url: URL) {
        let description = ModelDescription(preset: .resnetXS, tasks: Self.tasks, noise: ModelNoise(dropout: 0.3))
        let model = try description.build(generator: Generator(seed: 7))
        let url = directory.appendingPathComponent("teacher.safetensors")
        try Checkpoint.save(to: url, model: model, description: description, optimizer: nil, state: TrainingState())
        return (model, url)
    }

    @Test("the grown model has the target preset, the teacher's tasks and noise, and the teacher's logits")
    func grownModel() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-grow-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (teacher, url) = try Self.savedTeacher(in: directory)
        let (student, description) = try Checkpoint.load(from: url).grownModel(to: .resnetS)
        #expect(description.preset == .resnetS)
        #expect(description.tasks == Self.tasks && description.noise == ModelNoise(dropout: 0.3))
        #expect(student.stateDict()["layers.0.conv_1.weight"]?.shape == [64, 1, 3, 3])

        let x = try Tensor.randn([2, ModelPreset.resnetXS.clipSamples], generator: Generator(seed: 8)) * 0.1
        teacher.eval()
        student.eval()
        let a = try withNoGrad { try teacher(x) }, b = try withNoGrad { try student(x) }
        for task in ["genre", "inst"] {
            let scale = try a[task]!.abs().max().item()
            #expect(try (a[task]! - b[task]!).abs().max().item() <= 1e-5 * scale)
        }
        #expect(throws: ModelGrowthError.self) { try Checkpoint.load(from: url).grownModel(to: .mttS) }
    }
}
