/// Decoded samples: interleaved frames plus their layout.
public struct AudioBuffer: Sendable, Hashable {
    /// Interleaved samples, `frames * channels` long: frame 0 channel 0,
    /// frame 0 channel 1, ..., frame 1 channel 0, ...
    public var interleaved: [Float]
    /// Number of channels per frame.
    public let channels: Int
    /// Sample rate of the samples in Hz.
    public let sampleRate: Int
    /// Number of frames that came from the file; the remainder
    /// (`frames - decodedFrames`) was produced by the padding policy.
    public let decodedFrames: Int

    /// Wraps interleaved samples. `interleaved.count` must be a multiple of
    /// `channels`.
    public init(interleaved: [Float], channels: Int, sampleRate: Int, decodedFrames: Int? = nil) {
        precondition(channels > 0 && interleaved.count % channels == 0, "interleaved count must be a multiple of channels")
        self.interleaved = interleaved
        self.channels = channels
        self.sampleRate = sampleRate
        self.decodedFrames = decodedFrames ?? interleaved.count / channels
    }

    /// Number of frames (samples per channel).
    public var frames: Int { interleaved.count / channels }

    /// Duration in seconds.
    public var duration: Double { Double(frames) / Double(sampleRate) }

    /// The samples of one channel.
    public func channel(_ index: Int) -> [Float] {
        precondition(index >= 0 && index < channels, "channel index out of range")
        var out = [Float](repeating: 0, count: frames)
        interleaved.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for f in 0..<dst.count { dst[f] = src[f * channels + index] }
            }
        }
        return out
    }

    /// All channels, de-interleaved: `result[c][f]`.
    public func deinterleaved() -> [[Float]] {
        (0..<channels).map { channel($0) }
    }

    /// Mean of the channels per frame (librosa's `to_mono`).
    public func mono() -> [Float] {
        Downmix.mono(interleaved, channels: channels)
    }
}
