import Foundation
import Models
import MusicTasks
import Training

/// A scaling study as YAML: a pipeline configuration (its `schedule.teacher` trains once;
/// its `schedule.students` are the model-size axis, each a one-round student of that teacher)
/// plus a `study` block with the data-size axis (fractions of the pool) and the seeds.
///
/// ```yaml
/// catalog: …            # every PipelineConfig key
/// schedule: {teacher: resnet-xs, students: [resnet-xs, resnet-s, resnet-m]}
/// study: {pool_fractions: [0, 0.5, 1], seeds: [0, 1, 2]}
/// ```
public struct StudyConfig: Codable, Sendable, Equatable {
    /// The base pipeline: catalog, splits, teacher and student training, noise, pseudo-label options.
    public var pipeline: PipelineConfig
    /// Fractions of the pool that the students see, in [0, 1] (0: labeled data only, with noise).
    public var poolFractions: [Double]
    /// Student seeds (initialisation, noise, data order); the teacher uses `teacher.seed`.
    public var seeds: [UInt64]

    /// A study of `pipeline`'s teacher and students over `poolFractions` × `seeds`.
    public init(pipeline: PipelineConfig, poolFractions: [Double], seeds: [UInt64]) {
        self.pipeline = pipeline
        self.poolFractions = poolFractions
        self.seeds = seeds
    }

    struct Axes: Codable, Equatable {
        var poolFractions: [Double]
        var seeds: [UInt64]?
        enum CodingKeys: String, CodingKey { case poolFractions = "pool_fractions", seeds }
    }

    enum CodingKeys: String, CodingKey { case study }

    /// Reads every pipeline key from the top level and the axes from `study`.
    public init(from decoder: any Decoder) throws {
        pipeline = try PipelineConfig(from: decoder)
        let axes = try decoder.container(keyedBy: CodingKeys.self).decode(Axes.self, forKey: .study)
        poolFractions = axes.poolFractions
        seeds = axes.seeds ?? [pipeline.student.seed]
    }

    /// Writes the pipeline keys at the top level and the axes under `study`.
    public func encode(to encoder: any Encoder) throws {
        try pipeline.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Axes(poolFractions: poolFractions, seeds: seeds), forKey: .study)
    }

    /// The student presets (the model-size axis).
    public var students: [ModelPreset] { pipeline.schedule.students }

    /// Every cell, fractions outermost, then students, then seeds (the order they run in).
    public var cells: [StudyCell] {
        poolFractions.flatMap { f in students.flatMap { p in seeds.map { StudyCell(poolFraction: f, student: p, seed: $0) } } }
    }

    /// Checks the axes and the base pipeline, naming the key.
    public func validate() throws {
        try pipeline.validate()
        guard !poolFractions.isEmpty else { throw PipelineError.invalidConfig(key: "study.pool_fractions", reason: "name at least one fraction") }
        for (i, f) in poolFractions.enumerated() where !(f >= 0 && f <= 1) {
            throw PipelineError.invalidConfig(key: "study.pool_fractions.\(i)", reason: "\(f) is not in [0, 1]")
        }
        guard Set(poolFractions).count == poolFractions.count else {
            throw PipelineError.invalidConfig(key: "study.pool_fractions", reason: "fractions repeat")
        }
        guard !seeds.isEmpty, Set(seeds).count == seeds.count else {
            throw PipelineError.invalidConfig(key: "study.seeds", reason: "name at least one seed, each once")
        }
        guard !students.isEmpty, Set(students).count == students.count else {
            throw PipelineError.invalidConfig(key: "schedule.students", reason: "name at least one student preset, each once")
        }
        // A cell's student trains student.epochs (sized by schedule.budget_exponent); a list of
        // per-round epochs would be read by nothing, and the grid would run other budgets than asked.
        guard pipeline.schedule.studentEpochs == nil else {
            throw PipelineError.invalidConfig(key: "schedule.student_epochs",
                                              reason: "a study's students train student.epochs (sized per preset by schedule.budget_exponent); remove it")
        }
    }

    /// Checks that every student is at least as large as the teacher (knowledge expansion) and
    /// can start as `schedule.student_starts` says (read per student: in a study every
    /// student's teacher is the one teacher).
    public func validateSizes(tasks: [TaskSpec]) throws {
        let schedule = pipeline.schedule
        for (i, student) in students.enumerated() {
            // Each student learns from the one teacher; `student_starts` is read per student.
            let start = schedule.studentStarts.flatMap { $0.indices.contains(i) ? [$0[i]] : nil }
            do {
                try KnowledgeExpansionSchedule(teacher: schedule.teacher, students: [student], variant: schedule.variant,
                                               studentStarts: start, growthNoise: schedule.growthNoise)
                    .validate(tasks: tasks)
            } catch PipelineError.invalidConfig(let key, let reason) where key.hasPrefix("schedule.student_starts") {
                throw PipelineError.invalidConfig(key: "schedule.student_starts.\(i)", reason: reason)
            }
        }
    }
}

/// One cell of a study: a pool fraction, a student preset and a seed.
public struct StudyCell: Codable, Sendable, Hashable {
    public var poolFraction: Double
    public var student: ModelPreset
    public var seed: UInt64

    /// The cell that trains `student` with seed `seed` on `poolFraction` of the pool.
    public init(poolFraction: Double, student: ModelPreset, seed: UInt64) {
        self.poolFraction = poolFraction
        self.student = student
        self.seed = seed
    }

    /// The cell's directory name, e.g. `pool050-resnet-s-seed0` (the fraction in tenths of a percent when needed).
    public var name: String {
        let permille = Int((poolFraction * 1000).rounded())
        let fraction = permille % 10 == 0 ? String(format: "%03d", permille / 10) : String(format: "%04.1f", Double(permille) / 10)
        return "pool\(fraction)-\(student.rawValue)-seed\(seed)"
    }
}
