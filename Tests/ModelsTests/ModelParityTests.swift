import Foundation
import Testing
import NN
import Torch
@testable import Models
import MusicTasks

/// The Swift presets against the PyTorch reference (tools/make_model_fixtures.py).
@Suite("Models match the PyTorch reference")
struct ModelParityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// reference_models.py, vendored from shared/bench (Fixtures/reference/PROVENANCE.md).
    static let referenceDir = fixtures.appendingPathComponent("reference")
    static let python = "/usr/bin/python3"
    /// Whether Debian's python3 imports torch (python3-torch; scripts/setup installs it).
    static let pythonHasTorch: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import torch"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static func tags(_ n: Int = 50) -> [TaskSpec] {
        [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<n).map { "tag\($0)" })]
    }

    /// The deterministic input of tools/make_model_fixtures.py (`parity_input`).
    static func parityInput(batch: Int, samples: Int) throws -> Tensor {
        var values: [Float] = []
        values.reserveCapacity(batch * samples)
        for b in 0..<batch {
            let f = 220.0 * Double(b + 1)
            for i in 0..<samples {
                let n = Double(i)
                let x = 0.3 * sin(2 * .pi * f * n / 16000) + 0.1 * sin(2 * .pi * 3150 * n / 16000 + Double(b))
                    + 0.05 * sin(2 * .pi * (100 + 0.01 * n) * n / 16000)
                values.append(Float(x))
            }
        }
        return try Tensor(values, shape: [batch, samples])
    }

    @Test("reference parameter counts (50 classes)", arguments: [
        (ModelPreset.resnetXS, 765_108), (.resnetS, 3_037_492), (.resnetM, 12_104_244), (.resnetL, 48_325_684),
        (.resnetXL, 99_803_124), (.mttXS, 458_932), (.mttS, 4_208_180), (.mttM, 11_850_292), (.mttL, 32_881_716),
        (.mttXL, 100_896_820),
    ])
    func parameterCounts(_ preset: ModelPreset, _ expected: Int) throws {
        let model = try preset.build(tasks: Self.tags())
        #expect(model.parameterCount == expected, "\(preset.rawValue): \(model.parameterCount) parameters")
    }

    @Test("reference weights load by name and give the same logits within 1e-4", arguments: [ModelPreset.resnetXS, .mttXS])
    func referenceWeights(_ preset: ModelPreset) throws {
        let file = try TensorStore.load(contentsOf: Self.fixtures.appendingPathComponent("\(preset.rawValue).safetensors"))
        var state: [String: Tensor] = [:]
        for (k, v) in file where k.hasPrefix("state.") { state[String(k.dropFirst(6))] = v }
        let model = try preset.build(tasks: Self.tags())
        try model.load(stateDict: state, strict: true)
        model.eval()
        let x = try Self.parityInput(batch: 2, samples: preset.clipSamples)
        let logits = try withNoGrad { try model(x)["tags"]! }
        let expected = try #require(file["logits"])
        let diff = try (logits - expected).abs().max().item()
        #expect(diff < 1e-4, "\(preset.rawValue): max |logit difference| \(diff)")
    }

    @Test("Crescendo's state dict names are the reference's", arguments: [ModelPreset.resnetXS, .mttXS])
    func names(_ preset: ModelPreset) throws {
        let file = try TensorStore.load(contentsOf: Self.fixtures.appendingPathComponent("\(preset.rawValue).safetensors"))
        let reference = Set(file.keys.filter { $0.hasPrefix("state.") }.map { String($0.dropFirst(6)) })
        let ours = Set(try preset.build(tasks: Self.tags()).stateDict().keys)
        #expect(ours.subtracting(reference).isEmpty, "extra: \(ours.subtracting(reference).sorted())")
        #expect(reference.subtracting(ours).isEmpty, "missing: \(reference.subtracting(ours).sorted())")
    }

    @Test("the PyTorch reference the parity check runs is inside the repository, not in ../shared")
    func referenceIsVendored() throws {
        let reference = Self.referenceDir.appendingPathComponent("reference_models.py")
        let text = try String(contentsOf: reference, encoding: .utf8)
        #expect(text.contains("def build("), "\(reference.path) defines no build()")
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
        #expect(reference.standardizedFileURL.path.hasPrefix(repository.path + "/"))
    }

    /// Runs the reference itself on Crescendo-written weights. Needs Debian's python3-torch
    /// (scripts/setup installs it): reported as skipped, with the reason, where it is absent.
    @Test("weights saved by Crescendo load into the reference (strict) and give the same logits",
          .enabled(if: pythonHasTorch, "/usr/bin/python3 cannot import torch (apt-get install python3-torch): the reference cannot run"),
          arguments: [ModelPreset.resnetXS, .mttXS])
    func crescendoWeightsInPyTorch(_ preset: ModelPreset) throws {
        let python = Self.python
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../tools/make_model_fixtures.py").standardizedFileURL
        let reference = Self.referenceDir.appendingPathComponent("reference_models.py")
        #expect(FileManager.default.fileExists(atPath: reference.path), "the vendored \(reference.path) is missing")
        manualSeed(99)
        let model = try preset.build(tasks: Self.tags())
        // Non-trivial statistics, so that eval mode is exercised on the PyTorch side too.
        try withNoGrad {
            for (name, t) in model.namedBuffers(persistentOnly: true) where name.hasSuffix("running_mean") {
                try t.copyFrom(Tensor.randn(t.shape) * 0.1)
            }
        }
        model.eval()
        let x = try Self.parityInput(batch: 1, samples: preset.clipSamples)
        let logits = try withNoGrad { try model(x)["tags"]! }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = dir.appendingPathComponent("weights.safetensors"), expected = dir.appendingPathComponent("logits.safetensors")
        try model.save(to: weights)
        try TensorStore.save(["input": x, "logits": logits], to: expected)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, "--reference-dir", Self.referenceDir.path, "--verify", preset.rawValue,
                             weights.path, expected.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "reference check failed: \(output)")
        #expect(output.contains("strict load OK"), "the reference printed no verdict: \(output)")
    }

    @Test("multi-task heads get their own names and shapes; regression heads one output")
    func multiTask() throws {
        let tasks = [
            TaskSpec(name: "key", kind: .multiClass, classes: (0..<24).map { "k\($0)" }),
            TaskSpec(name: "instruments", kind: .multiLabel, classes: ["piano", "organ", "strings"]),
            TaskSpec(name: "tempo", kind: .regression, classes: []),
        ]
        let model = try ModelPreset.resnetXS.build(tasks: tasks)
        let names = Set(model.stateDict().keys)
        #expect(names.contains("heads.key.weight") && names.contains("heads.instruments.bias") && names.contains("heads.tempo.weight"))
        #expect(!names.contains("dense2.weight"))
        model.eval()
        let out = try withNoGrad { try model(Tensor.randn([2, 59049]) * 0.1) }
        #expect(out["key"]?.shape == [2, 24])
        #expect(out["instruments"]?.shape == [2, 3])
        #expect(out["tempo"]?.shape == [2, 1])
        #expect(throws: TorchError.self) { try ModelPreset.resnetXS.build(tasks: []) }
        #expect(throws: TorchError.self) {
            try ModelPreset.resnetXS.build(tasks: [TaskSpec(name: "k", kind: .multiClass, classes: ["only"])])
        }
    }

    @Test("a mismatched state dict is refused, every problem named")
    func strictLoading() throws {
        let model = try ModelPreset.resnetXS.build(tasks: Self.tags())
        var state = model.stateDict()
        state["dense2.weight"] = try Tensor.zeros([10, 128])
        state.removeValue(forKey: "bn.running_var")
        state["extra.weight"] = try Tensor.zeros([1])
        do {
            try model.load(stateDict: state)
            Issue.record("loading a mismatched state dict did not throw")
        } catch let error as StateDictMismatch {
            #expect(error.missing == ["bn.running_var"])
            #expect(error.unexpected == ["extra.weight"])
            #expect(error.shapeMismatches.map(\.name) == ["dense2.weight"])
            #expect(error.description.contains("dense2.weight expects [50, 128], file has [10, 128]"))
        }
    }
}
