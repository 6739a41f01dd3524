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
    /// The floating-point types the front end computes in; the result is float32 either way.
    public var precision: Precision

    /// Where float32 and float64 are used. What float32 loses is in the STFT: the FFT's rounding
    /// error is relative to a frame's loudest bin, so it shows in the quietest bins; a sum of
    /// non-negative powers (the mel projection) and a logarithm lose nothing measurable in
    /// float32.
    public enum Precision: String, Sendable, Codable, CaseIterable {
        /// Everything in float32, as PyTorch models compute: within 2e-3 dB of librosa down to
        /// -80 dB re max, and the fastest.
        case float32
        /// float64 STFT (samples, window, FFT), then the power, the mel projection and the dB in
        /// float32: within 1e-3 dB of librosa down to -80 dB re max (the default).
        case mixed
        /// float64 up to and including the dB, rounded to float32 at the end: as accurate as
        /// `mixed` in float32 output, slower.
        case float64

        /// The type of the samples, the window and the spectrum.
        public var stftType: DType { self == .float32 ? .float32 : .float64 }
        /// The type of the mel power and of the dB computed from it.
        public var melType: DType { self == .float64 ? .float64 : .float32 }
    }

    /// Crescendo's defaults: 16 kHz, n_fft 512, hop 256, 128 Slaney mels over 0–8000 Hz, no top_db,
    /// mixed precision (float64 STFT, float32 mel power and dB).
    public init(filterbank: MelFilterbank = MelFilterbank(), hopLength: Int = 256, amin: Double = 1e-10,
                reference: Double = 1.0, topDB: Double? = nil, precision: Precision = .mixed) {
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
    public struct Prepared: Sendable {
        public let config: LogMelSpectrogram
        public let window: Tensor
        public let filterbank: Tensor

        init(config: LogMelSpectrogram, device: Device) throws {
            guard config.hopLength >= 1, config.amin > 0, config.reference > 0, (config.topDB ?? 0) >= 0 else {
                throw TorchError.invalidArgument("log-mel: hop \(config.hopLength), amin \(config.amin), ref \(config.reference) must be positive and top_db non-negative")
            }
            self.config = config
            self.window = try Tensor.hannWindow(config.fftSize, dtype: config.precision.stftType, device: device)
            self.filterbank = try config.filterbank.tensor(device: device).to(config.precision.stftType)
        }

        /// Power mel spectrogram of (batch, samples) → (batch, mels, frames), of type
        /// `config.precision.melType`.
        ///
        /// On the CPU the frames go through the STFT and the projection a block at a time
        /// (``framesPerBlock`` frames in all, across the batch): each block's samples, spectrum
        /// and power stay in cache and are small enough for the heap to reuse, where one
        /// spectrum of a minute of audio (15 MB in float64) is paged in afresh on every call.
        public func melPower(_ waveform: Tensor) throws -> Tensor {
            let n = config.fftSize, hop = config.hopLength
            let x = try waveform.rank == 1 ? waveform.unsqueeze(0) : waveform
            guard x.rank == 2 else {
                throw TorchError.invalidArgument("log-mel: expected (batch, samples), got \(waveform.shape)")
            }
            let batch = try x.size(0), samples = try x.size(1)
            guard samples > n / 2 else {
                throw TorchError.invalidArgument("log-mel: \(samples) samples are too few for reflect padding of \(n / 2)")
            }
            // Reflect padding as a concatenation (ATen's reflection_pad1d is several times
            // slower), in the input's type: the conversion to the STFT's type is exact, and
            // done block by block below.
            let half = n / 2
            let padded = try Tensor.cat([x.slice(dim: 1, start: 1, end: half + 1).flip([1]), x,
                                         x.slice(dim: 1, start: samples - half - 1, end: samples - 1).flip([1])], dim: 1)
            let frames = config.frameCount(samples: samples)
            let step = x.device == .cpu ? Swift.max(16, Self.framesPerBlock / Swift.max(1, batch)) : frames
            var blocks: [Tensor] = []
            blocks.reserveCapacity((frames + step - 1) / step)
            for first in stride(from: 0, to: frames, by: step) {
                let count = Swift.min(step, frames - first)
                let segment = try padded.slice(dim: 1, start: first * hop, end: (first + count - 1) * hop + n)
                    .to(config.precision.stftType)
                let spectrum = try segment.stft(nFFT: n, hop: hop, window: window)
                // |X|² and the projection in one pass that skips each filter's zeros (a dense
                // matmul spends nearly all its time on them), rounded to the mel type.
                blocks.append(try Tensor.powerProject(filterbank, spectrum: spectrum, dtype: config.precision.melType))
            }
            return blocks.count == 1 ? blocks[0] : try Tensor.cat(blocks, dim: 2)
        }

        /// Frames per STFT block on the CPU: 512 frames of n_fft 512 are 2 MB of float64
        /// samples and as much spectrum.
        static let framesPerBlock = 512

        /// Log-mel in dB of (batch, samples) or (samples) → (batch, mels, frames).
        public func callAsFunction(_ waveform: Tensor) throws -> Tensor {
            try decibels(melPower(waveform)).to(.float32)
        }

        /// librosa's `power_to_db` over each example of a (batch, …) power tensor.
        public func decibels(_ power: Tensor) throws -> Tensor {
            try power.decibels(factor: 10, amin: config.amin, reference: config.reference, topDB: config.topDB)
        }
    }
}
