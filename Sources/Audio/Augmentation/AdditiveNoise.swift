import Foundation
import Torch

/// Adds white or pink noise to each chosen example at a signal-to-noise ratio drawn
/// uniformly in decibels from ``snrDB``.
///
/// The noise is scaled per example so that `10·log10(mean(x²) / mean(n²))` equals the drawn
/// SNR exactly (both means over the example's whole length); a silent example stays silent.
public struct AdditiveNoise: WaveformTransform {
    public static let name = "noise"
    /// Range of SNRs in dB, e.g. `10...40`.
    public var snrDB: ClosedRange<Double>
    public var color: NoiseColor
    public var probability: Double

    public init(snrDB: ClosedRange<Double> = 10...40, color: NoiseColor = .white, probability: Double = 1) {
        self.snrDB = snrDB
        self.color = color
        self.probability = probability
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        try AugmentationCheck.finite(snrDB, "SNR (dB)", Self.name)
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let (count, samples) = (try batch.size(0), try batch.size(1))
        let chosen = try random.bernoulli(count, probability: probability)
        let snr = try random.uniform(count, in: snrDB)
        guard chosen.contains(true) else { return batch }
        let noise = try color.sample(batch: count, samples: samples, random: random, dtype: batch.dtype,
                                     device: batch.device)
        let signalPower = try batch.square().mean(dims: [1], keepDim: true)
        let noisePower = try noise.square().mean(dims: [1], keepDim: true).clamp(min: 1e-30)
        let ratio = try PerExample.column(snr.map { Foundation.pow(10, $0 / 10) }, like: batch)
        let scale = try (signalPower / (noisePower * ratio)).sqrt()
        return try PerExample.select(chosen, batch + noise * scale, batch)
    }

    enum CodingKeys: String, CodingKey { case snrDB, color, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        snrDB = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .snrDB) ?? 10...40
        color = try c.decodeIfPresent(NoiseColor.self, forKey: .color) ?? .white
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
