import MusicTasks
import NN
import Torch

/// Linear heads over a shared embedding, one per task. With one task the head keeps the
/// reference model's own name (`dense2`, `head`) so that weights interchange with PyTorch;
/// with several they are `heads.<task>`.
public final class TaskHeads: Module {
    public let tasks: [TaskSpec]
    public let linears: [Linear]
    let singleName: String

    public init(tasks: [TaskSpec], inputFeatures: Int, singleName: String, generator: Generator? = nil) throws {
        try Self.validate(tasks)
        self.tasks = tasks
        self.linears = try tasks.map { try Linear(inputFeatures, $0.outputCount, generator: generator) }
        self.singleName = singleName
        super.init()
    }

    /// Throws unless the tasks are non-empty, uniquely named, clip-level and have enough classes.
    public static func validate(_ tasks: [TaskSpec]) throws {
        guard !tasks.isEmpty else { throw TorchError.invalidArgument("a model needs at least one task") }
        guard Set(tasks.map(\.name)).count == tasks.count else {
            throw TorchError.invalidArgument("task names must be unique: \(tasks.map(\.name))")
        }
        for t in tasks where t.kind.isTimeAligned {
            throw TorchError.invalidArgument("task \(t.name) is time-aligned (\(t.kind)): these heads pool time away, and no sequence head is built yet")
        }
        for t in tasks where t.outputCount < 1 || (t.kind != .regression && t.classes.count < 2) {
            throw TorchError.invalidArgument("task \(t.name) (\(t.kind.rawValue)) needs at least 2 classes, has \(t.classes.count)")
        }
    }

    public override func namedChildren() -> [(String, Module)] {
        if linears.count == 1 { return [(singleName, linears[0])] }
        return zip(tasks, linears).map { ("heads.\($0.name)", $1 as Module) }
    }

    /// Logits per task name.
    public func callAsFunction(_ embedding: Tensor) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (task, linear) in zip(tasks, linears) { out[task.name] = try linear(embedding) }
        return out
    }
}
