/// A model's prediction for a whole track, aggregated over its chunks.
public struct TrackPrediction: Sendable, Equatable, Codable {
    /// Per task name, one value per class (or regression output): probabilities for
    /// classification tasks, aggregated as `aggregation` says.
    public var values: [String: [Float]]
    /// The chunks the track was cut into, in order.
    public var chunks: [TrackChunk]
    /// Per task name, per chunk, the chunk's values; empty unless
    /// `TrackInferenceSettings.keepChunkPredictions` was set.
    public var chunkValues: [String: [[Float]]]
    /// Samples in the track.
    public var trackSamples: Int
    public var aggregation: ChunkAggregation

    public init(values: [String: [Float]], chunks: [TrackChunk], chunkValues: [String: [[Float]]],
                trackSamples: Int, aggregation: ChunkAggregation) {
        self.values = values
        self.chunks = chunks
        self.chunkValues = chunkValues
        self.trackSamples = trackSamples
        self.aggregation = aggregation
    }
}
