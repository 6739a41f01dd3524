import Audio
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
/// dense 4C → BN → ReLU → dropout → one linear head per task.
public final class ShortChunkResNet: Module, AudioModel {
    public let clipSamples = 59049
    public let sampleRate: Int
    /// C: the channels of the first blocks (the published model has 128).
    public let width: Int
    public let frontend: LogMelFrontEnd
    @Child var specBN: BatchNorm
    public let layers: Sequential
    let dense1: Linear
    let bn: BatchNorm
    let dropout: Dropout
    @Child var heads: TaskHeads
    private var noise: ModelNoise
    private let device: Device
    var execution = ModelExecution()
    private var denseBatchNormFolded = false

    public var tasks: [TaskSpec] { heads.tasks }
    public var spectrogramAugmentation: SpectrogramAugmentationHook?
    public var inferenceOptimizations: InferenceOptimizations? { execution.prepared }

    public init(width: Int, tasks: [TaskSpec], noise: ModelNoise = ModelNoise(dropout: 0.5),
                frontEnd: LogMelSpectrogram = .modelDefault, device: Device = .cpu,
                generator: Generator? = nil) throws {
        sampleRate = frontEnd.sampleRate
        self.width = width
        self.noise = noise
        self.device = device
        frontend = try LogMelFrontEnd(frontEnd, device: device)
        _specBN = Child(wrappedValue: try BatchNorm.twoD(1), "spec_bn")
        let widths = [width, width, 2 * width, 2 * width, 2 * width, 2 * width, 4 * width]
        let rates = DropPath.linearRates(maximum: noise.stochasticDepth, blocks: widths.count)
        layers = Sequential(try widths.indices.map { i in
            try Res2d(i == 0 ? 1 : widths[i - 1], widths[i], dropPath: rates[i], generator: generator)
        })
        dense1 = try Linear(4 * width, 4 * width, generator: generator)
        bn = try BatchNorm.oneD(4 * width)
        dropout = try Dropout(noise.dropout)
        _heads = Child(wrappedValue: try TaskHeads(tasks: tasks, inputFeatures: 4 * width, singleName: "dense2",
                                                   generator: generator), "")
        super.init()
    }

    var blocks: [Res2d] { layers.layers.compactMap { $0 as? Res2d } }

    /// The shared embedding (batch, 4C) before the heads.
    public func embedding(_ waveform: Tensor) throws -> Tensor {
        try execution.checkMode(isTraining: isTraining, model: "ShortChunkResNet")
        let spec = try execution.convolutionInput(specBN(execution.networkInput(augmentedFeatures(frontend(waveform)).unsqueeze(1))))
        let pooled = try execution.convolutionOutput(layers(spec)).amax(dims: [2, 3])
        let dense = try dense1(pooled)
        return try dropout((denseBatchNormFolded ? dense : bn(dense)).relu())
    }

    public func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        try execution.outputs(heads(embedding(waveform)))
    }

    public func setNoise(_ noise: ModelNoise) {
        self.noise = noise
        dropout.rate = noise.dropout
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
            try dense1.foldBatchNorm(bn)
            denseBatchNormFolded = true
        }
        try setConvolutionMemoryFormat(optimizations.layout == .channelsLast ? .channelsLast : .contiguous)
        try execution.prepare(self, optimizations)
    }

    public func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {
        guard format != .preserve else {
            throw TorchError.invalidArgument("a model's convolution layout is .contiguous or .channelsLast, not .preserve")
        }
        try setConvolutionWeightFormat(format)
        execution.convolutionFormat = format
    }

    public func copy() throws -> any AudioModel {
        guard execution.prepared == nil else { throw ModelError.alreadyPrepared(model: "ShortChunkResNet") }
        let model = try ShortChunkResNet(width: width, tasks: tasks, noise: noise, frontEnd: frontend.config, device: device)
        try model.load(stateDict: stateDict())
        try model.setConvolutionMemoryFormat(execution.convolutionFormat)
        return model
    }
}

extension LogMelSpectrogram {
    /// The front end the reference models compute: Crescendo's defaults in float32.
    public static var modelDefault: LogMelSpectrogram { LogMelSpectrogram(precision: .float32) }
}
