import Foundation
import Models
import NN
import Torch

/// Input noise applied to a training batch (augmentations, mixup); deterministic given the generator.
public protocol BatchNoise: Sendable {
    func apply(to batch: inout Batch, generator: Generator) throws
    /// The same for a model that transposes its own pitch input when `modelTransposesInput`
    /// (`AudioModel.transposesInput`): a key transposition then moves the labels and leaves the
    /// shifts in `batch.pitchShifts` instead of resampling the audio.
    func apply(to batch: inout Batch, generator: Generator, modelTransposesInput: Bool) throws
    /// A spectrogram transform for this batch (SpecAugment), drawing from `generator`; nil for none.
    func spectrogramTransform(generator: Generator) throws -> SpectrogramAugmentationHook?
}

extension BatchNoise {
    public func apply(to batch: inout Batch, generator: Generator, modelTransposesInput: Bool) throws {
        try apply(to: &batch, generator: generator)
    }
}

/// The outcome of `Trainer.fit`.
public struct TrainingResult: Sendable {
    public var state: TrainingState
    /// Validation metrics of the best epoch (the selection metric's best).
    public var bestMetrics: [String: Double]
    public var latestCheckpoint: URL
    public var bestCheckpoint: URL
}

/// Multi-task supervised training with AdamW, warm-up + cosine schedule, clipping, validation
/// each epoch, best/latest checkpoints and early stopping; resumable exactly from its latest
/// checkpoint (weights, optimizer, generator, data position).
///
/// The run lives on `config.device`: the model must be built there, the optimizer's state is
/// made beside its parameters, and each batch is moved there before its input noise. Random
/// draws come from CPU generators (the same on every device); checkpoints hold CPU copies, and
/// a checkpoint written on one device resumes on another.
public final class Trainer {
    public let model: any AudioModel
    public let modelDescription: ModelDescription
    public let config: TrainerConfig
    /// Where the model, its optimizer state and the batches live (`config.device`, or the CPU).
    public let device: Device
    public let runDirectory: URL
    public let trainLoader: ClipLoader
    public let validTracks: [LabeledTrack]
    public var noise: (any BatchNoise)?
    public var reporter: ProgressReporter
    let loss: MultiTaskLoss
    var optimizer: any Optimizer
    public private(set) var state = TrainingState()
    let log: MetricsLog
    /// Stops the process-like run right after this step, as a crash would (tests of resumption).
    var haltAfterStep: Int?
    /// The generator of the model's dropout and drop path: a run's noise depends on its seed
    /// alone, not on what else in the process draws random numbers.
    let noiseGenerator: Generator
    /// The data-parallel group (nil: one process). Every rank runs the same steps on its shard of
    /// each global batch; gradients are averaged, rank 0 alone writes checkpoints and logs.
    public let group: ProcessGroup?
    var isPrimary: Bool { (group?.rank ?? 0) == 0 }
    var rank: Int { group?.rank ?? 0 }
    /// Wall time spent in this process's training steps (data waits included, validation not).
    public private(set) var trainingSeconds = 0.0
    /// Steps this process has trained (resumed steps not counted).
    public private(set) var trainedSteps = 0

    public var latestCheckpoint: URL { runDirectory.appendingPathComponent("checkpoints/latest.safetensors") }
    public var bestCheckpoint: URL { runDirectory.appendingPathComponent("checkpoints/best.safetensors") }

    public init(model: any AudioModel, description: ModelDescription, train: [LabeledTrack], valid: [LabeledTrack],
                config: TrainerConfig, runDirectory: URL, noise: (any BatchNoise)? = nil,
                reporter: ProgressReporter = ProgressReporter(), group: ProcessGroup? = nil) throws {
        try config.validate()
        device = config.resolvedDevice
        try device.checkAvailable()
        guard model.device == device else {
            throw TrainingError.invalidConfig(key: "trainer.device", reason: "the model was built on \(model.device) but the run is on \(device); build it on the run's device (ModelDescription.build(device:))")
        }
        self.group = group
        self.model = model
        self.modelDescription = description
        self.config = config
        self.runDirectory = runDirectory
        self.noise = noise
        self.reporter = reporter
        self.validTracks = valid
        trainLoader = try ClipLoader(tracks: train, tasks: description.tasks, config: ClipLoaderConfig(
            batchSize: config.batchSize, clipSamples: model.clipSamples, sampleRate: model.sampleRate, seed: config.seed,
            shuffle: true, crop: .random, dropLast: true, prefetchBatches: config.prefetchBatches,
            cacheDecodedAudio: config.cacheDecodedAudio, shardIndex: group?.rank ?? 0, shardCount: group?.worldSize ?? 1,
            frameRate: model.frameRate, tempo: config.tempoAugmentation))
        loss = MultiTaskLoss(tasks: description.tasks, taskWeights: config.taskWeights, labelSmoothing: config.labelSmoothing)
        switch config.optimizer {
        case .adamW:
            optimizer = try Adam.adamW(parameters: model.trainableParameters(), learningRate: config.learningRate,
                                       weightDecay: config.weightDecay)
        case .sgd:
            optimizer = try SGD(parameters: model.trainableParameters(), learningRate: config.learningRate,
                                momentum: config.momentum, weightDecay: config.weightDecay)
        }
        log = MetricsLog(url: runDirectory.appendingPathComponent("metrics.jsonl"))
        // Rank 0 draws the single-process noise; the other ranks their own streams.
        var seeds = SplitMix64(seed: config.seed, 0x0D20_9047, UInt64(group?.rank ?? 0))
        noiseGenerator = try Generator(seed: seeds.next())
        model.setNoiseGenerator(noiseGenerator)
        if let group {
            group.bucketBytes = Int(config.gradientBucketMB * 1_048_576)
            if !isPrimary { self.reporter.quiet = true }
            if config.syncBatchNorm {
                for (_, module) in model.namedModules() { (module as? BatchNorm)?.synchronization = group }
            }
        }
    }

    /// Steps per epoch (capped by `maxStepsPerEpoch`).
    public var stepsPerEpoch: Int { Swift.min(trainLoader.batchCount, config.maxStepsPerEpoch ?? Int.max) }

    var schedule: WarmupCosineSchedule {
        WarmupCosineSchedule(peak: config.learningRate, warmupSteps: config.warmupSteps,
                             totalSteps: stepsPerEpoch * config.epochs,
                             floor: config.learningRate * config.finalLearningRateFraction)
    }

    /// Restores the latest checkpoint: weights, optimizer moments, generator and position.
    public func restore() throws {
        let contents = try Checkpoint.load(from: latestCheckpoint)
        guard contents.description == modelDescription else {
            throw TrainingError.checkpoint(path: latestCheckpoint.path,
                                           reason: "was written for another model (\(contents.description.preset.rawValue), tasks \(contents.description.tasks.map(\.name)))")
        }
        try model.load(stateDict: contents.modelState, strict: true)
        try optimizer.loadState(contents.optimizerState)
        if let rng = contents.rngState { try Generator.setDefaultState(rng) }
        state = contents.state
        if isPrimary {
            if let rng = contents.noiseRNGState { try noiseGenerator.setState(rng) }
            try log.truncate(afterStep: state.step)
        } else {
            // Checkpoints hold rank 0's noise stream; the others restart theirs from the step.
            var seeds = SplitMix64(seed: config.seed, 0x0D20_9047 ^ UInt64(state.step) << 20, UInt64(rank))
            try noiseGenerator.setState(Generator(seed: seeds.next()).state())
        }
    }

    /// Trains until the configured epochs or early stopping; with `resume`, continues from the
    /// latest checkpoint if there is one.
    public func fit(resume: Bool = false) async throws -> TrainingResult {
        Runtime.threads = config.threads
        if resume && FileManager.default.fileExists(atPath: latestCheckpoint.path) {
            try restore()
            reporter.line("resumed at epoch \(state.epoch + 1), step \(state.step)")
        } else {
            manualSeed(config.seed)
            if isPrimary { try? FileManager.default.removeItem(at: log.url) }
        }
        // Every rank starts from rank 0's weights and buffers.
        try group?.broadcast(model.parameters() + model.namedBuffers().map(\.1), from: 0)
        var bestMetrics: [String: Double] = [:]
        while !state.finished && state.epoch < config.epochs {
            let start = DispatchTime.now().uptimeNanoseconds
            let stepsBefore = state.step
            try await trainEpoch()
            trainingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            trainedSteps += state.step - stepsBefore
            // Per-rank batch-norm statistics diverge; rank 0's are the model's (as DDP's buffer broadcast).
            try group?.broadcast(model.namedBuffers().map(\.1), from: 0)
            let metrics = try await validate()
            state.epoch += 1
            state.batchInEpoch = 0
            let selected = try selectionValue(metrics)
            var entry: [String: Any] = ["step": state.step, "epoch": state.epoch, "event": "validation"]
            for (k, v) in metrics { entry[k] = v }
            if isPrimary { try log.append(entry) }
            if state.bestMetric.map({ selected > $0 }) ?? true {
                state.bestMetric = selected
                state.bestEpoch = state.epoch
                state.epochsWithoutImprovement = 0
                bestMetrics = metrics
                try saveCheckpoint(to: bestCheckpoint, extra: ["metrics": try Checkpoint.json(metrics)])
            } else {
                state.epochsWithoutImprovement += 1
            }
            if let patience = config.earlyStoppingPatience, state.epochsWithoutImprovement >= patience {
                state.finished = true
                reporter.line("early stop: \(config.selectionMetric ?? "loss") has not improved for \(patience) epochs")
            }
            if state.epoch >= config.epochs { state.finished = true }
            try saveCheckpoint(to: latestCheckpoint)
            reporter.line("epoch \(state.epoch)/\(config.epochs): " + metrics.sorted { $0.key < $1.key }
                .map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  "))
        }
        if trainedSteps > 0 {
            let clips = Double(trainedSteps * config.batchSize)
            reporter.line("training throughput: \(String(format: "%.3f", clips / trainingSeconds)) clips/s (\(trainedSteps) steps of global batch \(config.batchSize) in \(String(format: "%.1f", trainingSeconds)) s, \(group?.worldSize ?? 1) rank(s) × \(config.threads) thread(s))")
        }
        if let group {
            let difference = try parameterDisagreement(group)
            reporter.line("ranks agree: largest parameter difference from rank 0 over \(group.worldSize) ranks \(difference)")
        }
        if bestMetrics.isEmpty, let text = try? Checkpoint.load(from: bestCheckpoint).metadata["metrics"],
           let decoded = try? JSONDecoder().decode([String: Double].self, from: Data(text.utf8)) {
            bestMetrics = decoded
        }
        return TrainingResult(state: state, bestMetrics: bestMetrics, latestCheckpoint: latestCheckpoint,
                              bestCheckpoint: bestCheckpoint)
    }

    func trainEpoch() async throws {
        model.train()
        let epoch = state.epoch
        let total = stepsPerEpoch
        guard state.batchInEpoch < total else { return }
        var failures = 0
        var iterator = trainLoader.batches(epoch: epoch, from: state.batchInEpoch).makeAsyncIterator()
        while state.batchInEpoch < total, let loaded = try await iterator.next() {
            var batch = try loaded.moved(to: device)
            failures += batch.failures.count
            for f in batch.failures { reporter.line("skipped \(trainLoader.tracks[f.index].path): \(f.message)") }
            if let noise {
                var seeds = SplitMix64(seed: config.seed ^ UInt64(rank) << 32, UInt64(epoch), UInt64(state.batchInEpoch))
                let generator = try Generator(seed: seeds.next())
                try noise.apply(to: &batch, generator: generator, modelTransposesInput: model.transposesInput)
                model.spectrogramAugmentation = try noise.spectrogramTransform(generator: generator)
            }
            if let shifts = batch.pitchShifts {
                guard model.transposesInput else {
                    throw TrainingError.invalidConfig(key: "key_transposition", reason: "the batch holds input transpositions but the model cannot apply them")
                }
                model.inputTransposition = shifts
            }
            defer {
                model.spectrogramAugmentation = nil
                model.inputTransposition = nil
            }
            let lr = schedule.learningRate(atStep: state.step)
            optimizer.learningRate = lr
            let logits = try model(batch.waveforms)
            let (total, perTask) = try loss(logits, batch)
            try optimizer.zeroGrad()
            try total.backward()
            try group?.averageGradients(of: optimizer.parameters)
            if let clip = config.gradientClip { try clipGradientNorm(optimizer.parameters, maxNorm: clip) }
            try optimizer.step()
            var value = try total.item()
            if let group {
                // The global batch's loss: every rank agrees on divergence and logs the same value.
                let shared = try Tensor([value] as [Double], device: device)
                try group.allReduce([shared], average: true)
                value = try shared.toArray(Double.self)[0]
            }
            guard value.isFinite else { throw TrainingError.diverged(step: state.step, loss: value) }
            state.step += 1
            state.batchInEpoch += 1
            if state.step % config.logEvery == 0 || state.batchInEpoch == stepsPerEpoch {
                var entry: [String: Any] = ["step": state.step, "epoch": epoch + 1, "loss": value, "lr": lr,
                                            "event": "train"]
                for (k, v) in perTask { entry["loss/\(k)"] = try v.item() }
                if isPrimary { try log.append(entry) }
                reporter.logLine("epoch \(epoch + 1) step \(state.step) loss \(String(format: "%.4f", value)) lr \(String(format: "%.2e", lr))")
            }
            reporter.update("epoch \(epoch + 1)/\(config.epochs) \(state.batchInEpoch)/\(stepsPerEpoch) loss \(String(format: "%.4f", value))",
                            fraction: Double(state.batchInEpoch) / Double(Swift.max(1, stepsPerEpoch)))
            if state.step % config.checkpointEvery == 0 && state.batchInEpoch < stepsPerEpoch {
                try saveCheckpoint(to: latestCheckpoint)
            }
            if let halt = haltAfterStep, state.step >= halt { throw CancellationError() }
        }
        if failures > 0 { reporter.line("epoch \(epoch + 1): \(failures) clips could not be read and were masked out") }
    }

    /// Validation metrics (center crops) plus the validation loss under "loss".
    public func validate() async throws -> [String: Double] {
        guard !validTracks.isEmpty else { return [:] }
        return try await Evaluator(tasks: modelDescription.tasks, batchSize: config.batchSize,
                                   prefetchBatches: config.prefetchBatches)
            .evaluate(model, tracks: validTracks, loss: loss)
    }

    func selectionValue(_ metrics: [String: Double]) throws -> Double {
        guard let metric = config.selectionMetric else { return -(metrics["loss"] ?? 0) }
        if metrics.isEmpty { return -Double(state.step) }
        let names = config.selectionMetricNames(metric)
        var sum = 0.0
        for name in names {
            guard let value = metrics[name] else { throw TrainingError.unknownMetric(name, available: metrics.keys.sorted()) }
            sum += value
        }
        return sum / Double(Swift.max(1, names.count))
    }

    /// The largest absolute difference between any rank's parameters and rank 0's (0 when the
    /// data-parallel run kept them identical, as it should).
    public func parameterDisagreement(_ group: ProcessGroup) throws -> Double {
        let mine = try withNoGrad { try Tensor.cat(model.parameters().map { try $0.detached().reshape([-1]) }) }
        let reference = try mine.clone()
        try group.broadcast([reference], from: 0)
        let difference = try (mine - reference).abs().max().to(.float64)
        try group.allReduce([difference], operation: .max)
        return try difference.toArray(Double.self)[0]
    }

    func saveCheckpoint(to url: URL, extra: [String: String] = [:]) throws {
        guard isPrimary else { return }
        try Checkpoint.save(to: url, model: model, description: modelDescription, optimizer: optimizer, state: state,
                            noiseGenerator: noiseGenerator, extra: extra)
    }
}
