import Foundation
import Torch

/// Shifts the pitch of each chosen example by a number of semitones drawn uniformly from
/// ``semitones``, keeping its length and tempo: every frequency is multiplied by
/// `r = 2^(s/12)`.
///
/// Two steps. The example is resampled as a tape played `r` times faster, `y[t] = x(r·t)` with
/// linear interpolation, over the whole example: `⌊(n−1)/r⌋+1` samples, fewer than `n` when
/// `r > 1`. Then ``TimeStretch`` (WSOLA) brings that back to the example's `n` samples without
/// changing the pitch. So an upward shift fills the whole crop from the crop itself, with no
/// padding, and a downward shift uses the whole crop instead of dropping its end.
///
/// When `r > 1` the samples read are further apart than the input's, so with ``antiAliasing``
/// on the example is first low-passed at `0.9 · Nyquist / r` (a ``WindowedSincFilter`` of 129
/// taps) so that nothing folds back above the new Nyquist. Zero semitones is the identity.
/// The resampling and stretching run on the CPU; the result goes back to the batch's device.
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
    /// as it is); the anti-aliasing, resampling and stretching of ``transform(batch:sampleRate:random:)``.
    /// Callers that must know the shift, such as a transposition that moves key labels, draw
    /// the shifts themselves.
    public func shift(_ batch: Tensor, semitones shifts: [Double], sampleRate: Int) throws -> Tensor {
        let (count, samples) = (try batch.size(0), try batch.size(1))
        guard shifts.count == count else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "\(shifts.count) shifts for a batch of \(count)")
        }
        let factors = shifts.map { $0 == 0 ? 1 : Self.factor(semitones: $0) }
        guard factors.contains(where: { $0 != 1 }) else { return batch }

        var sourceRows = batch
        let raised = factors.map { $0 > 1 }
        if antiAliasing && raised.contains(true) {
            let nyquist = Double(sampleRate) / 2
            let cutoffs = factors.map { 0.9 * nyquist / Swift.max($0, 1) }
            let kernels = try WindowedSincFilter.lowPass(cutoffHz: cutoffs, sampleRate: sampleRate, taps: 129,
                                                         dtype: batch.dtype, device: batch.device)
            sourceRows = try PerExample.select(raised, WindowedSincFilter.apply(batch, kernels: kernels), batch)
        }

        let source = try sourceRows.toArray(Float.self)
        let stretch = TimeStretch(sampleRate: sampleRate)
        var rows = [Float]()
        rows.reserveCapacity(count * samples)
        for (i, factor) in factors.enumerated() {
            let row = Array(source[(i * samples)..<((i + 1) * samples)])
            rows += factor == 1 ? row : stretch(Self.resample(row, factor: factor), length: samples)
        }
        let shifted = try Tensor(rows, shape: [count, samples]).to(batch.device, batch.dtype)
        return try PerExample.select(factors.map { $0 != 1 }, shifted, batch)
    }

    /// `row` read at `factor` times its speed, `y[t] = x(factor·t)` by linear interpolation, for
    /// every t whose position lies inside the row: `⌊(n−1)/factor⌋+1` samples.
    static func resample(_ row: [Float], factor: Double) -> [Float] {
        let n = row.count
        guard n > 1 else { return row }
        let length = Int((Double(n - 1) / factor).rounded(.down)) + 1
        return (0..<length).map { t in
            // Positions in float64, so that whole positions land exactly on the samples.
            let position = Double(t) * factor
            let left = Swift.min(Int(position), n - 1)
            let right = Swift.min(left + 1, n - 1)
            let fraction = Float(position - Double(left))
            return row[left] + fraction * (row[right] - row[left])
        }
    }

    enum CodingKeys: String, CodingKey { case semitones, antiAliasing, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        semitones = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .semitones) ?? -2...2
        antiAliasing = try c.decodeIfPresent(Bool.self, forKey: .antiAliasing) ?? true
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
