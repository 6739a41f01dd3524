import Audio

/// Reads an audio file's header facts. Importers call it for every new or changed file;
/// tests substitute a fake where real audio is not the point.
///
/// Implementations are called concurrently from several tasks.
public protocol AudioProber: Sendable {
    /// The file's sample rate, channels, frames and format, or why they cannot be read.
    func probe(_ path: String) throws(AudioError) -> AudioInfo
}

/// The default prober: ``Audio/AudioFile/probe(_:)`` (libsndfile's header reader, with
/// libmpg123 for MP3).
public struct AudioFileProber: AudioProber {
    /// Creates the prober.
    public init() {}

    public func probe(_ path: String) throws(AudioError) -> AudioInfo {
        try AudioFile.probe(path)
    }
}
