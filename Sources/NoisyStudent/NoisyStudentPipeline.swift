import Audio
import Foundation
import Models
import MusicTasks
import NN
import Torch
import Training

/// Teacher → (pseudo-label → noisy student) × rounds, each student the next round's teacher,
/// with knowledge expansion. Every trained stage is evaluated on the test split with full-track
/// inference; the lineage is kept in the catalog's runs and in `pipeline.json`; a stopped
/// pipeline resumes at the stage where it stopped (and inside it).
public final class NoisyStudentPipeline {
    public let config: PipelineConfig
    public let data: any PipelineDataSource
    public var reporter: ProgressReporter
    public let directory: URL
    /// A stage to rerun even when its fingerprint matches (`--force`); every stage after it
    /// reruns too, because each child's fingerprint holds its parent's run.
    public var force: String?
    /// The stages this pipeline object trained, labelled or re-evaluated (not reused), in order.
    public private(set) var ranStages: [String] = []
    var state: PipelineState
    /// The out-of-domain test tracks, evaluated after every trained stage beside the test split.
    var outOfDomain: [LabeledTrack] = []
    var stateURL: URL { directory.appendingPathComponent("pipeline.json") }
    /// Where every stage runs: models are built there, trainers run there, and checkpoints
    /// (device-free) are loaded onto it.
    public let device: Device
    /// The ranks of a distributed run (`crescendo launch -- pipeline`); nil in one process.
    /// Rank 0 writes the state and the catalog and evaluates; every rank trains and labels.
    public let ranks: PipelineRanks?
    var isPrimary: Bool { ranks?.isPrimary ?? true }

    public init(config: PipelineConfig, data: any PipelineDataSource, reporter: ProgressReporter = ProgressReporter(),
                ranks: PipelineRanks? = nil) throws {
        try config.validate()
        self.ranks = ranks
        device = config.device ?? .cpu
        try device.checkAvailable()
        self.config = config
        self.data = data
        self.reporter = reporter
        if !(ranks?.isPrimary ?? true) { self.reporter.quiet = true }
        directory = URL(fileURLWithPath: config.runsDirectory)
        state = try PipelineState.load(from: directory.appendingPathComponent("pipeline.json"))
    }

    /// Runs (or resumes) every stage; returns the lineage with each stage's metrics.
    public func run() async throws -> PipelineState {
        if let force, !Self.stageNames(config).contains(force) {
            throw PipelineError.invalidConfig(key: "--force", reason: "no stage \(force); this pipeline's stages are \(Self.stageNames(config).joined(separator: ", "))")
        }
        let splits = try loadSplits()
        let (tasks, train, valid, test) = (splits.tasks, splits.train, splits.valid, splits.test)
        let s = config.splits
        try config.schedule.validate(tasks: tasks)
        let pool = Self.subsample(splits.pool, fraction: config.poolFraction, seed: config.seed)
        outOfDomain = splits.outOfDomain
        reporter.line("pipeline: \(train.count) train, \(valid.count) valid, \(test.count) test, \(outOfDomain.count) out-of-domain test tracks; pool \(pool.count) tracks")

        var teacher = try await trainedStage(name: "teacher", kind: .teacher, preset: config.schedule.teacher,
                                             noise: config.teacherNoise ?? config.schedule.teacher.defaultNoise,
                                             tasks: tasks, train: train, valid: valid, test: test, parent: nil,
                                             trainer: config.teacher, studentNoise: try config.teacherInputNoise(tasks: tasks))
        for round in 1...config.schedule.rounds {
            guard !pool.isEmpty else { throw PipelineError.noPool("split \(s.pool) is empty") }
            let labels = try await pseudoLabelStage(round: round, teacher: teacher, tasks: tasks, pool: pool)
            var (pseudo, summary) = try selectPseudo(labels, tasks: tasks, pool: pool)
            summary.trueKeys = try measureSelectedKeys(pseudo, tasks: tasks)
            if let t = summary.trueKeys {
                reporter.line("round \(round): the selected \(t.task) pseudo-labels against the renders' true keys (\(t.compared) labels): "
                              + String(format: "accuracy %.3f, weighted score %.3f", t.metrics["\(t.task)/accuracy"] ?? .nan, t.metrics["\(t.task)/weighted_score"] ?? .nan))
            }
            let mixed = Self.mix(labeled: train, pseudo: pseudo, ratio: config.pseudoRatio)
            let unit = config.pseudoLabels.granularity == .segment ? "segments" : "tracks"
            reporter.line("round \(round): \(pseudo.count) pseudo-labeled \(unit) (of \(summary.candidates); mean confidence "
                          + (summary.meanConfidence.map { String(format: "%.2f", $0) } ?? "–")
                          + ") and \(train.count) labeled tracks → \(mixed.count) examples per epoch")
            for (task, share) in summary.learntClassShare.sorted(by: { $0.key < $1.key }) {
                reporter.line("round \(round): \(task): the student learns " + String(format: "%.1f", 100 * share)
                              + " % of the (example, class) targets, those the teacher is sure of (class_confidence)")
            }
            let preset = config.schedule.students[round - 1]
            let mode = config.schedule.start(ofRound: round, teacherPreset: teacher.preset ?? config.schedule.teacher,
                                             initializeFromTeacher: config.initializeStudentsFromTeacher)
            let start = mode == .teacher ? teacher.checkpoint : nil
            let grownFrom = mode == .grown ? teacher.checkpoint : nil
            var student = try await trainedStage(
                name: "round\(round)-student", kind: .student, preset: preset,
                noise: config.studentNoise, tasks: tasks, train: mixed, valid: valid, test: test, parent: labels,
                trainer: try config.schedule.studentTrainer(config.student, round: round, tasks: tasks),
                studentNoise: try config.studentInputNoise(tasks: tasks), selection: summary, initialCheckpoint: start,
                grownFrom: grownFrom)
            if let fineTune = config.fineTune {
                student = try await trainedStage(
                    name: "round\(round)-finetune", kind: .student, preset: config.schedule.students[round - 1],
                    noise: config.studentNoise, tasks: tasks, train: train, valid: valid, test: test, parent: student,
                    trainer: fineTune, studentNoise: nil, initialCheckpoint: student.checkpoint)
            }
            if round == 1, config.labeledOnlyControl {
                try await controlStage(teacher: teacher, preset: preset, start: start, grownFrom: grownFrom, tasks: tasks,
                                       train: train, examples: mixed.count, valid: valid, test: test)
            }
            teacher = student
        }
        return state
    }

    /// The tasks, the labeled splits and the whole pool, read once.
    struct Splits {
        var tasks: [TaskSpec]
        var train: [LabeledTrack]
        var valid: [LabeledTrack]
        var test: [LabeledTrack]
        /// The out-of-domain test split (empty when none is configured).
        var outOfDomain: [LabeledTrack]
        var pool: [PoolTrack]
    }

    /// Metric-name prefix of the out-of-domain test split.
    public static let outOfDomainPrefix = "ood/"

    func loadSplits() throws -> Splits {
        let tasks = try data.tasks(named: config.tasks)
        for task in tasks where config.pseudoLabels.classConfidence[task.name] != nil && task.kind != .multiLabel {
            throw PipelineError.invalidConfig(key: "pseudo_labels.class_confidence",
                                              reason: "\(task.name) is \(task.kind.rawValue): class floors apply to multi-label tasks (task_thresholds is the others')")
        }
        let s = config.splits
        let train = try data.labeledTracks(split: s.train, splitSet: s.splitSet, tasks: tasks)
        guard !train.isEmpty else { throw TrainingError.emptyDataset("split \(s.train) has no labeled tracks") }
        return Splits(tasks: tasks, train: train,
                      valid: try data.labeledTracks(split: s.valid, splitSet: s.splitSet, tasks: tasks),
                      test: try data.labeledTracks(split: s.test, splitSet: s.splitSet, tasks: tasks),
                      outOfDomain: try s.outOfDomain.map { try data.labeledTracks(split: $0, splitSet: s.splitSet, tasks: tasks) } ?? [],
                      pool: try data.poolTracks(split: s.pool, splitSet: s.splitSet))
    }

    // MARK: Stages

    func trainedStage(name: String, kind: StageRecord.Kind, preset: ModelPreset, noise: ModelNoise, tasks: [TaskSpec],
                      train: [LabeledTrack], valid: [LabeledTrack], test: [LabeledTrack], parent: StageRecord?,
                      trainer config: TrainerConfig, studentNoise: StudentNoise?,
                      selection: PseudoLabelSelection.Summary? = nil, initialCheckpoint: String? = nil,
                      grownFrom: String? = nil) async throws -> StageRecord {
        let description = ModelDescription(preset: preset, variant: self.config.schedule.variant, tasks: tasks, noise: noise)
        var fingerprint = try trainedFingerprint(description: description, trainer: config, inputNoise: studentNoise,
                                                 train: train, valid: valid, test: test, parent: parent,
                                                 initialCheckpoint: initialCheckpoint)
        if grownFrom != nil { try fingerprint.add("growth", GrowthDigest(noise: self.config.schedule.growthNoise)) }
        switch try await begin(name, fingerprint: fingerprint, reevaluable: true) {
        case let .reuse(recorded):
            return recorded
        case let .reevaluate(recorded):
            var record = recorded
            record.fingerprint = fingerprint
            try await evaluateStage(&record, tasks: tasks, test: test)
            return record
        case .run:
            break
        }
        let started = Date()
        var record = try await openRecord(name, fingerprint: fingerprint) {
            StageRecord(name: name, kind: kind, status: .running,
                        runId: try data.createRun(kind: kind.rawValue, configJSON: Checkpoint.json(config), parent: parent?.runId),
                        parentRunId: parent?.runId, preset: preset)
        }
        manualSeed(self.config.seed)
        let model = try description.build(device: device, generator: Generator(seed: self.config.seed))
        if let initialCheckpoint {
            try model.load(stateDict: Checkpoint.load(from: URL(fileURLWithPath: initialCheckpoint)).modelState)
        }
        if let grownFrom {
            // Knowledge expansion that starts where the teacher is: the teacher's function in the larger preset.
            let source = try Checkpoint.load(from: URL(fileURLWithPath: grownFrom)).model(device: device)
            try ModelGrowth.grow(source, into: model, options: GrowthOptions(seed: self.config.seed, noise: self.config.schedule.growthNoise))
            reporter.line("\(name): grown from \(source.parameterCount) to \(model.parameterCount) parameters (noise \(self.config.schedule.growthNoise))")
        }
        record.parameters = model.parameterCount
        let runDirectory = directory.appendingPathComponent(name)
        // The device is the pipeline's (kept out of the trainer section, and so of the fingerprint).
        var placed = config
        placed.device = device
        let trainer = try Trainer(model: model, description: description, train: train, valid: valid, config: placed,
                                  runDirectory: runDirectory, noise: studentNoise, reporter: reporter, group: ranks?.group)
        reporter.line("\(name): training \(preset.rawValue) (\(model.parameterCount) parameters) on \(train.count) examples")
        let result = try await trainer.fit(resume: true)
        // The stage is a training run like `crescendo train`'s: `evaluate` and `predict` open it.
        if isPrimary {
            try RunManifest(catalog: self.config.catalog, tasks: tasks.map(\.name), splitSet: self.config.splits.splitSet,
                        inference: self.config.inference)
                .save(in: runDirectory)
        }
        record.checkpoint = result.bestCheckpoint.path
        record.validMetrics = result.bestMetrics
        record.trainingExamples = train.count
        record.selection = selection
        record.seconds = (record.seconds ?? 0) + Date().timeIntervalSince(started)
        try await evaluateStage(&record, tasks: tasks, test: test)
        return record
    }

    /// The labeled-only control of the round-1 student: the same preset, start, trainer, steps
    /// (the labeled set repeated to the student's examples per epoch), model and input noise, on
    /// human labels only; with fine-tuning, fine-tuned alike. What the student gains over it is
    /// what the pool added.
    @discardableResult
    func controlStage(teacher: StageRecord, preset: ModelPreset, start: String?, grownFrom: String?, tasks: [TaskSpec],
                      train: [LabeledTrack], examples: Int, valid: [LabeledTrack], test: [LabeledTrack]) async throws -> StageRecord {
        let repeated = Self.repeated(train, count: Swift.max(examples, train.count))
        var control = try await trainedStage(
            name: Self.controlStage, kind: .control, preset: preset, noise: config.studentNoise, tasks: tasks,
            train: repeated, valid: valid, test: test, parent: teacher,
            trainer: try config.schedule.studentTrainer(config.student, round: 1, tasks: tasks),
            studentNoise: try config.studentInputNoise(tasks: tasks), initialCheckpoint: start, grownFrom: grownFrom)
        if let fineTune = config.fineTune {
            control = try await trainedStage(
                name: Self.controlStage + "-finetune", kind: .control, preset: preset, noise: config.studentNoise, tasks: tasks,
                train: train, valid: valid, test: test, parent: control, trainer: fineTune, studentNoise: nil,
                initialCheckpoint: control.checkpoint)
        }
        return control
    }

    /// The name of the labeled-only control stage.
    public static let controlStage = "round1-control"

    /// `tracks` cycled to `count` examples (in order, whole passes first).
    static func repeated(_ tracks: [LabeledTrack], count: Int) -> [LabeledTrack] {
        guard !tracks.isEmpty else { return [] }
        return (0..<count).map { tracks[$0 % tracks.count] }
    }

    /// Evaluates a trained stage's best checkpoint on the test and out-of-domain splits and
    /// records it as done.
    func evaluateStage(_ record: inout StageRecord, tasks: [TaskSpec], test: [LabeledTrack]) async throws {
        let trained = record
        record = try await shared("\(record.name): its evaluation") {
            var record = trained
            try await evaluated(&record, tasks: tasks, test: test)
            return record
        }
        state.upsert(record)
    }

    func evaluated(_ record: inout StageRecord, tasks: [TaskSpec], test: [LabeledTrack]) async throws {
        guard let checkpoint = record.checkpoint else { throw PipelineError.missingStage("\(record.name) has no checkpoint") }
        let started = Date()
        let best = try Checkpoint.load(from: URL(fileURLWithPath: checkpoint)).model(device: device)
        let evaluation = try await evaluateTracks(best, tracks: test, tasks: tasks)
        record.testMetrics = evaluation.metrics
        var clipScores = evaluation.clipScores
        var counts = ["test": evaluation.clips]
        var classResults = ClassResults.compute(evaluation.predictions)
        if !outOfDomain.isEmpty {
            let ood = try await evaluateTracks(best, tracks: outOfDomain, tasks: tasks)
            for (metric, value) in ood.metrics { record.testMetrics[Self.outOfDomainPrefix + metric] = value }
            for (metric, scores) in ood.clipScores { clipScores[Self.outOfDomainPrefix + metric] = scores }
            // Per class out of domain too: which classes fail in another soundfont is the question.
            for (task, scores) in ClassResults.compute(ood.predictions) { classResults[Self.outOfDomainPrefix + task] = scores }
            counts["out_of_domain"] = ood.clips
        }
        record.clipScores = clipScores.isEmpty ? nil : clipScores
        record.evaluatedClips = counts
        record.testClassResults = classResults
        record.taskKinds = Dictionary(uniqueKeysWithValues: tasks.map { ($0.name, $0.kind) })
        record.status = .done
        // A stage's time includes its test evaluation (for an XL model, minutes).
        record.seconds = (record.seconds ?? 0) + Date().timeIntervalSince(started)
        recordResources(&record)
        try data.finishRun(record.runId, metrics: record.testMetrics)
        try persist(record)
        let failed = counts.values.map(\.failed).reduce(0, +)
        reporter.line("\(record.name): test " + Self.format(record.testMetrics)
                      + (failed > 0 ? " (\(failed) clips could not be read and are not counted)" : ""))
    }

    func pseudoLabelStage(round: Int, teacher: StageRecord, tasks allTasks: [TaskSpec], pool: [PoolTrack]) async throws -> StageRecord {
        let name = "round\(round)-pseudo-labels"
        // Time-aligned tasks are labelled too: their frames go to files in the stage's directory.
        let tasks = allTasks
        let frameDirectory = frameDirectory(stage: name, tasks: allTasks)
        guard let checkpoint = teacher.checkpoint else { throw PipelineError.missingStage("\(teacher.name) has no checkpoint") }
        var options = config.inference
        options.temperature = config.pseudoLabels.temperature
        let fingerprint = try pseudoLabelFingerprint(teacher: teacher, options: options, tasks: tasks, pool: pool)
        if case let .reuse(recorded) = try await begin(name, fingerprint: fingerprint, reevaluable: false) { return recorded }
        let started = Date()
        var record = try await openRecord(name, fingerprint: fingerprint) {
            StageRecord(name: name, kind: .pseudoLabel, status: .running,
                        runId: try data.createRun(kind: "pseudo-label", configJSON: Checkpoint.json(options), parent: teacher.runId),
                        parentRunId: teacher.runId, preset: teacher.preset, labeler: checkpoint)
        }
        let model = try Checkpoint.load(from: URL(fileURLWithPath: checkpoint)).model(device: device)
        let labeler = try PseudoLabeler(teacher: model, options: options, shardIndex: ranks?.rank ?? 0, shardCount: ranks?.count ?? 1,
                                        granularity: config.pseudoLabels.granularity, round: round,
                                        frameDirectory: frameDirectory, keyConsistency: config.pseudoLabels.keyConsistency)
        let reporter = self.reporter
        // With ranks, each labels its shard of the pool into its own shard file; rank 0 merges
        // them into the catalog once every rank is done.
        let shards = directory.appendingPathComponent(name).appendingPathComponent("shards")
        let store: any PseudoLabelStore = ranks.map { ShardLabelFile(directory: shards, shardIndex: $0.rank, shardCount: $0.count) }
            ?? data.pseudoLabelStore
        let report = try await labeler.label(pool: pool, run: record.runId, store: store) { done, total in
            reporter.update("\(name) \(done)/\(total)", fraction: Double(done) / Double(Swift.max(1, total)))
        }
        if let ranks {
            try ShardReports(directory: shards).save(report, rank: ranks.rank, count: ranks.count)
            try await ranks.arrive()
            let labelled = record
            record = try await shared("\(name): the merge of the shards") {
                let merged = try self.mergeShards(shards, run: labelled.runId, tasks: tasks, pool: pool, ranks: ranks)
                var record = labelled
                try await self.finishLabelling(&record, report: merged, tasks: allTasks, pool: pool, started: started)
                return record
            }
            state.upsert(record)
            return record
        }
        try await finishLabelling(&record, report: report, tasks: allTasks, pool: pool, started: started)
        return record
    }

    /// Where a labelling stage writes its frame files; nil without time-aligned tasks.
    func frameDirectory(stage name: String, tasks: [TaskSpec]) -> URL? {
        tasks.contains(where: \.kind.isTimeAligned) ? directory.appendingPathComponent(name).appendingPathComponent("frames") : nil
    }

    /// Rank 0's merge of a distributed labelling: every shard's labels, segment labels and frame
    /// rows into the catalog (idempotent: stored again, they replace themselves), and the ranks'
    /// reports into one.
    func mergeShards(_ shards: URL, run: Int64, tasks: [TaskSpec], pool: [PoolTrack], ranks: PipelineRanks) throws -> PseudoLabelReport {
        // A track counts as labelled with any of its tasks: the key-consistency check may drop
        // every key segment of a track, and each rank has finished its shard before the merge.
        let gathered = try PseudoLabelMerge(directory: shards).gather(pool: pool, run: run, tasks: [])
        try data.pseudoLabelStore.store(gathered.labels, frames: gathered.frames, failures: gathered.failed, run: run, tasks: tasks)
        let reports = try ShardReports(directory: shards).load(count: ranks.count)
        reporter.line("merged \(gathered.labels.count) labels and \(gathered.frames.count) frame files of \(ranks.count) shards into the catalog")
        return PseudoLabelReport.merged(reports)
    }

    /// What a labelling stage measures once its labels are in the catalog (agreement with the
    /// pool's own labels, the renders' true keys and frames), and its record as done.
    func finishLabelling(_ record: inout StageRecord, report: PseudoLabelReport, tasks allTasks: [TaskSpec], pool: [PoolTrack],
                         started: Date) async throws {
        let name = record.name
        let clipTasks = allTasks.filter { !$0.kind.isTimeAligned }
        let frameDirectory = frameDirectory(stage: name, tasks: allTasks)
        record.pseudoLabelReport = report
        let ids = Set(pool.map(\.id))
        let truth = try data.labeledTracks(split: config.splits.pool, splitSet: config.splits.splitSet, tasks: clipTasks)
            .filter { ids.contains($0.id) }
        if !truth.isEmpty {
            record.poolAgreement = PseudoLabelAgreement.measure(groups: try labelGroups(run: record.runId, tasks: clipTasks),
                                                                truth: truth, tasks: clipTasks)
            for (task, a) in (record.poolAgreement ?? [:]).sorted(by: { $0.key < $1.key }) {
                reporter.line("\(name): \(task) against the pool's own labels (\(a.tracks) labels): \(a.measure) "
                              + String(format: "%.3f", a.agreement)
                              + (a.rocAUC.map { String(format: ", macro ROC-AUC %.3f", $0) } ?? "")
                              + (a.prAUC.map { String(format: ", macro PR-AUC %.3f", $0) } ?? ""))
            }
        }
        record.poolTrueKeys = try measureTrueKeys(run: record.runId, tasks: clipTasks, pool: pool)
        if let t = record.poolTrueKeys {
            reporter.line("\(name): \(t.task) against the renders' true keys (\(t.compared) labels): accuracy "
                          + String(format: "%.3f", t.metrics["\(t.task)/accuracy"] ?? .nan) + ", weighted score "
                          + String(format: "%.3f", t.metrics["\(t.task)/weighted_score"] ?? .nan))
        }
        if let file = config.splits.poolFrameTruth, frameDirectory != nil {
            let frameTasks = allTasks.filter(\.kind.isTimeAligned)
            let paths = Dictionary(pool.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
            let measured = try PoolFrameTruth.load(path: file, tasks: frameTasks)
                .measure(try data.framePseudoLabels(run: record.runId, tasks: frameTasks), paths: paths, tasks: frameTasks)
            let scores = Dictionary(uniqueKeysWithValues: measured.map { task, m in
                (task, PoolTruthScores(task: task, metrics: m.metrics, compared: m.compared))
            })
            record.poolTrueFrames = scores
            for (task, m) in scores.sorted(by: { $0.key < $1.key }) {
                reporter.line("\(name): \(task) frames decoded, against the renders' truth (\(m.compared) tracks): "
                              + Self.format(m.metrics))
            }
        }
        record.status = .done
        record.seconds = (record.seconds ?? 0) + Date().timeIntervalSince(started)
        recordResources(&record)
        try data.finishRun(record.runId, metrics: ["tracks": Double(report.labeled), "hours": report.audioSeconds / 3600,
                                                   "realtime_factor": report.realtimeFactor])
        try persist(record)
        if report.consistencyChecked > 0 {
            reporter.line("\(name): key transposition consistency kept \(report.consistencyKept) of \(report.consistencyChecked) key labels")
        }
        reporter.line("\(name): \(report.labeled) tracks (\(String(format: "%.2f", report.audioSeconds / 3600)) h) at \(String(format: "%.0f", report.realtimeFactor))× real time; \(report.failed.count) failed")
    }

    /// The stored clip-level pseudo-labels of `run`, one group per example (segment or track).
    func labelGroups(run: Int64, tasks: [TaskSpec]) throws -> [PseudoLabelSelection.Group] {
        if config.pseudoLabels.granularity == .segment {
            return PseudoLabelSelection.groups(segments: try data.segmentPseudoLabels(run: run, tasks: tasks))
        }
        return try data.pseudoLabels(run: run, tasks: tasks).sorted { $0.key < $1.key }
            .map { PseudoLabelSelection.Group(trackId: $0.key, segment: nil, labels: $0.value) }
    }

    /// The key pseudo-labels of `run` against `splits.pool_truth`, when configured.
    func measureTrueKeys(run: Int64, tasks: [TaskSpec], pool: [PoolTrack]) throws -> PoolTruthScores? {
        guard let file = config.splits.poolTruth, let task = Self.keyTask(tasks) else { return nil }
        let truth = try PoolKeyTruth.load(path: file)
        let groups = try labelGroups(run: run, tasks: [task])
        let paths = Dictionary(pool.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
        return try truth.measure(groups, paths: paths, task: task).map { PoolTruthScores(task: task.name, metrics: $0.metrics, compared: $0.compared) }
    }

    /// The selected examples' key pseudo-labels against `splits.pool_truth`, when configured.
    func measureSelectedKeys(_ examples: [LabeledTrack], tasks: [TaskSpec]) throws -> PoolTruthScores? {
        guard let file = config.splits.poolTruth, let task = Self.keyTask(tasks) else { return nil }
        return try PoolKeyTruth.load(path: file).measure(selected: examples, task: task)
            .map { PoolTruthScores(task: task.name, metrics: $0.metrics, compared: $0.compared) }
    }

    /// The 24-class key task, if the pipeline has one.
    static func keyTask(_ tasks: [TaskSpec]) -> TaskSpec? {
        tasks.first { t in t.kind == .multiClass && t.classes.count == 24
            && t.classes.allSatisfy { (try? MusicalKey(parsing: $0, bareTonicMode: nil)) != nil } }
    }

    func selectPseudo(_ stage: StageRecord, tasks allTasks: [TaskSpec], pool: [PoolTrack]) throws
        -> ([LabeledTrack], PseudoLabelSelection.Summary) {
        let tasks = allTasks.filter { !$0.kind.isTimeAligned }
        let frameTasks = allTasks.filter(\.kind.isTimeAligned)
        var info: [Int64: (path: String, duration: Double)] = [:]
        for t in pool { info[t.id] = (t.path, t.duration) }
        let selection = PseudoLabelSelection(options: config.pseudoLabels, tasks: tasks)
        let frames: (targets: [Int64: FramePseudoTargets], statistics: [String: FramePseudoTargets.Statistics]) = frameTasks.isEmpty ? ([:], [:])
            : try FramePseudoTargets.load(data.framePseudoLabels(run: stage.runId, tasks: frameTasks), tasks: frameTasks,
                                          options: config.pseudoLabels)
        let groups = try labelGroups(run: stage.runId, tasks: tasks)
        var (examples, summary) = selection.select(groups: groups, tracks: info, frames: frames.targets)
        summary.frames = frames.statistics
        for (task, s) in frames.statistics.sorted(by: { $0.key < $1.key }) {
            reporter.line("\(task): frame pseudo-labels of \(s.tracks) tracks, \(config.pseudoLabels.frameTargets.rawValue); "
                          + String(format: "%.1f %% of %d frames kept, mean confidence %.3f", 100 * s.keptFraction, s.frames, s.meanConfidence))
        }
        return (examples, summary)
    }

    /// Evaluates with full-track inference: every test track whole, chunk outputs averaged.
    public func evaluate(_ model: any AudioModel, tracks: [LabeledTrack], tasks: [TaskSpec]) async throws -> [String: Double] {
        try await evaluateTracks(model, tracks: tracks, tasks: tasks).metrics
    }

    /// Full-track evaluation with the per-track predictions (for per-class results).
    func evaluateTracks(_ model: any AudioModel, tracks: [LabeledTrack], tasks: [TaskSpec]) async throws
        -> (metrics: [String: Double], predictions: [TaskPredictions], clips: ClipCount, clipScores: [String: [String: Double]]) {
        guard !tracks.isEmpty else { return ([:], [], ClipCount(clips: 0, failed: 0), [:]) }
        let result = try await FullTrackEvaluation(options: config.inference).evaluate(model, tracks: tracks, tasks: tasks)
        for (path, message) in result.failures.sorted(by: { $0.key < $1.key }) { reporter.line("evaluation skipped \(path): \(message)") }
        return (result.metrics, result.predictions, ClipCount(clips: tracks.count - result.failures.count, failed: result.failures.count),
                result.clipScores)
    }

    func persist(_ record: StageRecord) throws {
        state.upsert(record)
        if isPrimary { try state.save(to: stateURL) }
    }

    /// The stage's record, as recorded or made by `new`, with `fingerprint`, persisted by rank 0
    /// and the same on every rank.
    func openRecord(_ name: String, fingerprint: StageFingerprint, new: () throws -> StageRecord) async throws -> StageRecord {
        let record = try await shared("\(name): its run") {
            var record = try state.stage(name) ?? new()
            record.fingerprint = fingerprint
            try persist(record)
            return record
        }
        state.upsert(record)
        return record
    }

    /// `body`'s result on every rank, computed by rank 0 (``PipelineRanks``); in one process, `body`.
    func shared<Value: Codable>(_ what: String, _ body: () async throws -> Value) async throws -> Value {
        guard let ranks else { return try await body() }
        return try await ranks.onPrimary(what, body)
    }

    /// What to do with a stage before running it.
    enum StageBeginning: Codable {
        /// Finished with the same fingerprint: return it as it is.
        case reuse(StageRecord)
        /// Finished, only its evaluation changed: re-evaluate it from its checkpoint.
        case reevaluate(StageRecord)
        /// Run it: resuming its unfinished run, or afresh (an outdated run moved aside).
        case run
    }

    /// Decides by fingerprint whether stage `name` is reused, re-evaluated or run, says so, and
    /// moves an outdated run aside; `reevaluable` for trained stages (evaluation components).
    func begin(_ name: String, fingerprint: StageFingerprint, reevaluable: Bool) async throws -> StageBeginning {
        // Rank 0 decides (and moves an outdated run aside); every rank follows.
        let beginning = try await shared("\(name): whether it runs") {
            try decide(name, fingerprint: fingerprint, reevaluable: reevaluable)
        }
        if case .reuse = beginning { return beginning }
        ranStages.append(name)
        ProcessMemory.resetPeak()
        return beginning
    }

    func decide(_ name: String, fingerprint: StageFingerprint, reevaluable: Bool) throws -> StageBeginning {
        let recorded = state.stage(name)
        let decision = StageReuse.decide(recorded: recorded, now: fingerprint, forced: force == name)
        switch (decision, recorded) {
        case let (.reuse, recorded?):
            let preset = recorded.kind == .pseudoLabel ? "" : " (\(recorded.preset?.rawValue ?? "?"))"
            reporter.line("\(name): done\(preset), inputs unchanged, reusing")
            return .reuse(recorded)
        case let (.reevaluate(changed), recorded?) where reevaluable && recorded.checkpoint != nil:
            reporter.line("\(name): training inputs unchanged; re-evaluating (changed: \(changed.joined(separator: ", ")))")
            return .reevaluate(recorded)
        case (.resume, _):
            reporter.line("\(name): resuming")
        case let (_, recorded?):
            reporter.line("\(name): rerunning (\(decision.reason))")
            try supersede(recorded)
        case (_, nil):
            break
        }
        return .run
    }

    /// Records the stage's peak resident set (the largest over its sessions) and says it with
    /// the stage's time: the figures that show what a preset costs on this machine.
    func recordResources(_ record: inout StageRecord) {
        if let peak = ProcessMemory.peakBytes() { record.peakResidentBytes = Swift.max(record.peakResidentBytes ?? 0, peak) }
        let time = record.seconds.map { String(format: "%.0f s", $0) } ?? "?"
        let memory = record.peakResidentBytes.map(ProcessMemory.formatted) ?? "unknown"
        reporter.line("\(record.name): \(time), peak resident set \(memory)")
    }

    /// Moves a recorded stage out of the way of its re-run: its run directory (checkpoints,
    /// logs) to `superseded/<name>-run<id>`, its record to the state's superseded list.
    func supersede(_ record: StageRecord) throws {
        var old = record
        let from = directory.appendingPathComponent(record.name)
        if FileManager.default.fileExists(atPath: from.path) {
            let to = directory.appendingPathComponent("superseded/\(record.name)-run\(record.runId)")
            try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: to.path) { try FileManager.default.removeItem(at: to) }
            try FileManager.default.moveItem(at: from, to: to)
            old.supersededDirectory = to.path
        }
        state.superseded = (state.superseded ?? []) + [old]
        state.stages.removeAll { $0.name == record.name }
        try state.save(to: stateURL)
    }

    // MARK: Data mixing

    /// A deterministic fraction of the pool (the same tracks for the same seed and fraction;
    /// a larger fraction contains every track of a smaller one).
    public static func subsample(_ pool: [PoolTrack], fraction: Double, seed: UInt64) -> [PoolTrack] {
        guard fraction < 1 else { return pool }
        let ranked = pool.sorted {
            var a = SplitMix64(seed: seed, 0xF00D, UInt64(bitPattern: $0.id)), b = SplitMix64(seed: seed, 0xF00D, UInt64(bitPattern: $1.id))
            return a.next() < b.next()
        }
        return Array(ranked.prefix(Int((Double(pool.count) * fraction).rounded())))
    }

    /// Labeled and pseudo-labeled examples repeated so that an epoch holds about `ratio`
    /// pseudo-labeled examples per labeled one.
    public static func mix(labeled: [LabeledTrack], pseudo: [LabeledTrack], ratio: Double) -> [LabeledTrack] {
        guard !pseudo.isEmpty, ratio > 0, !labeled.isEmpty else { return labeled }
        let wanted = ratio * Double(labeled.count)
        let p = Double(pseudo.count)
        let labeledCopies = p > wanted ? Swift.max(1, Int((p / wanted).rounded())) : 1
        let pseudoCopies = p < wanted ? Swift.max(1, Int((wanted / p).rounded())) : 1
        return Array(repeating: labeled, count: labeledCopies).flatMap { $0 }
            + Array(repeating: pseudo, count: pseudoCopies).flatMap { $0 }
    }

    static func format(_ metrics: [String: Double]) -> String {
        metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  ")
    }
}
