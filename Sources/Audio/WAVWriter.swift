import Glibc

/// Sample encodings ``WAVWriter`` can produce.
public enum WAVSampleFormat: Sendable, Hashable {
    /// 16-bit signed integer PCM (`WAVE_FORMAT_PCM`); samples are clipped to [-1, 1].
    case pcm16
    /// 32-bit IEEE float (`WAVE_FORMAT_IEEE_FLOAT`); samples are stored as is.
    case float32

    /// Bytes per sample.
    public var bytesPerSample: Int { self == .pcm16 ? 2 : 4 }
}

/// Canonical 44-byte RIFF/WAVE header construction.
public enum WAVHeader {
    /// Header bytes for a file holding `frames` frames.
    ///
    /// Fields are written exactly as given (the values are not validated), so
    /// tests can craft deliberately broken headers: zero channels, absurd
    /// sample rates, or a `dataBytes` larger than the data that follows.
    public static func bytes(sampleRate: UInt32, channels: UInt16, frames: Int, format: WAVSampleFormat,
                             dataBytes: UInt32? = nil) -> [UInt8] {
        let blockAlign = UInt16(truncatingIfNeeded: Int(channels) * format.bytesPerSample)
        let dataSize = dataBytes ?? UInt32(truncatingIfNeeded: frames * Int(blockAlign))
        var out: [UInt8] = []
        out.reserveCapacity(44)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        out.append(contentsOf: Array("RIFF".utf8))
        u32(dataSize &+ 36)
        out.append(contentsOf: Array("WAVE".utf8))
        out.append(contentsOf: Array("fmt ".utf8))
        u32(16)
        u16(format == .pcm16 ? 1 : 3)
        u16(channels)
        u32(sampleRate)
        u32(sampleRate &* UInt32(blockAlign))
        u16(blockAlign)
        u16(UInt16(format.bytesPerSample * 8))
        out.append(contentsOf: Array("data".utf8))
        u32(dataSize)
        return out
    }

    /// Encodes interleaved float samples as little-endian payload bytes.
    public static func payload(_ interleaved: [Float], format: WAVSampleFormat) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(interleaved.count * format.bytesPerSample)
        switch format {
        case .pcm16:
            for x in interleaved {
                let clipped = x.isNaN ? 0 : max(-1, min(1, x))
                let v = Int16(max(-32768, min(32767, (clipped * 32768).rounded())))
                withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
            }
        case .float32:
            for x in interleaved {
                withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
        }
        return out
    }
}

/// Minimal streaming WAV writer (PCM16 or float32), used by tests and tools
/// to produce inputs. Data is appended block by block; ``close()`` patches
/// the RIFF and data sizes.
public final class WAVWriter {
    /// Destination path.
    public let path: String
    /// Sample rate written to the header.
    public let sampleRate: Int
    /// Channels per frame.
    public let channels: Int
    /// Sample encoding.
    public let format: WAVSampleFormat
    /// Frames written so far.
    public private(set) var framesWritten = 0

    private var fd: Int32

    /// Creates (or truncates) `path` and writes a provisional header.
    public init(path: String, sampleRate: Int, channels: Int, format: WAVSampleFormat = .pcm16) throws(AudioError) {
        guard channels > 0 && channels <= Int(UInt16.max), sampleRate > 0 && sampleRate <= Int(UInt32.max) else {
            throw AudioError.invalidArgument("WAVWriter: bad channels \(channels) or sample rate \(sampleRate)")
        }
        self.path = path
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw AudioError.fromErrno(errno, path: path) }
        let header = WAVHeader.bytes(sampleRate: UInt32(sampleRate), channels: UInt16(channels), frames: 0, format: format)
        try writeAll(header, at: nil)
    }

    deinit {
        if fd >= 0 { try? close() }
    }

    /// Appends interleaved samples (`count` must be a multiple of ``channels``).
    public func write(_ interleaved: [Float]) throws(AudioError) {
        guard fd >= 0 else { throw AudioError.invalidArgument("WAVWriter: write after close") }
        guard interleaved.count % channels == 0 else {
            throw AudioError.invalidArgument("WAVWriter: \(interleaved.count) samples is not a multiple of \(channels) channels")
        }
        try writeAll(WAVHeader.payload(interleaved, format: format), at: nil)
        framesWritten += interleaved.count / channels
    }

    /// Patches the header sizes and closes the file.
    public func close() throws(AudioError) {
        guard fd >= 0 else { return }
        let header = WAVHeader.bytes(sampleRate: UInt32(sampleRate), channels: UInt16(channels),
                                     frames: framesWritten, format: format)
        defer {
            Glibc.close(fd)
            fd = -1
        }
        try writeAll(header, at: 0)
    }

    private func writeAll(_ bytes: [UInt8], at offset: off_t?) throws(AudioError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                if let offset {
                    return pwrite(fd, base + done, bytes.count - done, offset + off_t(done))
                }
                return Glibc.write(fd, base + done, bytes.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw AudioError.fromErrno(errno, path: path)
            }
            done += n
        }
    }

    /// Writes a whole file in one call.
    public static func write(_ interleaved: [Float], to path: String, sampleRate: Int, channels: Int,
                             format: WAVSampleFormat = .pcm16) throws(AudioError) {
        let writer = try WAVWriter(path: path, sampleRate: sampleRate, channels: channels, format: format)
        try writer.write(interleaved)
        try writer.close()
    }

    /// Creates a long silent PCM16 file cheaply: header plus a sparse data
    /// region (`ftruncate`), with `toneSeconds` of a 440 Hz tone written at
    /// the start and at the end so decoding has something to check.
    /// A 2-hour mono 8 kHz file is 115 MB on paper but takes almost no disk.
    public static func writeSparseSilence(to path: String, sampleRate: Int, channels: Int, frames: Int,
                                          toneSeconds: Double = 1) throws(AudioError) {
        let writer = try WAVWriter(path: path, sampleRate: sampleRate, channels: channels, format: .pcm16)
        let toneFrames = min(frames / 2, Int(toneSeconds * Double(sampleRate)))
        var tone = [Float](repeating: 0, count: toneFrames * channels)
        for f in 0..<toneFrames {
            let v = Float(0.25 * sin(2 * Double.pi * 440 * Double(f) / Double(sampleRate)))
            for c in 0..<channels { tone[f * channels + c] = v }
        }
        try writer.write(tone)
        let dataBytes = off_t(frames * channels * 2)
        if ftruncate(writer.fd, 44 + dataBytes) != 0 { throw AudioError.fromErrno(errno, path: path) }
        try writer.writeAll(WAVHeader.payload(tone, format: .pcm16), at: 44 + dataBytes - off_t(toneFrames * channels * 2))
        writer.framesWritten = frames
        try writer.close()
    }
}
