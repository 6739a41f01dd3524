import Foundation
import Testing
import Torch
@testable import Audio

/// Signals and measurements shared by the augmentation tests.
enum Signal {
    static let rate = 16_000

    /// (rows, samples) sines at `hz` with amplitude `amplitude`, float32.
    static func sine(_ hz: Double, samples: Int = rate, rows: Int = 1, amplitude: Double = 0.5) throws -> Tensor {
        let t = try Tensor.arange(0, Double(samples), dtype: .float64) / Double(rate)
        let wave = try ((t * (2 * Double.pi * hz)).sin() * amplitude).to(.float32)
        return try wave.unsqueeze(0).expand([rows, samples]).contiguous()
    }

    /// A (rows, samples) batch of something music-like: a few partials and noise.
    static func music(rows: Int = 4, samples: Int = rate, seed: UInt64 = 11) throws -> Tensor {
        var x = try sine(220, samples: samples, rows: rows, amplitude: 0.3)
        x = try x + sine(660, samples: samples, rows: rows, amplitude: 0.1) + sine(1500, samples: samples, rows: rows, amplitude: 0.05)
        return try x + Tensor.randn([rows, samples], generator: Generator(seed: seed)) * 0.01
    }

    /// Mean power of each row, as Doubles.
    static func power(_ x: Tensor) throws -> [Double] {
        try x.to(.float64).square().mean(dims: [-1]).reshape([-1]).toArray(Double.self)
    }

    /// The frequency (Hz) in 300–700 Hz where |DFT| of a row peaks: a 2 Hz grid, then 0.05 Hz
    /// around the coarse peak.
    static func peakFrequency(_ row: Tensor) throws -> Double {
        let coarse = try peak(row, from: 300, to: 700, step: 2)
        return try peak(row, from: coarse - 3, to: coarse + 3, step: 0.05)
    }

    /// The grid frequency where |Σ x[n]·e^(−2πifn/rate)| is largest. Eight frequencies at a
    /// time, so that the (samples × frequencies) matrices stay small: tests run in parallel
    /// with one that watches the process's resident memory.
    static func peak(_ row: Tensor, from low: Double, to high: Double, step: Double) throws -> Double {
        let x = try row.to(.float64).reshape([-1, 1])                                        // (n, 1)
        let t = try Tensor.arange(0, Double(try x.size(0)), dtype: .float64).unsqueeze(1) * (2 * Double.pi / Double(rate))
        let count = Int(((high - low) / step).rounded(.down))
        var best = (power: -1.0, frequency: low)
        for first in stride(from: 0, to: count, by: 8) {
            let grid = try Tensor.arange(Double(first), Double(Swift.min(first + 8, count)), dtype: .float64) * step + low
            let phase = try t * grid.unsqueeze(0)                                            // (n, ≤8)
            let re = try (phase.cos() * x).sum(dims: [0]), im = try (phase.sin() * x).sum(dims: [0])
            let power: [Double] = try (re.square() + im.square()).toArray()
            for (i, p) in power.enumerated() where p > best.power {
                best = (p, low + step * Double(first + i))
            }
        }
        return best.frequency
    }

    /// Average power spectrum of a row (n_fft 4096, Hann), one value per bin of `rate / 4096` Hz.
    static func spectrum(_ row: Tensor) throws -> [Double] {
        let window = try Tensor.hannWindow(4096, dtype: .float64)
        let s = try row.to(.float64).reshape([1, -1]).stft(nFFT: 4096, hop: 1024, window: window)
        return try s.square().sum(dims: [-1]).mean(dims: [-1]).reshape([-1]).toArray(Double.self)
    }

    /// Total power in [low, high) Hz of a spectrum from ``spectrum(_:)``.
    static func bandPower(_ spectrum: [Double], _ low: Double, _ high: Double) -> Double {
        let binHz = Double(rate) / 4096
        return spectrum.enumerated().filter { Double($0.offset) * binHz >= low && Double($0.offset) * binHz < high }
            .reduce(0) { $0 + $1.element }
    }

    static func decibels(_ ratio: Double) -> Double { 10 * Foundation.log10(ratio) }
}
