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

    @Option(parsing: .upToNextOption,
            help: "Run the whole pipeline once per seed (in <runs_directory>/seed-<seed>) and summarise each stage's test metrics as mean ± standard deviation.")
    var seeds: [UInt64] = []

    @Option(help: ArgumentHelp("Rerun this stage and every stage after it, even where inputs are unchanged (e.g. teacher, round1-pseudo-labels, round1-student).",
                               valueName: "stage"))
    var force: String?

    @Option(name: .customLong("cell-results"),
            help: ArgumentHelp("With --seeds: write each finished seed's results to DIR/seed-<n>.json (small, meant to be committed) and read back, instead of running, a seed whose file is there for the same configuration.",
                               valueName: "dir"))
    var cellResults: String?

    @Flag(help: "Also write the HTML report of the run to <runs_directory>/report.html.")
    var report = false

    func run() async throws {
        try TensorMemory.enableCaching()
        // The pipeline's stages run in one process; N copies would race on the same runs.
        if try DistributedEnvironment().isDistributed {
            throw ValidationError("the pipeline runs in one process; under launch/torchrun/Slurm run its stages instead: crescendo train, crescendo pseudo-label (docs/DISTRIBUTED.md)")
        }
        if cellResults != nil, seeds.isEmpty { throw ValidationError("--cell-results needs --seeds") }
        let config = try ConfigLoader.load(PipelineConfig.self, from: URL(fileURLWithPath: config), overrides: overrides)
        try config.validate()
        Runtime.threads = config.teacher.threads
        let data = try CatalogPipelineData(catalogPath: config.catalog, poolSplit: config.splits.pool,
                                           splitSet: config.splits.splitSet)
        let resultsURL = URL(fileURLWithPath: results ?? URL(fileURLWithPath: config.runsDirectory).appendingPathComponent("results.json").path)
        guard !seeds.isEmpty else {
            let pipeline = try NoisyStudentPipeline(config: config, data: data)
            pipeline.force = force
            let state = try await pipeline.run()
            let table = ResultsTable(state: state, peers: try PeerResult.load(runsDirectory: config.runsDirectory))
            print(table.text)
            try table.json().write(to: resultsURL, options: .atomic)
            print("results: \(resultsURL.path)")
            try writeReport(runsDirectory: config.runsDirectory)
            return
        }
        var states: [(seed: UInt64, state: PipelineState)] = []
        let cellDirectory = cellResults.map { URL(fileURLWithPath: $0) }
        let configuration = try SeedResultFile.configurationFingerprint(config)
        for seed in seeds {
            let seeded = config.seeded(seed)
            if let cellDirectory, force == nil,
               let recorded = try SeedResultFile.load(directory: cellDirectory, seed: seed, configuration: configuration) {
                print("seed \(seed): results recorded in \(SeedResultFile.url(directory: cellDirectory, seed: seed).path), not rerun")
                states.append((seed, recorded.state))
                continue
            }
            print("seed \(seed): \(seeded.runsDirectory)")
            let started = Date()
            let pipeline = try NoisyStudentPipeline(config: seeded, data: data)
            pipeline.force = force
            let state = try await pipeline.run()
            let table = ResultsTable(state: state)
            print(table.text)
            try table.json().write(to: URL(fileURLWithPath: seeded.runsDirectory).appendingPathComponent("results.json"),
                                   options: .atomic)
            try writeReport(runsDirectory: seeded.runsDirectory)
            states.append((seed, state))
            if let cellDirectory {
                try SeedResultFile(seed: seed, configuration: configuration, stages: state.stages, finishedAt: Date(),
                                   seconds: Date().timeIntervalSince(started)).save(directory: cellDirectory)
                print("seed \(seed): results in \(SeedResultFile.url(directory: cellDirectory, seed: seed).path) (commit them)")
            }
        }
        let summary = SeedSummary(states: states)
        print(SeedSummaryTable(summary: summary, peers: try PeerResult.load(runsDirectory: config.runsDirectory)).text)
        try summary.save(to: resultsURL)
        print("results over seeds \(seeds.map(String.init).joined(separator: ", ")): \(resultsURL.path)")
    }

    /// With `--report`: the run's HTML report in its runs directory.
    func writeReport(runsDirectory: String) throws {
        guard report else { return }
        let html = URL(fileURLWithPath: runsDirectory).appendingPathComponent("report.html")
        try RunReport.write(directory: URL(fileURLWithPath: runsDirectory), to: html)
        print("report: \(html.path)")
    }
}

/// Mean ± standard deviation over seeds of each trained stage, in the results table's columns:
/// the in-domain test split, then the out-of-domain one when the pipeline has it.
struct SeedSummaryTable {
    let summary: SeedSummary
    var peers: [PeerResult] = []

    var text: String {
        let available = Set(summary.stages.flatMap { $0.mean.keys })
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: Swift.max(n, s.count + 1), withPad: " ", startingAt: 0) }
        var lines: [String] = []
        for (title, prefix) in ResultsTable.blocks(available) {
            let names = ResultsTable.columns(available, prefix: prefix)
            lines.append(title)
            lines.append(pad("stage", 22) + pad("model", 11) + pad("seeds", 7) + names.map { pad($0.1, 18) }.joined())
            for stage in summary.stages {
                var line = pad(stage.name, 22) + pad(stage.preset?.rawValue ?? "?", 11) + pad("\(stage.seeds.count)", 7)
                for (key, _) in names {
                    let cell = stage.mean[key].map { m in
                        String(format: "%.3f ± %.3f", m, stage.standardDeviation[key] ?? 0)
                    } ?? "—"
                    line += pad(cell, 18)
                }
                lines.append(line)
            }
            for d in summary.differences ?? [] {
                var line = pad("\(d.stage) − \(d.baseline)", 33) + pad("\(d.seeds.count)", 7)
                for (key, _) in names {
                    line += pad(d.mean[key].map { String(format: "%+.3f ± %.3f", $0, d.standardDeviation[key] ?? 0) } ?? "—", 18)
                }
                lines.append(line)
            }
            for peer in peers where names.contains(where: { peer.metrics[$0.0] != nil }) {
                var line = pad("peer: \(peer.name)", 40)
                for (key, _) in names { line += pad(peer.metrics[key].map { String(format: "%.3f", $0) } ?? "—", 18) }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Teacher versus each student on the test split, and on the out-of-domain test split when the
/// pipeline has one (its metrics carry the `ood/` prefix).
struct ResultsTable {
    let state: PipelineState
    /// Other systems' results on the same splits (`PeerResult.load`), printed as extra rows.
    var peers: [PeerResult] = []

    static let headline: [(String, String)] = [
        ("key/weighted_score", "key weighted"), ("key/accuracy", "key acc"),
        ("instruments/roc_auc_macro", "inst ROC-AUC"), ("instruments/pr_auc_macro", "inst PR-AUC"),
    ]

    /// The blocks to print: in-domain always, out-of-domain when any metric has its prefix.
    static func blocks(_ available: Set<String>) -> [(title: String, prefix: String)] {
        let ood = NoisyStudentPipeline.outOfDomainPrefix
        var blocks = [("test split (in-domain)", "")]
        if available.contains(where: { $0.hasPrefix(ood) }) { blocks.append(("out-of-domain test split", ood)) }
        return blocks
    }

    /// A block's metric columns (full keys and titles): the demo's four when present, otherwise
    /// every metric of the block.
    static func columns(_ available: Set<String>, prefix: String) -> [(String, String)] {
        let ood = NoisyStudentPipeline.outOfDomainPrefix
        let preferred = headline.map { (prefix + $0.0, $0.1) }.filter { available.contains($0.0) }
        guard preferred.isEmpty else { return preferred }
        let own = available.filter { prefix.isEmpty ? !$0.hasPrefix(ood) : $0.hasPrefix(prefix) }
        return own.sorted().map { ($0, String($0.dropFirst(prefix.count))) }
    }

    var trained: [StageRecord] { state.stages.filter { $0.kind != .pseudoLabel && $0.status == .done } }

    var text: String {
        let available = Set(trained.flatMap { $0.testMetrics.keys })
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: Swift.max(n, s.count + 1), withPad: " ", startingAt: 0) }
        var lines: [String] = []
        for (title, prefix) in Self.blocks(available) {
            let names = Self.columns(available, prefix: prefix)
            lines.append(title)
            lines.append(pad("stage", 22) + pad("model", 11) + pad("params", 12) + names.map { pad($0.1, 14) }.joined() + "clips")
            for stage in trained {
                var line = pad(stage.name, 22) + pad(stage.preset?.rawValue ?? "?", 11)
                line += pad(stage.parameters.map { String(format: "%.2fM", Double($0) / 1e6) } ?? "?", 12)
                for (key, _) in names { line += pad(stage.testMetrics[key].map { String(format: "%.4f", $0) } ?? "—", 14) }
                lines.append(line + Self.clips(stage.evaluatedClips?[prefix.isEmpty ? "test" : "out_of_domain"]))
            }
            for peer in peers where names.contains(where: { peer.metrics[$0.0] != nil }) {
                var line = pad("peer: \(peer.name)", 45)
                for (key, _) in names { line += pad(peer.metrics[key].map { String(format: "%.4f", $0) } ?? "—", 14) }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// On how many clips a block's metrics were computed, and how many could not be read.
    static func clips(_ count: ClipCount?) -> String {
        guard let count else { return "?" }
        return count.failed == 0 ? "\(count.clips)" : "\(count.clips) (\(count.failed) failed)"
    }

    func json() throws -> Data {
        let rows: [[String: Any]] = trained.map { stage in
            var row: [String: Any] = ["stage": stage.name, "model": stage.preset?.rawValue ?? "", "run_id": stage.runId]
            if let p = stage.parameters { row["parameters"] = p }
            if let counts = stage.evaluatedClips {
                row["evaluated_clips"] = counts.mapValues { ["n_clips": $0.clips, "n_failed": $0.failed] }
            }
            row["test"] = stage.testMetrics
            row["valid"] = stage.validMetrics
            return row
        }
        let peerRows: [[String: Any]] = peers.map { ["name": $0.name, "test": $0.metrics] }
        return try JSONSerialization.data(withJSONObject: ["stages": rows, "peers": peerRows], options: [.prettyPrinted, .sortedKeys])
    }
}

/// Another system's metrics on the pipeline's test splits (a DSP key finder, say), read from
/// `<runs_directory>/peers.json`: `[{"name": …, "metrics": {"key/weighted_score": …,
/// "ood/key/weighted_score": …}}]`, metric names as the pipeline's. Written by the demo from
/// tools/key_peers; absent for runs without peers.
struct PeerResult: Decodable {
    var name: String
    var metrics: [String: Double]

    static func load(runsDirectory: String) throws -> [PeerResult] {
        let url = URL(fileURLWithPath: runsDirectory).appendingPathComponent("peers.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        do {
            return try JSONDecoder().decode([PeerResult].self, from: data)
        } catch {
            throw ValidationError("\(url.path): not a list of {name, metrics} peer results (\(error))")
        }
    }
}
