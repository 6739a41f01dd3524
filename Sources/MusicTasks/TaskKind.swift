/// What a task predicts, and so which head, loss, label values and metrics it takes.
public enum TaskKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Any subset of the classes may apply (sigmoid per class): tags, instruments.
    case multiLabel
    /// Exactly one class applies (softmax): key, genre.
    case multiClass
    /// Real values, one per output (tempo, valence).
    case regression

    public var description: String { rawValue }
}
