import Foundation
import Models

/// One stage of a pipeline and where it stands; the list is the pipeline's lineage.
public struct StageRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case teacher, pseudoLabel = "pseudo-label", student }
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
    public var selection: PseudoLabelSelection.Summary?
    public var trainingExamples: Int?
    public var seconds: Double?

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

/// The pipeline's state file (`pipeline.json` in its runs directory), rewritten atomically.
public struct PipelineState: Codable, Sendable, Equatable {
    public var stages: [StageRecord] = []

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
