import ArgumentParser
import Audio
import Benchmarks
import Foundation
import Torch

/// `crescendo audio mel FILE --out OUT.safetensors`: decodes (a window of) a file to mono at
/// the front end's rate and writes its log-mel spectrogram, with the configuration that
/// produced it in the file's metadata.
struct AudioMelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mel",
        abstract: "Write the log-mel spectrogram of an audio file (or a window of it) to a safetensors file.",
        discussion: """
            The tensor "mel" is float32 (mels, frames) in dB. Metadata: "config" (the LogMelSpectrogram \
            configuration as JSON), "source", "offset_s", "duration_s", "sample_rate", "source_format".
            """)

    @OptionGroup var window: AudioWindowOptions

    var file: String { window.file }
    var out: String { window.out }
    var sampleRate: Int { window.sampleRate }

    @Option(help: "FFT size.")
    var nFFT = 512

    @Option(help: "Hop between frames (samples).")
    var hop = 256

    @Option(help: "Number of mel bands.")
    var mels = 128

    @Option(help: "Lowest filter edge (Hz).")
    var fmin: Double = 0

    @Option(help: "Highest filter edge (Hz, default: Nyquist).")
    var fmax: Double?

    @Option(help: "Floor the dB values at max - top_db (default: no floor).")
    var topDB: Double?

    @Flag(help: "HTK mel scale without filter normalisation (torchaudio's default) instead of Slaney's (librosa's).")
    var htk = false

    @Option(help: "mixed (float64 STFT, float32 from the power on: within 1e-3 dB of librosa), float64 (float64 throughout, as close, slower) or float32 (fastest, within 2e-3 dB).")
    var precision: String = LogMelSpectrogram.Precision.mixed.rawValue

    @Flag(help: "Print a JSON line instead of text.")
    var json = false

    func validate() throws {
        guard LogMelSpectrogram.Precision(rawValue: precision) != nil else {
            throw ValidationError("--precision must be mixed, float64 or float32, not \(precision)")
        }
        do { try frontEnd.filterbank.validate() } catch { throw ValidationError("\(error)") }
        guard hop >= 1 else { throw ValidationError("--hop must be >= 1") }
    }

    var frontEnd: LogMelSpectrogram {
        LogMelSpectrogram(
            filterbank: MelFilterbank(sampleRate: sampleRate, fftSize: nFFT, melBands: mels, minHz: fmin, maxHz: fmax,
                                      scale: htk ? .htk : .slaney, normalization: htk ? .none : .slaney),
            hopLength: hop, topDB: topDB, precision: LogMelSpectrogram.Precision(rawValue: precision) ?? .mixed)
    }

    func run() throws {
        let config = frontEnd
        let audio = try window.load()
        let needed = config.fftSize / 2 + 1
        guard audio.samples.count >= needed else {
            throw AudioCommandError.tooShort(path: file, samples: audio.samples.count, needed: needed)
        }
        let mel: Tensor
        do {
            mel = try withNoGrad { try config.prepared()(Tensor(audio.samples)).squeeze(0) }
        } catch {
            throw AudioCommandError.features(path: file, message: "\(error)")
        }
        try window.save(mel, as: "mel", config: config, audio: audio, extra: ["layout": "(mels, frames) float32 dB"])
        let shape = mel.shape
        if json {
            emit(["out": out, "source": file, "mels": shape[0], "frames": shape[1], "duration_s": round3(audio.duration),
                  "sample_rate": audio.sampleRate])
        } else {
            print("\(out): \(shape[0]) mels x \(shape[1]) frames from \(String(format: "%.3f", audio.duration)) s of \(file) at \(audio.sampleRate) Hz")
        }
    }
}
