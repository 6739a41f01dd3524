import Foundation
import Models
import MusicTasks
import Training

/// What a pseudo-label describes: a whole track, or each window the teacher saw.
public enum PseudoLabelGranularity: String, Codable, Sendable {
    /// One label per track: the chunks' outputs combined (the inference aggregation).
    case track
    /// One label per window (the inference chunks), learnt by the student from that window.
    case segment
}

/// What a time-aligned task's frame-level pseudo-label teaches.
public enum FrameTargetForm: String, Codable, Sendable {
    /// The teacher's frame probabilities (soft), frames below the confidence floor masked out.
    case posteriors
    /// What the frames decode to (beats by the DBN, chords by the HMM): hard targets as if a
    /// person had annotated the decoding, the analogue of argmax labels for clip-level tasks.
    case decoded
}

/// The transposition-consistency check of key pseudo-labels: the teacher also labels copies of
/// the pool transposed by each of `semitones` (inside its constant-Q front end: exact, no
/// resampling), its answers are rotated back, and a key label is kept only where every copy's
/// top key is the original's. A teacher that hears key gives the same key in every
/// transposition; one that reads timbre or register does not.
public struct KeyConsistencyCheck: Codable, Sendable, Equatable {
    /// The key task (24 major/minor classes).
    public var task: String
    /// The transpositions, in semitones (0 is the original and is not repeated).
    public var semitones: [Int]

    public init(task: String, semitones: [Int]) {
        self.task = task
        self.semitones = semitones
    }
}

/// How a teacher's outputs become training targets, as Noisy Student (Xie et al. 2020) has it.
public struct PseudoLabelOptions: Codable, Sendable, Equatable {
    /// Softmax/sigmoid temperature applied to the teacher's logits (1: unchanged; >1 softer).
    public var temperature: Double = 1
    /// Soft labels (probabilities) or hard ones (argmax for multi-class, ≥ 0.5 for multi-label).
    public var soft: Bool = true
    /// Tracks whose confidence is below this are left out of the student's data.
    public var confidenceThreshold: Double = 0
    /// Multi-class balancing: each class is brought to this many tracks, duplicating the
    /// under-represented and keeping the most confident of the over-represented (off when nil).
    public var balancePerClass: Int?
    /// Loss weight of pseudo-labeled examples relative to human-labeled ones.
    public var weight: Double = 1
    /// The tasks whose pseudo-labels the student learns from (all when nil). A task left out
    /// is masked on pseudo-labeled examples, so the student learns it from human labels only
    /// — for a task the pool says nothing about (instrument tags of recorded game music).
    public var tasks: [String]?
    /// Per-task confidence floors: a track keeps a task's pseudo-label only when the teacher's
    /// confidence for that task reaches its floor; the track stays if any task remains.
    public var taskThresholds: [String: Double] = [:]
    /// Track-level labels (the default) or one label per window the teacher saw.
    public var granularity: PseudoLabelGranularity = .track
    /// Per class of the first multi-class task: keep only the most confident fraction of its
    /// examples (Xie et al. 2020 keep the most confident images of each class), so that a class
    /// the teacher over-predicts does not flood the student; nil keeps all.
    public var topFractionPerClass: Double?
    /// Time-aligned tasks: soft frame posteriors or their decoding.
    public var frameTargets: FrameTargetForm {
        get { frameTargetsSetting ?? .posteriors }
        set { frameTargetsSetting = newValue }
    }
    /// Time-aligned tasks with posterior targets: frames whose confidence (per frame, as
    /// ``MusicTasks/TaskKind/confidence(of:)``) is below this are masked out of the loss.
    public var frameConfidenceThreshold: Double {
        get { frameConfidenceThresholdSetting ?? 0 }
        set { frameConfidenceThresholdSetting = newValue }
    }
    // As configured (nil: not written, the default). Kept apart so that a configuration without
    // them encodes as before (fingerprints of earlier configurations stay what they were) and
    // one that writes them, even at their defaults, encodes them (the loader's unknown-key check
    // compares the YAML's keys with the encoded ones).
    var frameTargetsSetting: FrameTargetForm?
    var frameConfidenceThresholdSetting: Double?
    /// Key labels kept only where the teacher's transposed copies agree (off when nil).
    public var keyConsistency: KeyConsistencyCheck?
    /// Per multi-label task, a floor c in (0.5, 1]: a class's soft target is learnt only where
    /// the teacher is sure of it (p ≥ c or p ≤ 1 − c); the example's other classes are left out
    /// of its loss, and an example sure of none has no target for the task. The multi-label
    /// analogue of `task_thresholds`, which for such a task can only keep or drop all classes.
    public var classConfidence: [String: Double] {
        get { classConfidenceSetting ?? [:] }
        set { classConfidenceSetting = newValue.isEmpty ? nil : newValue }
    }
    var classConfidenceSetting: [String: Double]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case temperature, soft, confidenceThreshold = "confidence_threshold", balancePerClass = "balance_per_class", weight
        case tasks, taskThresholds = "task_thresholds", granularity, topFractionPerClass = "top_fraction_per_class"
        case frameTargets = "frame_targets", frameConfidenceThreshold = "frame_confidence_threshold"
        case keyConsistency = "key_consistency", classConfidence = "class_confidence"
    }

    /// The frame options are written only when the configuration sets them, so the
    /// fingerprints of configurations written before they existed stay what they were.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(soft, forKey: .soft)
        try c.encode(confidenceThreshold, forKey: .confidenceThreshold)
        try c.encodeIfPresent(balancePerClass, forKey: .balancePerClass)
        try c.encode(weight, forKey: .weight)
        try c.encodeIfPresent(tasks, forKey: .tasks)
        try c.encode(taskThresholds, forKey: .taskThresholds)
        try c.encode(granularity, forKey: .granularity)
        try c.encodeIfPresent(topFractionPerClass, forKey: .topFractionPerClass)
        try c.encodeIfPresent(frameTargetsSetting, forKey: .frameTargets)
        try c.encodeIfPresent(frameConfidenceThresholdSetting, forKey: .frameConfidenceThreshold)
        try c.encodeIfPresent(keyConsistency, forKey: .keyConsistency)
        try c.encodeIfPresent(classConfidenceSetting, forKey: .classConfidence)
    }

    /// Whether `task`'s pseudo-label of a track with this confidence is used.
    public func uses(task: String, confidence: Double) -> Bool {
        if let tasks, !tasks.contains(task) { return false }
        return confidence >= (taskThresholds[task] ?? 0)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? 1
        soft = try c.decodeIfPresent(Bool.self, forKey: .soft) ?? true
        confidenceThreshold = try c.decodeIfPresent(Double.self, forKey: .confidenceThreshold) ?? 0
        balancePerClass = try c.decodeIfPresent(Int.self, forKey: .balancePerClass)
        weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
        tasks = try c.decodeIfPresent([String].self, forKey: .tasks)
        taskThresholds = try c.decodeIfPresent([String: Double].self, forKey: .taskThresholds) ?? [:]
        granularity = try c.decodeIfPresent(PseudoLabelGranularity.self, forKey: .granularity) ?? .track
        topFractionPerClass = try c.decodeIfPresent(Double.self, forKey: .topFractionPerClass)
        frameTargetsSetting = try c.decodeIfPresent(FrameTargetForm.self, forKey: .frameTargets)
        frameConfidenceThresholdSetting = try c.decodeIfPresent(Double.self, forKey: .frameConfidenceThreshold)
        keyConsistency = try c.decodeIfPresent(KeyConsistencyCheck.self, forKey: .keyConsistency)
        classConfidenceSetting = try c.decodeIfPresent([String: Double].self, forKey: .classConfidence)
    }

    /// Which classes of a multi-label task's soft target the student learns (1) and which are
    /// left out (0), by `class_confidence`; nil where the task has no floor (all are learnt).
    public func classMask(task: String, probabilities: [Float]) -> [Float]? {
        guard let floor = classConfidence[task] else { return nil }
        // In the probabilities' precision, so that a stored 0.2 is sure at a floor of 0.8.
        let high = Float(floor), low = Float(1 - floor)
        return probabilities.map { p in p >= high || p <= low ? 1 : 0 }
    }
}

/// A teacher's prediction for one track (or one segment of it) and one task: probabilities
/// (after temperature) for classification, values for regression.
public struct PseudoLabel: Sendable, Equatable, Codable {
    public var trackId: Int64
    public var task: String
    public var probabilities: [Float]
    /// The window of the track this label describes; nil for a whole-track label.
    public var segment: TrackSegment?
    /// The noisy-student round whose teacher made a segment label (nil for track labels).
    public var round: Int?

    public init(trackId: Int64, task: String, probabilities: [Float], segment: TrackSegment? = nil, round: Int? = nil) {
        self.trackId = trackId
        self.task = task
        self.probabilities = probabilities
        self.segment = segment
        self.round = round
    }

    /// See ``TaskKind/normalizedEntropy(of:)``.
    public func normalizedEntropy(kind: TaskKind) -> Double { kind.normalizedEntropy(of: probabilities) }

    /// See ``TaskKind/confidence(of:)``.
    public func confidence(kind: TaskKind) -> Double { kind.confidence(of: probabilities) }

    /// The class with the highest probability.
    public var topClass: Int { TaskMetrics.argmax(probabilities) }
}
