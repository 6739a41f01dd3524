import Foundation
import Testing
import NN
import Torch
@testable import Models
import MusicTasks

@Suite("Eval-mode optimisations keep the results")
struct InferenceOptimizationTests {
    static func tags(_ n: Int = 10) -> [TaskSpec] {
        [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<n).map { "t\($0)" })]
    }

    /// A model whose batch norms have non-trivial statistics, as after training.
    static func trainedLooking(_ preset: ModelPreset) throws -> any AudioModel {
        // Explicit generators: suites running concurrently share the global one.
        let generator = try Generator(seed: 21)
        let model = try preset.build(tasks: tags(), generator: generator)
        try withNoGrad {
            for (name, t) in model.namedBuffers(persistentOnly: true) {
                if name.hasSuffix("running_mean") { try t.copyFrom(Tensor.randn(t.shape, generator: generator) * 0.1) }
                if name.hasSuffix("running_var") { try t.copyFrom(Tensor.rand(t.shape, generator: generator) + 0.5) }
            }
            for (name, t) in model.namedParameters() where name.hasSuffix("bn_2.weight") || name.hasSuffix("bn.weight") {
                try t.copyFrom(Tensor.rand(t.shape, generator: generator) + 0.5)
            }
        }
        return model.eval()
    }

    static func input(_ preset: ModelPreset, batch: Int = 2) throws -> Tensor {
        return try Tensor.randn([batch, preset.clipSamples], generator: try Generator(seed: 5)) * 0.1
    }

    static func maxDifference(_ a: [String: Tensor], _ b: [String: Tensor]) throws -> Double {
        try a.keys.map { try (a[$0]! - b[$0]!).abs().max().item() }.max() ?? .infinity
    }

    @Test("folded, channels-last and oneDNN-layout models equal the plain model within 1e-4",
          arguments: [ModelPreset.resnetXS, .mttXS],
          [InferenceOptimizations(foldBatchNorm: true, layout: .contiguous),
           InferenceOptimizations(foldBatchNorm: false, layout: .channelsLast),
           InferenceOptimizations(foldBatchNorm: true, layout: .channelsLast),
           InferenceOptimizations.standard])
    func exact(_ preset: ModelPreset, _ optimizations: InferenceOptimizations) throws {
        let model = try Self.trainedLooking(preset)
        let x = try Self.input(preset)
        let expected = try withNoGrad { try model(x) }
        let optimized = try model.inferenceCopy(optimizations)
        #expect(optimized.inferenceOptimizations == optimizations)
        let got = try withNoGrad { try optimized(x) }
        let diff = try Self.maxDifference(got, expected)
        #expect(diff < 1e-4, "\(preset.rawValue) \(optimizations): max |logit difference| \(diff)")
        // The original is untouched and still trains.
        #expect(model.inferenceOptimizations == nil)
        #expect(try Self.maxDifference(withNoGrad { try model(x) }, expected) == 0)
        model.train()
        _ = try model(x)
    }

    @Test("a model prepared in place refuses training mode, preparing twice and copying",
          arguments: [ModelPreset.resnetXS, .mttXS])
    func inferenceOnly(_ preset: ModelPreset) throws {
        let model = try preset.build(tasks: Self.tags())
        try model.prepareForInference(.standard)
        #expect(!model.isTraining)
        let x = try Self.input(preset, batch: 1)
        _ = try withNoGrad { try model(x) }
        model.train()
        #expect(throws: ModelError.self) { try model(x) }
        #expect(throws: ModelError.self) { try model.prepareForInference(.standard) }
        #expect(throws: ModelError.self) { try model.copy() }
        let fresh = try preset.build(tasks: Self.tags())
        #expect(throws: ModelError.self) { try fresh.prepareForInference(InferenceOptimizations(foldBatchNorm: false)) }
        #expect(throws: ModelError.self) { try fresh.prepareForInference(InferenceOptimizations(precision: .bfloat16)) }
        #expect(fresh.inferenceOptimizations == nil)
    }

    /// Channels-last training computes the same function; its gradients agree only to about
    /// 1e-2 of their scale, because libtorch 1.13's NHWC batch-norm backward accumulates in a
    /// different order and the batch norm's mean subtraction cancels most of the sum (float64
    /// shows plain NCHW float32 within 1e-4 and NHWC within 1e-2 on the same batch). That is
    /// why the layout is opt-in for training.
    @Test("channels-last training computes the same logits and nearly the same gradients",
          arguments: [ModelPreset.resnetXS, .mttXS])
    func channelsLastTraining(_ preset: ModelPreset) throws {
        let plain = try Self.trainedLooking(preset).train()
        plain.setNoise(ModelNoise(dropout: 0))
        let channelsLast = try plain.copy()
        try channelsLast.setConvolutionMemoryFormat(.channelsLast)
        let x = try Self.input(preset, batch: 4)
        let target = try Tensor.zeros([4, 10])
        var logits: [Tensor] = []
        var grads: [[Tensor]] = []
        for model in [plain, channelsLast] {
            let out = try model(x)["tags"]!
            try Loss.binaryCrossEntropyWithLogits(out, target).backward()
            logits.append(out)
            grads.append(try model.parameters().map { try #require($0.grad) })
        }
        #expect(try (logits[0] - logits[1]).abs().max().item() < 1e-4)
        var worst = 0.0
        var worstName = ""
        let names = plain.namedParameters().map(\.0)
        let scales = try grads[0].map { try $0.abs().max().item() }
        let largest = scales.max() ?? 0
        for (i, (a, b)) in zip(grads[0], grads[1]).enumerated() {
            // Conv biases before a batch norm have zero gradients in theory, float noise in
            // practice (relative to the model's gradients); their differences mean nothing.
            guard scales[i] > 1e-3 * largest else { continue }
            let difference = try (a - b).abs().max().item() / scales[i]
            if difference > worst { (worst, worstName) = (difference, names[i]) }
        }
        #expect(worst < 5e-2, "\(preset.rawValue): largest gradient difference \(worst) of the gradient's scale (\(worstName))")
        // The copy keeps the layout.
        let conv = try #require(channelsLast.namedParameters().first { $0.0.hasSuffix("conv_2.weight") }?.1)
        #expect(conv.isContiguous(.channelsLast))
    }

    @Test("bfloat16 inference stays close to float32", arguments: [ModelPreset.resnetXS, .mttXS])
    func bfloat16(_ preset: ModelPreset) throws {
        let model = try Self.trainedLooking(preset)
        let x = try Self.input(preset)
        let expected = try withNoGrad { try model(x)["tags"]!.sigmoid() }
        let half = try model.inferenceCopy(InferenceOptimizations(layout: .contiguous, precision: .bfloat16))
        let got = try withNoGrad { try half(x)["tags"]! }
        #expect(got.dtype == .float32)
        let diff = try (got.sigmoid() - expected).abs().max().item()
        #expect(diff < 0.05, "\(preset.rawValue): max |probability difference| \(diff)")
    }

    @Test("the FLOP count of a preset's forward pass matches the analytic count")
    func flops() throws {
        let model = try ModelPreset.resnetXS.build(tasks: Self.tags()).eval()
        let (_, flops) = try FLOPCounter.measure { try withNoGrad { try model(Tensor.zeros([1, 59049])) } }
        // Convolutions of the 7 blocks (width 32), by hand: 2·Cout·Cin·9·H'·W' for conv_1 and
        // conv_3 (stride 2) and 2·Cout·Cout·9·H'·W' for conv_2; then the dense layers and the mel matmul.
        let widths = [32, 32, 64, 64, 64, 64, 128]
        var h = 128, w = 231, cin = 1, expected = 0
        for cout in widths {
            h = (h + 1) / 2; w = (w + 1) / 2
            expected += 2 * 2 * cout * cin * 9 * h * w + 2 * cout * cout * 9 * h * w
            cin = cout
        }
        expected += 2 * 128 * 128 + 2 * 128 * 10 + 2 * 128 * 257 * 231
        #expect(flops == expected)
        // The oneDNN-layout convolutions are counted the same way.
        let prepared = try model.inferenceCopy(.standard)
        let (_, preparedFLOPs) = try FLOPCounter.measure { try withNoGrad { try prepared(Tensor.zeros([1, 59049])) } }
        #expect(preparedFLOPs == expected)
    }
}
