import Audio
import NN
import Torch

/// The ten size presets of the two model families, exactly as
/// `shared/bench/reference_models.py` defines them (same names, same parameter counts).
public enum ModelPreset: String, CaseIterable, Sendable, Codable {
    case resnetXS = "resnet-xs", resnetS = "resnet-s", resnetM = "resnet-m", resnetL = "resnet-l", resnetXL = "resnet-xl"
    case mttXS = "mtt-xs", mttS = "mtt-s", mttM = "mtt-m", mttL = "mtt-l", mttXL = "mtt-xl"

    public enum Family: String, Sendable, Codable { case resnet, mtt }

    public var family: Family { rawValue.hasPrefix("resnet") ? .resnet : .mtt }

    /// The published short-chunk ResNet is `resnet-m`.
    public var resnetWidth: Int? {
        switch self {
        case .resnetXS: return 32
        case .resnetS: return 64
        case .resnetM: return 128
        case .resnetL: return 256
        case .resnetXL: return 368
        default: return nil
        }
    }

    /// (d_model, layers, heads, feed-forward, conv channels)
    public var transformerShape: (dModel: Int, layers: Int, heads: Int, feedForward: Int, conv: Int)? {
        switch self {
        case .mttXS: return (64, 4, 8, 256, 64)
        case .mttS: return (256, 4, 8, 1024, 128)
        case .mttM: return (384, 6, 8, 1536, 128)
        case .mttL: return (512, 10, 8, 2048, 128)
        case .mttXL: return (768, 14, 12, 3072, 128)
        default: return nil
        }
    }

    /// The family's default noise (the reference's dropout, no stochastic depth).
    public var defaultNoise: ModelNoise { family == .resnet ? ModelNoise(dropout: 0.5) : ModelNoise(dropout: 0.1) }

    /// Clip length in samples at 16 kHz.
    public var clipSamples: Int { family == .resnet ? 59049 : 160000 }

    /// Builds the model with fresh PyTorch-default initialisation. Only the ResNet family
    /// takes a non-standard `variant`.
    public func build(tasks: [TaskSpec], variant: ModelVariant = .standard, noise: ModelNoise? = nil,
                      device: Device = .cpu, generator: Generator? = nil) throws -> any AudioModel {
        let noise = noise ?? defaultNoise
        if let width = resnetWidth {
            return try ShortChunkResNet(width: width, tasks: tasks, variant: variant, noise: noise, device: device,
                                        generator: generator)
        }
        guard variant.isStandard else {
            throw ModelError.invalidVariant("\(rawValue) has no frequency coordinates or task branches; only resnet presets do")
        }
        guard let s = transformerShape else { throw TorchError.invalidArgument("preset \(rawValue) has no shape") }
        return try MusicTaggingTransformer(dModel: s.dModel, layers: s.layers, heads: s.heads, feedForward: s.feedForward,
                                           convChannels: s.conv, tasks: tasks, noise: noise, device: device,
                                           generator: generator)
    }

    /// Parses a preset name, listing the valid ones when it is unknown.
    public init(parsing name: String) throws {
        guard let preset = ModelPreset(rawValue: name.lowercased()) else {
            throw TorchError.invalidArgument("unknown model preset \"\(name)\"; choose one of \(ModelPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = preset
    }
}
