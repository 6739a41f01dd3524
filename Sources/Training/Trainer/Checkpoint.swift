import Foundation
import Models
import MusicTasks
import NN
import Torch

/// Where a training run stands: enough to continue it exactly.
public struct TrainingState: Codable, Sendable, Equatable {
    /// The epoch in progress (0-based).
    public var epoch: Int = 0
    /// Batches of `epoch` already trained on.
    public var batchInEpoch: Int = 0
    /// Optimizer steps taken.
    public var step: Int = 0
    /// Best value of the selection metric so far, and its epoch.
    public var bestMetric: Double?
    public var bestEpoch: Int?
    /// Epochs since the selection metric last improved.
    public var epochsWithoutImprovement: Int = 0
    public var finished: Bool = false

    public init() {}
}

/// What a checkpoint says about the model, so that it can be rebuilt without the config.
public struct ModelDescription: Codable, Sendable, Equatable {
    public var preset: ModelPreset
    /// Architecture options beyond the preset (absent in checkpoints written before them).
    public var variant: ModelVariant
    public var tasks: [TaskSpec]
    public var noise: ModelNoise

    public init(preset: ModelPreset, variant: ModelVariant = .standard, tasks: [TaskSpec], noise: ModelNoise) {
        self.preset = preset
        self.variant = variant
        self.tasks = tasks
        self.noise = noise
    }

    enum CodingKeys: String, CodingKey { case preset, variant, tasks, noise }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        preset = try c.decode(ModelPreset.self, forKey: .preset)
        variant = try c.decodeIfPresent(ModelVariant.self, forKey: .variant) ?? .standard
        tasks = try c.decode([TaskSpec].self, forKey: .tasks)
        noise = try c.decode(ModelNoise.self, forKey: .noise)
    }

    public func build(device: Device = .cpu, generator: Generator? = nil) throws -> any AudioModel {
        try preset.build(tasks: tasks, variant: variant, noise: noise, device: device, generator: generator)
    }
}

/// One file (safetensors, written atomically) with the model's state dict, the optimizer's
/// state, the default generator's state and the training state. `model.*`, `optimizer.*` and
/// `rng.default` tensors; the rest as JSON metadata. Tensors are written from CPU copies
/// whatever device they live on, and load onto the CPU; `Contents.model(device:)` builds the
/// model on a device and copies the weights there, so a checkpoint is independent of devices.
public enum Checkpoint {
    public static let format = "crescendo-checkpoint-1"

    public static func save(to url: URL, model: Module, description: ModelDescription, optimizer: (any Optimizer)?,
                            state: TrainingState, noiseGenerator: Generator? = nil, extra: [String: String] = [:]) throws {
        var tensors: [String: Tensor] = [:]
        for (k, v) in model.stateDict() { tensors["model.\(k)"] = v }
        if let optimizer {
            for (k, v) in try optimizer.state() { tensors["optimizer.\(k)"] = v }
        }
        tensors["rng.default"] = try Generator.defaultState()
        if let noiseGenerator { tensors["rng.noise"] = try noiseGenerator.state() }
        var metadata = extra
        metadata["format"] = format
        metadata["model"] = try json(description)
        metadata["state"] = try json(state)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try TensorStore.save(tensors, metadata: metadata, to: url)
    }

    /// A loaded checkpoint.
    public struct Contents: Sendable {
        public var description: ModelDescription
        public var state: TrainingState
        public var modelState: [String: Tensor]
        public var optimizerState: [String: Tensor]
        public var rngState: Tensor?
        /// The state of the generator the model's dropout and drop path drew from.
        public var noiseRNGState: Tensor?
        public var metadata: [String: String]

        /// Builds the model and loads its weights (strict).
        public func model(device: Device = .cpu) throws -> any AudioModel {
            let model = try description.build(device: device)
            try model.load(stateDict: modelState, strict: true)
            return model
        }
    }

    public static func load(from url: URL) throws -> Contents {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.checkpoint(path: path, reason: "no such checkpoint")
        }
        let file = try SafetensorsFile(contentsOf: url)
        guard file.metadata["format"] == format else {
            throw TrainingError.checkpoint(path: path, reason: "not a Crescendo checkpoint (format \(file.metadata["format"] ?? "missing"))")
        }
        let tensors = try TensorStore.load(file)
        var modelState: [String: Tensor] = [:], optimizerState: [String: Tensor] = [:]
        for (k, v) in tensors {
            if k.hasPrefix("model.") { modelState[String(k.dropFirst(6))] = v }
            if k.hasPrefix("optimizer.") { optimizerState[String(k.dropFirst(10))] = v }
        }
        let description: ModelDescription = try decode(file.metadata["model"], path: path, field: "model")
        let state: TrainingState = try decode(file.metadata["state"], path: path, field: "state")
        return Contents(description: description, state: state, modelState: modelState, optimizerState: optimizerState,
                        rngState: tensors["rng.default"], noiseRNGState: tensors["rng.noise"], metadata: file.metadata)
    }

    /// Sorted-key JSON text of a value (metadata, run configurations).
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ text: String?, path: String, field: String) throws -> T {
        guard let text else { throw TrainingError.checkpoint(path: path, reason: "metadata lacks \(field)") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw TrainingError.checkpoint(path: path, reason: "metadata \(field) is unreadable: \(error)")
        }
    }
}
