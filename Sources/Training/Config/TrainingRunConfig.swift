import Foundation
import Models

/// `crescendo train --config`: what to train on and how.
public struct TrainingRunConfig: Codable, Sendable, Equatable {
    /// The catalog with the tracks, labels and splits.
    public var catalog: String
    /// Where checkpoints and logs go.
    public var runDirectory: String
    /// Task names from the catalog; a track needs a label for at least one.
    public var tasks: [String]
    public var splitSet: String = "default"
    public var trainSplit: String = "train"
    public var validSplit: String = "valid"
    public var model: ModelSection
    public var trainer: TrainerConfig = TrainerConfig()

    public struct ModelSection: Codable, Sendable, Equatable {
        public var preset: ModelPreset
        public var dropout: Double?
        public var stochasticDepth: Double?
        /// Architecture options beyond the preset (`variant: {frequency_coordinates: true, task_branch_blocks: 2}`).
        public var variant: ModelVariant?

        enum CodingKeys: String, CodingKey { case preset, dropout, stochasticDepth = "stochastic_depth", variant }

        /// The preset's default noise with the configured overrides.
        public var noise: ModelNoise {
            ModelNoise(dropout: dropout ?? preset.defaultNoise.dropout,
                       stochasticDepth: stochasticDepth ?? preset.defaultNoise.stochasticDepth)
        }
    }

    enum CodingKeys: String, CodingKey {
        case catalog, runDirectory = "run_directory", tasks, splitSet = "split_set", trainSplit = "train_split"
        case validSplit = "valid_split", model, trainer
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        catalog = try c.decode(String.self, forKey: .catalog)
        runDirectory = try c.decode(String.self, forKey: .runDirectory)
        tasks = try c.decode([String].self, forKey: .tasks)
        splitSet = try c.decodeIfPresent(String.self, forKey: .splitSet) ?? "default"
        trainSplit = try c.decodeIfPresent(String.self, forKey: .trainSplit) ?? "train"
        validSplit = try c.decodeIfPresent(String.self, forKey: .validSplit) ?? "valid"
        model = try c.decode(ModelSection.self, forKey: .model)
        trainer = try c.decodeIfPresent(TrainerConfig.self, forKey: .trainer) ?? TrainerConfig()
    }
}

/// What a run directory records about its data, so that `evaluate` needs only the run.
public struct RunManifest: Codable, Sendable, Equatable {
    public var catalog: String
    public var tasks: [String]
    public var splitSet: String
    /// How the run's own evaluation ran whole tracks (a pipeline stage's `inference` section), so
    /// that `evaluate` gives the figures the pipeline reported; nil: the defaults.
    public var inference: FullTrackOptions?

    public init(catalog: String, tasks: [String], splitSet: String, inference: FullTrackOptions? = nil) {
        self.catalog = catalog
        self.tasks = tasks
        self.splitSet = splitSet
        self.inference = inference
    }

    public static func url(in run: URL) -> URL { run.appendingPathComponent("run.json") }

    public func save(in run: URL) throws {
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: Self.url(in: run), options: .atomic)
    }

    public static func load(from run: URL) throws -> RunManifest {
        guard let data = FileManager.default.contents(atPath: url(in: run).path) else {
            throw TrainingError.checkpoint(path: url(in: run).path, reason: "not a training run (no run.json)")
        }
        return try JSONDecoder().decode(RunManifest.self, from: data)
    }
}
