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

    public init(frequencyCoordinates: Bool = false, taskBranchBlocks: Int = 0) {
        self.frequencyCoordinates = frequencyCoordinates
        self.taskBranchBlocks = taskBranchBlocks
    }

    /// The published architecture.
    public static let standard = ModelVariant()

    public var isStandard: Bool { self == .standard }

    enum CodingKeys: String, CodingKey {
        case frequencyCoordinates = "frequency_coordinates", taskBranchBlocks = "task_branch_blocks"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        frequencyCoordinates = try c.decodeIfPresent(Bool.self, forKey: .frequencyCoordinates) ?? false
        taskBranchBlocks = try c.decodeIfPresent(Int.self, forKey: .taskBranchBlocks) ?? 0
    }

    /// Throws unless the variant fits a network of `blocks` residual blocks.
    public func validate(blocks: Int) throws {
        guard (0...blocks).contains(taskBranchBlocks) else {
            throw ModelError.invalidVariant("task_branch_blocks is \(taskBranchBlocks); it must lie in 0...\(blocks)")
        }
    }
}
