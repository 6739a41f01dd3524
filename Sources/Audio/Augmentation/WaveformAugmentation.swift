import Torch

/// One step of a waveform augmentation policy: any of the waveform transforms, encoded as
/// the transform's fields plus a `"type"` naming it, e.g.
/// `{"type": "gain", "gainDB": [-6, 6], "probability": 0.5}`. Ranges are `[low, high]`;
/// fields left out take the transform's defaults.
public enum WaveformAugmentation: Sendable, Codable, Equatable {
    case randomCrop(RandomCrop)
    case gain(Gain)
    case polarityInversion(PolarityInversion)
    case noise(AdditiveNoise)
    case filter(FrequencyFilter)
    case equalizer(RandomEqualizer)
    case echo(Echo)
    case pitchShift(PitchShift)
    case reverb(Reverb)

    /// The transform this step runs.
    public var transform: any WaveformTransform {
        switch self {
        case .randomCrop(let t): return t
        case .gain(let t): return t
        case .polarityInversion(let t): return t
        case .noise(let t): return t
        case .filter(let t): return t
        case .equalizer(let t): return t
        case .echo(let t): return t
        case .pitchShift(let t): return t
        case .reverb(let t): return t
        }
    }

    /// The `"type"` of each step, in declaration order.
    public static let typeNames = [RandomCrop.name, Gain.name, PolarityInversion.name, AdditiveNoise.name,
                                   FrequencyFilter.name, RandomEqualizer.name, Echo.name, PitchShift.name, Reverb.name]

    /// Applies the step to (batch, samples) or (samples); see ``WaveformTransform``.
    public func callAsFunction(_ waveform: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        try transform(waveform, sampleRate: sampleRate, random: random)
    }

    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: TypeKey.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case RandomCrop.name: self = .randomCrop(try RandomCrop(from: decoder))
        case Gain.name: self = .gain(try Gain(from: decoder))
        case PolarityInversion.name: self = .polarityInversion(try PolarityInversion(from: decoder))
        case AdditiveNoise.name: self = .noise(try AdditiveNoise(from: decoder))
        case FrequencyFilter.name: self = .filter(try FrequencyFilter(from: decoder))
        case RandomEqualizer.name: self = .equalizer(try RandomEqualizer(from: decoder))
        case Echo.name: self = .echo(try Echo(from: decoder))
        case PitchShift.name: self = .pitchShift(try PitchShift(from: decoder))
        case Reverb.name: self = .reverb(try Reverb(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown waveform augmentation \"\(type)\" (known: \(Self.typeNames.joined(separator: ", ")))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        let transform = self.transform
        try transform.encode(to: encoder)
        var c = encoder.container(keyedBy: TypeKey.self)
        try c.encode(type(of: transform).name, forKey: .type)
    }
}
