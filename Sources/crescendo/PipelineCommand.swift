import ArgumentParser
import Foundation
import NoisyStudent
import Report
import Torch
import Training

/// Teacher → (pseudo-label → noisy student) × rounds, resumable, with the results table.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run (or resume) a noisy-student pipeline with knowledge expansion; print and save the results table.")

    @Option(help: "YAML configuration (catalog, runs_directory, tasks, schedule, teacher, student, …).")
    var config: String

    @Option(name: .customLong("set"), help: "Override a configuration key, e.g. --set student.epochs=4 (repeatable).")
    var overrides: [String] = []

    @Option(help: "Where to write the results table as JSON (default: <runs_directory>/results.json).")
    var results: String?

    @Flag(help: "Also write the HTML report of the run to <runs_directory>/report.html.")
    var report = false

    func run() async throws {
        let config = try ConfigLoader.load(PipelineConfig.self, from: URL(fileURLWithPath: config), overrides: overrides)
        try config.validate()
        Runtime.threads = config.teacher.threads
        let data = try CatalogPipelineData(catalogPath: config.catalog, poolSplit: config.splits.pool,
                                           splitSet: config.splits.splitSet)
        let pipeline = try NoisyStudentPipeline(config: config, data: data)
        let state = try await pipeline.run()
        let table = ResultsTable(state: state)
        print(table.text)
        let url = URL(fileURLWithPath: results ?? URL(fileURLWithPath: config.runsDirectory).appendingPathComponent("results.json").path)
        try table.json().write(to: url, options: .atomic)
        print("results: \(url.path)")
        if report {
            let html = URL(fileURLWithPath: config.runsDirectory).appendingPathComponent("report.html")
            try RunReport.write(directory: URL(fileURLWithPath: config.runsDirectory), to: html)
            print("report: \(html.path)")
        }
    }
}

/// Teacher versus each student on the test split.
struct ResultsTable {
    let state: PipelineState

    static let columns: [(String, String)] = [
        ("key/weighted_score", "key weighted"), ("key/accuracy", "key acc"),
        ("instruments/roc_auc_macro", "inst ROC-AUC"), ("instruments/pr_auc_macro", "inst PR-AUC"),
    ]

    var trained: [StageRecord] { state.stages.filter { $0.kind != .pseudoLabel && $0.status == .done } }

    /// The metric columns: the demo's four when present, otherwise every test metric.
    var metricNames: [(String, String)] {
        let available = Set(trained.flatMap { $0.testMetrics.keys })
        let preferred = Self.columns.filter { available.contains($0.0) }
        return preferred.isEmpty ? available.sorted().map { ($0, $0) } : preferred
    }

    var text: String {
        let names = metricNames
        var lines = ["stage".padding(toLength: 22, withPad: " ", startingAt: 0) + "model".padding(toLength: 11, withPad: " ", startingAt: 0)
                     + "params".padding(toLength: 12, withPad: " ", startingAt: 0)
                     + names.map { $0.1.padding(toLength: 14, withPad: " ", startingAt: 0) }.joined()]
        for stage in trained {
            var line = stage.name.padding(toLength: 22, withPad: " ", startingAt: 0)
            line += (stage.preset?.rawValue ?? "?").padding(toLength: 11, withPad: " ", startingAt: 0)
            line += (stage.parameters.map { String(format: "%.2fM", Double($0) / 1e6) } ?? "?").padding(toLength: 12, withPad: " ", startingAt: 0)
            for (key, _) in names {
                line += (stage.testMetrics[key].map { String(format: "%.4f", $0) } ?? "—").padding(toLength: 14, withPad: " ", startingAt: 0)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> Data {
        let rows: [[String: Any]] = trained.map { stage in
            var row: [String: Any] = ["stage": stage.name, "model": stage.preset?.rawValue ?? "", "run_id": stage.runId]
            if let p = stage.parameters { row["parameters"] = p }
            row["test"] = stage.testMetrics
            row["valid"] = stage.validMetrics
            return row
        }
        return try JSONSerialization.data(withJSONObject: ["stages": rows], options: [.prettyPrinted, .sortedKeys])
    }
}
