import Foundation
import Models
import MusicTasks
import NoisyStudent

/// Small run and study directories written from made-up records (no training), shaped as the
/// pipeline and the study write them.
enum SyntheticRuns {
    static let keyClasses = ["C major", "G major", "A minor", "<b>E minor</b>"]

    static func temporaryDirectory(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-report-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func trained(_ name: String, kind: StageRecord.Kind, preset: ModelPreset, runId: Int64, parent: Int64?,
                        parameters: Int, quality: Double) -> StageRecord {
        var r = StageRecord(name: name, kind: kind, status: .done, runId: runId, parentRunId: parent, preset: preset,
                            parameters: parameters, checkpoint: "/nowhere/\(name)/best.safetensors")
        r.testMetrics = ["key/accuracy": quality, "key/weighted_score": quality + 0.1, "instruments/roc_auc_macro": 0.5 + quality / 4]
        r.validMetrics = r.testMetrics
        r.testClassResults = ["key": Dictionary(uniqueKeysWithValues: keyClasses.enumerated().map { ($1, quality * Double($0 + 1) / 4) }),
                              "instruments": ["piano": 0.6, "organ": 0.4 + quality / 10],
                              "ood/instruments": ["piano": 0.5, "organ": 0.3 + quality / 10]]
        r.taskKinds = ["key": .multiClass, "instruments": .multiLabel]
        r.trainingExamples = 100
        r.seconds = 12
        return r
    }

    static func pseudoLabels(runId: Int64, parent: Int64) -> StageRecord {
        var r = StageRecord(name: "round1-pseudo-labels", kind: .pseudoLabel, status: .done, runId: runId, parentRunId: parent,
                            preset: .resnetXS, labeler: "/nowhere/teacher/best.safetensors")
        var report = PseudoLabelReport()
        report.tracksInPool = 40
        report.labeled = 40
        report.audioSeconds = 3600
        report.wallSeconds = 60
        report.classCounts = ["key": ["C major": 20, "G major": 12, "A minor": 8], "instruments": ["piano": 30, "organ": 5]]
        report.confidenceHistogram = ["key": [0, 2, 10, 12, 8, 4, 2, 1, 1, 0], "instruments": [0, 0, 1, 5, 20, 10, 4, 0, 0, 0]]
        r.pseudoLabelReport = report
        r.poolAgreement = ["key": PseudoLabelAgreement(tracks: 10, agreement: 0.6, measure: "top-class accuracy"),
                           "instruments": PseudoLabelAgreement(tracks: 28, agreement: 0.86, measure: "tag decision accuracy",
                                                               rocAUC: 0.802, prAUC: 0.511)]
        r.poolTrueFrames = ["beats": PoolTruthScores(task: "beats", metrics: ["beats/beat_f_measure": 0.48, "beats/beat_cmlt": 0.34],
                                                     compared: 28)]
        r.seconds = 60
        return r
    }

    /// A metrics log with `epochs` epochs: two training lines and one validation line each.
    static func metricsLog(epochs: Int, start: Double) -> String {
        var lines: [String] = []
        for e in 1...epochs {
            let loss = start / Double(e)
            lines.append("{\"epoch\":\(e),\"event\":\"train\",\"loss\":\(loss + 0.1),\"step\":\(2 * e - 1)}")
            lines.append("{\"epoch\":\(e),\"event\":\"train\",\"loss\":\(loss - 0.1),\"step\":\(2 * e)}")
            lines.append("{\"epoch\":\(e),\"event\":\"validation\",\"loss\":\(loss + 0.3),\"key/accuracy\":\(0.1 * Double(e)),\"key/weighted_score\":\(0.12 * Double(e)),\"step\":\(2 * e)}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func writeLog(_ text: String, stage: String, in dir: URL) throws {
        let stageDir = dir.appendingPathComponent(stage)
        try FileManager.default.createDirectory(at: stageDir, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: stageDir.appendingPathComponent("metrics.jsonl"))
    }

    /// Teacher → pseudo-labels → student, with logs.
    static func pipelineRun() throws -> URL {
        let dir = try temporaryDirectory("run")
        var state = PipelineState()
        state.upsert(trained("teacher", kind: .teacher, preset: .resnetXS, runId: 1, parent: nil, parameters: 763_302, quality: 0.4))
        state.upsert(pseudoLabels(runId: 2, parent: 1))
        var student = trained("round1-student", kind: .student, preset: .resnetS, runId: 3, parent: 2, parameters: 2_100_000, quality: 0.5)
        var selection = PseudoLabelSelection.Summary()
        selection.candidates = 40
        selection.selected = 38
        selection.belowThreshold = 2
        student.selection = selection
        state.upsert(student)
        try state.save(to: dir.appendingPathComponent("pipeline.json"))
        try writeLog(metricsLog(epochs: 6, start: 4), stage: "teacher", in: dir)
        try writeLog(metricsLog(epochs: 5, start: 3), stage: "round1-student", in: dir)
        return dir
    }

    /// A study of 3 pool fractions × 2 students × 2 seeds, one cell unfinished.
    static func study() throws -> URL {
        let dir = try temporaryDirectory("study")
        var state = PipelineState()
        let teacher = trained("teacher", kind: .teacher, preset: .resnetXS, runId: 1, parent: nil, parameters: 763_302, quality: 0.4)
        let labels = pseudoLabels(runId: 2, parent: 1)
        state.upsert(teacher)
        state.upsert(labels)
        try state.save(to: dir.appendingPathComponent("pipeline.json"))
        try writeLog(metricsLog(epochs: 4, start: 4), stage: "teacher", in: dir)
        let fractions = [0.0, 0.5, 1.0], students: [ModelPreset] = [.resnetXS, .resnetS], seeds: [UInt64] = [0, 1]
        var cells: [StudyResults.CellResult] = []
        var runId: Int64 = 3
        for f in fractions {
            for (si, s) in students.enumerated() {
                for seed in seeds {
                    let cell = StudyCell(poolFraction: f, student: s, seed: seed)
                    let directory = "cells/\(cell.name)"
                    let unfinished = f == 1 && s == .resnetS && seed == 1
                    let quality = 0.3 + 0.1 * f + 0.05 * Double(si) + 0.01 * Double(seed)
                    let params = si == 0 ? 763_302 : 2_100_000
                    var record = trained("student", kind: .student, preset: s, runId: runId, parent: 2, parameters: params, quality: quality)
                    runId += 1
                    if unfinished { record.status = .running }
                    var cellState = PipelineState()
                    cellState.upsert(record)
                    try cellState.save(to: dir.appendingPathComponent(directory).appendingPathComponent("pipeline.json"))
                    try writeLog(metricsLog(epochs: 3, start: 3 - f), stage: "\(directory)/student", in: dir)
                    cells.append(StudyResults.CellResult(cell: cell, done: !unfinished, directory: directory,
                                                         parameters: unfinished ? nil : params, pseudoLabeledTracks: Int(40 * f),
                                                         trainingExamples: 100, testMetrics: unfinished ? [:] : record.testMetrics,
                                                         seconds: 30))
                }
            }
        }
        try StudyResults(teacher: teacher, pseudoLabels: labels, poolFractions: fractions, students: students, seeds: seeds,
                         cells: cells).write(to: dir)
        return dir
    }
}
