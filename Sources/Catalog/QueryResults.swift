import MusicTasks

/// A track of a split as the catalog holds it: where it is, how long it is, and its stored
/// labels with their provenance (the trainer turns it into its `LabeledTrack`).
public struct SplitTrack: Sendable, Hashable {
    /// Row id.
    public var id: Int64
    /// Absolute path of the audio file.
    public var path: String
    /// Duration in seconds (0 when it was not recorded).
    public var duration: Double
    /// One entry per task asked for, in the order asked for; `nil` where the track has no
    /// label of that task among the selected sources.
    public var labels: [TrackLabel?]
}

/// One label of a ``SplitTrack``.
public struct TrackLabel: Sendable, Hashable {
    /// The value.
    public var value: LabelValue
    /// Where it comes from (human, or the pseudo-labelling run).
    public var source: LabelSource
    /// The recorded confidence, if any.
    public var confidence: Double?
}

/// A track without its labels: an entry of the unlabeled pool.
public struct TrackReference: Sendable, Hashable {
    /// Row id.
    public var id: Int64
    /// Absolute path of the audio file.
    public var path: String
    /// Duration in seconds (0 when it was not recorded).
    public var duration: Double
}

/// The size of one split and how many of its tracks are labelled, per task.
public struct SplitCount: Sendable, Hashable, CustomStringConvertible {
    /// Split name.
    public var split: String
    /// Tracks in the split (probed successfully).
    public var tracks: Int
    /// Per task name, the tracks with a label among the selected sources.
    public var labeled: [String: Int]

    public var description: String {
        let parts = labeled.keys.sorted().map { "\($0): \(labeled[$0] ?? 0)" }
        return "\(split): \(tracks) tracks" + (parts.isEmpty ? "" : " (labelled — " + parts.joined(separator: ", ") + ")")
    }
}

/// How often one class occurs.
public struct ClassCount: Sendable, Hashable {
    /// Class index.
    public var index: Int
    /// Class name.
    public var name: String
    /// Tracks labelled with the class: hard labels, the arg-max of soft multi-class labels,
    /// and probabilities of at least 0.5 in soft multi-label labels.
    public var count: Int
    /// Sum of the class's probability over all labels (a hard label counts 1).
    public var mass: Double
}

/// Summary statistics of a regression task's values.
public struct NumericSummary: Sendable, Hashable {
    /// Number of values.
    public var count: Int
    /// Smallest value.
    public var minimum: Double
    /// Largest value.
    public var maximum: Double
    /// Arithmetic mean.
    public var mean: Double
    /// Population standard deviation.
    public var standardDeviation: Double
}

/// The distribution of one task's labels.
public struct LabelDistribution: Sendable, Hashable, CustomStringConvertible {
    /// Task name.
    public var task: String
    /// Task kind.
    public var kind: TaskKind
    /// Tracks with a label.
    public var labeledTracks: Int
    /// How many of those labels are soft (probability vectors).
    public var softLabels: Int
    /// Per class, in class order (empty for regression).
    public var classes: [ClassCount]
    /// For regression tasks with at least one label.
    public var numeric: NumericSummary?

    public var description: String {
        var lines = ["\(task) (\(kind)): \(labeledTracks) labelled tracks" + (softLabels > 0 ? ", \(softLabels) soft" : "")]
        for entry in classes {
            lines.append("  \(entry.name): \(entry.count)")
        }
        if let numeric {
            lines.append("  min \(numeric.minimum), max \(numeric.maximum), mean \(numeric.mean), sd \(numeric.standardDeviation)")
        }
        return lines.joined(separator: "\n")
    }
}
