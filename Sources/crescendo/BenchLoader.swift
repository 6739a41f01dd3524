import ArgumentParser
import Foundation
import Models
import Torch
import Training

/// Loader throughput against training throughput: the model, not the loader, should be the bottleneck.
struct BenchLoader: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loader",
        abstract: "Clips per second the data loader delivers versus clips per second a model trains on (JSON lines).")

    @Option(help: "Catalog with the labeled tracks.")
    var catalog: String

    @Option(help: "Comma-separated task names.")
    var tasks: String

    @Option(help: "Split to load.")
    var split = "train"

    @Option(help: "Model preset to train.")
    var preset = "resnet-s"

    @Option(help: "Batch size.")
    var batch = 16

    @Option(help: "Batches measured for each side.")
    var batches = 8

    @Option(help: "Intra-op threads for training.")
    var threads = 2

    func run() async throws {
        Runtime.threads = threads
        let data = try CatalogData(path: catalog)
        let specs = try data.tasks(named: tasks.split(separator: ",").map(String.init))
        let tracks = try data.labeledTracks(split: split, tasks: specs)
        let model = try ModelPreset(parsing: preset).build(tasks: specs, generator: Generator(seed: 0))
        let loader = try ClipLoader(tracks: tracks, tasks: specs, config: ClipLoaderConfig(
            batchSize: batch, clipSamples: model.clipSamples, sampleRate: model.sampleRate, seed: 1))
        // Loader alone: decode + crop + resample + batch assembly, with its prefetching.
        var loaded = 0
        var first: Batch?
        let loadStart = DispatchTime.now().uptimeNanoseconds
        for try await b in loader.batches(epoch: 0) {
            loaded += 1
            if first == nil { first = b }
            if loaded == batches { break }
        }
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        guard let sample = first else { throw ValidationError("split \(split) gave no batch") }
        // Training alone, on an already loaded batch: forward, loss, backward, AdamW.
        let loss = MultiTaskLoss(tasks: specs)
        var optimizer = try Adam.adamW(parameters: model.trainableParameters(), learningRate: 1e-4)
        model.train()
        func step() throws {
            try optimizer.zeroGrad()
            try loss(model(sample.waveforms), sample).total.backward()
            try optimizer.step()
        }
        try step()
        let trainStart = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<batches { try step() }
        let trainSeconds = Double(DispatchTime.now().uptimeNanoseconds - trainStart) / 1e9
        let loaderRate = Double(loaded * batch) / loadSeconds
        let trainRate = Double(batches * batch) / trainSeconds
        emit(["name": "loader_clips_per_s", "value": round3(loaderRate), "batch": batch, "batches": loaded])
        emit(["name": "train_clips_per_s", "value": round3(trainRate), "preset": preset, "batch": batch, "threads": threads])
        emit(["name": "loader_vs_training", "value": round3(loaderRate / trainRate),
              "meaning": "clips/s the loader delivers ÷ clips/s training consumes (goal ≥ 3)"])
    }
}
