import Models

/// The label of one track for one task, as humans or a teacher gave it.
public enum TaskTarget: Sendable, Codable, Equatable {
    /// Multi-label: the indices of the positive classes.
    case positives([Int])
    /// Multi-class: the index of the class.
    case classIndex(Int)
    /// Soft labels: per-class probabilities (multi-label: independent; multi-class: a distribution).
    case probabilities([Float])
    /// Regression: one value per output.
    case values([Float])

    /// The dense target row the loss takes for `task` (probabilities, one-hot or values),
    /// or an error naming what does not fit.
    public func dense(for task: TaskSpec) throws -> [Float] {
        let n = task.outputCount
        switch (self, task.kind) {
        case (.positives(let indices), .multiLabel):
            var row = [Float](repeating: 0, count: n)
            for i in indices {
                guard (0..<n).contains(i) else { throw TrainingError.labelOutOfRange(task: task.name, index: i, classes: n) }
                row[i] = 1
            }
            return row
        case (.classIndex(let i), .multiClass):
            guard (0..<n).contains(i) else { throw TrainingError.labelOutOfRange(task: task.name, index: i, classes: n) }
            var row = [Float](repeating: 0, count: n)
            row[i] = 1
            return row
        case (.probabilities(let p), .multiLabel), (.probabilities(let p), .multiClass):
            guard p.count == n else { throw TrainingError.targetSize(task: task.name, expected: n, found: p.count) }
            return p
        case (.values(let v), .regression):
            guard v.count == n else { throw TrainingError.targetSize(task: task.name, expected: n, found: v.count) }
            return v
        default:
            throw TrainingError.targetKind(task: task.name, kind: task.kind.rawValue)
        }
    }
}

/// A track with its labels for some of the tasks (a task without a label is masked out).
public struct LabeledTrack: Sendable, Codable, Equatable {
    public var id: Int64
    public var path: String
    /// Duration in seconds (from probing), used to place random crops.
    public var duration: Double
    public var targets: [String: TaskTarget]
    /// Per-example loss weight (pseudo-labels may count less than human labels).
    public var weight: Float
    /// The part of the track the targets describe (a pseudo-labelled segment): crops are
    /// taken inside it. Nil: the whole track.
    public var segment: TrackSegment?

    public init(id: Int64, path: String, duration: Double, targets: [String: TaskTarget], weight: Float = 1,
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
