import Foundation
import Torch

/// A random graphic equalizer: each chosen example is filtered by a linear-phase FIR whose gain
/// curve passes through ``bands`` control points, spaced evenly in log frequency from ``lowHz``
/// to ``highHz``, each at a gain drawn uniformly from ``gainDB``; the curve is linear in dB
/// over log frequency between them and flat beyond the outer ones.
///
/// Why: instruments rendered by another soundfont (or recorded in another room) differ most in
/// their spectral envelope, which gain, low-pass and noise leave alone; a random smooth envelope
/// per example asks a model to recognise an instrument under any of them. The kernel is designed
/// by frequency sampling, as `scipy.signal.firwin2` does (the curve sampled on a grid of
/// `2^⌈log₂ taps⌉ + 1` frequencies from 0 to Nyquist, a linear-phase inverse real DFT, the
/// first `taps` samples times a Hamming window), and applied centred, so it delays nothing.
/// The window resolves about `sampleRate / taps` Hz, so turns of the curve closer together than a
/// few times that (255 taps at 16 kHz: the control points below about 800 Hz) are rounded off.
public struct RandomEqualizer: WaveformTransform {
    public static let name = "equalizer"

    /// Range of each control point's gain in dB.
    public var gainDB: ClosedRange<Double>
    /// Number of control points (at least 2).
    public var bands: Int
    /// The lowest and highest control frequencies in Hz (below Nyquist of the signals filtered).
    public var lowHz: Double
    public var highHz: Double
    /// Odd FIR length; the frequency resolution is about `sampleRate / taps` Hz.
    public var taps: Int
    public var probability: Double

    public init(gainDB: ClosedRange<Double> = -9...9, bands: Int = 6, lowHz: Double = 100, highHz: Double = 6400,
                taps: Int = 255, probability: Double = 1) {
        self.gainDB = gainDB
        self.bands = bands
        self.lowHz = lowHz
        self.highHz = highHz
        self.taps = taps
        self.probability = probability
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        try AugmentationCheck.finite(gainDB, "gain (dB)", Self.name)
        guard bands >= 2 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "bands \(bands) must be at least 2")
        }
        guard lowHz.isFinite, highHz.isFinite, lowHz > 0, highHz > lowHz else {
            throw AugmentationError.invalidParameter(
                transform: Self.name, message: "control frequencies \(lowHz)…\(highHz) Hz must be positive and increasing")
        }
        guard taps >= 3, taps % 2 == 1 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "taps \(taps) must be odd and at least 3")
        }
    }

    /// The control frequencies in Hz, evenly spaced in log frequency.
    public var controlHz: [Double] {
        let ratio = Foundation.log(highHz / lowHz) / Double(bands - 1)
        return (0..<bands).map { lowHz * Foundation.exp(Double($0) * ratio) }
    }

    public func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        let count = try batch.size(0)
        let chosen = try random.bernoulli(count, probability: probability)
        let gains = try random.uniform(count * bands, in: gainDB)
        guard highHz < Double(sampleRate) / 2 else {
            throw AugmentationError.invalidParameter(
                transform: Self.name, message: "highest control frequency \(highHz) Hz must lie below Nyquist (\(sampleRate / 2) Hz)")
        }
        guard chosen.contains(true) else { return batch }
        let curves = (0..<count).map { Array(gains[($0 * bands)..<(($0 + 1) * bands)]) }
        let kernels = try Self.kernels(controlHz: controlHz, gainsDB: curves, sampleRate: sampleRate, taps: taps)
        return try PerExample.select(chosen, WindowedSincFilter.apply(batch, kernels: kernels.to(batch.device, batch.dtype)),
                                     batch)
    }

    /// Amplitude (not dB) of the curve through (`controlHz`, `gainsDB`) at each of `hz`: linear
    /// in dB over log frequency, flat outside the control points (and at 0 Hz).
    public static func amplitudes(controlHz: [Double], gainsDB: [Double], at hz: [Double]) -> [Double] {
        let logs = controlHz.map { Foundation.log($0) }
        return hz.map { f in
            let db: Double
            if f <= controlHz[0] {
                db = gainsDB[0]
            } else if f >= controlHz[controlHz.count - 1] {
                db = gainsDB[gainsDB.count - 1]
            } else {
                let x = Foundation.log(f)
                let upper = logs.firstIndex { $0 >= x } ?? logs.count - 1
                let t = (x - logs[upper - 1]) / (logs[upper] - logs[upper - 1])
                db = gainsDB[upper - 1] + t * (gainsDB[upper] - gainsDB[upper - 1])
            }
            return Foundation.pow(10, db / 20)
        }
    }

    /// float64 kernels on the CPU, (gainsDB.count, taps), one per gain curve: `firwin2`'s
    /// frequency-sampling design of each curve.
    public static func kernels(controlHz: [Double], gainsDB: [[Double]], sampleRate: Int, taps: Int) throws -> Tensor {
        // firwin2's grid: nfreqs = 1 + 2^⌈log₂ taps⌉ points from 0 to Nyquist, an inverse real
        // DFT of size n = 2 (nfreqs − 1).
        var half = 1
        while half < taps { half *= 2 }
        let nfreqs = half + 1, n = 2 * half
        let grid = (0..<nfreqs).map { Double($0) * Double(sampleRate) / Double(n) }
        let amplitude = try Tensor(gainsDB.flatMap { amplitudes(controlHz: controlHz, gainsDB: $0, at: grid) },
                                   shape: [gainsDB.count, nfreqs])
        // h[t] = (1/n) Σ_k w_k A_k cos(2πk(t − M/2)/n), t = 0…M (M = taps − 1): the real part of
        // irfft(A · e^{−iπkM/n}); w_k = 2 except at DC and Nyquist, where it is 1.
        let m = Double(taps - 1)
        let k = try Tensor.arange(0, Double(nfreqs), dtype: .float64).unsqueeze(1)               // (nfreqs, 1)
        let t = try Tensor.arange(0, Double(taps), dtype: .float64).unsqueeze(0)                 // (1, taps)
        let basis = try ((t - m / 2) * k * (2 * Double.pi / Double(n))).cos()                    // (nfreqs, taps)
        var weights = [Double](repeating: 2 / Double(n), count: nfreqs)
        weights[0] = 1 / Double(n)
        weights[nfreqs - 1] = 1 / Double(n)
        let weighted = try amplitude * Tensor(weights, shape: [1, nfreqs])
        let window = try 0.54 - (t * (2 * Double.pi / m)).cos() * 0.46                            // Hamming, (1, taps)
        return try weighted.matmul(basis) * window
    }

    enum CodingKeys: String, CodingKey { case gainDB, bands, lowHz, highHz, taps, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RandomEqualizer()
        gainDB = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .gainDB) ?? defaults.gainDB
        bands = try c.decodeIfPresent(Int.self, forKey: .bands) ?? defaults.bands
        lowHz = try c.decodeIfPresent(Double.self, forKey: .lowHz) ?? defaults.lowHz
        highHz = try c.decodeIfPresent(Double.self, forKey: .highHz) ?? defaults.highHz
        taps = try c.decodeIfPresent(Int.self, forKey: .taps) ?? defaults.taps
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? defaults.probability
    }
}
