import Foundation
import Models
import MusicTasks
import Testing
import Torch
import Training

@Suite("crescendo models grow")
struct ModelsGrowCommandTests {
    @Test("writes a checkpoint of the larger preset that computes the teacher's logits; refuses a narrower one")
    func grow() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-grow-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tasks = [TaskSpec(name: "inst", kind: .multiLabel, classes: ["x", "y", "z"])]
        let description = ModelDescription(preset: .resnetXS, tasks: tasks, noise: ModelNoise(dropout: 0.5))
        let teacher = try description.build(generator: Generator(seed: 9))
        let url = directory.appendingPathComponent("teacher.safetensors")
        try Checkpoint.save(to: url, model: teacher, description: description, optimizer: nil, state: TrainingState())

        let result = try CrescendoBinary.run(["models", "grow", "--from", url.path, "--to", "resnet-s", "--out", "grown.safetensors"],
                                             in: directory)
        #expect(result.status == 0, "\(result.output)")
        let grown = try Checkpoint.load(from: directory.appendingPathComponent("grown.safetensors"))
        #expect(grown.description.preset == .resnetS)
        let student = try grown.model()
        let x = try Tensor.randn([1, ModelPreset.resnetXS.clipSamples], generator: Generator(seed: 10)) * 0.1
        teacher.eval()
        student.eval()
        let a = try withNoGrad { try teacher(x)["inst"]! }, b = try withNoGrad { try student(x)["inst"]! }
        #expect(try (a - b).abs().max().item() <= 1e-5 * a.abs().max().item())

        let narrower = try CrescendoBinary.run(["models", "grow", "--from", "grown.safetensors", "--to", "resnet-xs",
                                                "--out", "narrow.safetensors"], in: directory)
        #expect(narrower.status != 0)
        #expect(narrower.output.contains("growth only widens"), "\(narrower.output)")
        // The list is still the default subcommand.
        #expect(try CrescendoBinary.run(["models", "--json"], in: directory).output.contains("\"preset\""))
    }
}
