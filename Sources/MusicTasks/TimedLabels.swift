/// One event of an ``TaskKind/events`` task: a beat, with its position in the bar where the
/// annotation gives one (1 = downbeat), or an onset.
public struct TimedEvent: Sendable, Hashable, Codable {
    /// Seconds from the start of the track.
    public var time: Double
    /// Position in the bar, counted from 1 (the downbeat); nil where the annotation has none.
    public var position: Int?

    public init(time: Double, position: Int? = nil) {
        self.time = time
        self.position = position
    }

    /// Whether the event is a downbeat (position 1).
    public var isDownbeat: Bool { position == 1 }
}

/// One labelled span of a ``TaskKind/segments`` task: a chord from `start` to `end`.
///
/// The label keeps the annotation's text (a Harte chord symbol such as `G:7(b9)/3`), so that
/// metrics that compare full symbols (mirex) see what the annotator wrote; a model learns the
/// task's vocabulary, to which the text is reduced when targets are built.
public struct TimedSegment: Sendable, Hashable, Codable {
    /// Seconds from the start of the track.
    public var start: Double
    /// Seconds from the start of the track; greater than `start`.
    public var end: Double
    /// The annotated label.
    public var label: String

    public init(start: Double, end: Double, label: String) {
        self.start = start
        self.end = end
        self.label = label
    }

    /// `end − start`.
    public var duration: Double { end - start }
}
