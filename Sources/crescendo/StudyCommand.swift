import ArgumentParser
import Foundation
import NoisyStudent
import Torch
import Training

/// Pool fractions × student presets × seeds of noisy students from one teacher, resumable cell by cell.
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run (or resume) a scaling study: noisy students over pool fractions × student presets × seeds.")

    @Option(help: "YAML configuration: a pipeline configuration plus study: {pool_fractions: [...], seeds: [...]}.")
    var config: String

    @Option(name: .customLong("set"), help: "Override a configuration key, e.g. --set student.epochs=4 (repeatable).")
    var overrides: [String] = []

    @Option(name: .customLong("cell-results"),
            help: ArgumentHelp("Write each finished cell to DIR/<cell>.json and the teacher and labels to DIR/shared.json (small, meant to be committed); a cell whose file is there for the same configuration is read back, not trained.",
                               valueName: "dir"))
    var cellResults: String?

    @OptionGroup var placement: DeviceOption

    func run() async throws {
        try TensorMemory.enableCaching()
        var config = try ConfigLoader.load(StudyConfig.self, from: URL(fileURLWithPath: config), overrides: overrides)
        try config.validate()
        config.pipeline.device = try placement.resolve(configured: config.pipeline.device, key: "device")
        Runtime.threads = config.pipeline.teacher.threads
        let p = config.pipeline
        let data = try CatalogPipelineData(catalogPath: p.catalog, poolSplit: p.splits.pool, splitSet: p.splits.splitSet)
        let study = try ScalingStudy(config: config, data: data)
        study.cellResults = cellResults.map { URL(fileURLWithPath: $0) }
        let results = try await study.run()
        print(results.csv(), terminator: "")
        let directory = URL(fileURLWithPath: p.runsDirectory)
        print("results: \(directory.appendingPathComponent(StudyResults.jsonName).path)")
        print("results: \(directory.appendingPathComponent(StudyResults.csvName).path)")
    }
}
