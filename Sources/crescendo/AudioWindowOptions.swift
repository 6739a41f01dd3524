import ArgumentParser
import Audio

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
}
