/// Where one chunk of a track lies.
public struct TrackChunk: Sendable, Equatable, Codable {
    /// First sample of the chunk within the track.
    public var start: Int
    /// How many of the chunk's samples are audio; the rest are zero padding.
    public var audioSamples: Int

    public init(start: Int, audioSamples: Int) {
        self.start = start
        self.audioSamples = audioSamples
    }
}

/// Cuts a stream of samples into chunks of `chunkSamples` starting every `hopSamples`, as the
/// samples arrive, holding no more than the current chunk's worth (and, for
/// `TailChunkPolicy.alignToEnd`, the last chunk's worth) plus the latest appended block.
///
/// Append samples with `append(_:)`, take complete chunks with `nextChunk(into:)` until it
/// returns nil, and at the end call `finish()` and take the remaining (tail or padded) chunk.
public struct TrackChunker: Sendable {
    public let chunkSamples: Int
    public let hopSamples: Int
    public let tail: TailChunkPolicy
    /// Samples appended so far.
    public private(set) var samplesSeen = 0
    /// Chunks returned so far.
    public private(set) var chunksEmitted = 0
    /// The most samples held at once (a measure of the memory used).
    public private(set) var peakBufferedSamples = 0

    /// Samples from track position `bufferStart` on.
    private var buffer: [Float] = []
    private var bufferStart = 0
    /// Start of the next whole chunk.
    private var nextStart = 0
    private var finished = false
    private var tailEmitted = false

    public init(chunkSamples: Int, hopSamples: Int, tail: TailChunkPolicy = .alignToEnd) throws {
        guard chunkSamples > 0, hopSamples > 0 else {
            throw ModelError.invalidInferenceSetting("chunk length \(chunkSamples) and hop \(hopSamples) must be positive")
        }
        self.chunkSamples = chunkSamples
        self.hopSamples = hopSamples
        self.tail = tail
    }

    /// The number of samples currently held.
    public var bufferedSamples: Int { buffer.count }

    /// Appends the next samples of the track.
    public mutating func append<C: Collection>(_ samples: C) throws where C.Element == Float {
        guard !finished else { throw ModelError.invalidInferenceSetting("samples appended after the end of the track") }
        discardConsumedSamples()
        buffer.append(contentsOf: samples)
        samplesSeen += samples.count
        peakBufferedSamples = Swift.max(peakBufferedSamples, buffer.count)
    }

    /// Marks the end of the track: `nextChunk(into:)` then also returns the tail chunk (or, for a
    /// track shorter than one chunk, its only chunk, zero-padded). Throws `ModelError.emptyTrack`
    /// for a track without samples.
    public mutating func finish() throws {
        guard samplesSeen > 0 else { throw ModelError.emptyTrack }
        finished = true
    }

    /// Appends the next chunk's samples to `destination` and returns where it lies, or returns
    /// nil when no further chunk is complete yet (or, after `finish()`, at all).
    public mutating func nextChunk(into destination: inout [Float]) -> TrackChunk? {
        if nextStart + chunkSamples <= samplesSeen {
            let offset = nextStart - bufferStart
            destination.append(contentsOf: buffer[offset..<(offset + chunkSamples)])
            let chunk = TrackChunk(start: nextStart, audioSamples: chunkSamples)
            nextStart += hopSamples
            chunksEmitted += 1
            return chunk
        }
        guard finished, !tailEmitted else { return nil }
        tailEmitted = true
        if chunksEmitted == 0 {
            // Shorter than one chunk: the whole track, zero-padded.
            destination.append(contentsOf: buffer)
            destination.append(contentsOf: repeatElement(0, count: chunkSamples - buffer.count))
            chunksEmitted += 1
            return TrackChunk(start: 0, audioSamples: samplesSeen)
        }
        let lastEnd = nextStart - hopSamples + chunkSamples
        guard lastEnd < samplesSeen, nextStart < samplesSeen else { return nil }
        switch tail {
        case .drop:
            return nil
        case .alignToEnd:
            let start = samplesSeen - chunkSamples
            let offset = start - bufferStart
            destination.append(contentsOf: buffer[offset..<(offset + chunkSamples)])
            chunksEmitted += 1
            return TrackChunk(start: start, audioSamples: chunkSamples)
        case .zeroPad:
            let offset = nextStart - bufferStart
            let audio = samplesSeen - nextStart
            destination.append(contentsOf: buffer[offset..<(offset + audio)])
            destination.append(contentsOf: repeatElement(0, count: chunkSamples - audio))
            chunksEmitted += 1
            return TrackChunk(start: nextStart, audioSamples: audio)
        }
    }

    /// Drops the samples no future chunk needs.
    private mutating func discardConsumedSamples() {
        var keepFrom = Swift.min(nextStart, samplesSeen)
        if tail == .alignToEnd { keepFrom = Swift.min(keepFrom, Swift.max(0, samplesSeen - chunkSamples)) }
        keepFrom = Swift.max(keepFrom, bufferStart)
        if keepFrom > bufferStart {
            buffer.removeFirst(keepFrom - bufferStart)
            bufferStart = keepFrom
        }
    }
}
