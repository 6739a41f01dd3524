/// How the predictions of a track's chunks become the track's prediction.
public enum ChunkAggregation: String, Sendable, Codable, CaseIterable {
    /// The mean over chunks of each probability (or regressed value).
    case mean
    /// The largest value over chunks: a tag holds if it holds anywhere in the track.
    case max
}

/// What to do with the samples after the last whole chunk of a track that is longer than one
/// chunk. A track shorter than one chunk always gives exactly one chunk, zero-padded at the end,
/// whatever the policy: every track gets a prediction.
public enum TailChunkPolicy: String, Sendable, Codable, CaseIterable {
    /// One more chunk ending exactly at the track's end (overlapping the one before): only real
    /// audio, no silence fed to the model. The default.
    case alignToEnd
    /// One more chunk at the next hop position, zero-padded at the end.
    case zeroPad
    /// Ignore them (at most one hop's worth of audio goes unheard).
    case drop
}

/// Settings of full-track inference: chunking, batching and aggregation.
public struct TrackInferenceSettings: Sendable, Equatable, Codable {
    /// Samples between the starts of consecutive chunks; nil means the model's clip length
    /// (chunks side by side, no overlap). Smaller than the clip length overlaps chunks.
    public var hopSamples: Int?
    /// Chunks per forward pass; memory is proportional to it, not to the track.
    public var batchSize: Int
    public var aggregation: ChunkAggregation
    public var tail: TailChunkPolicy
    /// Also return every chunk's predictions (for time-resolved pseudo-labels).
    public var keepChunkPredictions: Bool

    public init(hopSamples: Int? = nil, batchSize: Int = 8, aggregation: ChunkAggregation = .mean,
                tail: TailChunkPolicy = .alignToEnd, keepChunkPredictions: Bool = false) {
        self.hopSamples = hopSamples
        self.batchSize = batchSize
        self.aggregation = aggregation
        self.tail = tail
        self.keepChunkPredictions = keepChunkPredictions
    }
}
