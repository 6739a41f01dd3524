import MusicTasks

/// A track with its labels for some of the tasks (a task without a label is masked out).
public struct LabeledTrack: Sendable, Codable, Equatable {
    public var id: Int64
    public var path: String
    /// Duration in seconds (from probing), used to place random crops.
    public var duration: Double
    public var targets: [String: LabelValue]
    /// Per-example loss weight (pseudo-labels may count less than human labels).
    public var weight: Float
    /// The part of the track the targets describe (a pseudo-labelled segment): crops are
    /// taken inside it. Nil: the whole track.
    public var segment: TrackSegment?

    public init(id: Int64, path: String, duration: Double, targets: [String: LabelValue], weight: Float = 1,
                segment: TrackSegment? = nil) {
        self.id = id
        self.path = path
        self.duration = duration
        self.targets = targets
        self.weight = weight
        self.segment = segment
    }

    /// Where crops may start and how long the cropped region is: the segment, clipped to the
    /// track, or the whole track.
    public var croppable: (start: Double, duration: Double) {
        guard let segment else { return (0, duration) }
        let start = Swift.min(Swift.max(0, segment.start), duration)
        return (start, Swift.max(0, Swift.min(segment.duration, duration - start)))
    }
}

/// A stretch of a track, in seconds.
public struct TrackSegment: Sendable, Codable, Equatable, Hashable {
    public var start: Double
    public var duration: Double

    public init(start: Double, duration: Double) {
        self.start = start
        self.duration = duration
    }
}
