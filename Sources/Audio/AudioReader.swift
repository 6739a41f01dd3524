/// Random-access reader over one audio file.
///
/// Opening parses the header only (``info``); ``read(offset:length:padding:)``
/// seeks with `sf_seek` and decodes just the requested window, so reading a
/// 10-second crop from an hour-long file costs about as much as the crop.
///
/// A reader owns a libsndfile handle and is not `Sendable`: use one per task.
/// Distinct readers (on the same or different files) may be used concurrently.
public final class AudioReader {
    /// Header information.
    public var info: AudioInfo { file.info }

    private let file: SoundFileHandle

    /// Opens `path` and validates its header.
    ///
    /// - Parameters:
    ///   - tolerateTruncation: when true, a stream that ends before its
    ///     header's length (or a WAV whose data chunk is cut short) yields the
    ///     frames that exist instead of throwing ``AudioError/truncated(path:expectedFrames:decodedFrames:)``.
    ///   - checkFinite: when true (default) every decoded sample is checked and
    ///     NaN/Inf raise ``AudioError/nonFiniteSample(path:frame:channel:)``.
    public init(path: String, tolerateTruncation: Bool = false, checkFinite: Bool = true) throws(AudioError) {
        file = try SoundFileHandle(path: path, tolerateTruncation: tolerateTruncation, checkFinite: checkFinite)
    }

    /// Reads the window `[offset, offset + length)` by seeking, never
    /// decoding what precedes it.
    ///
    /// When the window extends past the end of the file the `padding` policy
    /// decides: zeros, looping from the start, a shorter result, or
    /// ``AudioError/shorterThanWindow(path:requestedFrames:availableFrames:)``.
    /// ``AudioBuffer/decodedFrames`` tells how many frames came from the file.
    public func read(offset: AudioTime = .frames(0), length: AudioTime, padding: PaddingPolicy = .zeros) throws(AudioError) -> AudioBuffer {
        let sampleRate = info.sampleRate
        let channels = info.channels
        let start = try offset.frameCount(atSampleRate: sampleRate)
        let wanted = try length.frameCount(atSampleRate: sampleRate)
        let (samplesWanted, overflow) = wanted.multipliedReportingOverflow(by: channels)
        guard !overflow, samplesWanted <= Int(Int32.max) else {
            throw AudioError.invalidArgument("window of \(wanted) frames is too large for a single read; use AudioStream")
        }
        var samples = [Float](repeating: 0, count: samplesWanted)
        var filled = 0
        if wanted == 0 {
            return AudioBuffer(interleaved: [], channels: channels, sampleRate: sampleRate, decodedFrames: 0)
        }

        var firstReadStart = start
        if padding == .repeatLoop && start >= info.frames {
            firstReadStart = start % info.frames
        }
        if firstReadStart < info.frames {
            try file.seek(toFrame: firstReadStart)
            filled = try readFrames(into: &samples, at: 0, count: wanted)
        }
        let decoded = filled

        if filled < wanted {
            switch padding {
            case .zeros:
                break // already zero
            case .truncate:
                samples.removeSubrange((filled * channels)...)
            case .fail:
                throw AudioError.shorterThanWindow(path: info.path, requestedFrames: wanted, availableFrames: filled)
            case .repeatLoop:
                // Read from the start once: either the rest of the window (file
                // longer than the gap) or the whole file, which is then tiled.
                try file.seek(toFrame: 0)
                let cycleStart = filled
                let cycle = try readFrames(into: &samples, at: filled, count: wanted - filled)
                guard cycle > 0 else { throw AudioError.emptyAudio(path: info.path) }
                filled += cycle
                samples.withUnsafeMutableBufferPointer { buf in
                    guard let base = buf.baseAddress else { return }
                    while filled < wanted {
                        let n = min(cycle, wanted - filled)
                        (base + filled * channels).update(from: base + cycleStart * channels, count: n * channels)
                        filled += n
                    }
                }
            }
        }
        return AudioBuffer(interleaved: samples, channels: channels, sampleRate: sampleRate, decodedFrames: decoded)
    }

    /// Reads the whole file (interleaved). Prefer ``AudioStream`` for long
    /// files: this holds every sample in memory.
    public func readAll() throws(AudioError) -> AudioBuffer {
        try read(offset: .frames(0), length: .frames(info.frames), padding: .truncate)
    }

    /// Reads the next `count` frames from the current position (sequential
    /// access); returns fewer at the end of the file and an empty buffer after it.
    public func readNext(frames count: Int) throws(AudioError) -> AudioBuffer {
        guard count >= 0 else { throw AudioError.invalidArgument("negative frame count \(count)") }
        var samples = [Float](repeating: 0, count: count * info.channels)
        let got = file.reachedEnd ? 0 : try readFrames(into: &samples, at: 0, count: count)
        samples.removeSubrange((got * info.channels)...)
        return AudioBuffer(interleaved: samples, channels: info.channels, sampleRate: info.sampleRate)
    }

    /// Moves the sequential read position used by ``readNext(frames:)``.
    public func seek(to position: AudioTime) throws(AudioError) {
        try file.seek(toFrame: position.frameCount(atSampleRate: info.sampleRate))
    }

    /// The frame index the next sequential read starts at.
    public var position: Int { file.position }

    /// Decodes up to `count` frames into `samples` starting at frame `at`.
    private func readFrames(into samples: inout [Float], at frame: Int, count: Int) throws(AudioError) -> Int {
        let channels = info.channels
        let file = self.file
        let result: Result<Int, AudioError> = samples.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress else { return .success(0) }
            do throws(AudioError) {
                return .success(try file.read(into: base + frame * channels, frames: count))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

extension AudioReader {
    /// Probes `path` without decoding: sample rate, channels, frames,
    /// duration and format.
    public static func probe(_ path: String) throws(AudioError) -> AudioInfo {
        try AudioReader(path: path).info
    }
}
