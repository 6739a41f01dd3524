import MusicTasks

/// A track with its labels for some of the tasks (a task without a label is masked out).
///
/// Encodable (for stage fingerprints) but not decodable: frame posteriors encode as a digest.
public struct LabeledTrack: Sendable, Encodable, Equatable {
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
    /// Per time-aligned task: a teacher's frame probabilities, the targets of that task in place
    /// of a label in ``targets`` (frame-level pseudo-labels).
    public var softFrameTargets: [String: SoftFrameTargets]
    /// Per multi-label task: 1 for each class of ``targets`` the loss counts, 0 for one it leaves
    /// out (a pseudo-label the teacher is unsure of); a task without an entry counts every class.
    public var classMasks: [String: [Float]]

    public init(id: Int64, path: String, duration: Double, targets: [String: LabelValue], weight: Float = 1,
                segment: TrackSegment? = nil, softFrameTargets: [String: SoftFrameTargets] = [:],
                classMasks: [String: [Float]] = [:]) {
        self.id = id
        self.path = path
        self.duration = duration
        self.targets = targets
        self.weight = weight
        self.segment = segment
        self.softFrameTargets = softFrameTargets
        self.classMasks = classMasks
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

extension LabeledTrack {
    enum CodingKeys: String, CodingKey { case id, path, duration, targets, weight, segment, softFrameTargets, classMasks }

    /// As synthesised, except that a track without frame posteriors or class masks encodes
    /// without those keys, so fingerprints of clip-level data are what they were before they existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(path, forKey: .path)
        try c.encode(duration, forKey: .duration)
        try c.encode(targets, forKey: .targets)
        try c.encode(weight, forKey: .weight)
        try c.encodeIfPresent(segment, forKey: .segment)
        if !softFrameTargets.isEmpty { try c.encode(softFrameTargets, forKey: .softFrameTargets) }
        if !classMasks.isEmpty { try c.encode(classMasks, forKey: .classMasks) }
    }
}
