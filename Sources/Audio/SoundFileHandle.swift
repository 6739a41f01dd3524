import CSndfile
import Glibc
import Synchronization

/// libsndfile reports *open* failures through process-global state
/// (`sf_error(NULL)` / `sf_strerror(NULL)`), so opens are serialised to keep
/// each file's error message its own. Reads on distinct handles run in parallel.
private let sndfileOpenLock = Mutex<Int>(0)

/// The result of an `sf_open_fd` call, carried out of the open lock.
private enum OpenOutcome {
    case opened(handle: OpaquePointer)
    case failed(code: Int32, message: String)
}

/// One open libsndfile handle over one file descriptor.
///
/// Internal building block of ``AudioReader`` and ``AudioStream``: it owns the
/// descriptor and the `SNDFILE*`, validates the header, reads frames with
/// decoder-error and non-finite checks, and detects truncation. Not `Sendable`:
/// each task opens its own.
final class SoundFileHandle {
    let path: String
    let info: AudioInfo
    /// Whether a shortfall against the header's length is tolerated.
    let tolerateTruncation: Bool
    /// Whether every decoded sample is checked for NaN/Inf.
    let checkFinite: Bool
    /// Index of the next frame ``read(into:frames:)`` returns.
    private(set) var position: Int = 0
    /// Set once a read hit the end of the stream.
    private(set) var reachedEnd = false

    private let fd: Int32
    private let sndfile: OpaquePointer

    /// Opens `path`, checks that it is a readable regular file, hands it to
    /// libsndfile and validates the header.
    init(path: String, tolerateTruncation: Bool = false, checkFinite: Bool = true) throws(AudioError) {
        self.path = path
        self.tolerateTruncation = tolerateTruncation
        self.checkFinite = checkFinite

        let (fd, fileSize) = try AudioFileDescriptor.open(path)

        var sfinfo = SF_INFO()
        let outcome: OpenOutcome = sndfileOpenLock.withLock { _ in
            // close_desc = 0: the descriptor stays ours and is closed in deinit.
            if let handle = sf_open_fd(fd, Int32(SFM_READ), &sfinfo, 0) {
                return .opened(handle: handle)
            }
            let code = sf_error(nil)
            let message = sf_strerror(nil).map { String(cString: $0) } ?? "unknown libsndfile error \(code)"
            return .failed(code: code, message: message)
        }
        let handle: OpaquePointer
        switch outcome {
        case .opened(let h):
            handle = h
        case .failed(let code, let message):
            close(fd)
            throw AudioError.fromOpenFailure(code: code, message: message, path: path)
        }
        do throws(AudioError) {
            info = try SoundFileHandle.validate(sfinfo, handle: handle, fd: fd, fileSize: fileSize, path: path,
                                                tolerateTruncation: tolerateTruncation)
        } catch {
            sf_close(handle)
            close(fd)
            throw error
        }
        self.fd = fd
        self.sndfile = handle
    }

    /// Turns libsndfile's `SF_INFO` into an ``AudioInfo`` after the sanity
    /// checks (channel count, sample rate, known and non-zero length, WAV
    /// data chunk not cut short).
    private static func validate(_ sfinfo: SF_INFO, handle: OpaquePointer, fd: Int32, fileSize: Int, path: String,
                                 tolerateTruncation: Bool) throws(AudioError) -> AudioInfo {
        let format = AudioFormat(rawValue: sfinfo.format)
        let sampleRate = Int(sfinfo.samplerate)
        let channels = Int(sfinfo.channels)
        guard AudioLimits.channels.contains(channels) else {
            throw AudioError.invalidChannelCount(path: path, channels: channels)
        }
        guard AudioLimits.sampleRates.contains(sampleRate) else {
            throw AudioError.invalidSampleRate(path: path, sampleRate: sampleRate)
        }
        let frames = sfinfo.frames
        if frames < 0 || frames == Int64.max {
            // libsndfile could not establish the length, e.g. an Ogg stream
            // cut before its end-of-stream page.
            var reason = "stream length cannot be determined; the stream is cut short or damaged"
            if let hint = flaggedLine(of: log(of: handle)) { reason += " (\(hint))" }
            throw AudioError.corrupt(path: path, frame: 0, reason: reason)
        }
        if frames == 0 {
            throw AudioError.emptyAudio(path: path)
        }
        if !tolerateTruncation,
           let announced = announcedFrames(log: log(of: handle), deliveredFrames: Int(frames)),
           announced > Int(frames) {
            throw AudioError.truncated(path: path, expectedFrames: announced, decodedFrames: Int(frames))
        }
        let info = AudioInfo(path: path, sampleRate: sampleRate, channels: channels, frames: Int(frames),
                             format: format, seekable: sfinfo.seekable != 0, frameCountIsExact: true)
        return format.isMPEG ? try checkMPEGLength(info, handle: handle, fd: fd, fileSize: fileSize) : info
    }

    /// An mp3's length is exact only with a length tag, and only if the file holds the bytes
    /// the tag announces: a file cut after encoding keeps its tag, and libmpg123 announces the
    /// full length. When the file is shorter than the tag says, the stream is decoded to its
    /// end (then rewound), and if fewer frames decode than announced, the decoded count is the
    /// length, marked inexact, with a warning naming the file.
    private static func checkMPEGLength(_ info: AudioInfo, handle: OpaquePointer, fd: Int32,
                                        fileSize: Int) throws(AudioError) -> AudioInfo {
        let path = info.path
        func with(frames: Int, exact: Bool, warning: String?) -> AudioInfo {
            AudioInfo(path: path, sampleRate: info.sampleRate, channels: info.channels, frames: frames,
                      format: info.format, seekable: info.seekable, frameCountIsExact: exact, lengthWarning: warning)
        }
        guard let tag = MPEGLengthTag.read(fd: fd) else { return with(frames: info.frames, exact: false, warning: nil) }
        guard let missing = tag.bytesMissing(fileSize: fileSize) else { return info }
        let decodable = decodedFrameCount(handle, channels: info.channels)
        guard sf_seek(handle, 0, SEEK_SET) == 0 else {
            let reason = sf_strerror(handle).map { String(cString: $0) } ?? "seek failed"
            throw AudioError.corrupt(path: path, frame: 0, reason: "cannot rewind after measuring the length: \(reason)")
        }
        // Writers that count an ID3v2 tag in the tag's bytes make an intact file look short.
        guard decodable < info.frames else { return info }
        guard decodable > 0 else {
            throw AudioError.truncated(path: path, expectedFrames: info.frames, decodedFrames: 0)
        }
        let announced = tag.bytes.map { "\($0) bytes" } ?? "about \(missing + fileSize - tag.frameOffset) bytes"
        let warning = "\(path): the \(tag.name) header announces \(info.frames) frames in \(announced) but the file "
            + "ends \(missing) bytes short (cut after encoding?); \(decodable) frames decode"
        return with(frames: decodable, exact: false, warning: warning)
    }

    /// Frames libsndfile decodes from the current position to the end of the stream.
    private static func decodedFrameCount(_ handle: OpaquePointer, channels: Int) -> Int {
        let chunk = 8192
        var scratch = [Float](repeating: 0, count: chunk * channels)
        var total = 0
        while true {
            let got = scratch.withUnsafeMutableBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Int(sf_readf_float(handle, base, sf_count_t(chunk)))
            }
            if got <= 0 { return total }
            total += got
        }
    }

    deinit {
        sf_close(sndfile)
        close(fd)
    }

    /// Reads up to `frames` interleaved frames into `buffer` (which must hold
    /// `frames * channels` floats). Returns the number of frames read; fewer
    /// than requested only at the end of the stream.
    ///
    /// Throws ``AudioError/corrupt(path:frame:reason:)`` when the decoder
    /// reports an error, ``AudioError/nonFiniteSample(path:frame:channel:)``
    /// for NaN/Inf, and ``AudioError/truncated(path:expectedFrames:decodedFrames:)``
    /// when the stream ends before the header's length.
    func read(into buffer: UnsafeMutablePointer<Float>, frames: Int) throws(AudioError) -> Int {
        let channels = info.channels
        if reachedEnd { return 0 }
        var total = 0
        while total < frames {
            let got = sf_readf_float(sndfile, buffer + total * channels, sf_count_t(frames - total))
            if got <= 0 { break }
            total += Int(got)
        }
        let status = sf_error(sndfile)
        if status != 0 {
            let reason = sf_strerror(sndfile).map { String(cString: $0) } ?? "libsndfile error \(status)"
            throw AudioError.corrupt(path: path, frame: position + total, reason: reason)
        }
        if checkFinite {
            let count = total * channels
            for i in 0..<count where !buffer[i].isFinite {
                throw AudioError.nonFiniteSample(path: path, frame: position + i / channels, channel: i % channels)
            }
        }
        position += total
        if total < frames {
            reachedEnd = true
            try checkEnd()
        }
        return total
    }

    /// Moves the read position to `frame` (0-based). Seeking to exactly
    /// `info.frames` is allowed and leaves the handle at the end.
    func seek(toFrame frame: Int) throws(AudioError) {
        guard frame >= 0 else {
            throw AudioError.invalidArgument("negative seek position \(frame) in \(path)")
        }
        if frame == position && !reachedEnd { return }
        if frame >= info.frames {
            // libsndfile refuses to seek past its notion of the end; treat it
            // as "at end" without touching the decoder.
            if frame == info.frames || !info.frameCountIsExact {
                if sf_seek(sndfile, sf_count_t(info.frames), SEEK_SET) >= 0 {
                    position = info.frames
                    reachedEnd = true
                    return
                }
            }
            throw AudioError.invalidArgument("seek to frame \(frame) beyond the end (\(info.frames) frames) of \(path)")
        }
        let subtype = info.format.rawValue & Int32(SF_FORMAT_SUBMASK)
        // libsndfile 1.2.0 workarounds, both verified against full decodes:
        // * MPEG: sf_seek lands on the right sample but does not prime the
        //   layer III bit reservoir, so up to ~2 frames after the target
        //   decode wrong. Seek earlier and decode a pre-roll, discarding it.
        // * Vorbis: a seek from a non-zero position can land on wrong data;
        //   seeking from position 0 is always right, so rewind first.
        let preroll = info.format.isMPEG ? SoundFileHandle.mpegSeekPreroll : 0
        if frame > position && !reachedEnd && frame - position <= max(preroll, 0) {
            try discard(frame - position)
            return
        }
        if subtype == Int32(SF_FORMAT_VORBIS) && position != 0 {
            _ = sf_seek(sndfile, 0, SEEK_SET)
        }
        let landing = max(0, frame - preroll)
        let result = sf_seek(sndfile, sf_count_t(landing), SEEK_SET)
        if result < 0 && !info.frameCountIsExact {
            // An estimated MPEG length can exceed the real one: a seek past
            // the real end means "at end".
            position = frame
            reachedEnd = true
            return
        }
        if result < 0 {
            let reason = sf_strerror(sndfile).map { String(cString: $0) } ?? "seek failed"
            throw AudioError.corrupt(path: path, frame: frame, reason: "seek failed: \(reason)")
        }
        position = Int(result)
        reachedEnd = false
        if position < frame {
            try discard(frame - position)
        }
    }

    /// Pre-roll decoded before an MPEG seek target: 8 layer III frames
    /// (16 MPEG-2 LSF frames), enough for the 511-byte bit reservoir at any
    /// bit rate of 32 kbit/s and above.
    static let mpegSeekPreroll = 8 * 1152

    /// Decodes and drops `count` frames (used for seek pre-roll).
    private func discard(_ count: Int) throws(AudioError) {
        let channels = info.channels
        let chunk = 4096
        var scratch = [Float](repeating: 0, count: chunk * channels)
        var left = count
        while left > 0 {
            let want = min(chunk, left)
            let got = scratch.withUnsafeMutableBufferPointer { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                return Int(sf_readf_float(sndfile, base, sf_count_t(want)))
            }
            if got <= 0 { break }
            left -= got
            position += got
        }
        if sf_error(sndfile) != 0 {
            let reason = sf_strerror(sndfile).map { String(cString: $0) } ?? "decode error"
            throw AudioError.corrupt(path: path, frame: position, reason: reason)
        }
        if left > 0 {
            reachedEnd = true
        }
    }

    /// Called when the stream ended: compares the decoded length with the
    /// announced one and inspects libsndfile's log for decoder errors.
    private func checkEnd() throws(AudioError) {
        if tolerateTruncation { return }
        let shortfall = info.frames - position
        let limit = info.endShortfallTolerance
        // `position` can be smaller than `info.frames` only when the decoder
        // ran dry early; a window that ends before info.frames never gets here.
        if shortfall > limit {
            throw AudioError.truncated(path: path, expectedFrames: info.frames, decodedFrames: position)
        }
        let log = SoundFileHandle.log(of: sndfile)
        if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("ERROR") || $0.contains("ERROR :") }) {
            throw AudioError.corrupt(path: path, frame: position, reason: String(line))
        }
    }

    /// libsndfile's per-handle log (`SFC_GET_LOG_INFO`).
    static func log(of handle: OpaquePointer) -> String {
        let capacity = 16_384
        var bytes = [CChar](repeating: 0, count: capacity)
        let written = bytes.withUnsafeMutableBytes { raw -> Int32 in
            sf_command(handle, Int32(SFC_GET_LOG_INFO), raw.baseAddress, Int32(capacity - 1))
        }
        guard written > 0 else { return "" }
        bytes[capacity - 1] = 0
        let utf8 = bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The last line of a libsndfile log that flags a problem (`ERROR`,
    /// `***`, "unexpectedly"), if any.
    static func flaggedLine(of log: String) -> String? {
        log.split(separator: "\n").map { $0.trimmingCharacters() }
            .last { $0.contains("ERROR") || $0.hasPrefix("***") || $0.contains("unexpectedly") }
    }

    /// For RIFF/AIFF-style containers libsndfile silently shortens a data
    /// chunk that runs past the end of the file and logs
    /// `data : <announced> (should be <present>)`. Returns the announced length
    /// in frames when that happened and the announced size is not one of the
    /// "unknown length" placeholders streaming writers use.
    static func announcedFrames(log: String, deliveredFrames: Int) -> Int? {
        guard deliveredFrames > 0 else { return nil }
        for rawLine in log.split(separator: "\n") {
            let line = rawLine.trimmingCharacters()
            guard line.hasPrefix("data :") || line.hasPrefix("SSND :") else { continue }
            guard let open = line.firstIndex(of: "("), line.contains("should be") else { continue }
            let announcedText = line[line.index(line.startIndex, offsetBy: 6)..<open].trimmingCharacters()
            let presentText = line[open...].filter { $0.isNumber }
            guard let announced = Int(announcedText), let present = Int(presentText), present > 0 else { continue }
            let placeholders: Set<Int> = [0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0xFFFF_FFFF - 1]
            if placeholders.contains(announced) || announced <= present { continue }
            let bytesPerFrame = max(1, present / deliveredFrames)
            return announced / bytesPerFrame
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        self[...].trimmingCharacters()
    }
}

extension AudioError {
    /// Maps an `open(2)`/`fstat(2)` errno to the matching case.
    static func fromErrno(_ code: Int32, path: String) -> AudioError {
        switch code {
        case ENOENT, ENOTDIR:
            return .fileNotFound(path: path)
        case EACCES, EPERM:
            return .permissionDenied(path: path)
        case EISDIR:
            return .isDirectory(path: path)
        default:
            let message = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
            return .ioError(path: path, errno: code, message: message)
        }
    }

    /// Maps a failed `sf_open_fd` (libsndfile error code and message).
    static func fromOpenFailure(code: Int32, message: String, path: String) -> AudioError {
        switch message {
        case let m where m.contains("Channel count is zero"):
            return .invalidChannelCount(path: path, channels: 0)
        case let m where m.contains("Too many channels"):
            return .invalidChannelCount(path: path, channels: AudioLimits.libsndfileMaxChannels + 1)
        case let m where m.contains("SF_INFO struct incomplete") || m.contains("sample rate"):
            return .invalidSampleRate(path: path, sampleRate: 0)
        default:
            break
        }
        if code == Int32(SF_ERR_MALFORMED_FILE) {
            return .corrupt(path: path, frame: 0, reason: message)
        }
        return .unsupportedFormat(path: path, reason: message)
    }
}
