import CAVCodec
import CSndfile
import Glibc

/// FFmpeg's libraries print warnings ("n bytes of comment header remain") to stderr by default;
/// every problem reaches the caller as an ``AudioError`` instead. Set once per process.
private let libavLoggingSilenced: Bool = {
    av_log_set_level(AV_LOG_QUIET)
    return true
}()

/// One open libavformat + libavcodec decoder over one Ogg Vorbis or Ogg Opus file.
///
/// Decodes with FFmpeg's native decoders on one thread, which need about half the CPU time of
/// libvorbis and libopus, and delivers what ``SoundFileHandle`` delivers for the same file:
/// the same rate and channel count, the same frame count (Opus pre-skip dropped; output ends at
/// the length libsndfile reports, taken from the last granule position) and interleaved
/// Float32 samples. Vorbis samples agree with libvorbis to a few 1e-7. Opus samples agree with
/// libopus to float rounding in CELT packets; in SILK and hybrid packets the two resample the
/// SILK band with different filters (the Opus specification leaves that open), which delays it
/// by about two samples at 48 kHz and leaves sample differences up to about 0.2.
///
/// Opens only what it can deliver like libsndfile: Ogg Vorbis and Ogg Opus with one or two
/// channels (libavcodec orders more channels differently), and Opus only where libsndfile
/// decodes at 48 kHz (an input rate above 24 kHz). Reads sequentially from the first frame;
/// there is no seek. Not `Sendable`: each task opens its own.
final class CodecFileHandle: FrameDecoder {
    let path: String
    let info: AudioInfo
    /// Whether a shortfall against ``AudioInfo/frames`` is tolerated.
    let tolerateTruncation: Bool
    /// Whether every decoded sample is checked for NaN/Inf.
    let checkFinite: Bool
    /// Index of the next frame ``read(into:frames:)`` returns.
    private(set) var position = 0
    /// Set once a read hit the end of the stream.
    private(set) var reachedEnd = false

    private let contexts: LibavContexts
    private let format: UnsafeMutablePointer<AVFormatContext>
    private let codec: UnsafeMutablePointer<AVCodecContext>
    private let packet: UnsafeMutablePointer<AVPacket>
    private let frame: UnsafeMutablePointer<AVFrame>
    private let streamIndex: Int32
    /// Packets libsndfile would discard (sharing a page with the last Vorbis header).
    private var packetsToDrop: Int
    /// Samples of `frame` still to be returned: `frameOffset..<frameEnd`.
    private var frameOffset = 0
    private var frameEnd = 0
    /// Frames taken from decoded frames so far (returned or pending), at most `info.frames`.
    private var acceptedFrames = 0
    /// The demuxer is exhausted and the decoder has been told so.
    private var inputFinished = false

    /// Opens `path` with libavformat's Ogg demuxer and libavcodec's native decoder.
    ///
    /// Throws ``AudioError/unsupportedFormat(path:reason:)`` for anything but a mono or stereo
    /// Ogg Vorbis or (48 kHz) Ogg Opus stream, ``AudioError/corrupt(path:frame:reason:)`` when
    /// the file ends inside a page or its length is unknown, and the errno-based cases of
    /// ``SoundFileHandle`` for files that cannot be opened.
    init(path: String, tolerateTruncation: Bool = false, checkFinite: Bool = true) throws(AudioError) {
        _ = libavLoggingSilenced
        self.path = path
        self.tolerateTruncation = tolerateTruncation
        self.checkFinite = checkFinite
        let (fd, fileSize) = try AudioFileDescriptor.open(path)
        // Owns everything from here on and releases it if opening fails half-way.
        let contexts = try LibavContexts(fd: fd, path: path)
        self.contexts = contexts

        guard let context = avformat_alloc_context() else {
            throw AudioError.ioError(path: path, errno: ENOMEM, message: "cannot allocate the libavformat context")
        }
        context.pointee.pb = contexts.io
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        // The Ogg demuxer only: no content probing, and nothing but Ogg gets this far.
        let status = avformat_open_input(&opened, path, av_find_input_format("ogg"), nil)
        guard status >= 0, let format = opened else {
            // avformat_open_input frees the context on failure.
            if OggPages.startsWithPage(fd: fd) {
                throw AudioError.corrupt(path: path, frame: 0, reason: "libavformat cannot read the Ogg stream: \(Self.message(status))")
            }
            throw AudioError.unsupportedFormat(path: path, reason: "libavformat: not an Ogg stream")
        }
        contexts.format = format
        self.format = format

        let index = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        guard index >= 0, let stream = format.pointee.streams[Int(index)], let parameters = stream.pointee.codecpar else {
            throw AudioError.unsupportedFormat(path: path, reason: "libavformat: no audio stream")
        }
        streamIndex = index
        let codecID = parameters.pointee.codec_id
        let subtype: Int32
        let decoderName: String
        switch codecID {
        case AV_CODEC_ID_VORBIS:
            subtype = Int32(SF_FORMAT_VORBIS)
            decoderName = "vorbis"
        case AV_CODEC_ID_OPUS:
            subtype = Int32(SF_FORMAT_OPUS)
            decoderName = "opus"
        default:
            let name = avcodec_get_name(codecID).map { String(cString: $0) } ?? "unknown"
            throw AudioError.unsupportedFormat(
                path: path, reason: "libavcodec backend: decodes Ogg Vorbis and Ogg Opus only, not \(name)")
        }

        let channels = Int(parameters.pointee.ch_layout.nb_channels)
        let sampleRate = Int(parameters.pointee.sample_rate)
        guard AudioLimits.channels.contains(channels) else {
            throw AudioError.invalidChannelCount(path: path, channels: channels)
        }
        guard AudioLimits.sampleRates.contains(sampleRate) else {
            throw AudioError.invalidSampleRate(path: path, sampleRate: sampleRate)
        }
        guard channels <= 2 else {
            throw AudioError.unsupportedFormat(
                path: path, reason: "libavcodec backend: \(channels) channels; libavcodec orders more than two differently from libsndfile")
        }
        if codecID == AV_CODEC_ID_OPUS, let inputRate = Self.opusInputRate(parameters.pointee), inputRate <= 24_000 {
            throw AudioError.unsupportedFormat(
                path: path, reason: "libavcodec backend: Opus input rate \(inputRate) Hz; libsndfile decodes it below 48 kHz, libavcodec only at 48 kHz")
        }

        if OggPages.endsInsidePage(fd: fd, fileSize: fileSize) {
            throw AudioError.corrupt(
                path: path, frame: 0, reason: "stream length cannot be determined; the file ends inside an Ogg page (cut short)")
        }
        let duration = stream.pointee.duration
        guard duration != Int64.min, duration > 0 else {
            throw AudioError.corrupt(path: path, frame: 0, reason: "stream length cannot be determined (libavformat found no granule position)")
        }
        // The stream time base is 1/rate for Ogg audio; rescale anyway rather than assume it.
        let durationFrames = Int(av_rescale_q(duration, stream.pointee.time_base, AVRational(num: 1, den: Int32(sampleRate))))
        let preSkip = codecID == AV_CODEC_ID_OPUS ? Int(parameters.pointee.initial_padding) : 0
        let frames = durationFrames - preSkip
        guard frames > 0 else {
            throw AudioError.emptyAudio(path: path)
        }
        var packetsToDrop = 0
        if codecID == AV_CODEC_ID_VORBIS {
            guard let extra = OggPages.packetsSharingLastHeaderPage(fd: fd, fileSize: fileSize, headerPackets: 3) else {
                throw AudioError.corrupt(path: path, frame: 0, reason: "Vorbis headers not found in the first Ogg pages")
            }
            packetsToDrop = extra
        }
        self.packetsToDrop = packetsToDrop
        info = AudioInfo(path: path, sampleRate: sampleRate, channels: channels, frames: frames,
                         format: AudioFormat(rawValue: Int32(SF_FORMAT_OGG) | subtype), seekable: true)

        guard let decoder = avcodec_find_decoder_by_name(decoderName),
              let codec = avcodec_alloc_context3(decoder) else {
            throw AudioError.unsupportedFormat(path: path, reason: "libavcodec: no native \(decoderName) decoder")
        }
        contexts.codec = codec
        self.codec = codec
        var result = avcodec_parameters_to_context(codec, parameters)
        if result >= 0 {
            codec.pointee.thread_count = 1
            codec.pointee.pkt_timebase = stream.pointee.time_base
            // Trimming is applied here: the Opus pre-skip from the side data, the end from the
            // length above (libavformat's own end trimming can cut a Vorbis stream short).
            codec.pointee.flags2 |= crescendo_codec_flag2_skip_manual()
            result = avcodec_open2(codec, decoder, nil)
        }
        guard result >= 0 else {
            throw AudioError.unsupportedFormat(path: path, reason: "libavcodec: cannot open the \(decoderName) decoder (\(Self.message(result)))")
        }
        guard let packet = av_packet_alloc(), let frame = av_frame_alloc() else {
            throw AudioError.ioError(path: path, errno: ENOMEM, message: "cannot allocate libavcodec packet or frame")
        }
        contexts.packet = packet
        contexts.frame = frame
        self.packet = packet
        self.frame = frame
    }

    /// Opens the libavcodec decoder in place of `sndfile` when the file is Ogg Vorbis and
    /// libavcodec sees the same stream (same ``AudioInfo``: rate, channel count, length,
    /// format). Nil when it cannot open the file or sees it differently.
    ///
    /// Vorbis only: the two Vorbis decoders agree to float rounding (≤ 8e-7 on every pool track).
    /// The two Opus decoders do not: in SILK and hybrid packets they resample the SILK band with
    /// different filters (max |difference| up to 0.2, a few log-mel bins off by 9–27 dB), so Opus
    /// stays with libopus, the reference decoder, and the model sees the same input whether a
    /// track is labelled whole or cropped for training.
    static func replacing(_ sndfile: SoundFileHandle) -> CodecFileHandle? {
        let expected = sndfile.info
        guard expected.format.container == "OGG", expected.format.subtype == "VORBIS",
              expected.channels <= 2 else { return nil }
        guard let codec = try? CodecFileHandle(path: sndfile.path, tolerateTruncation: sndfile.tolerateTruncation,
                                               checkFinite: sndfile.checkFinite) else { return nil }
        return codec.info == expected ? codec : nil
    }

    /// Reads up to `frames` interleaved frames into `buffer` (which must hold
    /// `frames * channels` floats). Returns the number of frames read; fewer
    /// than requested only at the end of the stream.
    ///
    /// Throws ``AudioError/corrupt(path:frame:reason:)`` when the demuxer or decoder reports an
    /// error, ``AudioError/nonFiniteSample(path:frame:channel:)`` for NaN/Inf, and
    /// ``AudioError/truncated(path:expectedFrames:decodedFrames:)`` when the stream ends before
    /// ``AudioInfo/frames`` (beyond ``AudioInfo/endShortfallTolerance``).
    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws(AudioError) -> Int {
        if reachedEnd { return 0 }
        let channels = info.channels
        var total = 0
        while total < frames {
            if frameOffset < frameEnd {
                let count = min(frameEnd - frameOffset, frames - total)
                try interleave(count, into: buffer + total * channels)
                frameOffset += count
                total += count
                continue
            }
            if acceptedFrames >= info.frames { break }
            guard try decodeNextFrame() else { break }
        }
        if checkFinite {
            for i in 0..<(total * channels) where !buffer[i].isFinite {
                throw AudioError.nonFiniteSample(path: path, frame: position + i / channels, channel: i % channels)
            }
        }
        position += total
        if total < frames {
            reachedEnd = true
            let shortfall = info.frames - position
            if !tolerateTruncation && shortfall > info.endShortfallTolerance {
                throw AudioError.truncated(path: path, expectedFrames: info.frames, decodedFrames: position)
            }
        }
        return total
    }

    /// Receives the next decoded frame with samples to deliver, feeding packets as the decoder
    /// asks; false once the decoder is drained.
    private func decodeNextFrame() throws(AudioError) -> Bool {
        while true {
            let status = avcodec_receive_frame(codec, frame)
            if status == 0 {
                try accept(frame)
                if frameOffset < frameEnd { return true }
                continue
            }
            if status == crescendo_averror_eof() { return false }
            guard status == crescendo_averror_again() else {
                throw AudioError.corrupt(path: path, frame: acceptedFrames, reason: "libavcodec: \(Self.message(status))")
            }
            if inputFinished { return false }
            try sendNextPacket()
        }
    }

    /// Hands the decoder the next packet of the audio stream, or the end-of-input signal.
    private func sendNextPacket() throws(AudioError) {
        while true {
            let status = av_read_frame(format, packet)
            if status == crescendo_averror_eof() {
                inputFinished = true
                _ = avcodec_send_packet(codec, nil)
                return
            }
            if status < 0 {
                let code = crescendo_averror_errno(status)
                if code != 0 && code != EINVAL {
                    throw AudioError.ioError(path: path, errno: code, message: Self.message(status))
                }
                throw AudioError.corrupt(path: path, frame: acceptedFrames, reason: "libavformat: \(Self.message(status))")
            }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            if packetsToDrop > 0 {
                packetsToDrop -= 1
                continue
            }
            let sent = avcodec_send_packet(codec, packet)
            if sent < 0 && sent != crescendo_averror_again() {
                throw AudioError.corrupt(path: path, frame: acceptedFrames, reason: "libavcodec: \(Self.message(sent))")
            }
            return
        }
    }

    /// Sets the deliverable range of a freshly decoded frame: leading samples the side data
    /// marks for skipping are dropped, and nothing past ``AudioInfo/frames`` is taken.
    private func accept(_ decoded: UnsafeMutablePointer<AVFrame>) throws(AudioError) {
        guard Int(decoded.pointee.ch_layout.nb_channels) == info.channels,
              Int(decoded.pointee.sample_rate) == info.sampleRate else {
            throw AudioError.corrupt(path: path, frame: acceptedFrames,
                                     reason: "libavcodec: channel count or sample rate changed mid-stream")
        }
        let count = Int(decoded.pointee.nb_samples)
        let skip = min(count, Self.leadingSkip(of: decoded))
        let keep = min(count - skip, info.frames - acceptedFrames)
        frameOffset = skip
        frameEnd = skip + keep
        acceptedFrames += keep
    }

    /// Samples to drop at the start of `decoded` (AV_FRAME_DATA_SKIP_SAMPLES: little-endian
    /// 32-bit start count, then end count, which is ignored).
    private static func leadingSkip(of decoded: UnsafeMutablePointer<AVFrame>) -> Int {
        guard let side = av_frame_get_side_data(decoded, AV_FRAME_DATA_SKIP_SAMPLES),
              side.pointee.size >= 4, let data = side.pointee.data else { return 0 }
        return Int(UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16 | UInt32(data[3]) << 24)
    }

    /// Copies `count` samples per channel from `frameOffset` in the current frame to `output`,
    /// interleaved and converted to Float32 with libsndfile's integer scaling.
    private func interleave(_ count: Int, into output: UnsafeMutablePointer<Float>) throws(AudioError) {
        guard let planes = frame.pointee.extended_data else { return }
        let channels = info.channels
        let offset = frameOffset
        switch AVSampleFormat(rawValue: frame.pointee.format) {
        case AV_SAMPLE_FMT_FLTP:
            for channel in 0..<channels {
                guard let plane = planes[channel] else { continue }
                let source = UnsafeRawPointer(plane).assumingMemoryBound(to: Float.self) + offset
                var target = output + channel
                for i in 0..<count {
                    target.pointee = source[i]
                    target += channels
                }
            }
        case AV_SAMPLE_FMT_FLT:
            guard let plane = planes[0] else { return }
            output.update(from: UnsafeRawPointer(plane).assumingMemoryBound(to: Float.self) + offset * channels,
                          count: count * channels)
        case AV_SAMPLE_FMT_DBLP: Self.interleave(planes, planar: true, Double.self, offset, count, channels, output) { Float($0) }
        case AV_SAMPLE_FMT_DBL: Self.interleave(planes, planar: false, Double.self, offset, count, channels, output) { Float($0) }
        case AV_SAMPLE_FMT_S16P: Self.interleave(planes, planar: true, Int16.self, offset, count, channels, output) { Float($0) / 0x8000 }
        case AV_SAMPLE_FMT_S16: Self.interleave(planes, planar: false, Int16.self, offset, count, channels, output) { Float($0) / 0x8000 }
        case AV_SAMPLE_FMT_S32P: Self.interleave(planes, planar: true, Int32.self, offset, count, channels, output) { Float($0) / 0x8000_0000 }
        case AV_SAMPLE_FMT_S32: Self.interleave(planes, planar: false, Int32.self, offset, count, channels, output) { Float($0) / 0x8000_0000 }
        case AV_SAMPLE_FMT_U8P: Self.interleave(planes, planar: true, UInt8.self, offset, count, channels, output) { (Float($0) - 128) / 128 }
        case AV_SAMPLE_FMT_U8: Self.interleave(planes, planar: false, UInt8.self, offset, count, channels, output) { (Float($0) - 128) / 128 }
        default:
            let name = av_get_sample_fmt_name(AVSampleFormat(rawValue: frame.pointee.format)).map { String(cString: $0) } ?? "unknown"
            throw AudioError.unsupportedFormat(path: path, reason: "libavcodec backend: sample format \(name)")
        }
    }

    /// The general conversion: planar or packed samples of type `Sample` to interleaved Float32.
    private static func interleave<Sample>(_ planes: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, planar: Bool,
                                           _: Sample.Type, _ offset: Int, _ count: Int, _ channels: Int,
                                           _ output: UnsafeMutablePointer<Float>, _ convert: (Sample) -> Float) {
        if planar {
            for channel in 0..<channels {
                guard let plane = planes[channel] else { continue }
                let source = UnsafeRawPointer(plane).assumingMemoryBound(to: Sample.self) + offset
                for i in 0..<count { output[i * channels + channel] = convert(source[i]) }
            }
        } else {
            guard let plane = planes[0] else { return }
            let source = UnsafeRawPointer(plane).assumingMemoryBound(to: Sample.self) + offset * channels
            for i in 0..<(count * channels) { output[i] = convert(source[i]) }
        }
    }

    /// The input sample rate an OpusHead records (bytes 12...15, little-endian), if present.
    private static func opusInputRate(_ parameters: AVCodecParameters) -> Int? {
        guard parameters.extradata_size >= 16, let head = parameters.extradata else { return nil }
        return Int(UInt32(head[12]) | UInt32(head[13]) << 8 | UInt32(head[14]) << 16 | UInt32(head[15]) << 24)
    }

    /// FFmpeg's message for an AVERROR code.
    private static func message(_ code: Int32) -> String {
        var text = [CChar](repeating: 0, count: 256)
        if av_strerror(code, &text, text.count) < 0 { return "error \(code)" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The FFmpeg objects of one open file, released together, also when opening fails half-way.
private final class LibavContexts {
    let fd: Int32
    let io: UnsafeMutablePointer<AVIOContext>
    var format: UnsafeMutablePointer<AVFormatContext>?
    var codec: UnsafeMutablePointer<AVCodecContext>?
    var packet: UnsafeMutablePointer<AVPacket>?
    var frame: UnsafeMutablePointer<AVFrame>?

    /// Takes ownership of `fd` (closing it if this fails) and wraps it in an I/O context.
    init(fd: Int32, path: String) throws(AudioError) {
        guard let io = crescendo_avio_open_fd(fd) else {
            close(fd)
            throw AudioError.ioError(path: path, errno: ENOMEM, message: "cannot allocate the libavformat I/O context")
        }
        self.fd = fd
        self.io = io
    }

    deinit {
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&codec)
        // With a caller-supplied I/O context (AVFMT_FLAG_CUSTOM_IO) this leaves `io` alone.
        avformat_close_input(&format)
        crescendo_avio_close(io)
        close(fd)
    }
}
