import Foundation
import Torch

/// A bank of triangular filters mapping an STFT's power spectrum to mel bands, computed from
/// its configuration (never stored): librosa's `filters.mel` with `htk=False, norm='slaney'`
/// by default, torchaudio's `melscale_fbanks` with `.htk, .none`.
public struct MelFilterbank: Sendable, Equatable, Codable {
    public var sampleRate: Int
    public var fftSize: Int
    public var melBands: Int
    public var minHz: Double
    public var maxHz: Double
    public var scale: MelScale
    public var normalization: MelNormalization

    public init(sampleRate: Int = 16000, fftSize: Int = 512, melBands: Int = 128, minHz: Double = 0,
                maxHz: Double? = nil, scale: MelScale = .slaney, normalization: MelNormalization = .slaney) {
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        self.melBands = melBands
        self.minHz = minHz
        self.maxHz = maxHz ?? Double(sampleRate) / 2
        self.scale = scale
        self.normalization = normalization
    }

    /// Number of STFT frequency bins (n_fft / 2 + 1).
    public var frequencyBins: Int { fftSize / 2 + 1 }

    /// Checks the configuration, naming what is wrong.
    public func validate() throws {
        guard sampleRate > 0, fftSize >= 2, melBands >= 1 else {
            throw TorchError.invalidArgument("mel filterbank: sample rate \(sampleRate), n_fft \(fftSize) and mel bands \(melBands) must be positive")
        }
        guard minHz >= 0, maxHz > minHz, maxHz <= Double(sampleRate) / 2 + 1e-9 else {
            throw TorchError.invalidArgument("mel filterbank: need 0 <= fmin (\(minHz)) < fmax (\(maxHz)) <= sample rate / 2 (\(Double(sampleRate) / 2))")
        }
    }

    /// The edge frequencies (Hz) of the filters: melBands + 2 points equally spaced in mel.
    public var edgeFrequencies: [Double] {
        let lo = scale.mel(fromHz: minHz), hi = scale.mel(fromHz: maxHz)
        let n = melBands + 2
        return (0..<n).map { i in scale.hz(fromMel: lo + (hi - lo) * Double(i) / Double(n - 1)) }
    }

    /// The weights, row-major (melBands × frequencyBins), computed in double precision.
    public func weights() -> [Double] {
        let bins = frequencyBins
        let nyquist = Double(sampleRate) / 2
        let fftFrequencies = (0..<bins).map { nyquist * Double($0) / Double(bins - 1) }
        let edges = edgeFrequencies
        var w = [Double](repeating: 0, count: melBands * bins)
        for m in 0..<melBands {
            let lower = edges[m], center = edges[m + 1], upper = edges[m + 2]
            let scale = normalization == .slaney ? 2.0 / (upper - lower) : 1.0
            for k in 0..<bins {
                let f = fftFrequencies[k]
                let rising = (f - lower) / (center - lower)
                let falling = (upper - f) / (upper - center)
                w[m * bins + k] = Swift.max(0, Swift.min(rising, falling)) * scale
            }
        }
        return w
    }

    /// The weights as a (melBands, frequencyBins) float32 tensor on `device`.
    public func tensor(device: Device = .cpu) throws -> Tensor {
        try validate()
        return try Tensor(weights().map(Float.init), shape: [melBands, frequencyBins], device: device)
    }
}
