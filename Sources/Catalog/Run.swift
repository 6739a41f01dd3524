import Foundation
import GRDB

/// What a run did. Free text in the database; these are the kinds the pipeline uses.
public struct RunKind: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Training of a teacher on human labels.
    public static let teacher: RunKind = "teacher"
    /// Training of a (noisy) student on human and pseudo-labels.
    public static let student: RunKind = "student"
    /// Inference that writes pseudo-labels.
    public static let pseudoLabel: RunKind = "pseudoLabel"
    /// Evaluation of a trained model.
    public static let evaluation: RunKind = "evaluation"

    public var description: String { rawValue }
}

/// Where a run stands.
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Created, not finished.
    case running
    /// Finished successfully.
    case finished
    /// Ended with an error.
    case failed
}

/// A training, pseudo-labelling or evaluation run.
public struct RunRecord: Sendable, Hashable, CustomStringConvertible {
    /// Row id.
    public var id: Int64
    /// What the run did.
    public var kind: RunKind
    /// The run's configuration as JSON text.
    public var config: String
    /// The run this one builds on (a student's teacher, the teacher whose predictions a
    /// pseudo-labelling run wrote...).
    public var parentRunId: Int64?
    /// When the run was created.
    public var createdAt: Date
    /// When the run finished or failed.
    public var finishedAt: Date?
    /// The run's metrics as JSON text, once finished.
    public var metrics: String?
    /// Where the run stands.
    public var status: RunStatus

    /// The metrics as a flat dictionary of numbers, when they have that shape.
    public var metricValues: [String: Double]? {
        guard let metrics else { return nil }
        return try? JSONDecoder().decode([String: Double].self, from: Data(metrics.utf8))
    }

    public var description: String {
        let parent = parentRunId.map { ", parent #\($0)" } ?? ""
        return "#\(id) \(kind) (\(status.rawValue)\(parent))"
    }

    static let columns = "id, kind, config, parentRunId, createdAt, finishedAt, metrics, status"

    init(row: Row) throws {
        id = row["id"]
        kind = RunKind(rawValue: row["kind"])
        config = row["config"]
        parentRunId = row["parentRunId"]
        createdAt = Date(timeIntervalSince1970: row["createdAt"])
        let finished: Double? = row["finishedAt"]
        finishedAt = finished.map(Date.init(timeIntervalSince1970:))
        metrics = row["metrics"]
        let statusText: String = row["status"]
        guard let status = RunStatus(rawValue: statusText) else {
            throw CatalogError.invalidArgument("run \(id) has unknown status \"\(statusText)\"")
        }
        self.status = status
    }
}
