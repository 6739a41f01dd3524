import Audio
import MusicTasks
import NN
import Torch

/// A key classifier over a constant-Q spectrogram, after Korzeniowski & Widmer's all-
/// convolutional key network (ISMIR 2018): log-frequency input at 5 frames per second, stacks
/// of 3×3 convolutions with batch norm, no striding or pooling in frequency (so a semitone
/// stays a fixed number of bins at every depth), pooling in time only, global average over
/// time. Its head (`PitchClassKeyHead`) makes the logits rotate with transposition by design.
/// It reads 15-s windows: a key is a property of a passage, not of a 3.7-s chunk.
///
/// Transposition as training noise happens inside the model: the front end computes a margin
/// of bins above and below the range the network reads, and `inputTransposition` picks, per
/// example, the window a whole number of semitones away — an exact shift, with no resampling
/// and no padding (the key label is moved by the caller).
public final class KeyNetwork: Module, AudioModel {
    public let clipSamples: Int
    public let sampleRate: Int
    public let width: Int
    public let depth: Int
    public let frontend: ConstantQFrontEnd
    @Child var specBN: BatchNorm
    let convolutions: [Conv2d]
    let norms: [BatchNorm]
    let dropout: Dropout
    @Child var head: PitchClassKeyHead
    public let tasks: [TaskSpec]
    private var noise: ModelNoise
    var execution = ModelExecution()
    private var batchNormsFolded = false

    public var spectrogramAugmentation: SpectrogramAugmentationHook?
    public var inputTransposition: [Int]?
    public var evaluationTransposition: Int?
    public var transposesInput: Bool { true }
    public var inferenceOptimizations: InferenceOptimizations? { execution.prepared }

    /// Layers after which time is max-pooled by 2 (5 fps → 2.5 → 1.25 fps).
    static let timePoolingAfter: Set<Int> = [1, 3]
    /// The default window: 15 s at 16 kHz.
    public static let defaultClipSamples = 240_000

    public init(width: Int, depth: Int = 5, task: TaskSpec, noise: ModelNoise = ModelNoise(dropout: 0.1),
                frontEnd: ConstantQTransform = .keyDefault, clipSamples: Int = KeyNetwork.defaultClipSamples,
                device: Device = .cpu, generator: Generator? = nil) throws {
        guard task.kind == .multiClass else {
            throw ModelError.invalidVariant("task \(task.name) is \(task.kind.rawValue); the key network predicts one of 24 keys (multiClass)")
        }
        guard width >= 1, depth >= 1 else { throw ModelError.invalidVariant("a key network needs width and depth of at least 1") }
        let layout = try KeyClassLayout(classes: task.classes, task: task.name)
        frontend = try ConstantQFrontEnd(frontEnd, device: device)
        sampleRate = frontEnd.sampleRate
        self.clipSamples = clipSamples
        self.width = width
        self.depth = depth
        self.noise = noise
        tasks = [task]
        _specBN = Child(wrappedValue: try BatchNorm.twoD(1), "spec_bn")
        convolutions = try (0..<depth).map { i in
            try Conv2d(i == 0 ? 1 : width, width, kernel: 3, padding: 1, generator: generator)
        }
        norms = try (0..<depth).map { _ in try BatchNorm.twoD(width) }
        dropout = try Dropout(noise.dropout)
        _head = Child(wrappedValue: try PitchClassKeyHead(
            features: width, binsPerSemitone: frontEnd.binsPerOctave / 12,
            lowestPitchClass: frontEnd.lowestPitchClass, layout: layout, generator: generator), "head")
        super.init()
        // Layers initialise on the CPU (the same weights for a seed on every device), then move.
        try move(to: device)
    }

    /// The normalised constant-Q window the convolutions read: (batch, 1, bins, frames).
    func networkInput(_ waveform: Tensor) throws -> Tensor {
        let full = try frontend(waveform)
        let shifts = isTraining ? inputTransposition
            : try evaluationTransposition.map { [Int](repeating: $0, count: try full.size(0)) }
        let window = try frontend.window(full, semitones: shifts)
        return try execution.convolutionInput(specBN(execution.networkInput(augmentedFeatures(window)).unsqueeze(1)))
    }

    /// Time-averaged features (batch, width, bins) before the head.
    public func features(_ waveform: Tensor) throws -> Tensor {
        try execution.checkMode(isTraining: isTraining, model: "KeyNetwork")
        var x = try networkInput(waveform)
        for (i, conv) in convolutions.enumerated() {
            x = try conv(x)
            x = try (batchNormsFolded ? x : norms[i](x)).reluInPlace()
            if Self.timePoolingAfter.contains(i), try x.size(3) >= 2 {
                x = try x.maxPool(kernel: [1, 2], stride: [1, 2])
            }
        }
        return try dropout(x.mean(dims: [3]))
    }

    public func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        try execution.outputs([tasks[0].name: head(features(waveform))])
    }

    public func setNoise(_ noise: ModelNoise) {
        self.noise = noise
        dropout.rate = noise.dropout
    }

    public func prepareForInference(_ optimizations: InferenceOptimizations) throws {
        guard execution.prepared == nil else { throw ModelError.alreadyPrepared(model: "KeyNetwork") }
        try optimizations.validate()
        eval()
        if optimizations.foldBatchNorm, !batchNormsFolded {
            for (conv, norm) in zip(convolutions, norms) { try conv.foldBatchNorm(norm) }
            batchNormsFolded = true
        }
        // The network is small and its input narrow: oneDNN's blocked layout would cost more
        // in reorders than it saves, so only the dense formats and the precision apply. Asked
        // for oneDNN's layout (the default), it gets channels-last, which oneDNN reads without
        // reorders: 1.1–1.3× faster inference than contiguous at widths 16 and 32 (docs/NOTES.md,
        // "Key network speed (issue #18)").
        var dense = optimizations
        if dense.layout == .oneDNNBlocked { dense.layout = .channelsLast }
        try setConvolutionMemoryFormat(dense.layout == .channelsLast ? .channelsLast : .contiguous)
        try execution.prepare(self, dense)
    }

    public func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {
        try execution.setConvolutionFormat(format, of: self)
    }

    public func copy() throws -> any AudioModel {
        guard execution.prepared == nil else { throw ModelError.alreadyPrepared(model: "KeyNetwork") }
        let model = try KeyNetwork(width: width, depth: depth, task: tasks[0], noise: noise, frontEnd: frontend.config,
                                   clipSamples: clipSamples, device: device)
        try model.load(stateDict: stateDict())
        try model.setConvolutionMemoryFormat(execution.convolutionFormat)
        return model
    }
}
