import Foundation
import Torch

/// Scales each chosen example by a gain drawn uniformly in decibels from ``gainDB``
/// (amplitude factor `10^(dB/20)`). No clipping: tensors hold any value.
public struct Gain: WaveformTransform {
    public static let name = "gain"
    /// Range of gains in dB, e.g. `-6...6`.
    public var gainDB: ClosedRange<Double>
    public var probability: Double

    public init(gainDB: ClosedRange<Double> = -6...6, probability: Double = 1) {
        self.gainDB = gainDB
        self.probability = probability
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        try AugmentationCheck.finite(gainDB, "gain (dB)", Self.name)
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let count = try batch.size(0)
        let chosen = try random.bernoulli(count, probability: probability)
        let decibels = try random.uniform(count, in: gainDB)
        guard chosen.contains(true) else { return batch }
        let factors = zip(chosen, decibels).map { $0 ? Foundation.pow(10, $1 / 20) : 1 }
        return try batch * PerExample.column(factors, like: batch)
    }

    enum CodingKeys: String, CodingKey { case gainDB, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gainDB = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .gainDB) ?? -6...6
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
