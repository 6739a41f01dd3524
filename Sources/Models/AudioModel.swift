import Audio
import NN
import Torch

/// A model from waveform to per-task logits, with its log-mel front end inside.
public protocol AudioModel: Module {
    /// Input length in samples at `sampleRate` (the clip the model was designed for).
    var clipSamples: Int { get }
    var sampleRate: Int { get }
    var tasks: [TaskSpec] { get }
    /// Logits per task for (batch, samples) waveforms.
    func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor]
    /// Changes the model noise (dropout rates and stochastic depth) in place.
    func setNoise(_ noise: ModelNoise)
    /// Applied to the log-mel spectrogram (batch, mels, frames) in training mode only
    /// (SpecAugment); set per batch by the trainer.
    var spectrogramAugmentation: SpectrogramAugmentationHook? { get set }
}

/// A transform of (batch, mels, frames) log-mel features.
public typealias SpectrogramAugmentationHook = (Tensor) throws -> Tensor

extension AudioModel {
    /// The log-mel features with the training-time spectrogram augmentation, if any.
    func augmentedFeatures(_ features: Tensor) throws -> Tensor {
        guard isTraining, let hook = spectrogramAugmentation else { return features }
        return try hook(features)
    }
}
