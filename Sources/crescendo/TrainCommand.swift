import ArgumentParser
import Foundation
import Models
import Torch
import Training

/// Trains a model on a catalog's labeled split (a teacher).
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on labeled data from a catalog; --resume continues a stopped run exactly.")

    @Option(help: "YAML configuration (catalog, run_directory, tasks, model, trainer).")
    var config: String

    @Option(name: .customLong("set"), help: "Override a configuration key, e.g. --set trainer.epochs=3 (repeatable).")
    var overrides: [String] = []

    @Flag(help: "Continue from the run's latest checkpoint.")
    var resume = false

    @OptionGroup var placement: DeviceOption

    func run() async throws {
        try TensorMemory.enableCaching()
        // Every configuration error surfaces before any work.
        var run = try ConfigLoader.load(TrainingRunConfig.self, from: URL(fileURLWithPath: config), overrides: overrides)
        try run.trainer.validate()
        // Under `crescendo launch`, torchrun or Slurm: data-parallel over the job's ranks.
        let environment = try DistributedEnvironment()
        let device = try placement.resolve(configured: run.trainer.device, key: "trainer.device", environment: environment)
        run.trainer.device = device
        let data = try CatalogData(path: run.catalog)
        let tasks = try data.tasks(named: run.tasks)
        let train = try data.labeledTracks(split: run.trainSplit, splitSet: run.splitSet, tasks: tasks)
        let valid = try data.labeledTracks(split: run.validSplit, splitSet: run.splitSet, tasks: tasks)
        guard !train.isEmpty else { throw ValidationError("split \(run.trainSplit) of \(run.catalog) has no labeled tracks") }
        let directory = URL(fileURLWithPath: run.runDirectory)
        let backend = DeviceSelection.distributedBackend(for: device)
        let group = environment.isDistributed ? try environment.connect(backend: backend) : nil
        if environment.isPrimary {
            try RunManifest(catalog: run.catalog, tasks: run.tasks, splitSet: run.splitSet).save(in: directory)
        }
        manualSeed(run.trainer.seed)
        let description = ModelDescription(preset: run.model.preset, variant: run.model.variant ?? .standard, tasks: tasks,
                                           noise: run.model.noise)
        let model = try description.build(device: device, generator: Generator(seed: run.trainer.seed))
        let trainer = try Trainer(model: model, description: description, train: train, valid: valid, config: run.trainer,
                                  runDirectory: directory, group: group)
        if let group { trainer.reporter.line("data-parallel over \(group.worldSize) ranks (\(environment.source.rawValue) variables, \(backend.rawValue)); global batch \(run.trainer.batchSize)") }
        trainer.reporter.line("training \(run.model.preset.rawValue) (\(model.parameterCount) parameters) on \(train.count) tracks, validating on \(valid.count), on \(device)")
        let result = try await trainer.fit(resume: resume)
        trainer.reporter.line("best epoch \(result.state.bestEpoch ?? 0): " + result.bestMetrics.sorted { $0.key < $1.key }
            .map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  "))
        trainer.reporter.line("checkpoints: \(result.bestCheckpoint.path), \(result.latestCheckpoint.path)")
    }
}

/// Evaluates a trained run on a split with full-track inference.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Evaluate a run's best checkpoint on a split (full tracks).")

    @Argument(help: "The run directory.")
    var run: String

    @Option(help: "The split to evaluate on.")
    var split = "test"

    @Option(help: "Chunk hop as a fraction of the model input (1: no overlap; default: the run's, else 1).")
    var hop: Double?

    @Option(help: ArgumentHelp(
        "How the chunks' outputs become the track's: mean, max or log_mean (default: the run's, else mean).",
        discussion: "A pipeline stage records its configuration's inference section, so by default evaluate gives the figures the pipeline reported. log_mean takes the normalised geometric mean for multi-class tasks and the mean for the others; max says a tag holds if it holds anywhere in the track."))
    var aggregation: ChunkAggregation?

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Intra-op threads.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var placement: DeviceOption

    func run() async throws {
        Runtime.threads = threads
        let device = try placement.resolve()
        let directory = URL(fileURLWithPath: run)
        let manifest = try RunManifest.load(from: directory)
        let contents = try Checkpoint.load(from: RunLocation.checkpoint(run))
        let model = try contents.model(device: device)
        let data = try CatalogData(path: manifest.catalog)
        let tracks = try data.labeledTracks(split: split, splitSet: manifest.splitSet, tasks: contents.description.tasks)
        guard !tracks.isEmpty else { throw ValidationError("split \(split) has no labeled tracks") }
        let options = FullTrackOptions.resolved(recorded: manifest.inference, hop: hop, aggregation: aggregation)
        let metrics = try await FullTrackEvaluation(options: options).evaluate(model, tracks: tracks, tasks: contents.description.tasks)
        if json {
            var object: [String: Any] = ["run": run, "split": split, "tracks": tracks.count,
                                         "aggregation": options.aggregation.rawValue, "hop": options.hopFraction]
            for (k, v) in metrics.metrics { object[k] = v }
            object["failed"] = metrics.failures
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("\(run) on \(split) (\(tracks.count) tracks, full-track, \(options.aggregation.rawValue) of chunks at hop \(options.hopFraction)):")
            for (k, v) in metrics.metrics.sorted(by: { $0.key < $1.key }) { print("  \(k.padding(toLength: 32, withPad: " ", startingAt: 0)) \(String(format: "%.4f", v))") }
            for (path, message) in metrics.failures.sorted(by: { $0.key < $1.key }) { print("  skipped \(path): \(message)") }
        }
    }
}
