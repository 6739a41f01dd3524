import Foundation
import Models
import MusicTasks
import Training

/// The model sizes of a noisy-student pipeline: the teacher's preset, then one student preset
/// per round, each at least as large as the one before (knowledge expansion), e.g.
/// `resnet-xs → resnet-s → resnet-m`, or across families.
public struct KnowledgeExpansionSchedule: Codable, Sendable, Equatable {
    public var teacher: ModelPreset
    public var students: [ModelPreset]
    /// Epochs of each round's student (nil: `student.epochs` for every round). A budget per
    /// round: a small student can afford many noisy epochs where a larger one cannot.
    public var studentEpochs: [Int]?
    /// Architecture options every model of the pipeline has (`ModelVariant`; resnet presets only).
    public var variant: ModelVariant
    /// How each round's student starts (nil: from its teacher's weights when
    /// `initialize_students_from_teacher` is set and the preset is the teacher's, else from scratch).
    public var studentStarts: [StudentStart]?
    /// The budget rule where `student_epochs` is not given: a student of P parameters trains
    /// `student.epochs × (P / P_teacher)^α` epochs (at least 1), α this exponent. A larger model
    /// needs more steps to use its capacity (compute-optimal scaling puts the data seen about in
    /// proportion to the parameters, α = 1); with a small labeled set and a fixed pool, α = 0.5
    /// is a cautious start. Nil: every round gets `student.epochs`.
    public var budgetExponent: Double?
    /// Symmetry-breaking noise of a grown student's copied units, relative to each weight
    /// tensor's scale: without it the copies get equal gradients and stay copies for good.
    public var growthNoise: Double
    /// Whether the configuration wrote `growth_noise` (then it is encoded even at its default,
    /// which the loader's unknown-key check needs).
    var growthNoiseWritten = false

    /// Where a student's weights come from.
    public enum StudentStart: String, Codable, Sendable, Equatable {
        /// Random initialisation.
        case scratch
        /// Its teacher's weights (same preset only).
        case teacher
        /// Its teacher grown to the student's preset, computing the teacher's function
        /// (Net2Net; `ModelGrowth`), plus `growth_noise`.
        case grown
    }

    public init(teacher: ModelPreset, students: [ModelPreset], studentEpochs: [Int]? = nil,
                variant: ModelVariant = .standard, studentStarts: [StudentStart]? = nil, growthNoise: Double = 0.01) {
        self.teacher = teacher
        self.students = students
        self.studentEpochs = studentEpochs
        self.variant = variant
        self.studentStarts = studentStarts
        self.growthNoise = growthNoise
    }

    enum CodingKeys: String, CodingKey {
        case teacher, students, studentEpochs = "student_epochs", variant, studentStarts = "student_starts", growthNoise = "growth_noise"
        case budgetExponent = "budget_exponent"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        teacher = try c.decode(ModelPreset.self, forKey: .teacher)
        students = try c.decode([ModelPreset].self, forKey: .students)
        studentEpochs = try c.decodeIfPresent([Int].self, forKey: .studentEpochs)
        variant = try c.decodeIfPresent(ModelVariant.self, forKey: .variant) ?? .standard
        studentStarts = try c.decodeIfPresent([StudentStart].self, forKey: .studentStarts)
        growthNoiseWritten = c.contains(.growthNoise)
        growthNoise = try c.decodeIfPresent(Double.self, forKey: .growthNoise) ?? 0.01
        budgetExponent = try c.decodeIfPresent(Double.self, forKey: .budgetExponent)
    }

    // Encoded without the new keys when they are unset, so fingerprints of earlier
    // configurations stay what they were.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(teacher, forKey: .teacher)
        try c.encode(students, forKey: .students)
        try c.encodeIfPresent(studentEpochs, forKey: .studentEpochs)
        try c.encode(variant, forKey: .variant)
        try c.encodeIfPresent(studentStarts, forKey: .studentStarts)
        if studentStarts != nil || growthNoise != 0.01 || growthNoiseWritten { try c.encode(growthNoise, forKey: .growthNoise) }
        try c.encodeIfPresent(budgetExponent, forKey: .budgetExponent)
    }

    /// How the student of `round` (1-based) starts, given its teacher's preset.
    public func start(ofRound round: Int, teacherPreset: ModelPreset, initializeFromTeacher: Bool) -> StudentStart {
        if let starts = studentStarts, starts.indices.contains(round - 1) { return starts[round - 1] }
        return initializeFromTeacher && students[round - 1] == teacherPreset ? .teacher : .scratch
    }

    /// The student trainer of `round` (1-based): `base` with the round's epochs, if given.
    public func studentTrainer(_ base: TrainerConfig, round: Int) -> TrainerConfig {
        var config = base
        if let epochs = studentEpochs, epochs.indices.contains(round - 1) { config.epochs = epochs[round - 1] }
        return config
    }

    /// The student trainer of `round` with the budget rule applied where `student_epochs` does
    /// not fix the epochs (`budget_exponent`).
    public func studentTrainer(_ base: TrainerConfig, round: Int, tasks: [TaskSpec]) throws -> TrainerConfig {
        var config = studentTrainer(base, round: round)
        guard studentEpochs == nil, let alpha = budgetExponent else { return config }
        config.epochs = try Self.budgetEpochs(base.epochs, student: students[round - 1], teacher: teacher, exponent: alpha,
                                              tasks: tasks, variant: variant)
        return config
    }

    /// `epochs × (P_student / P_teacher)^exponent`, rounded, at least 1.
    public static func budgetEpochs(_ epochs: Int, student: ModelPreset, teacher: ModelPreset, exponent: Double,
                                    tasks: [TaskSpec], variant: ModelVariant) throws -> Int {
        let ratio = Double(try parameterCount(student, tasks: tasks, variant: variant))
            / Double(Swift.max(1, try parameterCount(teacher, tasks: tasks, variant: variant)))
        return Swift.max(1, Int((Double(epochs) * Foundation.pow(ratio, exponent)).rounded()))
    }

    /// Rounds of pseudo-labelling and student training.
    public var rounds: Int { students.count }

    /// The preset that labels the pool in `round` (0-based): the teacher, then each student.
    public func labeler(ofRound round: Int) -> ModelPreset { round == 0 ? teacher : students[round - 1] }

    /// Parameter count of a preset for the given tasks (built once, not trained).
    public static func parameterCount(_ preset: ModelPreset, tasks: [TaskSpec], variant: ModelVariant = .standard) throws -> Int {
        do {
            return try preset.build(tasks: tasks, variant: variant).parameterCount
        } catch let error as ModelError {
            throw PipelineError.invalidConfig(key: "schedule.variant", reason: "\(preset.rawValue): \(error)")
        }
    }

    /// Checks that no student is smaller than its teacher (equal is allowed), naming the round.
    public func validate(tasks: [TaskSpec]) throws {
        guard !students.isEmpty else { throw PipelineError.invalidConfig(key: "schedule.students", reason: "needs at least one student") }
        if let epochs = studentEpochs {
            guard epochs.count == students.count else {
                throw PipelineError.invalidConfig(key: "schedule.student_epochs",
                                                  reason: "has \(epochs.count) entries for \(students.count) students")
            }
            if let bad = epochs.firstIndex(where: { $0 < 1 }) {
                throw PipelineError.invalidConfig(key: "schedule.student_epochs.\(bad)", reason: "must be at least 1")
            }
        }
        if let starts = studentStarts {
            guard starts.count == students.count else {
                throw PipelineError.invalidConfig(key: "schedule.student_starts",
                                                  reason: "has \(starts.count) entries for \(students.count) students")
            }
            for (i, start) in starts.enumerated() where start == .teacher && students[i] != labeler(ofRound: i) {
                throw PipelineError.invalidConfig(key: "schedule.student_starts.\(i)",
                    reason: "teacher: \(students[i].rawValue) cannot take the weights of \(labeler(ofRound: i).rawValue); use grown or scratch")
            }
        }
        if let alpha = budgetExponent, !(alpha >= 0 && alpha <= 2) {
            throw PipelineError.invalidConfig(key: "schedule.budget_exponent", reason: "must be in [0, 2]")
        }
        guard growthNoise >= 0, growthNoise.isFinite else {
            throw PipelineError.invalidConfig(key: "schedule.growth_noise", reason: "must be a non-negative number")
        }
        var previous = try Self.parameterCount(teacher, tasks: tasks, variant: variant)
        for (i, s) in students.enumerated() {
            let count = try Self.parameterCount(s, tasks: tasks, variant: variant)
            guard count >= previous else {
                throw PipelineError.invalidConfig(key: "schedule.students.\(i)",
                    reason: "\(s.rawValue) (\(count) parameters) is smaller than its teacher (\(previous)); knowledge expansion needs equal or larger students")
            }
            previous = count
        }
    }
}

/// Errors of the pseudo-labelling and noisy-student pipeline.
public enum PipelineError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidConfig(key: String, reason: String)
    case missingStage(String)
    case noPool(String)
    /// A file of frame-level pseudo-labels that cannot be written or read as it should.
    case frameLabelFile(path: String, reason: String)
    /// The ranks of a distributed pipeline disagree or one of them failed.
    case ranks(String)

    public var description: String {
        switch self {
        case .invalidConfig(let key, let reason): return "configuration key \(key): \(reason)"
        case .missingStage(let what): return "pipeline stage missing: \(what)"
        case .noPool(let what): return "no unlabeled pool: \(what)"
        case .frameLabelFile(let path, let reason): return "frame pseudo-labels \(path): \(reason)"
        case .ranks(let what): return "distributed pipeline: \(what)"
        }
    }
}
