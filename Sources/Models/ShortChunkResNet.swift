import Audio
import MusicTasks
import NN
import Torch

/// The residual block of Won et al. 2020's short-chunk ResNet: two 3×3 convolutions
/// (the first strided) with batch norm, and a strided 3×3 convolution + BN on the shortcut.
public final class Res2d: Module, UnaryLayer {
    @Child var conv1: Conv2d
    @Child var bn1: BatchNorm
    @Child var conv2: Conv2d
    @Child var bn2: BatchNorm
    @Child var conv3: Conv2d
    @Child var bn3: BatchNorm
    let dropPath: DropPath
    /// Whether `foldBatchNorms()` merged bn1–bn3 into conv1–conv3 (evaluation only from then on).
    public private(set) var batchNormsFolded = false

    public init(_ cin: Int, _ cout: Int, stride: Int = 2, dropPath: Double = 0, generator: Generator? = nil) throws {
        _conv1 = Child(wrappedValue: try Conv2d(cin, cout, kernel: 3, stride: stride, padding: 1, generator: generator), "conv_1")
        _bn1 = Child(wrappedValue: try BatchNorm.twoD(cout), "bn_1")
        _conv2 = Child(wrappedValue: try Conv2d(cout, cout, kernel: 3, padding: 1, generator: generator), "conv_2")
        _bn2 = Child(wrappedValue: try BatchNorm.twoD(cout), "bn_2")
        _conv3 = Child(wrappedValue: try Conv2d(cin, cout, kernel: 3, stride: stride, padding: 1, generator: generator), "conv_3")
        _bn3 = Child(wrappedValue: try BatchNorm.twoD(cout), "bn_3")
        self.dropPath = try DropPath(dropPath)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        // ReLUs run in place on fresh outputs (of a convolution, batch norm or addition),
        // which nothing else needs: the backward passes of those operations do not use them.
        if batchNormsFolded {
            guard !isTraining else { throw ModelError.preparedForInference(model: "Res2d") }
            let out = try conv2(conv1(x).reluInPlace())
            return try (conv3(x) + out).reluInPlace()
        }
        let out = try bn2(conv2(bn1(conv1(x)).reluInPlace()))
        return try (bn3(conv3(x)) + dropPath(out)).reluInPlace()
    }

    /// Merges each batch norm into the convolution before it (see `Conv2d.foldBatchNorm(_:)`);
    /// the block then only evaluates. Does nothing the second time.
    public func foldBatchNorms() throws {
        guard !batchNormsFolded else { return }
        try conv1.foldBatchNorm(bn1)
        try conv2.foldBatchNorm(bn2)
        try conv3.foldBatchNorm(bn3)
        batchNormsFolded = true
    }
}

/// Short-chunk ResNet (Won et al. 2020) on 3.69 s clips (59049 samples at 16 kHz):
/// log-mel → BN → 7 residual blocks (widths C, C, 2C, 2C, 2C, 2C, 4C) → global max pool →
/// dense 4C → BN → ReLU → dropout → one linear head per task. A `ModelVariant` can add a
/// frequency-position input channel and give each task its own last blocks and dense layer.
public final class ShortChunkResNet: Module, AudioModel {
    public let clipSamples = 59049
    public let sampleRate: Int
    /// C: the channels of the first blocks (the published model has 128).
    public let width: Int
    public let variant: ModelVariant
    public let frontend: LogMelFrontEnd
    @Child var specBN: BatchNorm
    /// The shared residual blocks (all seven unless the variant branches per task).
    public let layers: Sequential
    /// The shared embedding (`dense1`, `bn`) and heads; nil when every task has its own branch.
    @Child var tail: EmbeddingTail?
    @Child var heads: TaskHeads?
    /// One branch per task (`branches.<task>.…`); nil when nothing is branched.
    @Child var branches: TaskBranches?
    private var noise: ModelNoise
    var execution = ModelExecution()

    public var tasks: [TaskSpec] { heads?.tasks ?? branches?.tasks ?? [] }
    public var spectrogramAugmentation: SpectrogramAugmentationHook?
    public var inferenceOptimizations: InferenceOptimizations? { execution.prepared }

    static let blockCount = 7

    public init(width: Int, tasks: [TaskSpec], variant: ModelVariant = .standard, noise: ModelNoise = ModelNoise(dropout: 0.5),
                frontEnd: LogMelSpectrogram = .modelDefault, device: Device = .cpu,
                generator: Generator? = nil) throws {
        try variant.validate(blocks: Self.blockCount)
        sampleRate = frontEnd.sampleRate
        self.width = width
        self.variant = variant
        self.noise = noise
        frontend = try LogMelFrontEnd(frontEnd, device: device)
        _specBN = Child(wrappedValue: try BatchNorm.twoD(1), "spec_bn")
        let widths = [width, width, 2 * width, 2 * width, 2 * width, 2 * width, 4 * width]
        let inputs = [variant.frequencyCoordinates ? 2 : 1] + widths.dropLast()
        let rates = DropPath.linearRates(maximum: noise.stochasticDepth, blocks: widths.count)
        func blocks(_ range: Range<Int>) throws -> Sequential {
            Sequential(try range.map { i in try Res2d(inputs[i], widths[i], dropPath: rates[i], generator: generator) })
        }
        let split = widths.count - (tasks.count > 1 ? variant.taskBranchBlocks : 0)
        layers = try blocks(0..<split)
        if split < widths.count {
            _tail = Child(wrappedValue: nil, "")
            _heads = Child(wrappedValue: nil, "")
            _branches = Child(wrappedValue: try TaskBranches(tasks: tasks) { task in
                try TaskBranch(layers: blocks(split..<widths.count),
                               tail: EmbeddingTail(features: 4 * width, dropout: noise.dropout, generator: generator),
                               head: Linear(4 * width, task.outputCount, generator: generator))
            }, "branches")
        } else {
            _tail = Child(wrappedValue: try EmbeddingTail(features: 4 * width, dropout: noise.dropout, generator: generator), "")
            _heads = Child(wrappedValue: try TaskHeads(tasks: tasks, inputFeatures: 4 * width, singleName: "dense2",
                                                       generator: generator), "")
            _branches = Child(wrappedValue: nil, "branches")
        }
        super.init()
        // Layers initialise on the CPU (the same weights for a seed on every device), then move.
        try move(to: device)
    }

    var blocks: [Res2d] {
        (layers.layers + (branches?.branches.flatMap(\.layers.layers) ?? [])).compactMap { $0 as? Res2d }
    }

    /// The input of the residual blocks: normalised log-mel (batch, 1, mels, frames), with the
    /// frequency-position channel when the variant has it.
    func blockInput(_ waveform: Tensor) throws -> Tensor {
        let spec = try specBN(execution.networkInput(augmentedFeatures(frontend(waveform)).unsqueeze(1)))
        guard variant.frequencyCoordinates else { return try execution.convolutionInput(spec) }
        let (b, f, t) = (try spec.size(0), try spec.size(2), try spec.size(3))
        let position = try Tensor.linspace(-1, 1, steps: f, device: spec.device).to(spec.dtype)
            .reshape([1, 1, f, 1]).expand([b, 1, f, t])
        return try execution.convolutionInput(Tensor.cat([spec, position], dim: 1))
    }

    /// The shared embedding (batch, 4C) before the heads; throws for a branched model, whose
    /// tasks have one embedding each (`taskEmbeddings(_:)`).
    public func embedding(_ waveform: Tensor) throws -> Tensor {
        try execution.checkMode(isTraining: isTraining, model: "ShortChunkResNet")
        guard let tail else { throw ModelError.invalidVariant("a model with task branches has one embedding per task") }
        return try tail(execution.convolutionOutput(layers(blockInput(waveform))).amax(dims: [2, 3]))
    }

    /// Each task's embedding (batch, 4C): the shared one for every task, or the task's branch.
    public func taskEmbeddings(_ waveform: Tensor) throws -> [String: Tensor] {
        guard let branches else {
            let shared = try embedding(waveform)
            return Dictionary(uniqueKeysWithValues: tasks.map { ($0.name, shared) })
        }
        try execution.checkMode(isTraining: isTraining, model: "ShortChunkResNet")
        let shared = try layers(blockInput(waveform))
        var out: [String: Tensor] = [:]
        for (task, branch) in zip(branches.tasks, branches.branches) {
            out[task.name] = try branch.tail(execution.convolutionOutput(branch.layers(shared)).amax(dims: [2, 3]))
        }
        return out
    }

    public func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        if let heads { return try execution.outputs(heads(embedding(waveform))) }
        guard let branches else { throw ModelError.invalidVariant("ShortChunkResNet has neither heads nor branches") }
        let embeddings = try taskEmbeddings(waveform)
        var logits: [String: Tensor] = [:]
        for (task, branch) in zip(branches.tasks, branches.branches) {
            guard let e = embeddings[task.name] else { continue }
            logits[task.name] = try branch.head(e)
        }
        return try execution.outputs(logits)
    }

    public func setNoise(_ noise: ModelNoise) {
        self.noise = noise
        for tail in [tail].compactMap({ $0 }) + (branches?.branches.map(\.tail) ?? []) { tail.dropout.rate = noise.dropout }
        let blocks = self.blocks
        for (block, rate) in zip(blocks, DropPath.linearRates(maximum: noise.stochasticDepth, blocks: blocks.count)) {
            block.dropPath.rate = rate
        }
    }

    public func prepareForInference(_ optimizations: InferenceOptimizations) throws {
        guard execution.prepared == nil else { throw ModelError.alreadyPrepared(model: "ShortChunkResNet") }
        try optimizations.validate()
        eval()
        if optimizations.foldBatchNorm {
            for block in blocks { try block.foldBatchNorms() }
            for tail in [tail].compactMap({ $0 }) + (branches?.branches.map(\.tail) ?? []) { try tail.foldBatchNorm() }
        }
        try setConvolutionMemoryFormat(optimizations.layout == .channelsLast ? .channelsLast : .contiguous)
        try execution.prepare(self, optimizations)
    }

    public func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {
        try execution.setConvolutionFormat(format, of: self)
    }

    public func copy() throws -> any AudioModel {
        guard execution.prepared == nil else { throw ModelError.alreadyPrepared(model: "ShortChunkResNet") }
        let model = try ShortChunkResNet(width: width, tasks: tasks, variant: variant, noise: noise,
                                         frontEnd: frontend.config, device: device)
        try model.load(stateDict: stateDict())
        try model.setConvolutionMemoryFormat(execution.convolutionFormat)
        return model
    }
}

/// Global-max-pooled features → dense → BN → ReLU → dropout: the embedding the heads read.
final class EmbeddingTail: Module, UnaryLayer {
    let dense1: Linear
    let bn: BatchNorm
    let dropout: Dropout
    private var batchNormFolded = false

    init(features: Int, dropout rate: Double, generator: Generator?) throws {
        dense1 = try Linear(features, features, generator: generator)
        bn = try BatchNorm.oneD(features)
        dropout = try Dropout(rate)
        super.init()
    }

    func callAsFunction(_ pooled: Tensor) throws -> Tensor {
        let dense = try dense1(pooled)
        return try dropout((batchNormFolded ? dense : bn(dense)).relu())
    }

    func foldBatchNorm() throws {
        guard !batchNormFolded else { return }
        try dense1.foldBatchNorm(bn)
        batchNormFolded = true
    }
}

/// One task's own last residual blocks, embedding and linear head.
final class TaskBranch: Module {
    let layers: Sequential
    /// Unnamed, so that its `dense1` and `bn` sit directly in the branch.
    @Child var tail: EmbeddingTail
    let head: Linear

    init(layers: Sequential, tail: EmbeddingTail, head: Linear) {
        self.layers = layers
        _tail = Child(wrappedValue: tail, "")
        self.head = head
        super.init()
    }
}

/// The task branches of a ShortChunkResNet, named by task.
final class TaskBranches: Module {
    let tasks: [TaskSpec]
    let branches: [TaskBranch]

    init(tasks: [TaskSpec], branch: (TaskSpec) throws -> TaskBranch) throws {
        try TaskHeads.validate(tasks)
        self.tasks = tasks
        branches = try tasks.map(branch)
        super.init()
    }

    override func namedChildren() -> [(String, Module)] {
        zip(tasks, branches).map { ($0.name, $1 as Module) }
    }
}

extension LogMelSpectrogram {
    /// The front end the reference models compute: Crescendo's defaults in float32.
    public static var modelDefault: LogMelSpectrogram { LogMelSpectrogram(precision: .float32) }
}
