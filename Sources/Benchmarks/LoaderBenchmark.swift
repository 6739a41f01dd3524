import Foundation
import Models
import Torch
import Training

/// `crescendo bench loader`: clips per second the data loader delivers against clips per second
/// a model trains on; the model, not the loader, should be the bottleneck.
public struct LoaderBenchmark {
    /// The catalog with the labeled tracks.
    public var catalog: String
    public var tasks: [String]
    public var split: String
    public var preset: String
    public var batch: Int
    /// Batches measured for each side.
    public var batches: Int
    /// Intra-op threads for training.
    public var threads: Int

    public init(catalog: String, tasks: [String], split: String, preset: String, batch: Int, batches: Int, threads: Int) {
        self.catalog = catalog
        self.tasks = tasks
        self.split = split
        self.preset = preset
        self.batch = batch
        self.batches = batches
        self.threads = threads
    }

    public func run(output: BenchmarkOutput) async throws {
        Runtime.threads = threads
        let data = try CatalogData(path: catalog)
        let specs = try data.tasks(named: tasks)
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
        guard let sample = first else { throw BenchmarkError.noBatch(split: split) }
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
        output.emit(["name": "loader_clips_per_s", "value": round3(loaderRate), "batch": batch, "batches": loaded])
        output.emit(["name": "train_clips_per_s", "value": round3(trainRate), "preset": preset, "batch": batch, "threads": threads])
        output.emit(["name": "loader_vs_training", "value": round3(loaderRate / trainRate),
                     "meaning": "clips/s the loader delivers ÷ clips/s training consumes (goal ≥ 3)"])
    }
}
