import Foundation
import Models
import NN
import Testing
import Torch
@testable import Training
import MusicTasks

/// The device a run uses: the `device` configuration key, `--device` over it, the check that
/// it exists, and training there. Tests that need a GPU are reported as skipped without one.
@Suite("Training on a device", .serialized)
struct DeviceTrainingTests {
    static let hasCUDA = Runtime.isCUDAAvailable

    static func runYAML(device: String?) -> String {
        """
        catalog: c.sqlite
        run_directory: runs/x
        tasks: [register, layers]
        model: {preset: resnet-xs, dropout: 0.1}
        trainer:
          epochs: 1
          batch_size: 4
          max_steps_per_epoch: 2
          warmup_steps: 1
          threads: 2
          seed: 11
          log_every: 1
          optimizer: sgd
        \(device.map { "  device: \($0)" } ?? "")
        """
    }

    @Test("trainer.device is read from YAML and overridable; absent, the run is on the CPU")
    func configKey() throws {
        #expect(try ConfigLoader.load(TrainingRunConfig.self, yaml: Self.runYAML(device: nil)).trainer.device == nil)
        #expect(TrainerConfig().resolvedDevice == .cpu)
        #expect(try ConfigLoader.load(TrainingRunConfig.self, yaml: Self.runYAML(device: "cpu")).trainer.device == .cpu)
        #expect(try ConfigLoader.load(TrainingRunConfig.self, yaml: Self.runYAML(device: "cuda")).trainer.device == .cuda(0))
        let overridden = try ConfigLoader.load(TrainingRunConfig.self, yaml: Self.runYAML(device: "cpu"),
                                               overrides: ["trainer.device=cuda:1"])
        #expect(overridden.trainer.device == .cuda(1))
    }

    @Test("a device that is not one is an error naming trainer.device and saying what is expected")
    func badValue() {
        for value in ["tpu", "cuda:-1", "\"gpu 0\"", "3"] {
            do {
                _ = try ConfigLoader.load(TrainingRunConfig.self, yaml: Self.runYAML(device: value))
                Issue.record("device: \(value) was accepted")
            } catch let TrainingError.invalidConfig(key, reason) {
                #expect(key == "trainer.device", "device: \(value): \(key)")
                #expect(reason.contains("expected cpu, cuda or cuda:N"), "device: \(value): \(reason)")
            } catch {
                Issue.record("device: \(value): \(error)")
            }
        }
    }

    @Test("--device wins over the configuration, which wins over the CPU; under launch the CPU stays the CPU")
    func precedence() throws {
        #expect(try DeviceSelection.resolve(option: nil, configured: nil, key: "trainer.device") == .cpu)
        #expect(try DeviceSelection.resolve(option: .cpu, configured: .cuda(1), key: "trainer.device") == .cpu)
        #expect(try DeviceSelection.resolve(option: nil, configured: .cpu, key: "trainer.device") == .cpu)
        let rank1 = DistributedEnvironment(rank: 1, worldSize: 2, localRank: 1, masterAddress: "127.0.0.1", masterPort: 29500,
                                           source: .torchrun, timeout: .seconds(5), interface: nil)
        #expect(try DeviceSelection.resolve(option: .cpu, configured: nil, key: "device", environment: rank1) == .cpu)
        #expect(DeviceSelection.distributedBackend(for: .cpu) == .gloo)
    }

    @Test("without CUDA, a CUDA device is refused before any work, naming where it was asked for",
          .enabled(if: !hasCUDA, "libtorch sees a CUDA device here: the refusal cannot be seen"))
    func refusedWithoutCUDA() throws {
        for (option, configured, source) in [(Device?.some(.cuda(0)), Device?.none, "--device"),
                                             (nil, .cuda(0), "trainer.device")] {
            do {
                _ = try DeviceSelection.resolve(option: option, configured: configured, key: "trainer.device")
                Issue.record("cuda accepted without CUDA")
            } catch let TrainingError.unavailableDevice(requestedBy, message) {
                #expect(requestedBy == source)
                #expect(message.contains("cuda:0 is not available"), "\(message)")
            }
        }
        var config = TrainerConfig()
        config.device = .cuda(0)
        let description = ModelDescription(preset: .resnetXS, tasks: SyntheticSet.tasks, noise: ModelNoise(dropout: 0.1))
        #expect(throws: TorchError.self) {
            _ = try Trainer(model: description.build(), description: description, train: [], valid: [], config: config,
                            runDirectory: FileManager.default.temporaryDirectory, reporter: ProgressReporter(quiet: true))
        }
    }

    /// Trains `steps` steps of the YAML's trainer on `device` (nil: as configured) and returns the
    /// trainer and the logged per-step losses.
    static func train(_ set: SyntheticSet, yaml: String, overrides: [String] = [], run: String) async throws
        -> (trainer: Trainer, losses: [Double]) {
        let config = try ConfigLoader.load(TrainingRunConfig.self, yaml: yaml, overrides: overrides)
        let device = config.trainer.resolvedDevice
        let description = ModelDescription(preset: config.model.preset, tasks: SyntheticSet.tasks, noise: config.model.noise)
        let model = try description.build(device: device, generator: Generator(seed: config.trainer.seed))
        let directory = set.directory.appendingPathComponent(run)
        let trainer = try Trainer(model: model, description: description, train: set.train, valid: set.valid,
                                  config: config.trainer, runDirectory: directory, reporter: ProgressReporter(quiet: true))
        _ = try await trainer.fit()
        let losses = MetricsLog(url: directory.appendingPathComponent("metrics.jsonl")).entries()
            .filter { ($0["event"] as? String) == "train" }.compactMap { $0["loss"] as? Double }
        return (trainer, losses)
    }

    @Test("two steps with device: cpu given in the configuration train on the CPU and checkpoint")
    func twoStepsOnCPU() async throws {
        let set = try SyntheticSet(trainCount: 8, validCount: 4)
        defer { set.remove() }
        let (trainer, losses) = try await Self.train(set, yaml: Self.runYAML(device: "cpu"), run: "cpu")
        #expect(trainer.device == .cpu)
        #expect(trainer.model.device == .cpu)
        #expect(losses.count == 2 && losses.allSatisfy(\.isFinite), "\(losses)")
        let restored = try Checkpoint.load(from: trainer.latestCheckpoint).model(device: .cpu)
        #expect(restored.device == .cpu)
        #expect(try restored.stateDict()["spec_bn.running_mean"]?.equals(trainer.model.stateDict()["spec_bn.running_mean"]!) == true)
    }

    @Test("two steps on CUDA give the CPU's losses within rounding, and the checkpoint loads on the CPU",
          .enabled(if: hasCUDA, "needs a CUDA device (libtorch sees none): skipped, not passed"))
    func twoStepsOnCUDAMatchCPU() async throws {
        let set = try SyntheticSet(trainCount: 8, validCount: 4)
        defer { set.remove() }
        let (cpu, cpuLosses) = try await Self.train(set, yaml: Self.runYAML(device: "cpu"), run: "cpu")
        let (gpu, gpuLosses) = try await Self.train(set, yaml: Self.runYAML(device: "cpu"), overrides: ["trainer.device=cuda"],
                                                    run: "gpu")
        #expect(gpu.device == .cuda(0) && gpu.model.device == .cuda(0))
        #expect(cpuLosses.count == 2 && gpuLosses.count == 2)
        // cuDNN may convolve in TF32: about three significant digits per step.
        for (a, b) in zip(cpuLosses, gpuLosses) {
            #expect(abs(a - b) <= 1e-2 * Swift.max(1, abs(a)), "CPU \(cpuLosses) vs CUDA \(gpuLosses)")
        }
        let fromGPU = try Checkpoint.load(from: gpu.latestCheckpoint).model(device: .cpu)
        for (name, tensor) in cpu.model.stateDict() where tensor.dtype.isFloatingPoint {
            let other = try #require(fromGPU.stateDict()[name])
            #expect(try other.allClose(tensor, rtol: 1e-2, atol: 1e-3), "\(name)")
        }
    }
}
