import Torch

/// Low- or high-pass filters each chosen example at a cutoff drawn log-uniformly from
/// ``cutoffHz`` (equal odds per octave), with a linear-phase windowed-sinc FIR of ``taps``
/// taps; see ``WindowedSincFilter`` for the design and its frequency response.
public struct FrequencyFilter: WaveformTransform {
    public static let name = "filter"

    /// Which side of the cutoff is kept.
    public enum Kind: String, Sendable, Codable {
        case lowPass, highPass
    }

    public var kind: Kind
    /// Range of cutoff frequencies in Hz; must lie below Nyquist of the signals filtered.
    public var cutoffHz: ClosedRange<Double>
    /// Odd FIR length; more taps, sharper transition (about `5.5 · sampleRate / taps` Hz wide).
    public var taps: Int
    public var probability: Double

    public init(kind: Kind, cutoffHz: ClosedRange<Double>, taps: Int = 129, probability: Double = 1) {
        self.kind = kind
        self.cutoffHz = cutoffHz
        self.taps = taps
        self.probability = probability
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        try AugmentationCheck.finite(cutoffHz, "cutoff (Hz)", Self.name)
        guard cutoffHz.lowerBound > 0 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "cutoff range \(cutoffHz) Hz must be positive")
        }
        guard taps >= 3, taps % 2 == 1 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "taps \(taps) must be odd and at least 3")
        }
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let count = try batch.size(0)
        let chosen = try random.bernoulli(count, probability: probability)
        let cutoffs = try random.logUniform(count, in: cutoffHz)
        try WindowedSincFilter.check(cutoffHz: [cutoffHz.lowerBound, cutoffHz.upperBound], sampleRate: sampleRate,
                                     taps: taps, transform: Self.name)
        guard chosen.contains(true) else { return batch }
        let kernels = kind == .lowPass
            ? try WindowedSincFilter.lowPass(cutoffHz: cutoffs, sampleRate: sampleRate, taps: taps,
                                             dtype: batch.dtype, device: batch.device)
            : try WindowedSincFilter.highPass(cutoffHz: cutoffs, sampleRate: sampleRate, taps: taps,
                                              dtype: batch.dtype, device: batch.device)
        return try PerExample.select(chosen, WindowedSincFilter.apply(batch, kernels: kernels), batch)
    }

    enum CodingKeys: String, CodingKey { case kind, cutoffHz, taps, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        cutoffHz = try c.decode(ClosedRange<Double>.self, forKey: .cutoffHz)
        taps = try c.decodeIfPresent(Int.self, forKey: .taps) ?? 129
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
