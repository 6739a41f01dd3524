import Torch

/// One step of a spectrogram augmentation policy, encoded as the transform's fields plus a
/// `"type"`, e.g. `{"type": "mask", "axis": "time", "count": 2, "maxWidth": 40}`.
public enum SpectrogramAugmentation: Sendable, Codable, Equatable {
    case mask(SpectrogramMask)

    /// The transform this step runs.
    public var transform: any SpectrogramTransform {
        switch self {
        case .mask(let t): return t
        }
    }

    /// The `"type"` of each step.
    public static let typeNames = [SpectrogramMask.name]

    /// Applies the step to (batch, bins, frames) or (bins, frames); see ``SpectrogramTransform``.
    public func callAsFunction(_ features: Tensor, random: AugmentationRandom) throws -> Tensor {
        try transform(features, random: random)
    }

    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: TypeKey.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case SpectrogramMask.name: self = .mask(try SpectrogramMask(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown spectrogram augmentation \"\(type)\" (known: \(Self.typeNames.joined(separator: ", ")))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        let transform = self.transform
        try transform.encode(to: encoder)
        var c = encoder.container(keyedBy: TypeKey.self)
        try c.encode(type(of: transform).name, forKey: .type)
    }
}
