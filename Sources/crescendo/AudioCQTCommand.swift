import ArgumentParser
import Audio
import Benchmarks
import Foundation
import Torch

/// `crescendo audio cqt FILE --out OUT.safetensors`: decodes (a window of) a file to mono at
/// the front end's rate and writes its log constant-Q spectrogram, margins included, with the
/// configuration that produced it in the file's metadata.
struct AudioCQTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cqt",
        abstract: "Write the log constant-Q spectrogram of an audio file (or a window of it) to a safetensors file.",
        discussion: """
            The tensor "cqt" is float32 (margin + bins + margin, frames) in dB re 1 (librosa's amplitude_to_db \
            of librosa.cqt magnitudes), lowest bin first; the window a model sees starts at row "margin_bins". \
            Metadata: "config" (the ConstantQTransform configuration as JSON), "source", "offset_s", "duration_s", \
            "sample_rate", "source_format", "margin_bins".
            """)

    @OptionGroup var window: AudioWindowOptions

    var file: String { window.file }
    var out: String { window.out }
    var sampleRate: Int { window.sampleRate }

    @Option(help: "Centre frequency of the window's first bin (Hz; default C1).")
    var fmin = ConstantQTransform().fmin

    @Option(help: "Bins per octave.")
    var binsPerOctave = 36

    @Option(help: "Bins in the window (without the margins).")
    var bins = 252

    @Option(help: "Extra bins below and above the window, for transposition.")
    var marginBins = 18

    @Option(help: "Hop between frames (samples).")
    var hop = 3200

    @Option(help: "librosa's filter_scale (Q multiplier).")
    var filterScale: Double = 1

    @Option(help: "Floor the dB values at max - top_db (default: no floor).")
    var topDB: Double?

    @Flag(help: "Compute every octave at the full rate (the definition; slower) instead of on decimated signals.")
    var noDecimate = false

    @Flag(help: "Print a JSON line instead of text.")
    var json = false

    var frontEnd: ConstantQTransform {
        ConstantQTransform(sampleRate: sampleRate, fmin: fmin, binsPerOctave: binsPerOctave, bins: bins, hopLength: hop,
                           filterScale: filterScale, marginBins: marginBins, topDB: topDB, decimate: !noDecimate)
    }

    func validate() throws {
        do { try frontEnd.validate() } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let config = frontEnd
        let audio = try window.load()
        let cqt: Tensor
        do {
            cqt = try withNoGrad { try config.prepared()(Tensor(audio.samples, shape: [1, audio.samples.count])).squeeze(0) }
        } catch {
            throw AudioCommandError.features(path: file, message: "constant-Q: \(error)")
        }
        try window.save(cqt, as: "cqt", config: config, audio: audio, extra: [
            "margin_bins": String(config.marginBins),
            "layout": "(margin + bins + margin, frames) float32 dB, lowest bin first",
        ])
        let shape = cqt.shape
        if json {
            emit(["out": out, "source": file, "bins": shape[0], "margin_bins": config.marginBins, "frames": shape[1],
                  "duration_s": round3(audio.duration), "sample_rate": audio.sampleRate])
        } else {
            print("\(out): \(shape[0]) bins (\(config.marginBins) of margin each side) x \(shape[1]) frames from \(String(format: "%.3f", audio.duration)) s of \(file) at \(audio.sampleRate) Hz")
        }
    }
}
