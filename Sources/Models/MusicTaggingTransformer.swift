import Audio
import MusicTasks
import NN
import Torch

/// conv3×3-BN-ReLU-conv3×3-BN plus a shortcut (1×1 conv + BN when the width changes), ReLU,
/// then 2×2 max pooling.
public final class ResPool2d: Module, UnaryLayer {
    @Child var conv1: Conv2d
    @Child var bn1: BatchNorm
    @Child var conv2: Conv2d
    @Child var bn2: BatchNorm
    let shortcut: any UnaryLayer
    /// Whether `foldBatchNorms()` merged the batch norms into the convolutions (evaluation only from then on).
    public private(set) var batchNormsFolded = false
    /// The shortcut's convolution (nil for an identity shortcut); after folding it carries its batch norm.
    private var shortcutConvolution: Conv2d? { (shortcut as? Sequential)?.layers.first as? Conv2d }

    public init(_ cin: Int, _ cout: Int, generator: Generator? = nil) throws {
        _conv1 = Child(wrappedValue: try Conv2d(cin, cout, kernel: 3, padding: 1, bias: false, generator: generator), "conv_1")
        _bn1 = Child(wrappedValue: try BatchNorm.twoD(cout), "bn_1")
        _conv2 = Child(wrappedValue: try Conv2d(cout, cout, kernel: 3, padding: 1, bias: false, generator: generator), "conv_2")
        _bn2 = Child(wrappedValue: try BatchNorm.twoD(cout), "bn_2")
        shortcut = cin == cout ? Identity()
            : Sequential([try Conv2d(cin, cout, kernel: 1, bias: false, generator: generator), try BatchNorm.twoD(cout)])
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        if batchNormsFolded {
            guard !isTraining else { throw ModelError.preparedForInference(model: "ResPool2d") }
            let out = try conv2(conv1(x).reluInPlace())
            let skip = try shortcutConvolution.map { try $0(x) } ?? x
            return try (out + skip).reluInPlace().maxPool(kernel: [2, 2])
        }
        // In-place ReLUs on fresh outputs that no backward pass needs (see Res2d).
        let out = try bn2(conv2(bn1(conv1(x)).reluInPlace()))
        return try (out + shortcut(x)).reluInPlace().maxPool(kernel: [2, 2])
    }

    /// Merges each batch norm into the convolution before it (see `Conv2d.foldBatchNorm(_:)`);
    /// the block then only evaluates. Does nothing the second time.
    public func foldBatchNorms() throws {
        guard !batchNormsFolded else { return }
        try conv1.foldBatchNorm(bn1)
        try conv2.foldBatchNorm(bn2)
        if let pair = shortcut as? Sequential {
            guard pair.layers.count == 2, let conv = pair.layers[0] as? Conv2d, let norm = pair.layers[1] as? BatchNorm else {
                throw TorchError.invalidArgument("ResPool2d: unexpected shortcut layout")
            }
            try conv.foldBatchNorm(norm)
        }
        batchNormsFolded = true
    }
}

/// Music Tagging Transformer style model on 10 s clips (160000 samples at 16 kHz):
/// log-mel → BN → 3 ResPool2d blocks → frequency max-pool → linear to d → CLS token and
/// learned positions → pre-norm Transformer encoder (GELU) → LayerNorm → heads on the CLS token.
public final class MusicTaggingTransformer: Module, AudioModel {
    public let clipSamples = 160000
    public let sampleRate: Int
    public let frontend: LogMelFrontEnd
    @Child var specBN: BatchNorm
    @Child var frontendConvs: Sequential
    let proj: Linear
    @Param var clsToken: Tensor
    @Param var positions: Tensor
    let encoder: TransformerEncoder
    let norm: LayerNorm
    @Child var heads: TaskHeads
    public let dModel: Int
    private let shape: (layers: Int, heads: Int, feedForward: Int, convChannels: Int, maxTokens: Int)
    private var noise: ModelNoise
    var execution = ModelExecution()

    public var tasks: [TaskSpec] { heads.tasks }
    public var spectrogramAugmentation: SpectrogramAugmentationHook?
    public var inferenceOptimizations: InferenceOptimizations? { execution.prepared }

    public init(dModel: Int, layers: Int, heads headCount: Int, feedForward: Int, convChannels: Int,
                tasks: [TaskSpec], noise: ModelNoise = ModelNoise(dropout: 0.1), maxTokens: Int = 1024,
                frontEnd: LogMelSpectrogram = .modelDefault, device: Device = .cpu,
                generator: Generator? = nil) throws {
        sampleRate = frontEnd.sampleRate
        self.dModel = dModel
        shape = (layers, headCount, feedForward, convChannels, maxTokens)
        self.noise = noise
        frontend = try LogMelFrontEnd(frontEnd, device: device)
        _specBN = Child(wrappedValue: try BatchNorm.twoD(1), "spec_bn")
        _frontendConvs = Child(wrappedValue: Sequential([
            try ResPool2d(1, convChannels, generator: generator),
            try ResPool2d(convChannels, convChannels, generator: generator),
            try ResPool2d(convChannels, convChannels, generator: generator),
        ]), "frontend_convs")
        proj = try Linear(convChannels, dModel, generator: generator)
        _clsToken = Param(wrappedValue: try Tensor.zeros([1, 1, dModel]).requiringGrad(), "cls_token")
        _positions = Param(wrappedValue: try Tensor.zeros([1, maxTokens, dModel]).requiringGrad())
        encoder = try TransformerEncoder(layers: layers, dModel: dModel, heads: headCount, feedForward: feedForward,
                                         dropout: noise.dropout, stochasticDepth: noise.stochasticDepth,
                                         generator: generator)
        norm = try LayerNorm(dModel)
        _heads = Child(wrappedValue: try TaskHeads(tasks: tasks, inputFeatures: dModel, singleName: "head",
                                                   generator: generator), "")
        super.init()
        // Layers initialise on the CPU (the same weights for a seed on every device), then move.
        try move(to: device)
    }

    /// The CLS embedding (batch, d) before the heads.
    public func embedding(_ waveform: Tensor) throws -> Tensor {
        try execution.checkMode(isTraining: isTraining, model: "MusicTaggingTransformer")
        let spec = try execution.convolutionInput(specBN(execution.networkInput(augmentedFeatures(frontend(waveform)).unsqueeze(1))))
        let conv = try execution.convolutionOutput(frontendConvs(spec))  // (B, C, F', T')
        let tokens = try proj(conv.amax(dims: [2]).transpose(1, 2))             // (B, T', d)
        let b = try tokens.size(0), t = try tokens.size(1)
        guard t + 1 <= (try positions.size(1)) else {
            throw TorchError.invalidArgument("input gives \(t + 1) tokens; the model has positions for \(try positions.size(1))")
        }
        let withCLS = try Tensor.cat([clsToken.expand([b, -1, -1]), tokens], dim: 1)
        let x = try encoder(withCLS + positions.slice(dim: 1, start: 0, end: t + 1))
        return try norm(x.select(dim: 1, index: 0))
    }

    public func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        try execution.outputs(heads(embedding(waveform)))
    }

    public func setNoise(_ noise: ModelNoise) {
        self.noise = noise
        let rates = DropPath.linearRates(maximum: noise.stochasticDepth, blocks: encoder.layers.count)
        for (layer, rate) in zip(encoder.layers, rates) {
            layer.setDropout(noise.dropout)
            layer.dropPath.rate = rate
        }
    }
}

extension MusicTaggingTransformer {
    public func prepareForInference(_ optimizations: InferenceOptimizations) throws {
        guard execution.prepared == nil else { throw ModelError.alreadyPrepared(model: "MusicTaggingTransformer") }
        try optimizations.validate()
        eval()
        if optimizations.foldBatchNorm {
            for case let block as ResPool2d in frontendConvs.layers { try block.foldBatchNorms() }
        }
        try setConvolutionMemoryFormat(optimizations.layout == .channelsLast ? .channelsLast : .contiguous)
        try execution.prepare(self, optimizations)
    }

    public func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {
        try execution.setConvolutionFormat(format, of: self)
    }

    public func copy() throws -> any AudioModel {
        guard execution.prepared == nil else { throw ModelError.alreadyPrepared(model: "MusicTaggingTransformer") }
        let model = try MusicTaggingTransformer(
            dModel: dModel, layers: shape.layers, heads: shape.heads, feedForward: shape.feedForward,
            convChannels: shape.convChannels, tasks: tasks, noise: noise, maxTokens: shape.maxTokens,
            frontEnd: frontend.config, device: device)
        try model.load(stateDict: stateDict())
        try model.setConvolutionMemoryFormat(execution.convolutionFormat)
        return model
    }
}

/// A stack of encoder layers named `layers.N` (`nn.TransformerEncoder`).
public final class TransformerEncoder: Module, UnaryLayer {
    public let layers: [TransformerEncoderLayer]

    public init(layers count: Int, dModel: Int, heads: Int, feedForward: Int, dropout: Double,
                stochasticDepth: Double, generator: Generator?) throws {
        let rates = DropPath.linearRates(maximum: stochasticDepth, blocks: count)
        layers = try rates.map {
            try TransformerEncoderLayer(dModel: dModel, heads: heads, feedForward: feedForward, dropout: dropout,
                                        dropPath: $0, generator: generator)
        }
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try layers.reduce(x) { try $1($0) }
    }
}
