import Foundation
import Torch

/// The update rule of a training run.
public enum OptimizerKind: String, Codable, Sendable, Equatable {
    /// AdamW with decoupled weight decay (the default).
    case adamW = "adamw"
    /// SGD with (optional) momentum and coupled weight decay.
    case sgd
}

/// Hyper-parameters and mechanics of one training run.
public struct TrainerConfig: Codable, Sendable, Equatable {
    public var epochs: Int = 10
    public var batchSize: Int = 16
    public var learningRate: Double = 1e-3
    public var weightDecay: Double = 1e-2
    /// Warm-up steps of the warm-up + cosine schedule.
    public var warmupSteps: Int = 50
    /// The cosine floor, as a fraction of the peak rate.
    public var finalLearningRateFraction: Double = 0.01
    /// Global-norm gradient clipping (none when nil).
    public var gradientClip: Double? = 1.0
    public var labelSmoothing: Double = 0
    public var seed: UInt64 = 0
    /// Intra-op threads for libtorch (fixed, so that runs are reproducible).
    public var threads: Int = 2
    /// Write the latest checkpoint every this many steps (and at every epoch end).
    public var checkpointEvery: Int = 50
    /// The validation metric that picks the best checkpoint, e.g. "key/weighted_score"; the
    /// negated validation loss ("loss") when nil. Several names joined by " + " (in YAML also a
    /// list) select on their mean, so that no task of a multi-task model is ignored.
    public var selectionMetric: String?
    /// Stop after this many epochs without improvement of the selection metric (never when nil).
    public var earlyStoppingPatience: Int?
    /// Cap on steps per epoch (tests, quick runs).
    public var maxStepsPerEpoch: Int?
    public var prefetchBatches: Int = 4
    public var cacheDecodedAudio: Bool = false
    /// Log a training line every this many steps.
    public var logEvery: Int = 10
    /// Relative loss weight per task.
    public var taskWeights: [String: Double] = [:]
    public var optimizer: OptimizerKind = .adamW
    /// SGD's momentum.
    public var momentum: Double = 0.9
    /// Data-parallel runs: batch-norm statistics over the global batch (true) or each rank's
    /// part of it (false, the default, as plain DistributedDataParallel).
    public var syncBatchNorm: Bool = false
    /// Data-parallel runs: gradients travel in flat buckets of at most this many MiB.
    public var gradientBucketMB: Double = 25
    /// Tempo changes of training clips, moving time-aligned labels with the audio (none when nil).
    public var tempoAugmentation: TempoAugmentation?
    /// Where the model, its optimizer state and every batch live ("cpu", "cuda", "cuda:N"); the
    /// CPU when nil. `--device` overrides it (``DeviceSelection``).
    public var device: Device?

    /// The device the run uses: `device`, or the CPU.
    public var resolvedDevice: Device { device ?? .cpu }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize = "batch_size", learningRate = "learning_rate", weightDecay = "weight_decay"
        case warmupSteps = "warmup_steps", finalLearningRateFraction = "final_lr_fraction"
        case gradientClip = "gradient_clip", labelSmoothing = "label_smoothing", seed, threads
        case checkpointEvery = "checkpoint_every", selectionMetric = "selection_metric"
        case earlyStoppingPatience = "early_stopping_patience", maxStepsPerEpoch = "max_steps_per_epoch"
        case prefetchBatches = "prefetch_batches", cacheDecodedAudio = "cache_decoded_audio", logEvery = "log_every"
        case taskWeights = "task_weights", syncBatchNorm = "sync_batch_norm", optimizer, momentum, gradientBucketMB = "gradient_bucket_mb"
        case tempoAugmentation = "tempo_augmentation"
        case device
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainerConfig.defaults
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? d.weightDecay
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? d.warmupSteps
        finalLearningRateFraction = try c.decodeIfPresent(Double.self, forKey: .finalLearningRateFraction) ?? d.finalLearningRateFraction
        gradientClip = try c.decodeIfPresent(Double.self, forKey: .gradientClip) ?? d.gradientClip
        labelSmoothing = try c.decodeIfPresent(Double.self, forKey: .labelSmoothing) ?? d.labelSmoothing
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? d.threads
        checkpointEvery = try c.decodeIfPresent(Int.self, forKey: .checkpointEvery) ?? d.checkpointEvery
        if let names = try? c.decodeIfPresent([String].self, forKey: .selectionMetric) {
            selectionMetric = names.joined(separator: " + ")
        } else {
            selectionMetric = try c.decodeIfPresent(String.self, forKey: .selectionMetric) ?? d.selectionMetric
        }
        earlyStoppingPatience = try c.decodeIfPresent(Int.self, forKey: .earlyStoppingPatience) ?? d.earlyStoppingPatience
        maxStepsPerEpoch = try c.decodeIfPresent(Int.self, forKey: .maxStepsPerEpoch) ?? d.maxStepsPerEpoch
        prefetchBatches = try c.decodeIfPresent(Int.self, forKey: .prefetchBatches) ?? d.prefetchBatches
        cacheDecodedAudio = try c.decodeIfPresent(Bool.self, forKey: .cacheDecodedAudio) ?? d.cacheDecodedAudio
        logEvery = try c.decodeIfPresent(Int.self, forKey: .logEvery) ?? d.logEvery
        taskWeights = try c.decodeIfPresent([String: Double].self, forKey: .taskWeights) ?? d.taskWeights
        optimizer = try c.decodeIfPresent(OptimizerKind.self, forKey: .optimizer) ?? d.optimizer
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? d.momentum
        syncBatchNorm = try c.decodeIfPresent(Bool.self, forKey: .syncBatchNorm) ?? d.syncBatchNorm
        gradientBucketMB = try c.decodeIfPresent(Double.self, forKey: .gradientBucketMB) ?? d.gradientBucketMB
        tempoAugmentation = try c.decodeIfPresent(TempoAugmentation.self, forKey: .tempoAugmentation)
        device = try c.decodeIfPresent(Device.self, forKey: .device)
    }

    static let defaults = TrainerConfig()

    /// Checks ranges, naming the offending key.
    /// Checks the values, naming a bad key under `section`, the section's name in the file
    /// (`trainer` in a training run; `teacher`, `student` or `fine_tune` in a pipeline).
    public func validate(section: String = "trainer") throws {
        do {
            try validateValues()
        } catch TrainingError.invalidConfig(let key, let reason) where key.hasPrefix("trainer.") && section != "trainer" {
            throw TrainingError.invalidConfig(key: section + key.dropFirst("trainer".count), reason: reason)
        }
    }

    private func validateValues() throws {
        func require(_ ok: Bool, _ key: String, _ reason: String) throws {
            if !ok { throw TrainingError.invalidConfig(key: "trainer.\(key)", reason: reason) }
        }
        try require(epochs >= 1, "epochs", "must be at least 1")
        try require(batchSize >= 1, "batch_size", "must be at least 1")
        try require(learningRate > 0, "learning_rate", "must be positive")
        try require(weightDecay >= 0, "weight_decay", "must be non-negative")
        try require(warmupSteps >= 0, "warmup_steps", "must be non-negative")
        try require((0...1).contains(finalLearningRateFraction), "final_lr_fraction", "must be in [0, 1]")
        try require((gradientClip ?? 1) > 0, "gradient_clip", "must be positive")
        try require((0..<1).contains(labelSmoothing), "label_smoothing", "must be in [0, 1)")
        try require(threads >= 1, "threads", "must be at least 1")
        try require(checkpointEvery >= 1, "checkpoint_every", "must be at least 1")
        try require((earlyStoppingPatience ?? 1) >= 1, "early_stopping_patience", "must be at least 1")
        try require((maxStepsPerEpoch ?? 1) >= 1, "max_steps_per_epoch", "must be at least 1")
        try require(logEvery >= 1, "log_every", "must be at least 1")
        try require((0..<1).contains(momentum), "momentum", "must be in [0, 1)")
        try require(gradientBucketMB > 0, "gradient_bucket_mb", "must be positive")
        try tempoAugmentation?.validate()
        try require(selectionMetric.map { !selectionMetricNames($0).isEmpty } ?? true, "selection_metric", "names no metric")
    }

    /// The metric names of a selection metric ("a + b" → ["a", "b"]).
    public func selectionMetricNames(_ metric: String) -> [String] { Self.selectionMetricNames(metric) }

    /// The metric names of a selection metric, for readers of recorded validation metrics
    /// (the seed summary's best labeled-only model) that have no trainer at hand.
    public static func selectionMetricNames(_ metric: String) -> [String] {
        metric.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
