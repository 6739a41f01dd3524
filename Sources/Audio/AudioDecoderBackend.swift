/// Which library decodes the compressed audio in an ``AudioStream``.
public enum AudioDecoderBackend: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// libavcodec for a stereo or mono Ogg Vorbis stream read from its first frame, libsndfile
    /// for everything else (seeking windows, Opus, WAV, FLAC, MP3...). libavcodec's native
    /// Vorbis decoder needs less than half the CPU time of libvorbis and agrees with it to float
    /// rounding; its Opus decoder does not match libopus closely enough (see
    /// `CodecFileHandle.replacing`). The file is still probed by libsndfile, and libsndfile
    /// decodes whenever libavcodec cannot open the file or would see a different rate, channel
    /// count or length.
    case automatic
    /// libsndfile (libvorbis, libopus, libFLAC, libmpg123...) for every format.
    case sndfile
    /// libavcodec for Ogg Vorbis and Ogg Opus only, from the first frame: no libsndfile probe,
    /// no fallback. Anything else is an error.
    case libavcodec

    /// The raw value: `automatic`, `sndfile` or `libavcodec`.
    public var description: String { rawValue }
}
