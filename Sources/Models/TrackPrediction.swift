/// A model's prediction for a whole track, aggregated over its chunks.
public struct TrackPrediction: Sendable, Equatable, Codable {
    /// Per task name, one value per class (or regression output): probabilities for
    /// classification tasks, aggregated as `aggregation` says.
    public var values: [String: [Float]]
    /// The chunks the track was cut into, in order.
    public var chunks: [TrackChunk]
    /// Per task name, per chunk, the chunk's values; empty unless
    /// `FullTrackOptions.keepChunkPredictions` was set.
    public var chunkValues: [String: [[Float]]]
    /// Samples in the track (at the model's rate).
    public var trackSamples: Int
    /// The model's sample rate.
    public var sampleRate: Int
    public var aggregation: ChunkAggregation
    /// Per time-aligned task, the track's frame probabilities (frames × classes, row-major) at
    /// ``frameRate``: frame i centred at i / frameRate s; where chunks overlap, their frames
    /// are averaged. Nil for a model without time-aligned tasks.
    public var frames: [String: [Float]]?
    /// Frames per second of ``frames``.
    public var frameRate: Int?

    public init(values: [String: [Float]], chunks: [TrackChunk], chunkValues: [String: [[Float]]],
                trackSamples: Int, sampleRate: Int, aggregation: ChunkAggregation,
                frames: [String: [Float]]? = nil, frameRate: Int? = nil) {
        self.frames = frames
        self.frameRate = frameRate
        self.values = values
        self.chunks = chunks
        self.chunkValues = chunkValues
        self.trackSamples = trackSamples
        self.sampleRate = sampleRate
        self.aggregation = aggregation
    }

    /// Seconds of audio in the track.
    public var duration: Double { Double(trackSamples) / Double(sampleRate) }
}
