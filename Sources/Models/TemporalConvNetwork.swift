import Audio
import MusicTasks
import NN
import Torch

/// Frame-wise predictions for time-aligned tasks (beats and downbeats, chords): a log-mel
/// spectrogram at `frameRate` frames per second, a 1-d convolution over its bands, then
/// residual blocks of dilated temporal convolutions (dilations 1, 2, 4, …: the receptive field
/// doubles per block and reaches a few seconds, as a beat tracker needs to hear a tempo), after
/// the temporal convolutional networks of Böck & Davies (2019–2020) for beats. No pooling in
/// time: the logits are (batch, frames, classes), one row per spectrogram frame, frame i
/// centred at i / frameRate seconds of the input.
public final class TemporalConvNetwork: Module, AudioModel {
    /// The default output rate: 50 frames per second (20 ms, within the ±70 ms beat tolerance).
    public static let defaultFrameRate = 50
    /// The default window: 15 s at 16 kHz, the key network's, so that a routed model's members
    /// read the same window.
    public static let defaultClipSamples = 240_000
    /// Residual blocks by default: dilations up to 2^7 frames × kernel 5 ≈ 10 s of context at 50 fps.
    public static let defaultBlocks = 8

    public let clipSamples: Int
    public let sampleRate: Int
    public let framesPerSecond: Int
    public var frameRate: Int? { framesPerSecond }
    public let width: Int
    public let blocks: Int
    public let tasks: [TaskSpec]
    @Child var frontend: LogMelFrontEnd
    @Child var inputNorm: BatchNorm
    @Child var stem: Conv1d
    @Child var stemNorm: BatchNorm
    let dilated: [Conv1d]
    let norms: [BatchNorm]
    let heads: [Conv1d]
    let dropout: Dropout
    private var noise: ModelNoise
    private(set) public var inferenceOptimizations: InferenceOptimizations?

    public var spectrogramAugmentation: SpectrogramAugmentationHook?

    /// Kernel of the dilated convolutions (frames).
    static let kernel = 5

    public init(width: Int, blocks: Int = TemporalConvNetwork.defaultBlocks, tasks: [TaskSpec],
                noise: ModelNoise = ModelNoise(dropout: 0.1), sampleRate: Int = 16_000,
                frameRate: Int = TemporalConvNetwork.defaultFrameRate,
                clipSamples: Int = TemporalConvNetwork.defaultClipSamples, device: Device = .cpu,
                generator: Generator? = nil) throws {
        guard !tasks.isEmpty, tasks.allSatisfy(\.kind.isTimeAligned) else {
            throw ModelError.invalidVariant("a temporal network predicts time-aligned tasks only, got \(tasks.map { "\($0.name) (\($0.kind))" })")
        }
        for task in tasks where task.classes.isEmpty {
            throw ModelError.invalidVariant("task \(task.name) needs at least one class")
        }
        guard width >= 1, blocks >= 1, frameRate >= 1, sampleRate % frameRate == 0 else {
            throw ModelError.invalidVariant("a temporal network needs width and blocks ≥ 1 and a frame rate that divides the sample rate (\(frameRate) fps at \(sampleRate) Hz)")
        }
        self.width = width
        self.blocks = blocks
        self.tasks = tasks
        self.sampleRate = sampleRate
        self.framesPerSecond = frameRate
        self.clipSamples = clipSamples
        self.noise = noise
        // 64 ms windows (1024 samples at 16 kHz) and 81 bands from 30 Hz, as beat trackers use.
        let melBands = 81
        let spectrogram = LogMelSpectrogram(
            filterbank: MelFilterbank(sampleRate: sampleRate, fftSize: 1024 * sampleRate / 16_000, melBands: melBands,
                                      minHz: 30, maxHz: Double(sampleRate) / 2),
            hopLength: sampleRate / frameRate)
        _frontend = Child(wrappedValue: try LogMelFrontEnd(spectrogram, device: device), "frontend")
        _inputNorm = Child(wrappedValue: try BatchNorm.oneD(melBands), "input_bn")
        _stem = Child(wrappedValue: try Conv1d(melBands, width, kernel: 3, padding: 1, generator: generator), "stem")
        _stemNorm = Child(wrappedValue: try BatchNorm.oneD(width), "stem_bn")
        dilated = try (0..<blocks).map { i in
            let dilation = 1 << i
            return try Conv1d(width, width, kernel: Self.kernel, padding: dilation * (Self.kernel - 1) / 2, dilation: dilation,
                              generator: generator)
        }
        norms = try (0..<blocks).map { _ in try BatchNorm.oneD(width) }
        heads = try tasks.map { try Conv1d(width, $0.classes.count, kernel: 1, generator: generator) }
        dropout = try Dropout(noise.dropout)
        super.init()
        // Layers initialise on the CPU (the same weights for a seed on every device), then move.
        try move(to: device)
    }

    /// Spectrogram frames of a window of `samples` samples (the STFT is centred).
    public func frameCount(samples: Int) -> Int { samples / (sampleRate / framesPerSecond) + 1 }

    /// Features (batch, width, frames) before the heads.
    public func features(_ waveform: Tensor) throws -> Tensor {
        if isTraining, inferenceOptimizations != nil { throw ModelError.preparedForInference(model: "TemporalConvNetwork") }
        var x = try inputNorm(augmentedFeatures(frontend(waveform)))
        x = try stemNorm(stem(x)).reluInPlace()
        for (conv, norm) in zip(dilated, norms) {
            x = try x + dropout(norm(conv(x)).reluInPlace())
        }
        return x
    }

    /// Logits (batch, frames, classes) per task.
    public func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        let x = try features(waveform)
        var logits: [String: Tensor] = [:]
        for (task, head) in zip(tasks, heads) {
            logits[task.name] = try head(x).transpose(1, 2).contiguous()
        }
        return logits
    }

    public func setNoise(_ noise: ModelNoise) {
        self.noise = noise
        dropout.rate = noise.dropout
    }

    /// Evaluation mode only: the network is small and one-dimensional, so the layouts and
    /// folding that pay for the 2-d networks are not applied (recorded as asked, run as is).
    public func prepareForInference(_ optimizations: InferenceOptimizations) throws {
        guard inferenceOptimizations == nil else { throw ModelError.alreadyPrepared(model: "TemporalConvNetwork") }
        try optimizations.validate()
        eval()
        inferenceOptimizations = optimizations
    }

    /// Its convolutions are 1-d: there is no 2-d layout to change.
    public func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {
        guard format != .preserve else {
            throw TorchError.invalidArgument("a model's convolution layout is .contiguous or .channelsLast, not .preserve")
        }
    }

    public func copy() throws -> any AudioModel {
        guard inferenceOptimizations == nil else { throw ModelError.alreadyPrepared(model: "TemporalConvNetwork") }
        let model = try TemporalConvNetwork(width: width, blocks: blocks, tasks: tasks, noise: noise, sampleRate: sampleRate,
                                            frameRate: framesPerSecond, clipSamples: clipSamples, device: device)
        try model.load(stateDict: stateDict())
        return model
    }
}
