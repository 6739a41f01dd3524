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
}
