/// Why a task definition, a label, a key name or a chord symbol is unusable.
public enum TaskError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A task definition that cannot be stored or trained (empty name, bad class list).
    case invalidTask(name: String, reason: String)
    /// A label that does not fit its task (wrong form, class out of range, bad probability).
    case invalidLabel(task: String, trackId: Int64?, reason: String)
    /// A class index outside the task's classes, met while building a training target.
    case labelOutOfRange(task: String, index: Int, classes: Int)
    /// A probability or value row whose length is not the task's output count.
    case targetSize(task: String, expected: Int, found: Int)
    /// A label whose form the task's kind does not take (a class set for a multi-class task).
    case targetKind(task: String, kind: TaskKind, value: String)
    /// A musical key that could not be parsed or constructed.
    case invalidKey(text: String, reason: String)
    /// A malformed line of an annotation file (beats, labelled intervals), counted from 1; the
    /// reader of the file adds its path.
    case invalidAnnotation(line: Int, reason: String)
    /// A chord symbol that is not a Harte chord label mir_eval can score (see ``ChordSymbol``).
    case invalidChord(text: String, reason: String)
    /// Decoder settings or frame activations a decoder cannot use (a frame rate that is not
    /// positive, a tempo range that is empty, a probability that is NaN or outside 0…1).
    case invalidDecoding(reason: String)

    public var description: String {
        switch self {
        case let .invalidTask(name, reason):
            return "invalid task \"\(name)\": \(reason)"
        case let .invalidLabel(task, trackId, reason):
            return "invalid label of task \"\(task)\"" + (trackId.map { " for track \($0)" } ?? "") + ": \(reason)"
        case let .labelOutOfRange(task, index, classes):
            return "task \(task): class index \(index) is outside 0..<\(classes)"
        case let .targetSize(task, expected, found):
            return "task \(task): expected \(expected) values in the target, found \(found)"
        case let .targetKind(task, kind, value):
            return "task \(task) is \(kind); it does not take a \(value) label"
        case let .invalidKey(text, reason):
            return "invalid musical key \"\(text)\": \(reason)"
        case let .invalidAnnotation(line, reason):
            return "line \(line): \(reason)"
        case let .invalidChord(text, reason):
            return "invalid chord symbol \"\(text)\": \(reason)"
        case let .invalidDecoding(reason):
            return "cannot decode: \(reason)"
        }
    }
}
