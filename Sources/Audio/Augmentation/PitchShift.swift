import Foundation
import Torch

/// Shifts the pitch of each chosen example by a number of semitones drawn uniformly from
/// ``semitones``, by resampling: the signal is read at `r = 2^(s/12)` times its speed,
/// `y[t] = x(r·t)`, with linear interpolation between samples, and kept at its original
/// length (zero-padded at the end when `r > 1`, the end cut off when `r < 1`).
///
/// Every frequency is multiplied by `r`; like a tape played faster or slower, the tempo
/// changes by the same factor (this is not a phase-vocoder shift). When `r > 1` the
/// samples read are further apart than the input's, so with ``antiAliasing`` on the example
/// is first low-passed at `0.9 · Nyquist / r` (a ``WindowedSincFilter`` of 129 taps) so
/// that nothing folds back above the new Nyquist. Zero semitones is the identity.
public struct PitchShift: WaveformTransform {
    public static let name = "pitchShift"
    /// Range of shifts in semitones (negative lowers), e.g. `-2...2`.
    public var semitones: ClosedRange<Double>
    /// Low-pass before raising the pitch to prevent aliasing.
    public var antiAliasing: Bool
    public var probability: Double

    public init(semitones: ClosedRange<Double> = -2...2, antiAliasing: Bool = true, probability: Double = 1) {
        self.semitones = semitones
        self.antiAliasing = antiAliasing
        self.probability = probability
    }

    /// The frequency factor of a shift: `2^(semitones/12)`.
    public static func factor(semitones: Double) -> Double {
        Foundation.pow(2, semitones / 12)
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        try AugmentationCheck.finite(semitones, "semitones", Self.name)
        guard semitones.lowerBound >= -48, semitones.upperBound <= 48 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "semitone range \(semitones) must lie within ±48")
        }
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let count = try batch.size(0)
        let chosen = try random.bernoulli(count, probability: probability)
        let shifts = zip(chosen, try random.uniform(count, in: semitones)).map { $0 ? $1 : 0 }
        return try shift(batch, semitones: shifts, sampleRate: sampleRate)
    }

    /// Shifts example `i` of a (batch, samples) tensor by exactly `semitones[i]` (0 leaves it
    /// as it is); the resampling and anti-aliasing of ``transform(batch:sampleRate:random:)``.
    /// Callers that must know the shift, such as a transposition that moves key labels, draw
    /// the shifts themselves.
    public func shift(_ batch: Tensor, semitones shifts: [Double], sampleRate: Int) throws -> Tensor {
        let (count, samples) = (try batch.size(0), try batch.size(1))
        guard shifts.count == count else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "\(shifts.count) shifts for a batch of \(count)")
        }
        let factors = shifts.map { $0 == 0 ? 1 : Self.factor(semitones: $0) }
        guard factors.contains(where: { $0 != 1 }) else { return batch }

        var source = batch
        let raised = factors.map { $0 > 1 }
        if antiAliasing && raised.contains(true) {
            let nyquist = Double(sampleRate) / 2
            let cutoffs = factors.map { 0.9 * nyquist / Swift.max($0, 1) }
            let kernels = try WindowedSincFilter.lowPass(cutoffHz: cutoffs, sampleRate: sampleRate, taps: 129,
                                                         dtype: batch.dtype, device: batch.device)
            source = try PerExample.select(raised, WindowedSincFilter.apply(batch, kernels: kernels), batch)
        }

        // Read positions r·t in float64, so that r = 1 lands exactly on the samples.
        let time = try Tensor.arange(0, Double(samples), dtype: .float64, device: batch.device).unsqueeze(0)
        let position = try time * Tensor(factors, shape: [count, 1]).to(batch.device)
        let left = try position.floor()
        let fraction = try (position - left).to(batch.dtype)
        let last = Double(samples - 1)
        let leftIndex = try left.clamp(max: last).to(.int64)
        let rightIndex = try (left + 1).clamp(max: last).to(.int64)
        let leftValue = try source.gather(dim: 1, index: leftIndex).maskedFill(left.gt(last), 0)
        let rightValue = try source.gather(dim: 1, index: rightIndex).maskedFill((left + 1).gt(last), 0)
        let shifted = try leftValue + fraction * (rightValue - leftValue)
        return try PerExample.select(factors.map { $0 != 1 }, shifted, batch)
    }

    enum CodingKeys: String, CodingKey { case semitones, antiAliasing, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        semitones = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .semitones) ?? -2...2
        antiAliasing = try c.decodeIfPresent(Bool.self, forKey: .antiAliasing) ?? true
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
