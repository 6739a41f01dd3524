import Foundation

/// One finished seed of a pipeline, as a small file meant to be committed
/// (`docs/results/<experiment>/seed-<n>.json`): every stage's record with its metrics and
/// fingerprint, the configuration's fingerprint, and the times. An experiment longer than one
/// working stretch survives a fresh machine: a seed whose file is there, with the same
/// configuration fingerprint, is read back instead of run.
public struct SeedResultFile: Codable, Sendable, Equatable {
    public var seed: UInt64
    /// ``configurationFingerprint(_:)`` of the pipeline configuration that produced it.
    public var configuration: String
    public var codeVersion: String
    public var stages: [StageRecord]
    public var finishedAt: Date
    /// Wall-clock seconds of the stages run for this file (0 where all were reused).
    public var seconds: Double

    public init(seed: UInt64, configuration: String, stages: [StageRecord], finishedAt: Date, seconds: Double) {
        self.seed = seed
        self.configuration = configuration
        codeVersion = StageFingerprint.codeVersion
        self.stages = stages
        self.finishedAt = finishedAt
        self.seconds = seconds
    }

    /// The file of `seed` under `directory`.
    public static func url(directory: URL, seed: UInt64) -> URL { directory.appendingPathComponent("seed-\(seed).json") }

    /// The configuration's fingerprint, independent of where it runs and of its seed (the
    /// seeded copies of one configuration share it), with the code version.
    public static func configurationFingerprint(_ config: PipelineConfig) throws -> String {
        let c = config.seeded(0).resultDefining
        var f = StageFingerprint()
        try f.add("config", c)
        try f.add("code", StageFingerprint.codeVersion)
        return f.value
    }

    /// The recorded result of `seed` when there is one for this configuration; nil when there
    /// is none, and an error naming the file when it exists for another configuration (so a
    /// committed result is never silently overwritten by a different experiment).
    public static func load(directory: URL, seed: UInt64, configuration: String) throws -> SeedResultFile? {
        let url = url(directory: directory, seed: seed)
        guard let file = try CommittedJSON.load(SeedResultFile.self, url: url, what: "seed result file") else { return nil }
        guard file.configuration == configuration else {
            throw PipelineError.invalidConfig(
                key: "--cell-results",
                reason: "\(url.path) holds seed \(seed) of another configuration (\(file.configuration), now \(configuration)); move it away or choose another directory")
        }
        return file
    }

    /// Writes the file atomically, pretty-printed with sorted keys (small, diff-friendly).
    public func save(directory: URL) throws {
        try CommittedJSON.save(self, url: Self.url(directory: directory, seed: seed))
    }

    /// The stages as a pipeline state (for the summary over seeds).
    public var state: PipelineState {
        var s = PipelineState()
        s.stages = stages
        return s
    }
}
