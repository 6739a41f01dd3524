/// What a model predicts for one task.
public enum TaskKind: String, Sendable, Codable, CaseIterable {
    /// Independent yes/no per class (sigmoid): tags, instruments.
    case multiLabel
    /// Exactly one class (softmax): key, genre.
    case multiClass
    /// Real values, one per output name (or one when none are given).
    case regression
}

/// A named task with its classes (or output names, for regression).
public struct TaskSpec: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var kind: TaskKind
    public var classes: [String]

    public init(name: String, kind: TaskKind, classes: [String]) {
        self.name = name
        self.kind = kind
        self.classes = classes
    }

    /// Number of logits the head produces.
    public var outputCount: Int { kind == .regression ? Swift.max(1, classes.count) : classes.count }
}
