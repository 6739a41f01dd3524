import Foundation
import Testing
import Torch

/// `--device` and the `device` configuration keys through the command line's own parsing:
/// train, evaluate, predict and pseudo-label on an explicit CPU; a CUDA device refused before
/// any work where libtorch has none; the CUDA runs are reported as skipped without a GPU.
@Suite("--device on the command line", .serialized)
struct DeviceCommandTests {
    static let hasCUDA = Runtime.isCUDAAvailable

    static func trainConfig(_ run: String, device: String? = nil) -> String {
        """
        catalog: catalog.sqlite
        run_directory: \(run)
        tasks: [register, layers]
        model: {preset: resnet-xs}
        trainer: {epochs: 1, batch_size: 4, threads: 1, seed: 3, max_steps_per_epoch: 2, log_every: 1\(device.map { ", device: \"\($0)\"" } ?? "")}
        """
    }

    static func write(_ text: String, _ name: String, in set: ToneDataSet) throws {
        try text.write(to: set.directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    static func trainSteps(_ run: String) -> Int {
        let log = (try? String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains("\"train\"") }.count
    }

    @Test("device: cpu in the configuration, and --device cpu, train two steps on the CPU; evaluate, predict and pseudo-label take --device cpu")
    func explicitCPU() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 2, seconds: 4)
        defer { set.remove() }
        let dir = set.directory
        try set.prepare(catalog: "catalog.sqlite", config: Self.trainConfig("runs/configured", device: "cpu"), as: "configured.yaml")
        let configured = try CrescendoBinary.run(["train", "--config", "configured.yaml"], in: dir)
        #expect(configured.status == 0, "\(configured.output)")
        #expect(configured.output.contains("on cpu"), "\(configured.output)")
        #expect(Self.trainSteps(dir.path + "/runs/configured") == 2)

        try Self.write(Self.trainConfig("runs/option"), "option.yaml", in: set)
        let option = try CrescendoBinary.run(["train", "--config", "option.yaml", "--device", "cpu"], in: dir)
        #expect(option.status == 0, "\(option.output)")
        #expect(option.output.contains("on cpu"), "\(option.output)")
        #expect(Self.trainSteps(dir.path + "/runs/option") == 2)

        let evaluated = try CrescendoBinary.run(["evaluate", "runs/option", "--split", "test", "--json", "--device", "cpu"], in: dir)
        #expect(evaluated.status == 0, "\(evaluated.output)")
        let predicted = try CrescendoBinary.run(["predict", "--model", "runs/option", "audio/tone0.wav", "--format", "json",
                                                 "--device", "cpu"], in: dir)
        #expect(predicted.status == 0 && predicted.output.contains("register"), "\(predicted.output)")
        let labelled = try CrescendoBinary.run(["pseudo-label", "--run", "runs/option", "--output", "labels", "--device", "cpu"], in: dir)
        #expect(labelled.status == 0, "\(labelled.output)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/labels/labels.json"))
    }

    @Test("a device that is not one is refused by --device and by trainer.device, naming them")
    func badValue() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 4)
        defer { set.remove() }
        try Self.write(Self.trainConfig("runs/x", device: "tpu"), "bad.yaml", in: set)
        let key = try CrescendoBinary.run(["train", "--config", "bad.yaml"], in: set.directory)
        #expect(key.status != 0 && key.output.contains("trainer.device") && key.output.contains("cuda:N"), "\(key.output)")
        try Self.write(Self.trainConfig("runs/x"), "good.yaml", in: set)
        let option = try CrescendoBinary.run(["train", "--config", "good.yaml", "--device", "tpu"], in: set.directory)
        #expect(option.status != 0 && option.output.contains("--device") && option.output.contains("tpu"), "\(option.output)")
        #expect(!FileManager.default.fileExists(atPath: set.directory.path + "/runs/x"))
    }

    @Test("without CUDA, cuda is refused before any work, naming --device or trainer.device, for every command",
          .enabled(if: !hasCUDA, "libtorch sees a CUDA device here: the refusal cannot be seen"))
    func cudaRefused() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 4)
        defer { set.remove() }
        let dir = set.directory
        try Self.write(Self.trainConfig("runs/x", device: "cuda"), "cuda.yaml", in: set)
        let configured = try CrescendoBinary.run(["train", "--config", "cuda.yaml"], in: dir)
        #expect(configured.status != 0 && configured.output.contains("trainer.device: device cuda:0 is not available"),
                "\(configured.output)")
        try Self.write(Self.trainConfig("runs/x"), "cpu.yaml", in: set)
        for arguments in [["train", "--config", "cpu.yaml"], ["evaluate", "runs/x"], ["predict", "--model", "runs/x", "a.wav"],
                          ["pseudo-label", "--run", "runs/x", "--output", "labels"]] {
            let refused = try CrescendoBinary.run(arguments + ["--device", "cuda:1"], in: dir)
            #expect(refused.status != 0 && refused.output.contains("--device: device cuda:1 is not available"),
                    "\(arguments[0]): \(refused.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/runs/x"))
        let doctor = try CrescendoBinary.run(["doctor", "--json"], in: dir)
        let report = try JSONSerialization.jsonObject(with: Data(doctor.output.utf8)) as? [String: Any]
        #expect(report?["devices"] as? [String] == ["cpu"], "\(doctor.output)")
        // NCCL is a property of the build (a CUDA libtorch with NCCL headers), not of the devices seen.
        #expect((report?["distributedBackends"] as? [String: Bool])?["nccl"] == DistributedBackend.nccl.isAvailable)
    }

    @Test("with CUDA, --device cuda trains two steps there and the run evaluates there and on the CPU",
          .enabled(if: hasCUDA, "needs a CUDA device (libtorch sees none): skipped, not passed"))
    func cudaRun() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 2, seconds: 4)
        defer { set.remove() }
        let dir = set.directory
        try set.prepare(catalog: "catalog.sqlite", config: Self.trainConfig("runs/gpu"), as: "gpu.yaml")
        let trained = try CrescendoBinary.run(["train", "--config", "gpu.yaml", "--device", "cuda"], in: dir)
        #expect(trained.status == 0 && trained.output.contains("on cuda:0"), "\(trained.output)")
        #expect(Self.trainSteps(dir.path + "/runs/gpu") == 2)
        for device in ["cuda", "cpu"] {
            let evaluated = try CrescendoBinary.run(["evaluate", "runs/gpu", "--split", "test", "--json", "--device", device], in: dir)
            #expect(evaluated.status == 0, "\(device): \(evaluated.output)")
        }
        let labelled = try CrescendoBinary.run(["pseudo-label", "--run", "runs/gpu", "--output", "labels", "--device", "cuda"], in: dir)
        #expect(labelled.status == 0, "\(labelled.output)")
    }
}
