import ArgumentParser
import Audio
import Foundation
import Torch

/// The part of an audio file a feature command reads: the file, the window, the rate it is
/// resampled to, and where the features go (shared by `audio mel` and `audio cqt`).
struct AudioWindowOptions: ParsableArguments {
    @Argument(help: "The audio file.")
    var file: String

    @Option(help: "Output safetensors file.")
    var out: String

    @Option(help: "Start of the window in seconds.")
    var offset: Double = 0

    @Option(help: "Length of the window in seconds (default: to the end).")
    var duration: Double?

    @Option(help: "Sample rate the audio is resampled to (Hz).")
    var sampleRate = 16_000

    func validate() throws {
        guard offset.isFinite, offset >= 0 else { throw ValidationError("--offset must be >= 0") }
        if let duration, !(duration.isFinite && duration > 0) { throw ValidationError("--duration must be > 0") }
    }

    /// The window, decoded to mono at `sampleRate`.
    func load() throws -> MonoAudio {
        do {
            return try AudioFile.loadMono(file, targetRate: sampleRate, offset: offset, duration: duration)
        } catch {
            throw AudioCommandError.audio(error)
        }
    }

    /// Writes `tensor` as `name` to ``out``, with the window's provenance and the front end's
    /// configuration (JSON) in the metadata, plus `extra`.
    func save<Config: Encodable>(_ tensor: Tensor, as name: String, config: Config, audio: MonoAudio,
                                 extra: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata: [String: String] = [
            "config": String(decoding: try encoder.encode(config), as: UTF8.self),
            "source": file,
            "offset_s": String(offset),
            "duration_s": String(audio.duration),
            "sample_rate": String(audio.sampleRate),
            "source_format": audio.source.format.description,
        ].merging(extra) { _, new in new }
        do {
            try TensorStore.save([name: tensor], metadata: metadata, to: URL(fileURLWithPath: out))
        } catch {
            throw AudioCommandError.write(path: out, message: "\(error)")
        }
    }
}
