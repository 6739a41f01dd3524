import Testing
@testable import Models

@Suite("Cutting tracks into chunks")
struct TrackChunkerTests {
    /// All chunks of a track fed in blocks of `block` samples; sample i has value i.
    static func chunks(track: Int, chunk: Int, hop: Int, tail: TailChunkPolicy, block: Int = 3)
        throws -> (chunks: [TrackChunk], samples: [[Float]], peak: Int) {
        var chunker = try TrackChunker(chunkSamples: chunk, hopSamples: hop, tail: tail)
        var found: [TrackChunk] = []
        var samples: [[Float]] = []
        var start = 0
        func drain() {
            var buffer: [Float] = []
            while let c = chunker.nextChunk(into: &buffer) {
                found.append(c)
                samples.append(buffer)
                buffer = []
            }
        }
        while start < track {
            let end = min(track, start + block)
            try chunker.append((start..<end).map(Float.init))
            drain()
            start = end
        }
        try chunker.finish()
        drain()
        return (found, samples, chunker.peakBufferedSamples)
    }

    @Test("whole chunks side by side, then a tail chunk aligned to the end")
    func alignToEnd() throws {
        let r = try Self.chunks(track: 10, chunk: 4, hop: 4, tail: .alignToEnd)
        #expect(r.chunks == [TrackChunk(start: 0, audioSamples: 4), TrackChunk(start: 4, audioSamples: 4),
                             TrackChunk(start: 6, audioSamples: 4)])
        #expect(r.samples == [[0, 1, 2, 3], [4, 5, 6, 7], [6, 7, 8, 9]])
    }

    @Test("a zero-padded tail chunk at the next hop")
    func zeroPad() throws {
        let r = try Self.chunks(track: 10, chunk: 4, hop: 4, tail: .zeroPad)
        #expect(r.chunks.map(\.start) == [0, 4, 8])
        #expect(r.chunks.last?.audioSamples == 2)
        #expect(r.samples.last == [8, 9, 0, 0])
    }

    @Test("dropping the tail")
    func drop() throws {
        let r = try Self.chunks(track: 10, chunk: 4, hop: 4, tail: .drop)
        #expect(r.chunks.map(\.start) == [0, 4])
    }

    @Test("a track of exactly whole chunks has no tail chunk", arguments: TailChunkPolicy.allCases)
    func exact(_ tail: TailChunkPolicy) throws {
        let r = try Self.chunks(track: 12, chunk: 4, hop: 4, tail: tail)
        #expect(r.chunks.map(\.start) == [0, 4, 8])
    }

    @Test("overlapping chunks with a hop of half a chunk")
    func overlap() throws {
        let r = try Self.chunks(track: 11, chunk: 4, hop: 2, tail: .alignToEnd)
        #expect(r.chunks.map(\.start) == [0, 2, 4, 6, 7])
        #expect(r.samples[4] == [7, 8, 9, 10])
        let padded = try Self.chunks(track: 11, chunk: 4, hop: 2, tail: .zeroPad)
        #expect(padded.chunks.map(\.start) == [0, 2, 4, 6, 8])
        #expect(padded.samples[4] == [8, 9, 10, 0])
        // Ending exactly at a chunk's end: nothing left uncovered, no tail.
        let exact = try Self.chunks(track: 10, chunk: 4, hop: 2, tail: .zeroPad)
        #expect(exact.chunks.map(\.start) == [0, 2, 4, 6])
    }

    @Test("a hop longer than a chunk skips samples")
    func gaps() throws {
        let r = try Self.chunks(track: 14, chunk: 3, hop: 5, tail: .drop)
        #expect(r.samples == [[0, 1, 2], [5, 6, 7], [10, 11, 12]])
    }

    @Test("a track shorter than one chunk gives one zero-padded chunk, whatever the policy",
          arguments: TailChunkPolicy.allCases)
    func short(_ tail: TailChunkPolicy) throws {
        let r = try Self.chunks(track: 3, chunk: 5, hop: 5, tail: tail)
        #expect(r.chunks == [TrackChunk(start: 0, audioSamples: 3)])
        #expect(r.samples == [[0, 1, 2, 0, 0]])
    }

    @Test("an empty track is an error")
    func empty() throws {
        var chunker = try TrackChunker(chunkSamples: 4, hopSamples: 4)
        #expect(throws: ModelError.emptyTrack) { try chunker.finish() }
        #expect(throws: ModelError.self) { try TrackChunker(chunkSamples: 4, hopSamples: 0) }
    }

    @Test("memory stays at about a chunk plus a block however long the track", arguments: TailChunkPolicy.allCases)
    func bounded(_ tail: TailChunkPolicy) throws {
        let short = try Self.chunks(track: 5_000, chunk: 100, hop: 30, tail: tail, block: 64)
        let long = try Self.chunks(track: 500_000, chunk: 100, hop: 30, tail: tail, block: 64)
        #expect(short.peak <= 100 + 64, "peak \(short.peak) samples")
        #expect(long.peak <= 100 + 64, "peak \(long.peak) samples")
        #expect(long.chunks.count == (500_000 - 100) / 30 + 1 + (tail == .drop ? 0 : 1))
    }
}
