import Foundation
import Models
import MusicTasks

/// One stage of a pipeline and where it stands; the list is the pipeline's lineage.
public struct StageRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case teacher, pseudoLabel = "pseudo-label", student
        /// A labeled-only student: the round-1 student's twin without the pool.
        case control
    }
    public enum Status: String, Codable, Sendable { case running, done }

    public var name: String
    public var kind: Kind
    public var status: Status
    /// The catalog run of this stage.
    public var runId: Int64
    public var parentRunId: Int64?
    public var preset: ModelPreset?
    public var parameters: Int?
    /// The stage's best checkpoint (trained stages).
    public var checkpoint: String?
    /// The checkpoint that labelled the pool (pseudo-label stages).
    public var labeler: String?
    public var validMetrics: [String: Double] = [:]
    public var testMetrics: [String: Double] = [:]
    /// Per task and class: the test F1 (multi-class) or ROC-AUC (multi-label); see ``ClassResults``.
    public var testClassResults: [String: [String: Double]]?
    /// The kind of each task (multi-class, multi-label, regression), for the report.
    public var taskKinds: [String: TaskKind]?
    public var pseudoLabelReport: PseudoLabelReport?
    /// Per task: agreement of the pseudo-labels with the pool's own labels, where it has any.
    public var poolAgreement: [String: PseudoLabelAgreement]?
    /// The key pseudo-labels against the pool renders' true keys (`splits.pool_truth`): the
    /// key task's metrics (accuracy, weighted score) and how many labels had a true key.
    public var poolTrueKeys: PoolTruthScores?
    /// Per time-aligned task: the decoded frame pseudo-labels against the pool renders' true
    /// beats and chords (`splits.pool_frame_truth`), scored as the test scores a model.
    public var poolTrueFrames: [String: PoolTruthScores]?
    public var selection: PseudoLabelSelection.Summary?
    public var trainingExamples: Int?
    public var seconds: Double?
    /// The process's peak resident set while the stage ran, in bytes (``ProcessMemory``;
    /// the largest over its sessions where it was resumed).
    public var peakResidentBytes: Int?
    /// What the stage's result depends on; a re-run reuses the stage only when it matches.
    public var fingerprint: StageFingerprint?
    /// Per evaluated split (`test`, `out_of_domain`): on how many clips the test metrics were
    /// computed and how many could not be read.
    public var evaluatedClips: [String: ClipCount]?
    /// Test metric (as in `testMetrics`) → clip path → that clip's score, for the metrics that
    /// are means over clips (key weighted score, accuracy): what a paired comparison over clips
    /// resamples (``SeedSummary/PairedDifference/clipIntervals``).
    public var clipScores: [String: [String: Double]]?
    /// Where the stage's run directory went when it was superseded by a re-run.
    public var supersededDirectory: String?

    public init(name: String, kind: Kind, status: Status, runId: Int64, parentRunId: Int64? = nil, preset: ModelPreset? = nil,
                parameters: Int? = nil, checkpoint: String? = nil, labeler: String? = nil) {
        self.name = name
        self.kind = kind
        self.status = status
        self.runId = runId
        self.parentRunId = parentRunId
        self.preset = preset
        self.parameters = parameters
        self.checkpoint = checkpoint
        self.labeler = labeler
    }
}

/// A task's pseudo-labels scored against the pool renders' truth (keys, or beats and chords),
/// with how many labels had a truth to compare with.
public struct PoolTruthScores: Codable, Sendable, Equatable {
    public var task: String
    public var metrics: [String: Double]
    /// Labels (tracks or segments) that had a true key.
    public var compared: Int

    public init(task: String, metrics: [String: Double], compared: Int) {
        self.task = task
        self.metrics = metrics
        self.compared = compared
    }
}

/// How many clips of a split an evaluation used, and how many failed to decode.
public struct ClipCount: Codable, Sendable, Equatable {
    public var clips: Int
    public var failed: Int

    public init(clips: Int, failed: Int) {
        self.clips = clips
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey { case clips = "n_clips", failed = "n_failed" }
}

/// The pipeline's state file (`pipeline.json` in its runs directory), rewritten atomically.
public struct PipelineState: Codable, Sendable, Equatable {
    public var stages: [StageRecord] = []
    /// Stages replaced by a re-run (changed inputs or `--force`), oldest first: the lineage of
    /// what was computed before, with where its files went.
    public var superseded: [StageRecord]?

    public init() {}

    public static func load(from url: URL) throws -> PipelineState {
        guard let data = FileManager.default.contents(atPath: url.path) else { return PipelineState() }
        return try JSONDecoder().decode(PipelineState.self, from: data)
    }

    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    public func stage(_ name: String) -> StageRecord? { stages.first { $0.name == name } }

    public mutating func upsert(_ record: StageRecord) {
        if let i = stages.firstIndex(where: { $0.name == record.name }) { stages[i] = record } else { stages.append(record) }
    }
}
