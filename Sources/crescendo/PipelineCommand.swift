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

    @Option(name: .customLong("set"), help: "Override a configuration key, e.g. --set teacher.epochs=4 (repeatable).")
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

    @OptionGroup var placement: DeviceOption

    func run() async throws {
        try TensorMemory.enableCaching()
        if cellResults != nil, seeds.isEmpty { throw ValidationError("--cell-results needs --seeds") }
        var config = try ConfigLoader.load(PipelineConfig.self, from: URL(fileURLWithPath: config), overrides: overrides)
        try config.validate()
        let ignored = config.ignoredOverrides(overrides)
        guard ignored.isEmpty else { throw ValidationError(ignored.joined(separator: "\n")) }
        // Under `crescendo launch`, torchrun or Slurm: data-parallel training and sharded
        // labelling over the job's ranks; rank 0 alone writes the state, the catalog and the results.
        let environment = try DistributedEnvironment()
        config.device = try placement.resolve(configured: config.device, key: "device", environment: environment)
        Runtime.threads = config.teacher.threads
        let ranks = environment.isDistributed
            ? PipelineRanks(group: try environment.connect(backend: DeviceSelection.distributedBackend(for: config.device ?? .cpu)))
            : nil
        // Rank 0 opens (and, where it is older, migrates) the catalog before the others read it.
        func openCatalog() throws -> CatalogPipelineData {
            try CatalogPipelineData(catalogPath: config.catalog, poolSplit: config.splits.pool, splitSet: config.splits.splitSet)
        }
        let opened = environment.isPrimary ? try openCatalog() : nil
        try ranks?.group.barrier()
        let data = try opened ?? openCatalog()
        let primary = environment.isPrimary
        if let ranks, primary {
            print("pipeline: \(ranks.count) ranks (\(environment.source.rawValue) variables); rank 0 writes the state, the catalog and the results")
        }
        let resultsURL = URL(fileURLWithPath: results ?? URL(fileURLWithPath: config.runsDirectory).appendingPathComponent("results.json").path)
        guard !seeds.isEmpty else {
            let pipeline = try NoisyStudentPipeline(config: config, data: data, ranks: ranks)
            pipeline.force = force
            let state = try await pipeline.run()
            guard primary else { return try await ranks?.finish() ?? () }
            let table = ResultsTable(state: state, peers: try PeerResult.load(runsDirectory: config.runsDirectory))
            print(table.text)
            try table.json().write(to: resultsURL, options: .atomic)
            print("results: \(resultsURL.path)")
            try writeReport(runsDirectory: config.runsDirectory)
            try await ranks?.finish()
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
            if primary { print("seed \(seed): \(seeded.runsDirectory)") }
            let started = Date()
            let pipeline = try NoisyStudentPipeline(config: seeded, data: data, ranks: ranks)
            pipeline.force = force
            let state = try await pipeline.run()
            guard primary else { continue }
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
        guard primary else { return try await ranks?.finish() ?? () }
        let summary = SeedSummary(states: states, selectionMetric: config.student.selectionMetric)
        print(SeedSummaryTable(summary: summary, peers: try PeerResult.load(runsDirectory: config.runsDirectory)).text)
        try summary.save(to: resultsURL)
        print("results over seeds \(seeds.map(String.init).joined(separator: ", ")): \(resultsURL.path)")
        try await ranks?.finish()
    }

    /// With `--report`: the run's HTML report in its runs directory.
    func writeReport(runsDirectory: String) throws {
        guard report else { return }
        let html = URL(fileURLWithPath: runsDirectory).appendingPathComponent("report.html")
        try RunReport.write(directory: URL(fileURLWithPath: runsDirectory), to: html)
        print("report: \(html.path)")
    }
}
