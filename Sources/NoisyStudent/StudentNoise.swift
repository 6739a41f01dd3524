import Audio
import Models
import MusicTasks
import Torch
import Training

/// The input noise of a noisy student: the `Audio` augmentation policy on waveforms,
/// SpecAugment masks on the log-mel features inside the model, and mixup of inputs and every
/// task's targets with the same weights and partners. Optionally, first, a key transposition
/// that moves the key task's labels with the audio. Everything that depends on the sample rate
/// runs at the batch's (`Batch.sampleRate`, the model's), so a 22.05 kHz model gets 22.05 kHz
/// filters and shifts.
public struct StudentNoise: BatchNoise {
    public var policy: AugmentationPolicy
    /// Whole-semitone transposition with the key task it relabels.
    public var transposition: (KeyTransposition, TaskSpec)?
    /// Whether a task's labels are segments (chords) that a waveform transposition would move.
    var hasSegmentTasks = false

    /// `transposition` names its task; `tasks` must hold it (a multi-class task of keys).
    public init(policy: AugmentationPolicy, transposition: KeyTransposition? = nil, tasks: [TaskSpec] = []) throws {
        try policy.validate()
        try Self.checkTimeAligned(policy: policy, transposition: transposition, tasks: tasks)
        hasSegmentTasks = tasks.contains { $0.kind == .segments }
        self.policy = policy
        if let transposition {
            try transposition.validate()
            guard let spec = tasks.first(where: { $0.name == transposition.task }) else {
                throw PipelineError.invalidConfig(key: "key_transposition.task",
                                                  reason: "no task \(transposition.task) among \(tasks.map(\.name))")
            }
            _ = try transposition.classMaps(for: spec)
            self.transposition = (transposition, spec)
        }
    }

    public func apply(to batch: inout Batch, generator: Generator) throws {
        try apply(to: &batch, generator: generator, modelTransposesInput: false)
    }

    public func apply(to batch: inout Batch, generator: Generator, modelTransposesInput: Bool) throws {
        let random = AugmentationRandom(generator: generator)
        if let (transposition, spec) = transposition {
            if hasSegmentTasks && !modelTransposesInput {
                throw PipelineError.invalidConfig(key: "key_transposition", reason: "the model cannot transpose inside (no constant-Q key network), so the waveform would be shifted and the chord labels would not move with it")
            }
            try transposition.apply(to: &batch, spec: spec, random: random,
                                    resampling: !modelTransposesInput)
            if batch.pitchShifts != nil, policy.mixup != nil {
                throw PipelineError.invalidConfig(key: "augmentation.mixup",
                                                  reason: "mixup cannot be combined with a key transposition inside the model (each mixed pair would need two shifts)")
            }
        }
        batch.waveforms = try policy.augmentWaveform(batch.waveforms, sampleRate: batch.sampleRate, random: random)
        guard let mixup = policy.mixup, let first = batch.targets.keys.sorted().first, let firstTargets = batch.targets[first]
        else { return }
        let mixed = try mixup(inputs: batch.waveforms, targets: .multiLabel(firstTargets), random: random)
        batch.waveforms = mixed.inputs
        let b = try batch.waveforms.size(0)
        let lambda = try mixed.lambda.to(.float32)
        let column = try lambda.reshape([b, 1])
        for name in batch.targets.keys {
            guard let t = batch.targets[name], let m = batch.masks[name] else { continue }
            batch.targets[name] = try t * column + t.indexSelect(dim: 0, index: mixed.permutation) * (1 - column)
            // A mix only counts for a task when both examples carry its label (or it was not mixed).
            let partner = try m.indexSelect(dim: 0, index: mixed.permutation)
            let unmixed = try lambda.ge(1).to(.float32)
            batch.masks[name] = try m * (unmixed + (1 - unmixed) * partner)
            // Likewise per class: a mixed class counts where both examples' classes do.
            if let c = batch.classMasks[name] {
                let partnerClasses = try c.indexSelect(dim: 0, index: mixed.permutation)
                let unmixedRows = try unmixed.reshape([b, 1])
                batch.classMasks[name] = try c * (unmixedRows + (1 - unmixedRows) * partnerClasses)
            }
        }
        batch.weights = try batch.weights * lambda + batch.weights.indexSelect(dim: 0, index: mixed.permutation) * (1 - lambda)
    }

    public func spectrogramTransform(generator: Generator) throws -> SpectrogramAugmentationHook? {
        guard !policy.spectrogram.isEmpty else { return nil }
        let random = AugmentationRandom(generator: generator)
        let policy = self.policy
        return { features in try policy.augmentSpectrogram(features, random: random) }
    }
}

extension StudentNoise {
    /// Noise that would move what a time-aligned label says is refused rather than applied with
    /// stale targets: a random crop moves beats in time, mixup blends frame targets of unrelated
    /// clips, a pitch shift moves chords to other classes. (A key transposition moves chords too
    /// where it resamples the waveform: ``apply(to:generator:modelTransposesInput:)`` refuses
    /// that case.) Moving the targets with the noise is not built yet.
    static func checkTimeAligned(policy: AugmentationPolicy, transposition: KeyTransposition?, tasks: [TaskSpec]) throws {
        let timeAligned = tasks.filter(\.kind.isTimeAligned)
        guard let first = timeAligned.first else { return }
        func refuse(_ what: String) -> PipelineError {
            .invalidConfig(key: "augmentation", reason: "\(what) would not move the labels of time-aligned task \(first.name); drop it, or drop the task")
        }
        if policy.mixup != nil { throw refuse("mixup") }
        for transform in policy.waveform {
            if case .randomCrop = transform { throw refuse("a random crop") }
            if case .pitchShift = transform, timeAligned.contains(where: { $0.kind == .segments }) { throw refuse("a pitch shift") }
        }
    }
}
