import Audio
import MusicTasks
import NN
import Torch

/// A model from waveform to per-task logits, with its log-mel front end inside. A model is
/// built on a device (`ModelPreset.build(device:)`) and stays there: its inputs go to
/// `device` (`Module.device`), and its copies are made there.
public protocol AudioModel: Module {
    /// Input length in samples at `sampleRate` (the clip the model was designed for).
    var clipSamples: Int { get }
    var sampleRate: Int { get }
    var tasks: [TaskSpec] { get }
    /// Logits per task for (batch, samples) waveforms, always float32.
    func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor]
    /// Changes the model noise (dropout rates and stochastic depth) in place.
    func setNoise(_ noise: ModelNoise)
    /// Applied to the log-mel spectrogram (batch, mels, frames) in training mode only
    /// (SpecAugment); set per batch by the trainer.
    var spectrogramAugmentation: SpectrogramAugmentationHook? { get set }
    /// Whether the model can transpose its own pitch input by whole semitones
    /// (`inputTransposition`), as a constant-Q front end can by shifting bins.
    var transposesInput: Bool { get }
    /// Per-example semitone shifts applied to the pitch input in training mode only; set per
    /// batch by the trainer when a key transposition has moved the labels but not the audio.
    /// Models that cannot transpose ignore it (`transposesInput` is false).
    var inputTransposition: [Int]? { get set }
    /// A whole-batch semitone shift of the pitch input in evaluation mode only, for the
    /// pseudo-labeller's transposition-consistency check (nil: none). Models that cannot
    /// transpose ignore it.
    var evaluationTransposition: Int? { get set }

    /// Output frames per second of the time-aligned tasks' logits (batch, frames, classes), or
    /// nil for a model of clip-level tasks only. Frame i is centred at i / frameRate seconds of
    /// the window, and a window of n samples has n / (sampleRate / frameRate) + 1 frames.
    var frameRate: Int? { get }

    /// The optimisations `prepareForInference(_:)` applied, or nil for a model that can train.
    var inferenceOptimizations: InferenceOptimizations? { get }
    /// Makes this model faster for evaluation, in place: folds batch norms into the
    /// convolutions before them, lays the convolutional part out channels-last and converts
    /// the precision, as `optimizations` asks, and switches to evaluation mode. The model is
    /// inference-only afterwards: a training-mode forward pass throws
    /// `ModelError.preparedForInference`, and its state dict holds folded weights. Use
    /// `inferenceCopy(_:)` to keep a trainable original. Preparing takes a snapshot of the
    /// weights: load new ones into the original and prepare again.
    func prepareForInference(_ optimizations: InferenceOptimizations) throws
    /// Lays out the convolutional part's inputs and weights in `format` (`.channelsLast` or
    /// `.contiguous`), in place; valid for training as well as inference. Create optimizers
    /// after changing the layout, so that their state takes the same layout.
    func setConvolutionMemoryFormat(_ format: MemoryFormat) throws
    /// A new, independent model of the same architecture, tasks and noise with copies of this
    /// one's parameters and buffers and its convolution layout, in training mode. Throws
    /// `ModelError.alreadyPrepared` for a model prepared for inference.
    func copy() throws -> any AudioModel
}

/// A transform of (batch, mels, frames) log-mel features.
public typealias SpectrogramAugmentationHook = (Tensor) throws -> Tensor

extension AudioModel {
    public var transposesInput: Bool { false }
    public var frameRate: Int? { nil }
    public var inputTransposition: [Int]? {
        get { nil }
        set {}
    }
    public var evaluationTransposition: Int? {
        get { nil }
        set {}
    }

    /// The log-mel features with the training-time spectrogram augmentation, if any.
    func augmentedFeatures(_ features: Tensor) throws -> Tensor {
        guard isTraining, let hook = spectrogramAugmentation else { return features }
        return try hook(features)
    }

    /// A copy of this model prepared for inference with `optimizations`; this model is not
    /// changed and can still train.
    /// The copy is on this model's device; optimizations that only the CPU has are adapted to
    /// it (`InferenceOptimizations.suited(to:)`).
    public func inferenceCopy(_ optimizations: InferenceOptimizations = .standard) throws -> any AudioModel {
        let model = try copy()
        try model.prepareForInference(optimizations.suited(to: model.device))
        return model
    }
}
