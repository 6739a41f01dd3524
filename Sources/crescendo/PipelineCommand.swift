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

    @OptionGroup var placement: DeviceOption

    func run() async throws {
        try TensorMemory.enableCaching()
        // The pipeline's stages run in one process; N copies would race on the same runs.
        if try DistributedEnvironment().isDistributed {
            throw ValidationError("the pipeline runs in one process; under launch/torchrun/Slurm run its stages instead: crescendo train, crescendo pseudo-label (docs/DISTRIBUTED.md)")
        }
        if cellResults != nil, seeds.isEmpty { throw ValidationError("--cell-results needs --seeds") }
        var config = try ConfigLoader.load(PipelineConfig.self, from: URL(fileURLWithPath: config), overrides: overrides)
        try config.validate()
        config.device = try placement.resolve(configured: config.device, key: "device")
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
