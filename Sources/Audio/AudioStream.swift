/// Settings for block-wise decoding.
public struct StreamOptions: Sendable, Hashable {
    /// Frames decoded per block at the file's native rate (default 65536).
    public var blockFrames: Int
    /// Output rate in Hz; `nil` keeps the file's native rate (no resampling).
    public var targetSampleRate: Int?
    /// Average the channels to mono before resampling (librosa's `mono=True`).
    public var downmix: Bool
    /// libsoxr recipe (default `.high`, librosa's `soxr_hq`).
    public var quality: ResampleQuality
    /// Yield what exists instead of throwing when the stream ends early.
    public var tolerateTruncation: Bool
    /// Check every decoded sample for NaN/Inf.
    public var checkFinite: Bool
    /// The library that decodes (default `.automatic`: libavcodec for Ogg Vorbis read from the
    /// start, libsndfile otherwise).
    public var decoder: AudioDecoderBackend

    /// Creates options; the defaults give 16 kHz mono in 65536-frame blocks.
    public init(blockFrames: Int = 65_536, targetSampleRate: Int? = 16_000, downmix: Bool = true,
                quality: ResampleQuality = .high, tolerateTruncation: Bool = false, checkFinite: Bool = true,
                decoder: AudioDecoderBackend = .automatic) {
        self.blockFrames = blockFrames
        self.targetSampleRate = targetSampleRate
        self.downmix = downmix
        self.quality = quality
        self.tolerateTruncation = tolerateTruncation
        self.checkFinite = checkFinite
        self.decoder = decoder
    }
}

/// One block of converted audio produced by ``AudioStream``.
public struct AudioBlock: Sendable, Hashable {
    /// Interleaved output samples (one channel when down-mixing).
    public let samples: [Float]
    /// Channels per frame of ``samples``.
    public let channels: Int
    /// Rate of ``samples`` in Hz.
    public let sampleRate: Int
    /// Index, in output frames, of the first frame of this block within the stream.
    public let startFrame: Int

    /// Frames in this block.
    public var frames: Int { samples.count / channels }
}

/// Pull-based, bounded-memory decoder: reads a file in fixed blocks, down-mixes
/// and resamples each block incrementally with libsoxr's streaming API, and
/// flushes the resampler at the end.
///
/// Memory stays proportional to ``StreamOptions/blockFrames`` whatever the
/// file's length. Output block sizes vary slightly (the resampler's delay);
/// concatenating all blocks gives exactly the one-shot result.
///
/// Not `Sendable`; use one per task. For `for try await` use ``AudioBlocks``.
public final class AudioStream {
    /// Header information of the source file.
    public var info: AudioInfo { file.info }
    /// The options the stream was created with.
    public let options: StreamOptions
    /// Rate of the produced blocks.
    public let outputSampleRate: Int
    /// Channels of the produced blocks.
    public let outputChannels: Int
    /// The library decoding this stream: `.sndfile` or `.libavcodec`, never `.automatic`.
    public let decoder: AudioDecoderBackend

    private let file: any FrameDecoder
    private let resampler: Resampler
    private var buffer: [Float]
    private var remaining: Int
    private var emitted = 0
    private var done = false

    /// Opens `path` for streaming, optionally limited to `[offset, offset + duration)`.
    ///
    /// A window that runs past the end of the file is shortened (librosa's
    /// semantics); an offset past the end yields no blocks.
    public init(path: String, options: StreamOptions = StreamOptions(),
                offset: AudioTime = .frames(0), duration: AudioTime? = nil) throws(AudioError) {
        guard options.blockFrames > 0 && options.blockFrames <= 1 << 24 else {
            throw AudioError.invalidArgument("blockFrames must be in 1...16777216, got \(options.blockFrames)")
        }
        if let rate = options.targetSampleRate, !AudioLimits.sampleRates.contains(rate) {
            throw AudioError.invalidArgument("target sample rate \(rate) outside \(AudioLimits.sampleRates)")
        }
        let choice = try FrameDecoderChoice.open(path: path, options: options) { info throws(AudioError) in
            try offset.frameCount(atSampleRate: info.sampleRate) == 0
        }
        let file = choice.decoder
        self.file = file
        decoder = choice.backend
        self.options = options
        let info = file.info
        outputSampleRate = options.targetSampleRate ?? info.sampleRate
        outputChannels = options.downmix ? 1 : info.channels
        resampler = try Resampler(inputRate: Double(info.sampleRate), outputRate: Double(outputSampleRate),
                                  channels: outputChannels, quality: options.quality)
        buffer = [Float](repeating: 0, count: options.blockFrames * info.channels)

        let start = try offset.frameCount(atSampleRate: info.sampleRate)
        remaining = try duration?.frameCount(atSampleRate: info.sampleRate) ?? Int.max
        if start > 0 {
            if start >= info.frames && info.frameCountIsExact {
                remaining = 0
            } else if let seekable = choice.seekable {
                try seekable.seek(toFrame: start)
            }
        }
    }

    /// The next converted block, or `nil` after the last one.
    public func next() throws(AudioError) -> AudioBlock? {
        while !done {
            var output: [Float] = []
            let request = min(options.blockFrames, remaining)
            var got = 0
            if request > 0 {
                got = try readBlock(frames: request)
                remaining -= got
                if got > 0 {
                    let count = got * outputChannels
                    let result: Result<Void, AudioError> = buffer.withUnsafeBufferPointer { buf in
                        do throws(AudioError) {
                            try resampler.process(UnsafeBufferPointer(rebasing: buf[0..<count]), appendingTo: &output)
                            return .success(())
                        } catch {
                            return .failure(error)
                        }
                    }
                    try result.get()
                }
            }
            if got < request || remaining == 0 || request == 0 {
                done = true
                output.append(contentsOf: try resampler.finish())
            }
            if !output.isEmpty {
                let block = AudioBlock(samples: output, channels: outputChannels, sampleRate: outputSampleRate,
                                       startFrame: emitted)
                emitted += output.count / outputChannels
                return block
            }
        }
        return nil
    }

    /// Decodes `frames` frames into `buffer`, down-mixing in place when asked.
    private func readBlock(frames: Int) throws(AudioError) -> Int {
        let channels = info.channels
        let downmix = options.downmix && channels > 1
        let file = self.file
        let result: Result<Int, AudioError> = buffer.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress else { return .success(0) }
            do throws(AudioError) {
                let got = try file.read(into: base, frames: frames)
                if downmix { Downmix.mono(base, frames: got, channels: channels, into: base) }
                return .success(got)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Streams `path` block by block through `body`.
    ///
    /// Throws the first ``AudioError`` from decoding or whatever `body` throws.
    public static func forEachBlock(path: String, options: StreamOptions = StreamOptions(),
                                    _ body: (AudioBlock) throws -> Void) throws {
        let stream = try AudioStream(path: path, options: options)
        while let block = try stream.next() {
            try body(block)
        }
    }
}

/// `AsyncSequence` view of ``AudioStream``: `for try await block in AudioBlocks(path: p) { ... }`.
///
/// The file is opened on the first `next()`; open errors surface there.
/// Each `next()` decodes one block synchronously on the calling task
/// (milliseconds), so there is no hidden thread or unbounded buffering.
public struct AudioBlocks: AsyncSequence, Sendable {
    public typealias Element = AudioBlock
    public typealias Failure = AudioError

    /// File to stream.
    public let path: String
    /// Decoding options.
    public let options: StreamOptions

    /// Creates the sequence; nothing is opened yet.
    public init(path: String, options: StreamOptions = StreamOptions()) {
        self.path = path
        self.options = options
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(path: path, options: options)
    }

    /// Iterator that owns the underlying ``AudioStream``.
    public struct Iterator: AsyncIteratorProtocol {
        private let path: String
        private let options: StreamOptions
        private var stream: AudioStream?
        private var finished = false

        init(path: String, options: StreamOptions) {
            self.path = path
            self.options = options
        }

        /// Next block, or `nil` at the end.
        public mutating func next() async throws(AudioError) -> AudioBlock? {
            try step()
        }

        /// Next block, or `nil` at the end (isolation-preserving variant).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(AudioError) -> AudioBlock? {
            try step()
        }

        private mutating func step() throws(AudioError) -> AudioBlock? {
            if finished { return nil }
            do throws(AudioError) {
                if stream == nil { stream = try AudioStream(path: path, options: options) }
                guard let stream, let block = try stream.next() else {
                    finished = true
                    self.stream = nil
                    return nil
                }
                return block
            } catch {
                finished = true
                stream = nil
                throw error
            }
        }
    }
}
