import Foundation
import Models
import MusicTasks
import NN
import Torch

/// Training and inference throughput of one model preset, defined exactly as
/// `shared/bench/bench_reference.py` defines it for PyTorch: the same random input and labels
/// (shapes and distributions), the same step, one warm-up step, then `repetitions` timed steps.
/// A key network is defined as tools/key_reference.py defines it: class-index labels,
/// cross-entropy in training, softmax in inference.
public struct ModelBenchmark: Sendable {
    public enum Mode: String, CaseIterable, Sendable {
        case train, infer
        /// A key network's constant-Q front end alone (no gradients): where inference time goes.
        case frontend
    }

    /// One (preset, mode) measurement, in the reference's terms.
    public struct Result: Sendable {
        public var preset: BenchModel
        public var mode: Mode
        public var batch: Int
        public var threads: Int
        public var parameters: Int
        /// Clips per second of each timed step, sorted.
        public var rates: [Double]
        public var median: Double { rates[rates.count / 2] }

        /// The reference's line: same keys, same order, same rounding.
        public func emit(engine: String, to output: BenchmarkOutput) {
            let samples = preset.clipSamples
            output.emitInOrder([
                "engine": engine, "preset": preset.rawValue, "mode": mode.rawValue, "batch": batch,
                "threads": threads, "params": parameters, "clips_per_s": round3(median),
                "min": round3(rates.first ?? 0), "max": round3(rates.last ?? 0),
                "audio_s_per_s": round1(median * Double(samples) / 16000),
            ])
        }
    }

    public var batch: Int
    public var threads: Int
    public var repetitions: Int
    public var classes: Int
    /// Inference optimisations; `.none` measures the plain model in evaluation mode.
    public var inference: InferenceOptimizations
    /// Memory format of the convolutional part while training.
    public var trainingLayout: MemoryFormat

    public init(batch: Int, threads: Int, repetitions: Int, classes: Int, inference: InferenceOptimizations,
                trainingLayout: MemoryFormat) {
        self.batch = batch
        self.threads = threads
        self.repetitions = repetitions
        self.classes = classes
        self.inference = inference
        self.trainingLayout = trainingLayout
    }

    /// The inference optimisations of `bench models`' flags: folded and in `layout` unless
    /// `plain`; bfloat16 has no oneDNN blocked layout, so it falls back to contiguous.
    public static func inferenceOptimizations(plain: Bool, layout: ConvolutionLayout, bfloat16: Bool) -> InferenceOptimizations {
        if plain { return InferenceOptimizations(foldBatchNorm: false, layout: .contiguous, precision: bfloat16 ? .bfloat16 : .float32) }
        return InferenceOptimizations(foldBatchNorm: true, layout: bfloat16 && layout == .oneDNNBlocked ? .contiguous : layout,
                                      precision: bfloat16 ? .bfloat16 : .float32)
    }

    /// Measures `modes` of `preset` on one model, training first as the reference does.
    func run(_ preset: BenchModel, modes: [Mode]) throws -> [Result] {
        let (model, x, y) = try setUp(preset)
        return try modes.map { mode in
            let seconds = try timed(step(mode, model, x, y))
            return Result(preset: preset, mode: mode, batch: batch, threads: threads, parameters: model.parameterCount,
                          rates: seconds.map { Double(batch) / $0 }.sorted())
        }
    }

    /// Measures `modes` of `preset` step by step alternating with the PyTorch reference, which
    /// `reference(mode)` starts: `repetitions` pairs per mode, after one warm-up step each.
    /// Returns Crescendo's result, the reference's and the per-pair speed ratios.
    func runPaired(_ preset: BenchModel, modes: [Mode], reference: (Mode) throws -> PairedReference)
        throws -> [(crescendo: Result, pytorch: Result, ratios: [Double], engine: String)] {
        let (model, x, y) = try setUp(preset)
        return try modes.map { mode in
            let ours = try step(mode, model, x, y)
            let theirs = try reference(mode)
            defer { theirs.stop() }
            try ours()
            var mine: [Double] = [], others: [Double] = []
            for _ in 0..<Swift.max(1, repetitions) {
                mine.append(try seconds(ours))
                others.append(try theirs.step())
            }
            func result(_ times: [Double], parameters: Int) -> Result {
                Result(preset: preset, mode: mode, batch: batch, threads: threads, parameters: parameters,
                       rates: times.map { Double(batch) / $0 }.sorted())
            }
            return (result(mine, parameters: model.parameterCount), result(others, parameters: theirs.parameters),
                    zip(others, mine).map { $0 / $1 }, theirs.engine)
        }
    }

    /// FLOPs of convolutions, linear layers and matrix products in one clip's forward pass
    /// (front end included), counted by `FLOPCounter`.
    func forwardFLOPsPerClip(_ preset: BenchModel) throws -> Int {
        let model = try preset.build(task: preset.task(classes: classes)).eval()
        return try FLOPCounter.measure { try withNoGrad { try model(Tensor.zeros([1, preset.clipSamples])) } }.flops
    }

    /// The model (seed 0), random input (scaled by 0.1) and multi-hot labels (10 % ones), or
    /// for a key network one class index per clip.
    func setUp(_ preset: BenchModel) throws -> (any AudioModel, Tensor, Tensor) {
        Runtime.threads = threads
        manualSeed(0)
        let task = try preset.task(classes: classes)
        let model = try preset.build(task: task)
        let x = try Tensor.randn([batch, preset.clipSamples]) * 0.1
        let y = task.kind == .multiClass ? try Tensor.randint(0, task.classes.count, [batch])
            : try Tensor.rand([batch, classes]).gt(0.9).to(.float32)
        return (model, x, y)
    }

    /// One step of `mode`, set up (optimizer, prepared copy) and ready to call repeatedly.
    func step(_ mode: Mode, _ model: any AudioModel, _ x: Tensor, _ y: Tensor) throws -> () throws -> Void {
        switch mode {
        case .train: return try trainingStep(model, x, y)
        case .infer: return try inferenceStep(model, x)
        case .frontend:
            guard let key = model as? KeyNetwork else { throw TorchError.invalidArgument("--mode frontend measures a key network's front end") }
            return { try withNoGrad { _ = try key.frontend(x) } }
        }
    }

    /// zero_grad + forward + BCE-with-logits (cross-entropy for keys) + backward + AdamW step
    /// (lr 1e-4, wd 1e-2).
    func trainingStep(_ model: any AudioModel, _ x: Tensor, _ y: Tensor) throws -> () throws -> Void {
        model.train()
        try model.setConvolutionMemoryFormat(trainingLayout)
        let optimizer = try OptimizerBox(Adam.adamW(parameters: model.parameters(), learningRate: 1e-4, weightDecay: 1e-2))
        let key = Self.isKey(model)
        return {
            try optimizer.adam.zeroGrad()
            let loss = key ? try Loss.crossEntropy(try Self.keys(model(x)), y)
                : try Loss.binaryCrossEntropyWithLogits(try Self.tags(model(x)), y)
            try loss.backward()
            try optimizer.adam.step()
        }
    }

    /// Evaluation mode, no gradients, sigmoid of the logits (softmax for keys); with `inference`
    /// optimisations on a prepared copy (preparation is not timed: it happens once per model).
    func inferenceStep(_ model: any AudioModel, _ x: Tensor) throws -> () throws -> Void {
        try model.setConvolutionMemoryFormat(.contiguous)
        let evaluated = inference == .none ? model.eval() : try model.inferenceCopy(inference)
        if Self.isKey(model) { return { try withNoGrad { _ = try Self.keys(evaluated(x)).softmax(dim: 1) } } }
        return { try withNoGrad { _ = try Self.tags(evaluated(x)).sigmoid() } }
    }

    static func tags(_ outputs: [String: Tensor]) throws -> Tensor {
        guard let logits = outputs["tags"] else { throw TorchError.invalidArgument("the model has no \"tags\" head") }
        return logits
    }

    static func keys(_ outputs: [String: Tensor]) throws -> Tensor {
        guard let logits = outputs["key"] else { throw TorchError.invalidArgument("the model has no \"key\" head") }
        return logits
    }

    static func isKey(_ model: any AudioModel) -> Bool { model.tasks.first?.name == "key" }

    /// One warm-up run, then the seconds of each of `repetitions` runs.
    func timed(_ step: () throws -> Void) throws -> [Double] {
        try step()
        return try (0..<Swift.max(1, repetitions)).map { _ in try seconds(step) }
    }

    func seconds(_ step: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try step()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// The optimizer a training-step closure mutates.
private final class OptimizerBox {
    var adam: Adam
    init(_ adam: Adam) { self.adam = adam }
}
