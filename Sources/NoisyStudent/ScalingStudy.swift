import Foundation
import Models
import Training

/// A grid of noisy students over pool fractions × student presets × seeds that shares what
/// can be shared: the teacher trains once and labels the largest pool fraction once (the
/// stages of ``NoisyStudentPipeline``, kept in the study directory's `pipeline.json`); each
/// cell takes a deterministic subset of those labels (for one seed, a larger fraction's subset
/// contains every smaller one's) and trains its student in `cells/<cell name>/`, as a
/// pipeline stage of its own. A stopped study resumes at the unfinished cell: finished cells
/// are read back, not redone. `study-results.json` and `.csv` are rewritten after every cell.
public final class ScalingStudy {
    public let config: StudyConfig
    public let data: any PipelineDataSource
    public var reporter: ProgressReporter
    public let directory: URL
    /// Where finished cells are committed and read back (`--cell-results`; nil: nowhere).
    public var cellResults: URL?

    /// Validates `config`; the study directory is its `runs_directory`.
    public init(config: StudyConfig, data: any PipelineDataSource, reporter: ProgressReporter = ProgressReporter()) throws {
        try config.validate()
        self.config = config
        self.data = data
        self.reporter = reporter
        directory = URL(fileURLWithPath: config.pipeline.runsDirectory)
    }

    /// The directory of a cell, relative to the study directory.
    public static func cellDirectory(_ cell: StudyCell) -> String { "cells/\(cell.name)" }

    /// Runs (or resumes) the teacher, the pseudo-labels and every cell; returns the results.
    public func run() async throws -> StudyResults {
        let maxFraction = config.poolFractions.max() ?? 0
        var shared = config.pipeline
        shared.poolFraction = Swift.max(maxFraction, Double.leastNonzeroMagnitude)
        let pipeline = try NoisyStudentPipeline(config: shared, data: data, reporter: reporter)
        let splits = try pipeline.loadSplits()
        pipeline.outOfDomain = splits.outOfDomain
        try config.validateSizes(tasks: splits.tasks)
        let cells = config.cells
        reporter.line("study: \(cells.count) cells (\(config.poolFractions.count) pool fractions × \(config.students.count) students × \(config.seeds.count) seeds); \(splits.train.count) train tracks, pool \(splits.pool.count) tracks")
        let committed = try committedCells(cells)
        let readBack = cells.compactMap { committed[$0]?.result }
        if let cellResults, readBack.count == cells.count,
           let shared = try StudySharedFile.load(directory: cellResults, configuration: StudySharedFile.configurationFingerprint(config)) {
            reporter.line("study: every cell is committed in \(cellResults.path): read back, nothing trained")
            let results = summary(teacher: shared.teacher, labels: shared.pseudoLabels, cells: readBack)
            try results.write(to: directory)
            return results
        }

        let teacher = try await pipeline.trainedStage(
            name: "teacher", kind: .teacher, preset: shared.schedule.teacher,
            noise: shared.teacherNoise ?? shared.schedule.teacher.defaultNoise, tasks: splits.tasks,
            train: splits.train, valid: splits.valid, test: splits.test, parent: nil, trainer: shared.teacher,
            studentNoise: try shared.teacherInputNoise(tasks: splits.tasks))
        var labels: StageRecord?
        if maxFraction > 0 {
            let labelled = NoisyStudentPipeline.subsample(splits.pool, fraction: maxFraction, seed: shared.seed)
            guard !labelled.isEmpty else { throw PipelineError.noPool("split \(shared.splits.pool) has no tracks to label") }
            labels = try await pipeline.pseudoLabelStage(round: 1, teacher: teacher, tasks: splits.tasks, pool: labelled)
        }

        if let cellResults {
            try StudySharedFile(configuration: StudySharedFile.configurationFingerprint(config), teacher: teacher,
                                pseudoLabels: labels).save(directory: cellResults)
        }

        var results = try cells.map { try committed[$0]?.result ?? recordedResult($0) }
        try summary(teacher: teacher, labels: labels, cells: results).write(to: directory)
        // Every cell goes through its stages, which are reused only when their fingerprints match;
        // a committed cell is read back instead.
        for (i, cell) in cells.enumerated() {
            if committed[cell] != nil {
                reporter.line("\(cell.name): committed in \(cellResults?.path ?? ""), read back")
                continue
            }
            results[i] = try await runCell(cell, splits: splits, teacher: teacher, labels: labels)
            if let cellResults, results[i].done {
                try commit(cell, result: results[i], to: cellResults)
            }
            try summary(teacher: teacher, labels: labels, cells: results).write(to: directory)
        }
        return summary(teacher: teacher, labels: labels, cells: results)
    }

    /// The cells whose committed files hold this configuration (none without `cellResults`).
    func committedCells(_ cells: [StudyCell]) throws -> [StudyCell: StudyCellFile] {
        guard let cellResults else { return [:] }
        var found: [StudyCell: StudyCellFile] = [:]
        for cell in cells {
            let fingerprint = try StudyCellFile.configurationFingerprint(config, cell: cell)
            if let file = try StudyCellFile.load(directory: cellResults, cell: cell, configuration: fingerprint) {
                found[cell] = file
            }
        }
        return found
    }

    /// Writes a finished cell's file: its result and its stage records.
    func commit(_ cell: StudyCell, result: StudyResults.CellResult, to cellResults: URL) throws {
        let url = directory.appendingPathComponent(Self.cellDirectory(cell)).appendingPathComponent("pipeline.json")
        let stages = try PipelineState.load(from: url).stages
        try StudyCellFile(cell: cell, configuration: StudyCellFile.configurationFingerprint(config, cell: cell), result: result,
                          stages: stages, finishedAt: Date()).save(directory: cellResults)
    }

    func summary(teacher: StageRecord, labels: StageRecord?, cells: [StudyResults.CellResult]) -> StudyResults {
        StudyResults(teacher: teacher, pseudoLabels: labels, poolFractions: config.poolFractions, students: config.students,
                     seeds: config.seeds, cells: cells)
    }

    /// The pipeline configuration of one cell: its own directory and student seed.
    func cellConfig(_ cell: StudyCell) -> PipelineConfig {
        var c = config.pipeline
        c.runsDirectory = directory.appendingPathComponent(Self.cellDirectory(cell)).path
        c.student.seed = cell.seed
        c.fineTune?.seed = cell.seed
        c.poolFraction = 1
        return c
    }

    /// The name of a cell's final stage: the fine-tuned student when fine-tuning is on.
    var finalStage: String { config.pipeline.fineTune == nil ? "student" : "finetune" }

    /// What a cell's state file says about it (not done when there is none).
    func recordedResult(_ cell: StudyCell) throws -> StudyResults.CellResult {
        let url = directory.appendingPathComponent(Self.cellDirectory(cell)).appendingPathComponent("pipeline.json")
        let state = try PipelineState.load(from: url)
        var result = StudyResults.CellResult(cell: cell, done: false, directory: Self.cellDirectory(cell))
        guard let final = state.stage(finalStage), final.status == .done else { return result }
        let student = state.stage("student") ?? final
        result.done = true
        result.parameters = final.parameters
        result.pseudoLabeledTracks = student.selection?.selected ?? 0
        result.trainingExamples = student.trainingExamples
        result.testMetrics = final.testMetrics
        result.seconds = state.stages.compactMap(\.seconds).reduce(0, +)
        return result
    }

    func runCell(_ cell: StudyCell, splits: NoisyStudentPipeline.Splits, teacher: StageRecord,
                 labels: StageRecord?) async throws -> StudyResults.CellResult {
        let c = cellConfig(cell)
        let pipeline = try NoisyStudentPipeline(config: c, data: data, reporter: reporter)
        pipeline.outOfDomain = splits.outOfDomain
        var pseudo: [LabeledTrack] = []
        var selection: PseudoLabelSelection.Summary?
        if cell.poolFraction > 0, let labels {
            let pool = NoisyStudentPipeline.subsample(splits.pool, fraction: cell.poolFraction, seed: config.pipeline.seed)
            (pseudo, selection) = try pipeline.selectPseudo(labels, tasks: splits.tasks, pool: pool)
        }
        let mixed = NoisyStudentPipeline.mix(labeled: splits.train, pseudo: pseudo, ratio: c.pseudoRatio)
        reporter.line("\(cell.name): \(pseudo.count) pseudo-labeled and \(splits.train.count) labeled tracks → \(mixed.count) examples per epoch")
        var trainer = c.student
        if let alpha = c.schedule.budgetExponent {
            // The grid's sizes get the pipeline's budget rule, so a larger student is not starved.
            trainer.epochs = try KnowledgeExpansionSchedule.budgetEpochs(c.student.epochs, student: cell.student,
                                                                         teacher: c.schedule.teacher, exponent: alpha,
                                                                         tasks: splits.tasks, variant: c.schedule.variant)
        }
        // A cell's student starts as the pipeline's round-1 student would: `schedule.student_starts`
        // is read per student preset here (the grid's size axis), so that a larger student can
        // start where its teacher is (grown) instead of from scratch.
        let index = config.students.firstIndex(of: cell.student) ?? 0
        let mode = c.schedule.start(ofRound: index + 1, teacherPreset: teacher.preset ?? c.schedule.teacher,
                                    initializeFromTeacher: c.initializeStudentsFromTeacher)
        let student = try await pipeline.trainedStage(
            name: "student", kind: .student, preset: cell.student, noise: c.studentNoise, tasks: splits.tasks,
            train: mixed, valid: splits.valid, test: splits.test, parent: labels ?? teacher,
            trainer: trainer, studentNoise: try c.studentInputNoise(tasks: splits.tasks), selection: selection,
            initialCheckpoint: mode == .teacher ? teacher.checkpoint : nil, grownFrom: mode == .grown ? teacher.checkpoint : nil)
        if let fineTune = c.fineTune {
            _ = try await pipeline.trainedStage(
                name: "finetune", kind: .student, preset: cell.student, noise: c.studentNoise, tasks: splits.tasks,
                train: splits.train, valid: splits.valid, test: splits.test, parent: student,
                trainer: fineTune, studentNoise: nil, initialCheckpoint: student.checkpoint)
        }
        if pipeline.ranStages.isEmpty { reporter.line("\(cell.name): done, inputs unchanged, reusing") }
        return try recordedResult(cell)
    }
}
