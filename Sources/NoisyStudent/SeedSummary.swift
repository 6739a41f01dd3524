import Foundation
import Models
import Training

/// Each trained stage's test metrics over several seeds of the same pipeline: mean, sample
/// standard deviation, and the per-seed values, so that "the student beats its teacher" is a
/// measured claim with its spread rather than one run's luck.
public struct SeedSummary: Codable, Sendable, Equatable {
    public struct Stage: Codable, Sendable, Equatable {
        public var name: String
        public var preset: ModelPreset?
        public var parameters: Int?
        /// Seeds that finished this stage, in order.
        public var seeds: [UInt64]
        /// Per metric: one value per seed, in the order of `seeds`.
        public var values: [String: [Double]]
        public var mean: [String: Double]
        /// Sample standard deviation (n − 1); 0 with one seed.
        public var standardDeviation: [String: Double]
        /// For a stage chosen per seed (``SeedSummary/bestLabeledOnlyStage``): which stage each
        /// seed's values come from, in the order of `seeds`.
        public var chosen: [String]?

        enum CodingKeys: String, CodingKey {
            case name, preset, parameters, seeds, values, mean, standardDeviation = "std", chosen
        }
    }

    /// The name of the summary's row for the best labeled-only model of each seed: of the stages
    /// trained on human labels alone (the teacher and the labeled-only control), the one with the
    /// best validation score by the students' selection metric. The student must beat this, not
    /// only its identically noised twin; it is chosen on validation, never on a test split.
    public static let bestLabeledOnlyStage = "best labeled-only"

    public var stages: [Stage]

    /// A stage minus a baseline stage, seed by seed (only seeds that finished both): the mean
    /// and sample standard deviation of the differences, per metric. Paired, so the seed's own
    /// luck (its data order, its start) cancels.
    public struct PairedDifference: Codable, Sendable, Equatable {
        public var stage: String
        public var baseline: String
        public var seeds: [UInt64]
        public var mean: [String: Double]
        public var standardDeviation: [String: Double]
        /// Per metric that is a mean over clips: the 95 % bootstrap interval over test clips of
        /// the seed-averaged difference (``ClipBootstrap``); nil for results recorded without
        /// per-clip scores.
        public var clipIntervals: [String: ClipInterval]?

        enum CodingKeys: String, CodingKey { case stage, baseline, seeds, mean, standardDeviation = "std", clipIntervals = "clip_intervals" }
    }

    /// Every student minus the labeled-only control and minus the first teacher.
    public var differences: [PairedDifference]?

    /// Summarises finished trained stages (teacher and students) of each seed's pipeline state;
    /// stages keep the order of the first seed that has them. A metric enters a stage's summary
    /// only from seeds that report it. With `selectionMetric` (the trainer's: "a + b" is the mean
    /// of the validation metrics a and b; nil is the validation loss, lower better) the summary
    /// adds the best labeled-only model of each seed (``bestLabeledOnlyStage``).
    public init(states: [(seed: UInt64, state: PipelineState)], selectionMetric: String? = nil) {
        var order: [String] = []
        var bySeed: [String: [(UInt64, StageRecord)]] = [:]
        for (seed, state) in states {
            for stage in state.stages where stage.kind != .pseudoLabel && stage.status == .done {
                if bySeed[stage.name] == nil { order.append(stage.name) }
                bySeed[stage.name, default: []].append((seed, stage))
            }
        }
        var chosen: [String]?
        // Without a control the teacher is the only labeled-only model: no row of its own.
        if states.contains(where: { $0.state.stages.contains { $0.kind == .control } }) {
            let best = states.compactMap { seed, state in
                Self.bestLabeledOnly(state, selectionMetric: selectionMetric).map { (seed, $0) }
            }
            if !best.isEmpty {
                order.append(Self.bestLabeledOnlyStage)
                bySeed[Self.bestLabeledOnlyStage] = best
                chosen = best.map(\.1.name)
            }
        }
        stages = order.map { name in
            let runs = bySeed[name] ?? []
            var values: [String: [Double]] = [:]
            for (_, record) in runs {
                for (metric, value) in record.testMetrics { values[metric, default: []].append(value) }
            }
            return Stage(name: name, preset: runs.first?.1.preset, parameters: runs.first?.1.parameters,
                         seeds: runs.map(\.0), values: values,
                         mean: values.mapValues(Self.mean), standardDeviation: values.mapValues(Self.sampleStandardDeviation),
                         chosen: name == Self.bestLabeledOnlyStage ? chosen : nil)
        }
        let students = states.flatMap { $0.state.stages.filter { $0.kind == .student }.map(\.name) }
        var pairs: [(String, String)] = []
        for name in order where students.contains(name) {
            for baseline in [NoisyStudentPipeline.controlStage, "teacher", Self.bestLabeledOnlyStage] where bySeed[baseline] != nil {
                pairs.append((name, baseline))
            }
        }
        differences = pairs.map { stage, baseline in
            Self.paired(stage: stage, baseline: baseline, runs: bySeed[stage] ?? [], baselineRuns: bySeed[baseline] ?? [])
        }
    }

    /// Of a seed's finished labeled-only stages (the teacher and the controls), the one with the
    /// best validation value; the first on a tie, nil when none has the metrics.
    static func bestLabeledOnly(_ state: PipelineState, selectionMetric: String?) -> StageRecord? {
        func value(_ record: StageRecord) -> Double? {
            guard let selectionMetric else { return record.validMetrics["loss"].map { -$0 } }
            let names = TrainerConfig.selectionMetricNames(selectionMetric)
            guard !names.isEmpty else { return nil }
            var sum = 0.0
            for name in names {
                guard let v = record.validMetrics[name] else { return nil }
                sum += v
            }
            return sum / Double(names.count)
        }
        var best: (record: StageRecord, value: Double)?
        for record in state.stages where (record.kind == .teacher || record.kind == .control) && record.status == .done {
            guard let v = value(record) else { continue }
            if best.map({ v > $0.value }) ?? true { best = (record, v) }
        }
        return best?.record
    }

    static func paired(stage: String, baseline: String, runs: [(UInt64, StageRecord)],
                       baselineRuns: [(UInt64, StageRecord)]) -> PairedDifference {
        let base = Dictionary(baselineRuns.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        var seeds: [UInt64] = []
        var values: [String: [Double]] = [:]
        var clipPairs: [String: [(stage: [String: Double], baseline: [String: Double])]] = [:]
        for (seed, record) in runs {
            guard let other = base[seed] else { continue }
            seeds.append(seed)
            for (metric, value) in record.testMetrics {
                if let b = other.testMetrics[metric] { values[metric, default: []].append(value - b) }
            }
            for (metric, scores) in record.clipScores ?? [:] {
                if let b = other.clipScores?[metric] { clipPairs[metric, default: []].append((scores, b)) }
            }
        }
        // An interval only where every paired seed has the clips' scores on both sides.
        let intervals = clipPairs.filter { $0.value.count == seeds.count }.compactMapValues { ClipBootstrap.interval(pairs: $0) }
        return PairedDifference(stage: stage, baseline: baseline, seeds: seeds, mean: values.mapValues(mean),
                                standardDeviation: values.mapValues(sampleStandardDeviation),
                                clipIntervals: intervals.isEmpty ? nil : intervals)
    }

    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }

    static func sampleStandardDeviation(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = mean(xs)
        return (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)).squareRoot()
    }

    /// Writes the summary as pretty JSON, atomically.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}

extension PipelineConfig {
    /// The same pipeline under another seed: every trainer, the pool draw and the pipeline
    /// seed change, and its stages live in `<runs_directory>/seed-<seed>`.
    public func seeded(_ seed: UInt64) -> PipelineConfig {
        var c = self
        c.seed = seed
        c.teacher.seed = seed
        c.student.seed = seed
        c.fineTune?.seed = seed
        c.runsDirectory = URL(fileURLWithPath: runsDirectory).appendingPathComponent("seed-\(seed)").path
        return c
    }
}
