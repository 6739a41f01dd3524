import MusicTasks
import NN
import Torch

/// How growth chooses the copies and whether it perturbs them.
public struct GrowthOptions: Sendable, Equatable {
    /// Seeds which units the new units copy (and the noise).
    public var seed: UInt64
    /// Symmetry-breaking noise: a standard deviation, as a fraction of each weight tensor's own,
    /// added to the weights that read the new units. 0 keeps the function exact; but then every
    /// copy receives the same gradient as its original and stays its copy for ever, so a
    /// student that should use its new width needs noise (e.g. 0.01) or another symmetry breaker.
    public var noise: Double

    public init(seed: UInt64 = 0, noise: Double = 0) {
        self.seed = seed
        self.noise = noise
    }
}

/// Function-preserving growth (Net2Net: Chen, Goodfellow & Shlens 2016) so that a larger
/// student starts where its teacher is. Net2WiderNet: each unit of a wider layer copies a unit
/// of the narrower one (batch-norm affine and running statistics included), and the next layer
/// divides the weights reading a unit by its number of copies, so the sums it computes are
/// unchanged. Net2DeeperNet: new layers start as identities. The grown model computes the
/// source's function in evaluation mode up to float rounding (and, for widening alone, in
/// training mode too: copies share batch statistics). Covers the short-chunk ResNet presets
/// (with their variants), the key network (with its pitch-class head), the routed model that
/// holds both, and the Music Tagging Transformer where its d_model grows by a whole multiple
/// with the same number of heads (mtt-xs → mtt-s; the larger steps are refused).
public enum ModelGrowth {
    /// Writes `source`'s weights, grown, into `target` (a model of the same kind, tasks, variant
    /// and front ends, every layer at least as wide). Neither may be prepared for inference.
    public static func grow(_ source: any AudioModel, into target: any AudioModel,
                            options: GrowthOptions = GrowthOptions()) throws {
        guard options.noise >= 0, options.noise.isFinite else {
            throw ModelGrowthError.unsupported("noise must be finite and at least 0, not \(options.noise)")
        }
        let widening = LayerWidening(noise: options.noise, generator: try Generator(seed: options.seed))
        try withNoGrad { try grow(source, into: target, widening: widening) }
    }

    /// A new model of `preset` for the source's tasks, with the source's function.
    /// `variant` must be the one the source was built with.
    public static func grow(_ source: any AudioModel, to preset: ModelPreset, variant: ModelVariant = .standard,
                            noise: ModelNoise? = nil, device: Device = .cpu,
                            options: GrowthOptions = GrowthOptions()) throws -> any AudioModel {
        let target = try preset.build(tasks: source.tasks, variant: variant, noise: noise, device: device)
        try grow(source, into: target, options: options)
        return target
    }

    /// The state dict of `target`'s model grown from a state dict of `source`'s (same tasks
    /// and variant).
    public static func grownStateDict(_ state: [String: Tensor], from source: ModelPreset, to target: ModelPreset,
                                      tasks: [TaskSpec], variant: ModelVariant = .standard,
                                      options: GrowthOptions = GrowthOptions()) throws -> [String: Tensor] {
        guard source.family == target.family else {
            throw ModelGrowthError.differentArchitecture("\(source.rawValue) and \(target.rawValue) are of different families")
        }
        let model = try source.build(tasks: tasks, variant: variant)
        try model.load(stateDict: state, strict: true)
        return try grow(model, to: target, variant: variant, options: options).stateDict()
    }

    static func grow(_ source: any AudioModel, into target: any AudioModel, widening: LayerWidening) throws {
        guard source.inferenceOptimizations == nil, target.inferenceOptimizations == nil else {
            throw ModelGrowthError.unsupported("a model prepared for inference (folded batch norms) cannot grow; grow the trainable original")
        }
        switch (source, target) {
        case let (source as ShortChunkResNet, target as ShortChunkResNet):
            try source.grow(into: target, widening: widening)
        case let (source as KeyNetwork, target as KeyNetwork):
            try source.grow(into: target, widening: widening)
        case let (source as TaskRoutedModel, target as TaskRoutedModel):
            try source.grow(into: target, widening: widening)
        case let (source as MusicTaggingTransformer, target as MusicTaggingTransformer):
            try source.grow(into: target, widening: widening)
        case (is TemporalConvNetwork, is TemporalConvNetwork):
            throw ModelGrowthError.unsupported("the temporal network of time-aligned tasks cannot grow yet; start such a student from scratch or from its teacher")
        default:
            throw ModelGrowthError.differentArchitecture("a \(type(of: source)) cannot grow into a \(type(of: target))")
        }
    }
}
