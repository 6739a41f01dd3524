import MusicTasks

/// A task stored in a catalog: its row id and definition.
public struct CatalogTask: Sendable, Hashable, CustomStringConvertible {
    /// Row id in the `task` table.
    public let id: Int64
    /// The task's definition.
    public let spec: TaskSpec

    /// Creates a stored-task value.
    public init(id: Int64, spec: TaskSpec) {
        self.id = id
        self.spec = spec
    }

    /// The task's name.
    public var name: String { spec.name }
    /// The task's kind.
    public var kind: TaskKind { spec.kind }
    /// The task's class names.
    public var classes: [String] { spec.classes }

    public var description: String { "#\(id) \(spec)" }
}
