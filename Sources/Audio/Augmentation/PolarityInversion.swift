import Torch

/// Negates each chosen example (`x → −x`): inaudible on its own, it keeps a model from
/// relying on absolute phase.
public struct PolarityInversion: WaveformTransform {
    public static let name = "polarityInversion"
    public var probability: Double

    public init(probability: Double = 0.5) {
        self.probability = probability
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let chosen = try random.bernoulli(try batch.size(0), probability: probability)
        guard chosen.contains(true) else { return batch }
        return try batch * PerExample.column(chosen.map { $0 ? -1 : 1 }, like: batch)
    }

    enum CodingKeys: String, CodingKey { case probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 0.5
    }
}
