import Foundation
import Torch

/// The spectrum of synthetic noise.
public enum NoiseColor: String, Sendable, Codable, CaseIterable {
    /// Flat power spectral density: independent normal samples.
    case white
    /// Power spectral density ∝ 1/f (equal power per octave), approximated by the
    /// Voss–McCartney construction: the sum of `K` normal sequences, the k-th holding each
    /// value for 2ᵏ samples (with a random phase), so that octave k contributes below
    /// `sampleRate / 2ᵏ⁺¹`. The 1/f slope holds from `sampleRate / 2ᴷ` up to Nyquist, with
    /// ripples of about ±1 dB; K = min(16, ⌊log₂ samples⌋) reaches 0.25 Hz at 16 kHz.
    case pink

    /// Noise of shape (batch, samples), unit variance per sample for white, drawn from
    /// `random` on the CPU; the arithmetic runs on `device`.
    public func sample(batch: Int, samples: Int, random: AugmentationRandom, dtype: DType = .float32,
                       device: Device = .cpu) throws -> Tensor {
        switch self {
        case .white:
            return try random.normal([batch, samples], dtype: dtype, device: device)
        case .pink:
            let octaves = Swift.max(1, Swift.min(16, Int(Foundation.log2(Double(Swift.max(samples, 1))))))
            let time = try Tensor.arange(0, Double(samples), dtype: .float64, device: device).unsqueeze(0)
            var sum = try Tensor.zeros([batch, samples], dtype: dtype, device: device)
            for k in 0..<octaves {
                let hold = 1 << k
                let blocks = samples / hold + 2
                let values = try random.normal([batch, blocks], dtype: dtype, device: device)
                let phases = try random.integers(batch, in: 0...(hold - 1)).map(Double.init)
                let phase = try Tensor(phases, shape: [batch, 1]).to(device)
                let index = try ((time + phase) / Double(hold)).floor().to(.int64)
                sum = try sum + values.gather(dim: 1, index: index)
            }
            return sum
        }
    }
}
