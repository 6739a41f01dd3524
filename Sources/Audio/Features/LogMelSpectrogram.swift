import Foundation
import Torch

/// Waveform → log-mel spectrogram in tensor ops, so it runs on the model's device:
/// centred STFT (reflect padding, periodic Hann window) → power → mel filterbank →
/// `10·log10(max(x, amin)) − 10·log10(max(ref, amin))`, floored at `max − topDB` per example
/// when `topDB` is set (librosa's `power_to_db`).
public struct LogMelSpectrogram: Sendable, Equatable, Codable {
    public var filterbank: MelFilterbank
    public var hopLength: Int
    public var amin: Double
    public var reference: Double
    public var topDB: Double?
    /// Precision of the STFT and mel projection; the result is float32 either way. float64
    /// stays within 1e-3 dB of librosa down to -80 dB re max; float32 (what PyTorch models
    /// compute, faster) within 2e-3 dB, its rounding showing in the quietest bins.
    public var precision: Precision

    public enum Precision: String, Sendable, Codable {
        case float32, float64
        var dtype: DType { self == .float32 ? .float32 : .float64 }
    }

    /// Crescendo's defaults: 16 kHz, n_fft 512, hop 256, 128 Slaney mels over 0–8000 Hz, no top_db, float64.
    public init(filterbank: MelFilterbank = MelFilterbank(), hopLength: Int = 256, amin: Double = 1e-10,
                reference: Double = 1.0, topDB: Double? = nil, precision: Precision = .float64) {
        self.precision = precision
        self.filterbank = filterbank
        self.hopLength = hopLength
        self.amin = amin
        self.reference = reference
        self.topDB = topDB
    }

    public var sampleRate: Int { filterbank.sampleRate }
    public var fftSize: Int { filterbank.fftSize }

    /// Frames produced for `samples` input samples (centred STFT).
    public func frameCount(samples: Int) -> Int { samples / hopLength + 1 }

    /// Precomputed constants (window and filterbank) for repeated use on one device.
    public func prepared(device: Device = .cpu) throws -> Prepared {
        try Prepared(config: self, device: device)
    }

    /// A ready-to-run front end: the Hann window and the filterbank as tensors.
    public struct Prepared: @unchecked Sendable {
        public let config: LogMelSpectrogram
        public let window: Tensor
        public let filterbank: Tensor

        init(config: LogMelSpectrogram, device: Device) throws {
            guard config.hopLength >= 1, config.amin > 0, config.reference > 0, (config.topDB ?? 0) >= 0 else {
                throw TorchError.invalidArgument("log-mel: hop \(config.hopLength), amin \(config.amin), ref \(config.reference) must be positive and top_db non-negative")
            }
            self.config = config
            self.window = try Tensor.hannWindow(config.fftSize, dtype: config.precision.dtype, device: device)
            self.filterbank = try config.filterbank.tensor(device: device).to(config.precision.dtype)
        }

        /// Power mel spectrogram of (batch, samples) → (batch, mels, frames).
        public func melPower(_ waveform: Tensor) throws -> Tensor {
            let n = config.fftSize
            let x = try (waveform.rank == 1 ? waveform.unsqueeze(0) : waveform).to(config.precision.dtype)
            guard x.rank == 2 else {
                throw TorchError.invalidArgument("log-mel: expected (batch, samples), got \(waveform.shape)")
            }
            let samples = try x.size(1)
            guard samples > n / 2 else {
                throw TorchError.invalidArgument("log-mel: \(samples) samples are too few for reflect padding of \(n / 2)")
            }
            let padded = try x.unsqueeze(1).reflectionPad1d(left: n / 2, right: n / 2).squeeze(1)
            let spectrum = try padded.stft(nFFT: n, hop: config.hopLength, window: window)
            // |X|² as re² + im² of the two strided halves: a sum over the size-2 last dimension
            // runs ATen's generic reduction, several times slower than these two element-wise ops.
            let power = try spectrum.select(dim: -1, index: 0).square() + spectrum.select(dim: -1, index: 1).square()
            return try filterbank.matmul(power)
        }

        /// Log-mel in dB of (batch, samples) or (samples) → (batch, mels, frames).
        public func callAsFunction(_ waveform: Tensor) throws -> Tensor {
            try decibels(melPower(waveform)).to(.float32)
        }

        /// librosa's `power_to_db` over each example of a (batch, …) power tensor.
        public func decibels(_ power: Tensor) throws -> Tensor {
            var db = try power.clamp(min: config.amin).log10() * 10.0
            let offset = 10.0 * Foundation.log10(Swift.max(config.amin, config.reference))
            if offset != 0 { db = try db - offset }
            if let topDB = config.topDB {
                let dims = Array(1..<db.rank)
                let floor = try db.amax(dims: dims, keepDim: true) - topDB
                db = try db.maximum(floor)
            }
            return db
        }
    }
}
