import Foundation
import Torch

/// Linear-phase FIR low- and high-pass filters designed by the windowed-sinc method, one
/// kernel per example, applied by FFT convolution.
///
/// Design: the ideal low-pass impulse response `h[n] = 2f꜀/fₛ · sinc(2f꜀/fₛ · (n − M/2))`,
/// `n = 0…M` (`M = taps − 1`, odd `taps`), times a Blackman window
/// `0.42 − 0.5·cos(2πn/M) + 0.08·cos(4πn/M)`, scaled to unit gain at DC. The high-pass is its
/// spectral inversion `δ[n − M/2] − h[n]` (unit gain at Nyquist, zero at DC). The Blackman
/// window gives about 74 dB of stop-band attenuation and a transition band about
/// `5.5 · fₛ / taps` wide centred on the cutoff (the gain there is −6 dB); 129 taps at 16 kHz
/// make it about 680 Hz. The kernels are symmetric, so filtering, done centred, delays nothing.
public enum WindowedSincFilter {
    /// Low-pass kernels, (cutoffs.count, taps), one per cutoff frequency (Hz, below Nyquist).
    public static func lowPass(cutoffHz: [Double], sampleRate: Int, taps: Int, dtype: DType = .float32,
                               device: Device = .cpu) throws -> Tensor {
        try design(cutoffHz: cutoffHz, sampleRate: sampleRate, taps: taps, highPass: false).to(device, dtype)
    }

    /// High-pass kernels, (cutoffs.count, taps), one per cutoff frequency (Hz, below Nyquist).
    public static func highPass(cutoffHz: [Double], sampleRate: Int, taps: Int, dtype: DType = .float32,
                                device: Device = .cpu) throws -> Tensor {
        try design(cutoffHz: cutoffHz, sampleRate: sampleRate, taps: taps, highPass: true).to(device, dtype)
    }

    /// Filters each row of a (batch, samples) tensor with its own kernel from a (batch, taps)
    /// tensor (or every row with one (taps) kernel): centred, zero outside the signal, same length.
    public static func apply(_ batch: Tensor, kernels: Tensor) throws -> Tensor {
        let taps = try kernels.size(-1), samples = try batch.size(-1)
        let full = try Tensor.fftConvolve(batch, kernels, length: samples + taps / 2)
        return try full.slice(dim: -1, start: taps / 2, end: taps / 2 + samples)
    }

    /// `|H(f)|`, the gain of `kernel` at frequency `hz` (computed directly in Double).
    public static func magnitudeResponse(_ kernel: [Double], atHz hz: Double, sampleRate: Int) -> Double {
        let omega = 2 * Double.pi * hz / Double(sampleRate)
        var re = 0.0, im = 0.0
        for (n, h) in kernel.enumerated() {
            re += h * Foundation.cos(omega * Double(n))
            im -= h * Foundation.sin(omega * Double(n))
        }
        return (re * re + im * im).squareRoot()
    }

    /// Checks an odd tap count of at least 3 and cutoffs strictly between 0 and Nyquist.
    static func check(cutoffHz: [Double], sampleRate: Int, taps: Int, transform: String) throws(AugmentationError) {
        guard taps >= 3, taps % 2 == 1 else {
            throw .invalidParameter(transform: transform, message: "taps \(taps) must be odd and at least 3")
        }
        let nyquist = Double(sampleRate) / 2
        for f in cutoffHz where !(f > 0 && f < nyquist) {
            throw .invalidParameter(transform: transform,
                                    message: "cutoff \(f) Hz must lie strictly between 0 and Nyquist (\(nyquist) Hz)")
        }
    }

    /// float64 kernels on the CPU.
    static func design(cutoffHz: [Double], sampleRate: Int, taps: Int, highPass: Bool) throws -> Tensor {
        try check(cutoffHz: cutoffHz, sampleRate: sampleRate, taps: taps, transform: "windowed-sinc filter")
        let m = Double(taps - 1)
        let k = try Tensor.arange(0, Double(taps), dtype: .float64).unsqueeze(0)        // (1, taps)
        let normalized = try Tensor(cutoffHz.map { 2 * $0 / Double(sampleRate) }, shape: [cutoffHz.count, 1])
        let x = try (k - m / 2) * normalized                                              // (count, taps)
        let zero = try x.eq(0)
        let safe = try Tensor.where(zero, Tensor.ones([1], dtype: .float64), x)
        let sinc = try Tensor.where(zero, Tensor.ones([1], dtype: .float64), (safe * Double.pi).sin() / (safe * Double.pi))
        let phase = try k * (2 * Double.pi / m)
        let window = try 0.42 - phase.cos() * 0.5 + (phase * 2).cos() * 0.08
        var h = try sinc * window * normalized
        h = try h / h.sum(dims: [1], keepDim: true)
        guard highPass else { return h }
        let delta = try Tensor.zeros([1, taps], dtype: .float64)
        try delta.select(dim: 1, index: taps / 2).fill(1)
        return try delta - h
    }
}
