/// What a task predicts, and so which head, loss, label values and metrics it takes.
///
/// The first three are clip-level: one label per track (or pseudo-labelled window). The last
/// two are time-aligned: a label is a sequence in time, and a model predicts them frame by
/// frame.
public enum TaskKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Any subset of the classes may apply (sigmoid per class): tags, instruments.
    case multiLabel
    /// Exactly one class applies (softmax): key, genre.
    case multiClass
    /// Real values, one per output (tempo, valence).
    case regression
    /// Event times, each with an optional position in the bar (1 = the downbeat): beats and
    /// downbeats. The classes name the event types a model predicts per frame (e.g. `beat`,
    /// `downbeat`); labels are ``TimedEvent`` lists.
    case events
    /// Labelled time spans that cover a track: chords, sections. The classes are the
    /// vocabulary a model predicts per frame (e.g. the 25 major/minor chords and `N`); labels are
    /// ``TimedSegment`` lists with their annotated text.
    case segments

    public var description: String { rawValue }

    /// Whether labels are sequences in time (predicted frame by frame) rather than one value per
    /// clip.
    public var isTimeAligned: Bool {
        switch self {
        case .multiLabel, .multiClass, .regression: return false
        case .events, .segments: return true
        }
    }
}
