/// A mono signal at a known sample rate.
public struct MonoAudio: Sendable, Hashable {
    /// Samples in [-1, 1] (PCM sources) at ``sampleRate``.
    public var samples: [Float]
    /// Sample rate in Hz.
    public let sampleRate: Int
    /// Header information of the file the samples came from.
    public let source: AudioInfo

    /// Memberwise initialiser.
    public init(samples: [Float], sampleRate: Int, source: AudioInfo) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.source = source
    }

    /// Duration in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}

/// Loads a clip (or a whole file) as mono float32 at `targetRate`, like
/// `librosa.load(path, sr=targetRate, mono=True, offset=offset, duration=duration)`
/// with librosa's default `res_type='soxr_hq'`.
///
/// Reads only `[offset, offset + duration)` (seeking, not decoding what
/// precedes it), averages the channels, then resamples with libsoxr HQ.
/// Seconds convert to frames by truncation, as in librosa; a window running
/// past the end is shortened, and an offset past the end gives no samples.
/// Internally block-streamed, so memory is the output plus one block.
///
/// - Parameters:
///   - targetRate: output rate in Hz; `nil` keeps the native rate.
///   - offset: start time in seconds (default 0).
///   - duration: length in seconds; `nil` reads to the end.
public func loadMono(_ path: String, targetRate: Int? = 16_000, offset: Double = 0, duration: Double? = nil,
                     quality: ResampleQuality = .high) throws(AudioError) -> MonoAudio {
    let options = StreamOptions(targetSampleRate: targetRate, downmix: true, quality: quality)
    let stream = try AudioStream(path: path, options: options, offset: .seconds(offset),
                                 duration: duration.map { AudioTime.seconds($0) })
    var samples: [Float] = []
    if let duration, duration.isFinite {
        samples.reserveCapacity(Int(duration * Double(stream.outputSampleRate)) + 16)
    }
    while let block = try stream.next() {
        samples.append(contentsOf: block.samples)
    }
    return MonoAudio(samples: samples, sampleRate: stream.outputSampleRate, source: stream.info)
}
