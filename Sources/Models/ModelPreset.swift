import Audio
import MusicTasks
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
        try variant.validate(tasks: tasks)
        let pitchTasks = variant.constantQTasks(tasks)
        if !pitchTasks.isEmpty || tasks.contains(where: \.kind.isTimeAligned) {
            return try routedModel(tasks: tasks, pitchTasks: pitchTasks, variant: variant, noise: noise, device: device,
                                   generator: generator)
        }
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

    /// Channels of the key network this preset gets for a task on the constant-Q front end:
    /// half the ResNet's first width, a similar share of the transformer's.
    public var keyNetworkWidth: Int {
        switch self {
        case .resnetXS, .mttXS: return 16
        case .resnetS, .mttS: return 32
        case .resnetM, .mttM: return 64
        case .resnetL, .mttL: return 128
        case .resnetXL, .mttXL: return 184
        }
    }

    /// A key network for each constant-Q task beside the preset's own network for the rest.
    private func routedModel(tasks: [TaskSpec], pitchTasks: [TaskSpec], variant: ModelVariant, noise: ModelNoise,
                             device: Device, generator: Generator?) throws -> any AudioModel {
        var members: [(name: String, model: any AudioModel)] = []
        for task in pitchTasks {
            let name = pitchTasks.count == 1 ? TaskFrontEnd.constantQ.rawValue : "\(TaskFrontEnd.constantQ.rawValue)_\(task.name)"
            members.append((name, try KeyNetwork(width: keyNetworkWidth, task: task, noise: noise, device: device,
                                                 generator: generator)))
        }
        // Time-aligned tasks (beats, chords) share one temporal network that keeps time.
        let frameTasks = tasks.filter { $0.kind.isTimeAligned && !pitchTasks.contains($0) }
        if !frameTasks.isEmpty {
            members.append(("frames", try TemporalConvNetwork(width: 2 * keyNetworkWidth, tasks: frameTasks, noise: noise,
                                                              device: device, generator: generator)))
        }
        let rest = tasks.filter { !pitchTasks.contains($0) && !frameTasks.contains($0) }
        if !rest.isEmpty {
            members.append((TaskFrontEnd.logMel.rawValue, try build(tasks: rest, variant: variant.withoutRouting, noise: noise,
                                                                    device: device, generator: generator)))
        }
        return try TaskRoutedModel(members: members, tasks: tasks)
    }

    /// Parses a preset name, listing the valid ones when it is unknown.
    public init(parsing name: String) throws {
        guard let preset = ModelPreset(rawValue: name.lowercased()) else {
            throw TorchError.invalidArgument("unknown model preset \"\(name)\"; choose one of \(ModelPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = preset
    }
}
