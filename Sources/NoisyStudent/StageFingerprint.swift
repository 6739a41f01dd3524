import Catalog
import Foundation

/// What a pipeline stage's result depends on, hashed component by component so that a re-run
/// can say what changed: its configuration section, the data it reads (tracks, labels,
/// pseudo-labels and the audio files' content hashes), its parent stage and the code version.
///
/// A stage is reused only when its fingerprint matches the recorded one. Components named
/// `evaluation.*` (test splits, inference options) do not touch training: when only they
/// change, a trained stage is re-evaluated from its checkpoint instead of retrained, and its
/// ``identity`` (what children inherit) stays the same.
public struct StageFingerprint: Codable, Sendable, Equatable {
    /// Version of what stages compute. Bump it when a code change alters a stage's result for
    /// the same inputs (a new loss, a changed default): every recorded stage then reruns.
    public static let codeVersion = "stages-2026-12-07"
    static let evaluationPrefix = "evaluation."

    /// Component name → 16 hex digits.
    public var components: [String: String]

    public init(components: [String: String] = [:]) { self.components = components }

    /// Adds a component: the hash of `value`'s canonical JSON (sorted keys).
    public mutating func add<T: Encodable>(_ name: String, _ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        components[name] = Self.hex(ContentHash.fnv1a(try encoder.encode(value)))
    }

    /// What children inherit: every component but the evaluation ones.
    public var identity: String { Self.combined(components.filter { !$0.key.hasPrefix(Self.evaluationPrefix) }) }

    /// The whole fingerprint, evaluation included.
    public var value: String { Self.combined(components) }

    /// The components that differ from `old` (changed, added or removed), sorted.
    public func changes(from old: StageFingerprint) -> [String] {
        Set(components.keys).union(old.components.keys).filter { components[$0] != old.components[$0] }.sorted()
    }

    /// Whether only evaluation components differ from `old`.
    public func differsOnlyInEvaluation(from old: StageFingerprint) -> Bool {
        let changed = changes(from: old)
        return !changed.isEmpty && changed.allSatisfy { $0.hasPrefix(Self.evaluationPrefix) }
    }

    static func combined(_ parts: [String: String]) -> String {
        hex(ContentHash.fnv1a(Array(parts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value);" }.joined().utf8)))
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Why a recorded stage is not reused (or is reused in part).
public enum StageReuse: Equatable, Sendable {
    /// Same fingerprint, finished: reused as it is.
    case reuse
    /// Same training inputs, unfinished: training resumes from its last checkpoint.
    case resume
    /// Finished, only the evaluation changed: re-evaluated from the checkpoint.
    case reevaluate(changed: [String])
    /// Run again from scratch, with the reason.
    case rerun(reason: String)

    /// What to tell the user.
    public var reason: String {
        switch self {
        case .reuse: "inputs unchanged"
        case .resume: "unfinished, inputs unchanged"
        case let .reevaluate(changed): "changed: " + changed.joined(separator: ", ")
        case let .rerun(reason): reason
        }
    }

    /// Decides what to do with `recorded` given the stage's fingerprint now.
    public static func decide(recorded: StageRecord?, now: StageFingerprint, forced: Bool) -> StageReuse {
        guard let recorded else { return .rerun(reason: "not run yet") }
        if forced { return .rerun(reason: "forced (--force)") }
        guard let old = recorded.fingerprint else { return .rerun(reason: "no fingerprint recorded (made by an older version)") }
        if old == now { return recorded.status == .done ? .reuse : .resume }
        if old.identity == now.identity {
            return recorded.status == .done ? .reevaluate(changed: now.changes(from: old)) : .resume
        }
        return .rerun(reason: "changed: " + now.changes(from: old).filter { !$0.hasPrefix(StageFingerprint.evaluationPrefix) }
            .joined(separator: ", "))
    }
}
