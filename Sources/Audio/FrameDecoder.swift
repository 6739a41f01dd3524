/// One open file decoding into interleaved Float32 frames, read front to back.
///
/// Implemented by ``SoundFileHandle`` (libsndfile) and ``CodecFileHandle`` (libavcodec).
protocol FrameDecoder: AnyObject {
    /// Header-level facts; ``AudioInfo/frames`` is what a complete read delivers.
    var info: AudioInfo { get }
    /// Reads up to `frames` frames into `buffer` (room for `frames * info.channels` floats);
    /// returns fewer only at the end of the stream.
    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws(AudioError) -> Int
}

extension SoundFileHandle: FrameDecoder {}

/// The decoder an ``AudioStream`` reads from, chosen by ``StreamOptions/decoder``.
struct FrameDecoderChoice {
    /// The open decoder.
    let decoder: any FrameDecoder
    /// The library behind ``decoder``: `.sndfile` or `.libavcodec`.
    let backend: AudioDecoderBackend
    /// The same decoder when it is libsndfile's, which can seek.
    let seekable: SoundFileHandle?

    /// Opens `path` with the backend `options.decoder` asks for. `startsAtFirstFrame` says
    /// whether the caller reads from frame 0; libavcodec only decodes from there.
    static func open(path: String, options: StreamOptions, startsAtFirstFrame: (AudioInfo) throws(AudioError) -> Bool)
        throws(AudioError) -> FrameDecoderChoice {
        switch options.decoder {
        case .sndfile:
            let sndfile = try SoundFileHandle(path: path, tolerateTruncation: options.tolerateTruncation,
                                              checkFinite: options.checkFinite)
            return FrameDecoderChoice(decoder: sndfile, backend: .sndfile, seekable: sndfile)
        case .libavcodec:
            let codec = try CodecFileHandle(path: path, tolerateTruncation: options.tolerateTruncation,
                                            checkFinite: options.checkFinite)
            guard try startsAtFirstFrame(codec.info) else {
                throw AudioError.invalidArgument(
                    "the libavcodec decoder reads \(path) from its first frame only; use .sndfile or .automatic for an offset")
            }
            return FrameDecoderChoice(decoder: codec, backend: .libavcodec, seekable: nil)
        case .automatic:
            // libsndfile probes first: it validates the header exactly as before and its view
            // (rate, channels, length) is what libavcodec must reproduce to take over.
            let sndfile = try SoundFileHandle(path: path, tolerateTruncation: options.tolerateTruncation,
                                              checkFinite: options.checkFinite)
            if try startsAtFirstFrame(sndfile.info), let codec = CodecFileHandle.replacing(sndfile) {
                return FrameDecoderChoice(decoder: codec, backend: .libavcodec, seekable: nil)
            }
            return FrameDecoderChoice(decoder: sndfile, backend: .sndfile, seekable: sndfile)
        }
    }
}
