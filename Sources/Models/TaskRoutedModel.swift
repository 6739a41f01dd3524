import Audio
import MusicTasks
import NN
import Torch

/// Several networks behind one model, each reading its own front end for its own tasks: key
/// from a constant-Q network on 15-s windows, instruments from a log-mel ResNet on 3.7-s
/// chunks. The model's window is the longest member's clip. A member with a shorter clip trains
/// on the window's centre (a random crop of the track all the same, as the loader crops at
/// random) and evaluates every whole chunk of the window, its logits averaged: training costs
/// what the member alone costs, and evaluation hears the whole window. State dict entries are
/// prefixed with the member's front end (`constant_q.…`, `log_mel.…`).
public final class TaskRoutedModel: Module, AudioModel {
    /// The members in a fixed order, named by the front end they read.
    public let members: [(name: String, model: any AudioModel)]
    public let clipSamples: Int
    public let sampleRate: Int
    public let tasks: [TaskSpec]

    public init(members: [(name: String, model: any AudioModel)], tasks: [TaskSpec]) throws {
        guard !members.isEmpty else { throw ModelError.invalidVariant("a routed model needs at least one member") }
        guard Set(members.map(\.name)).count == members.count else {
            throw ModelError.invalidVariant("routed members need distinct names: \(members.map(\.name))")
        }
        let rates = Set(members.map(\.model.sampleRate))
        guard rates.count == 1, let rate = rates.first else {
            throw ModelError.invalidVariant("routed members read different sample rates: \(rates.sorted())")
        }
        let owned = members.flatMap { $0.model.tasks.map(\.name) }
        guard Set(owned).count == owned.count, Set(owned) == Set(tasks.map(\.name)) else {
            throw ModelError.invalidVariant("each task must belong to exactly one member: members have \(owned), the model \(tasks.map(\.name))")
        }
        self.members = members
        self.tasks = tasks
        sampleRate = rate
        clipSamples = members.map(\.model.clipSamples).max() ?? 0
        super.init()
    }

    public override func namedChildren() -> [(String, Module)] {
        members.map { ($0.name, $0.model as Module) }
    }

    public var spectrogramAugmentation: SpectrogramAugmentationHook? {
        didSet { for m in members { m.model.spectrogramAugmentation = spectrogramAugmentation } }
    }

    public var transposesInput: Bool { members.contains { $0.model.transposesInput } }

    /// The temporal member's rate (one member holds every time-aligned task).
    public var frameRate: Int? { members.lazy.compactMap(\.model.frameRate).first }

    public var inputTransposition: [Int]? {
        didSet { for m in members where m.model.transposesInput { m.model.inputTransposition = inputTransposition } }
    }

    public var evaluationTransposition: Int? {
        didSet { for m in members where m.model.transposesInput { m.model.evaluationTransposition = evaluationTransposition } }
    }

    public var inferenceOptimizations: InferenceOptimizations? { members[0].model.inferenceOptimizations }

    public func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        var logits: [String: Tensor] = [:]
        for m in members {
            for (task, value) in try memberLogits(m.model, waveform) { logits[task] = value }
        }
        return logits
    }

    /// One member's logits for (batch, samples) windows, cut to its clip as described above.
    func memberLogits(_ member: any AudioModel, _ waveform: Tensor) throws -> [String: Tensor] {
        let (batch, total, clip) = (try waveform.size(0), try waveform.size(1), member.clipSamples)
        guard clip < total else { return try member(waveform) }
        // Frame outputs would need joining in time, not averaging: such a member reads the
        // whole window (the temporal network's clip is the routed window's).
        if member.tasks.contains(where: \.kind.isTimeAligned) {
            throw ModelError.invalidVariant("a member with time-aligned tasks must read the whole \(total)-sample window, not \(clip)-sample chunks")
        }
        if isTraining {
            let start = (total - clip) / 2
            return try member(waveform.slice(dim: 1, start: start, end: start + clip))
        }
        let chunks = total / clip
        let stacked = try waveform.slice(dim: 1, start: 0, end: chunks * clip).reshape([batch * chunks, clip])
        return try member(stacked).mapValues { try $0.reshape([batch, chunks, -1]).mean(dims: [1]) }
    }

    public func setNoise(_ noise: ModelNoise) {
        for m in members { m.model.setNoise(noise) }
    }

    public func prepareForInference(_ optimizations: InferenceOptimizations) throws {
        eval()
        for m in members { try m.model.prepareForInference(optimizations) }
    }

    public func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {
        for m in members { try m.model.setConvolutionMemoryFormat(format) }
    }

    public func copy() throws -> any AudioModel {
        try TaskRoutedModel(members: members.map { ($0.name, try $0.model.copy()) }, tasks: tasks)
    }
}
