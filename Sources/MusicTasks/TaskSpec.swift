/// The definition of a task: its unique name, its kind and its ordered class names.
///
/// Class indices used by labels are positions in ``classes``. Regression tasks have no
/// classes (a model may name its outputs there; ``validate()`` refuses that for stored tasks).
///
/// The one definition shared by the catalog, the models and the trainer: a new task kind is
/// added here and in the switches the compiler then points to.
public struct TaskSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Unique name, e.g. `"genre"`, `"key"`, `"tags"`.
    public var name: String
    /// What the task predicts.
    public var kind: TaskKind
    /// Class names in index order; empty for regression.
    public var classes: [String]

    /// Creates a task definition. Call ``validate()`` (the catalog does) to check it.
    public init(name: String, kind: TaskKind, classes: [String] = []) {
        self.name = name
        self.kind = kind
        self.classes = classes
    }

    /// A multi-class task.
    public static func multiClass(_ name: String, classes: [String]) -> TaskSpec {
        TaskSpec(name: name, kind: .multiClass, classes: classes)
    }

    /// A multi-label task.
    public static func multiLabel(_ name: String, classes: [String]) -> TaskSpec {
        TaskSpec(name: name, kind: .multiLabel, classes: classes)
    }

    /// A regression task.
    public static func regression(_ name: String) -> TaskSpec {
        TaskSpec(name: name, kind: .regression)
    }

    /// Number of classes (0 for regression).
    public var classCount: Int { classes.count }

    /// Number of logits a model's head produces: one per class, or one per named output (at
    /// least one) for regression.
    public var outputCount: Int { kind == .regression ? Swift.max(1, classes.count) : classes.count }

    /// `genre (multiClass, 10 classes)`.
    public var description: String {
        kind == .regression ? "\(name) (regression)" : "\(name) (\(kind), \(classes.count) classes)"
    }

    /// Largest number of classes a task may have: class indices of multi-label sets are
    /// stored as 16-bit integers.
    public static let maxClassCount = Int(UInt16.max) + 1

    /// Checks the name and the class list.
    /// - Throws: ``TaskError/invalidTask(name:reason:)`` for an empty name, classes on a
    ///   regression task, no classes on a classification task, an empty or duplicate class
    ///   name, or more than ``maxClassCount`` classes.
    public func validate() throws(TaskError) {
        guard !name.trimmingWhitespace.isEmpty else {
            throw .invalidTask(name: name, reason: "the name is empty")
        }
        switch kind {
        case .regression:
            guard classes.isEmpty else {
                throw .invalidTask(name: name, reason: "a regression task has no classes (\(classes.count) given)")
            }
        case .multiClass, .multiLabel, .events, .segments:
            guard !classes.isEmpty else {
                throw .invalidTask(name: name, reason: "a \(kind) task needs at least one class")
            }
            guard classes.count <= Self.maxClassCount else {
                throw .invalidTask(name: name, reason: "\(classes.count) classes; at most \(Self.maxClassCount) are supported")
            }
            var seen = Set<String>()
            for (index, className) in classes.enumerated() {
                guard !className.trimmingWhitespace.isEmpty else {
                    throw .invalidTask(name: name, reason: "class \(index) has an empty name")
                }
                guard seen.insert(className).inserted else {
                    throw .invalidTask(name: name, reason: "class \"\(className)\" appears more than once")
                }
            }
        }
    }

    /// Index of every class name, for parsing labels given by name.
    public var classIndex: [String: Int] {
        Dictionary(classes.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }
}

extension StringProtocol {
    /// The string without leading and trailing whitespace and newlines (for the package's
    /// parsers of names and label text, without Foundation).
    package var trimmingWhitespace: String {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
