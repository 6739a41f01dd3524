import Foundation
import Torch

/// Reverberates each chosen example by convolution with a synthetic room impulse response,
/// then mixes it with the dry signal: `y = (1 − w)·x + w·(x ∗ h)`.
///
/// The impulse response is Gaussian noise under an exponential envelope that falls 60 dB
/// over the reverberation time: `h[n] = ν[n] · 10^(−3·n / (RT60 · fₛ))`, `n < RT60 · fₛ`,
/// scaled to unit energy — the diffuse tail of a room whose RT60 is drawn uniformly from
/// ``rt60Seconds``; the wet fraction `w` is drawn from ``wet``. The convolution is done with
/// FFTs (``Tensor/fftConvolve(_:_:length:)``), so second-long responses cost little; the
/// output keeps the input's length (the tail past the end is dropped).
public struct Reverb: WaveformTransform {
    public static let name = "reverb"
    /// Range of reverberation times (to −60 dB) in seconds, e.g. `0.2...1.0`.
    public var rt60Seconds: ClosedRange<Double>
    /// Range of the reverberant part's share of the mix, within [0, 1].
    public var wet: ClosedRange<Double>
    public var probability: Double

    public init(rt60Seconds: ClosedRange<Double> = 0.2...1.0, wet: ClosedRange<Double> = 0.1...0.5,
                probability: Double = 1) {
        self.rt60Seconds = rt60Seconds
        self.wet = wet
        self.probability = probability
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        try AugmentationCheck.finite(rt60Seconds, "RT60 (s)", Self.name)
        guard rt60Seconds.lowerBound > 0, rt60Seconds.upperBound <= 10 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "RT60 range \(rt60Seconds) s must lie in (0, 10]")
        }
        guard wet.lowerBound >= 0, wet.upperBound <= 1 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "wet range \(wet) must lie within [0, 1]")
        }
    }

    /// Unit-energy impulse responses, (rt60.count, ⌈max RT60 · sampleRate⌉), one per RT60.
    public static func impulseResponses(rt60Seconds rt60: [Double], sampleRate: Int, random: AugmentationRandom,
                                        dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let length = Int((rt60.max() ?? 0) * Double(sampleRate)) + 1
        let time = try Tensor.arange(0, Double(length), dtype: .float64, device: device).unsqueeze(0) / Double(sampleRate)
        let decay = try Tensor(rt60.map { -3 * Foundation.log(10.0) / $0 }, shape: [rt60.count, 1]).to(device)
        let envelope = try (time * decay).exp()
        let inside = try time.lt(Tensor(rt60, shape: [rt60.count, 1]).to(device))
        let noise = try random.normal([rt60.count, length], dtype: .float64, device: device)
        let response = try (noise * envelope).maskedFill(inside.logicalNot(), 0)
        let energy = try response.square().sum(dims: [1], keepDim: true).sqrt().clamp(min: 1e-30)
        return try (response / energy).to(dtype)
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let (count, samples) = (try batch.size(0), try batch.size(1))
        let chosen = try random.bernoulli(count, probability: probability)
        let times = try random.uniform(count, in: rt60Seconds)
        let mix = try random.uniform(count, in: wet)
        guard chosen.contains(true) else { return batch }
        let responses = try Self.impulseResponses(rt60Seconds: times, sampleRate: sampleRate, random: random,
                                                  dtype: batch.dtype, device: batch.device)
        let reverberant = try Tensor.fftConvolve(batch, responses, length: samples)
        let w = try PerExample.column(mix, like: batch)
        let mixed = try batch * (1 - w) + reverberant * w
        return try PerExample.select(chosen, mixed, batch)
    }

    enum CodingKeys: String, CodingKey { case rt60Seconds, wet, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rt60Seconds = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .rt60Seconds) ?? 0.2...1.0
        wet = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .wet) ?? 0.1...0.5
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
