/// Header-level facts about an audio file, obtained without decoding it.
public struct AudioInfo: Sendable, Hashable, CustomStringConvertible {
    /// The path the file was opened by (as given, not resolved).
    public let path: String
    /// Native sample rate in Hz.
    public let sampleRate: Int
    /// Number of interleaved channels.
    public let channels: Int
    /// Number of frames (samples per channel) the header announces.
    ///
    /// Exact for PCM/FLOAT WAV, FLAC, Ogg Vorbis and Ogg Opus. For MPEG audio
    /// it comes from libmpg123: exact when the file carries a Xing/Info/LAME
    /// tag (every LAME-encoded file does), otherwise estimated from the file
    /// size and the first frame's bit rate; see ``frameCountIsExact``.
    public let frames: Int
    /// Container and sample encoding.
    public let format: AudioFormat
    /// Whether libsndfile can seek in the stream (true for every regular file
    /// in the supported formats).
    public let seekable: Bool

    /// Whether ``frames`` is known exactly.
    ///
    /// True for every non-MPEG format. For MPEG audio it is true only when
    /// the first frame carries a Xing/Info (LAME) or VBRI length tag and the
    /// file holds the bytes the tag announces (see ``lengthWarning``). Without
    /// one, libmpg123 estimates the length from the file size and the first
    /// frame's bit rate, and libsndfile *stops decoding at that estimate*: a
    /// VBR file without a tag can therefore decode shorter or longer than its
    /// real length. Decoders tolerate a shortfall of up to
    /// ``mpegFrameTolerance`` frames against an inexact count.
    public let frameCountIsExact: Bool

    /// Why the header's length was not used, naming the file; nil when nothing is amiss. Set
    /// for an mp3 whose Xing/Info/VBRI tag announces more bytes than the file holds (a file cut
    /// after encoding): ``frames`` is then what decodes, and ``frameCountIsExact`` false.
    public let lengthWarning: String?

    /// Memberwise initialiser.
    public init(path: String, sampleRate: Int, channels: Int, frames: Int, format: AudioFormat,
                seekable: Bool, frameCountIsExact: Bool = true, lengthWarning: String? = nil) {
        self.path = path
        self.sampleRate = sampleRate
        self.channels = channels
        self.frames = frames
        self.format = format
        self.seekable = seekable
        self.frameCountIsExact = frameCountIsExact
        self.lengthWarning = lengthWarning
    }

    /// Duration in seconds, `frames / sampleRate`.
    public var duration: Double {
        sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0
    }

    /// Largest shortfall (in frames) tolerated for an inexact (untagged MPEG)
    /// length before the stream is reported as truncated: 2 % of the announced length, at least two MPEG
    /// frames (2 × 1152 samples).
    public var mpegFrameTolerance: Int { max(2 * 1152, frames / 50) }

    /// Largest shortfall (in frames) of the decoded length against ``frames`` that still counts
    /// as a complete stream: ``mpegFrameTolerance`` for an inexact MPEG count; for Ogg Opus one
    /// maximal Opus packet (120 ms), because libsndfile 1.2 takes the length from the last
    /// granule position and its end trimming can deliver a few frames less (seen: 10 of 18.8 M
    /// frames in a Warzone 2100 track); 0 for every other format.
    public var endShortfallTolerance: Int {
        if !frameCountIsExact { return mpegFrameTolerance }
        if format.subtype == "OPUS" { return sampleRate * 120 / 1000 }
        return 0
    }

    /// `path: 44100 Hz, 2 ch, 44100 frames (1.000 s), WAV/PCM_16`.
    public var description: String {
        let seconds = (duration * 1000).rounded() / 1000
        return "\(path): \(sampleRate) Hz, \(channels) ch, \(frames) frames (\(seconds) s), \(format)"
    }
}
