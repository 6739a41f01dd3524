import Torch

/// Adds one delayed, attenuated copy of each chosen example to itself (a single-tap delay
/// line): `y[t] = x[t] + g · x[t − d]`, with the delay `d` (rounded to whole samples, at
/// least one) and the echo's amplitude `g` drawn uniformly from their ranges. The echo
/// starts from silence: nothing wraps around from the end.
public struct Echo: WaveformTransform {
    public static let name = "echo"
    /// Range of delays in seconds, e.g. `0.05...0.3`.
    public var delaySeconds: ClosedRange<Double>
    /// Range of echo amplitudes relative to the signal (linear), e.g. `0.1...0.5`.
    public var gain: ClosedRange<Double>
    public var probability: Double

    public init(delaySeconds: ClosedRange<Double> = 0.05...0.3, gain: ClosedRange<Double> = 0.1...0.5,
                probability: Double = 1) {
        self.delaySeconds = delaySeconds
        self.gain = gain
        self.probability = probability
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        try AugmentationCheck.finite(delaySeconds, "delay (s)", Self.name)
        try AugmentationCheck.finite(gain, "gain", Self.name)
        guard delaySeconds.lowerBound >= 0 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "delay range \(delaySeconds) s must not be negative")
        }
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let (count, samples) = (try batch.size(0), try batch.size(1))
        let chosen = try random.bernoulli(count, probability: probability)
        let delays = try random.uniform(count, in: delaySeconds).map { Swift.max(1, Int(($0 * Double(sampleRate)).rounded())) }
        let gains = try random.uniform(count, in: gain)
        guard chosen.contains(true) else { return batch }
        let shift = try Tensor(delays.map(Int64.init), shape: [count, 1]).to(batch.device)
        let source = try Tensor.arange(0, Double(samples), dtype: .int64, device: batch.device).unsqueeze(0) - shift
        let before = try source.lt(0)
        let delayed = try batch.gather(dim: 1, index: source.clamp(min: 0).to(.int64)).maskedFill(before, 0)
        let echoed = try batch + delayed * PerExample.column(gains, like: batch)
        return try PerExample.select(chosen, echoed, batch)
    }

    enum CodingKeys: String, CodingKey { case delaySeconds, gain, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        delaySeconds = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .delaySeconds) ?? 0.05...0.3
        gain = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .gain) ?? 0.1...0.5
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
