import MusicTasks

/// Architecture options of the short-chunk ResNet beyond its preset's width. The default is the
/// published model (and the reference's state dict); the options exist for multi-task training
/// where one task needs absolute pitch (key) and another needs timbre (instruments).
public struct ModelVariant: Sendable, Codable, Equatable {
    /// Feeds each mel bin's position (−1 at the lowest bin, 1 at the highest) as a second input
    /// channel. Convolutions and global max pooling are blind to where in frequency a pattern
    /// lies, so without it a ResNet learns absolute pitch only from padding effects (CoordConv,
    /// Liu et al. 2018).
    public var frequencyCoordinates: Bool
    /// How many of the last residual blocks, with the dense layer after them, each task has to
    /// itself (0: all shared). With two tasks competing for one embedding, the task that learns
    /// first takes it; branches give each task its own high-level features.
    public var taskBranchBlocks: Int
    /// The front end each task reads, by task name; tasks not named read the preset's own
    /// (the log-mel). A task on `constant_q` gets a `KeyNetwork` of the preset's size beside the
    /// preset's network, in one `TaskRoutedModel`.
    public var frontEnds: [String: TaskFrontEnd]

    public init(frequencyCoordinates: Bool = false, taskBranchBlocks: Int = 0, frontEnds: [String: TaskFrontEnd] = [:]) {
        self.frequencyCoordinates = frequencyCoordinates
        self.taskBranchBlocks = taskBranchBlocks
        self.frontEnds = frontEnds
    }

    /// The tasks that read the constant-Q front end, in the model's task order.
    public func constantQTasks(_ tasks: [TaskSpec]) -> [TaskSpec] {
        tasks.filter { frontEnds[$0.name] == .constantQ }
    }

    /// This variant without its front-end routing: what the preset's own network gets.
    public var withoutRouting: ModelVariant {
        ModelVariant(frequencyCoordinates: frequencyCoordinates, taskBranchBlocks: taskBranchBlocks)
    }

    /// The published architecture.
    public static let standard = ModelVariant()

    public var isStandard: Bool { self == .standard }

    enum CodingKeys: String, CodingKey {
        case frequencyCoordinates = "frequency_coordinates", taskBranchBlocks = "task_branch_blocks"
        case frontEnds = "front_ends"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        frequencyCoordinates = try c.decodeIfPresent(Bool.self, forKey: .frequencyCoordinates) ?? false
        taskBranchBlocks = try c.decodeIfPresent(Int.self, forKey: .taskBranchBlocks) ?? 0
        frontEnds = try c.decodeIfPresent([String: TaskFrontEnd].self, forKey: .frontEnds) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(frequencyCoordinates, forKey: .frequencyCoordinates)
        try c.encode(taskBranchBlocks, forKey: .taskBranchBlocks)
        if !frontEnds.isEmpty { try c.encode(frontEnds, forKey: .frontEnds) }
    }

    /// Throws unless every routed task is one of `tasks`.
    public func validate(tasks: [TaskSpec]) throws {
        let names = Set(tasks.map(\.name))
        for task in frontEnds.keys.sorted() where !names.contains(task) {
            throw ModelError.invalidVariant("front_ends names task \(task), which is not one of the model's tasks (\(tasks.map(\.name).joined(separator: ", ")))")
        }
        for task in tasks where task.kind.isTimeAligned && frontEnds[task.name] != nil {
            throw ModelError.invalidVariant("task \(task.name) is time-aligned: it always gets the temporal network, not a front_ends entry")
        }
    }

    /// Throws unless the variant fits a network of `blocks` residual blocks.
    public func validate(blocks: Int) throws {
        guard (0...blocks).contains(taskBranchBlocks) else {
            throw ModelError.invalidVariant("task_branch_blocks is \(taskBranchBlocks); it must lie in 0...\(blocks)")
        }
    }
}

/// The representation a task reads.
public enum TaskFrontEnd: String, Sendable, Codable, CaseIterable {
    /// The preset's log-mel spectrogram (timbre: instruments, tags).
    case logMel = "log_mel"
    /// A constant-Q spectrogram with 3 bins per semitone read by a `KeyNetwork` (pitch: key).
    case constantQ = "constant_q"
}
