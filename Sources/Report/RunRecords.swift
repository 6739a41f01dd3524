import Foundation
import NoisyStudent

/// What a run or study directory holds, read once: the pipeline's stages (`pipeline.json`),
/// each trained stage's history (`<stage>/metrics.jsonl`), and for a study its results
/// (`study-results.json`) with every cell's stages and histories (`cells/<cell>/…`).
public struct RunRecords: Sendable {
    public var directory: URL
    public var state: PipelineState
    public var histories: [String: TrainingHistory]
    public var study: StudyResults?
    /// Per cell directory (relative): the cell's stages and its student's history.
    public var cellStates: [String: PipelineState]
    public var cellHistories: [String: TrainingHistory]

    /// Records assembled in memory (tests); ``load(_:)`` reads them from a directory.
    public init(directory: URL, state: PipelineState, histories: [String: TrainingHistory] = [:], study: StudyResults? = nil,
                cellStates: [String: PipelineState] = [:], cellHistories: [String: TrainingHistory] = [:]) {
        self.directory = directory
        self.state = state
        self.histories = histories
        self.study = study
        self.cellStates = cellStates
        self.cellHistories = cellHistories
    }

    /// Reads a pipeline run directory or a study directory.
    public static func load(_ directory: URL) throws -> RunRecords {
        let fm = FileManager.default
        let stateURL = directory.appendingPathComponent("pipeline.json")
        guard fm.fileExists(atPath: stateURL.path) else { throw ReportError.notARun(path: directory.path) }
        let state = try decodeState(stateURL)
        var records = RunRecords(directory: directory, state: state)
        for stage in state.stages where stage.kind != .pseudoLabel {
            records.histories[stage.name] = try TrainingHistory.load(
                from: directory.appendingPathComponent(stage.name).appendingPathComponent("metrics.jsonl"))
        }
        let resultsURL = directory.appendingPathComponent(StudyResults.jsonName)
        if fm.fileExists(atPath: resultsURL.path) {
            do { records.study = try StudyResults.load(from: directory) } catch {
                throw ReportError.unreadable(path: resultsURL.path, reason: "\(error)")
            }
            for cell in records.study?.cells ?? [] {
                let cellDir = directory.appendingPathComponent(cell.directory)
                let cellState = cellDir.appendingPathComponent("pipeline.json")
                guard fm.fileExists(atPath: cellState.path) else { continue }
                records.cellStates[cell.directory] = try decodeState(cellState)
                records.cellHistories[cell.directory] = try TrainingHistory.load(
                    from: cellDir.appendingPathComponent("student").appendingPathComponent("metrics.jsonl"))
            }
        }
        return records
    }

    static func decodeState(_ url: URL) throws -> PipelineState {
        do { return try PipelineState.load(from: url) } catch {
            throw ReportError.unreadable(path: url.path, reason: "\(error)")
        }
    }
}
