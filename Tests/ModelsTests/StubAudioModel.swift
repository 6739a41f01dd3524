import NN
import Torch
@testable import Models
import MusicTasks

/// A parameter-free model whose logits are hand-checkable functions of each chunk:
/// `tags` (multi-label, 2) = the chunk's first two samples, `key` (multi-class, 3) = samples
/// 1, 2, 3, `level` (regression, 1) = the chunk's mean. It records the batch sizes it saw and
/// the mode it ran in.
final class StubAudioModel: Module, AudioModel, @unchecked Sendable {
    let clipSamples: Int
    let sampleRate = 16000
    let tasks = [
        TaskSpec(name: "tags", kind: .multiLabel, classes: ["a", "b"]),
        TaskSpec(name: "key", kind: .multiClass, classes: ["x", "y", "z"]),
        TaskSpec(name: "level", kind: .regression, classes: []),
    ]
    private(set) var batchSizes: [Int] = []
    private(set) var ranInTrainingMode = false
    private(set) var ranWithGradients = false
    var inferenceOptimizations: InferenceOptimizations? { nil }
    var spectrogramAugmentation: SpectrogramAugmentationHook?

    init(clipSamples: Int) {
        precondition(clipSamples >= 4)
        self.clipSamples = clipSamples
        super.init()
    }

    func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        batchSizes.append(try waveform.size(0))
        ranInTrainingMode = ranInTrainingMode || isTraining
        ranWithGradients = ranWithGradients || isGradEnabled
        return [
            "tags": try waveform.slice(dim: 1, start: 0, end: 2),
            "key": try waveform.slice(dim: 1, start: 1, end: 4),
            "level": try waveform.mean(dims: [1], keepDim: true),
        ]
    }

    func setNoise(_ noise: ModelNoise) {}
    func prepareForInference(_ optimizations: InferenceOptimizations) throws {}
    func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {}
    func copy() throws -> any AudioModel { StubAudioModel(clipSamples: clipSamples) }
}
