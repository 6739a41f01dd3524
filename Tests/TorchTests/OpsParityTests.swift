import Foundation
import Testing
@testable import Torch

/// Every operator against PyTorch: same output, same gradients (fixtures from
/// tools/make_torch_fixtures.py, run with the libtorch that Crescendo links).
@Suite("Operators match PyTorch")
struct OpsParityTests {
    typealias Inputs = [String: Tensor]

    /// Swift spellings of the fixture cases, by case name (nil: no spelling).
    static func evaluate(_ name: String, _ i: Inputs) throws -> Tensor? {
        switch name {
        case "add":
            return try i["a"]! + i["b"]!
        case "sub":
            return try i["a"]! - i["b"]!
        case "mul":
            return try i["a"]! * i["b"]!
        case "div":
            return try i["a"]! / i["b"]!
        case "scalar_ops":
            let a = i["a"]!
            return try (2.0 - a) * 3.0 + 1.5 / (a.abs() + 1.0)
        case "pow":
            return try i["a"]!.pow(2.5)
        case "exp_log":
            let a = i["a"]!
            return try a.exp() + a.log() + a.log10() + a.sqrt()
        case "activations":
            let a = i["a"]!
            return try a.tanh() + a.sigmoid() * 2 + a.relu() * 3 + a.gelu() * 4
        case "clamp":
            return try i["a"]!.clamp(min: -0.5, max: 0.7)
        case "maximum":
            return try i["a"]!.maximum(i["b"]!)
        case "where":
            return try Tensor.where(i["c"]!, i["a"]!, i["b"]!)
        case "compare":
            let (a, b) = (i["a"]!, i["b"]!)
            return try a.gt(b).to(.float32) + a.le(0.1).to(.float32) * 2
        case "sum_dims":
            return try i["a"]!.sum(dims: [0, 2])
        case "mean_keepdim":
            return try i["a"]!.mean(dims: [1], keepDim: true)
        case "amax":
            return try i["a"]!.amax(dims: [1, 2])
        case "logsumexp":
            return try i["a"]!.logSumExp(dims: [1])
        case "softmax":
            return try i["a"]!.softmax(dim: 1)
        case "log_softmax":
            return try i["a"]!.logSoftmax(dim: -1)
        case "max_dim":
            return try i["a"]!.max(dim: 1).values
        case "argmax":
            return try i["a"]!.argmax(dim: 1)
        case "var_std":
            let a = i["a"]!
            return try a.variance(dims: [1]) + a.std(dims: [1])
        case "reshape_permute":
            return try i["a"]!.permute([2, 0, 1]).reshape([4, 6]).transpose(0, 1) * 1.0
        case "squeeze_unsqueeze":
            return try i["a"]!.squeeze(1).unsqueeze(0) * 2
        case "expand":
            return try i["a"]!.expand([3, 4]) * Tensor.arange(0, 4)
        case "slice_step":
            return try i["a"]!.slice(dim: 0, start: 1, end: 4).slice(dim: 1, start: 0, end: 8, step: 3) * 1.0
        case "select":
            return try i["a"]!.select(dim: 1, index: 2) * 1.0
        case "cat":
            return try Tensor.cat([i["a"]!, i["b"]!], dim: 0)
        case "stack":
            return try Tensor.stack([i["a"]!, i["b"]!], dim: 1)
        case "index_select":
            return try i["a"]!.indexSelect(dim: 0, index: i["i"]!)
        case "gather":
            return try i["a"]!.gather(dim: 1, index: i["i"]!)
        case "matmul":
            return try i["a"]!.matmul(i["b"]!)
        case "linear":
            return try Tensor.linear(i["x"]!, weight: i["w"]!, bias: i["b"]!)
        case "conv1d":
            return try Tensor.conv1d(i["x"]!, weight: i["w"]!, bias: i["b"]!, stride: 2, padding: 1)
        case "conv2d":
            return try Tensor.conv2d(i["x"]!, weight: i["w"]!, bias: i["b"]!, stride: [2, 1], padding: [1, 2], dilation: [1, 2])
        case "conv2d_groups":
            return try Tensor.conv2d(i["x"]!, weight: i["w"]!, padding: [1, 1], groups: 2)
        case "max_pool2d":
            return try i["x"]!.maxPool(kernel: [2, 3], stride: [2, 2], padding: [1, 1])
        case "avg_pool2d":
            return try i["x"]!.avgPool(kernel: [2, 2])
        case "max_pool1d":
            return try i["x"]!.maxPool(kernel: [3], stride: [2])
        case "layer_norm":
            return try Tensor.layerNorm(i["x"]!, normalizedShape: [6], weight: i["w"]!, bias: i["b"]!)
        case "batch_norm_eval":
            return try Tensor.batchNorm(i["x"]!, weight: i["w"]!, bias: i["b"]!, runningMean: i["m"]!, runningVar: i["v"]!, training: false)
        case "stft_power":
            let x = try i["x"]!.reflectionPad1d(left: 32, right: 32)
            let spec = try x.stft(nFFT: 64, hop: 16, window: Tensor.hannWindow(64))
            return try spec.square().sum(dims: [-1])
        case "bce_soft":
            return try Loss.binaryCrossEntropyWithLogits(i["x"]!, i["t"]!)
        case "bce_weighted":
            return try Loss.binaryCrossEntropyWithLogits(i["x"]!, i["t"]!, weight: i["w"]!, positiveWeight: i["pw"]!)
        case "bce_masked":
            return try Loss.binaryCrossEntropyWithLogits(i["x"]!, i["t"]!, mask: i["m"]!)
        case "ce_index":
            return try Loss.crossEntropy(i["x"]!, i["t"]!)
        case "ce_smooth":
            return try Loss.crossEntropy(i["x"]!, i["t"]!, labelSmoothing: 0.1)
        case "ce_soft":
            return try Loss.crossEntropy(i["x"]!, i["t"]!)
        case "ce_masked":
            return try Loss.crossEntropy(i["x"]!, i["t"]!, mask: i["m"]!)
        case "mse":
            return try Loss.meanSquaredError(i["a"]!, i["b"]!)
        default:
            return nil
        }
    }

    static func caseNames() throws -> [String] {
        let all = try Fixture.load("ops.safetensors")
        return Set(all.keys.compactMap { $0.hasSuffix(".out") ? String($0.dropLast(4)) : nil })
            .subtracting(["batch_norm_train"]).sorted()
    }

    @Test("the fixture covers the operator surface")
    func coverage() throws {
        // Each name is checked by `parity`, which fails when a case has no Swift spelling.
        #expect(try Self.caseNames().count >= 45)
    }

    @Test("output and gradients equal PyTorch's", arguments: try OpsParityTests.caseNames())
    func parity(_ name: String) throws {
        let all = try Fixture.load("ops.safetensors")
        let prefix = "\(name).in."
        var inputs: Inputs = [:]
        for (key, value) in all where key.hasPrefix(prefix) {
            let input = try value.clone()
            if all["\(name).grad.\(key.dropFirst(prefix.count))"] != nil { try input.requiringGrad() }
            inputs[String(key.dropFirst(prefix.count))] = input
        }
        let out = try #require(try Self.evaluate(name, inputs), "no Swift case for \(name)")
        try expectClose(out, #require(all["\(name).out"]), "\(name) output")
        guard let gout = all["\(name).gout"] else { return }
        try (out * gout).sum().backward()
        for (input, tensor) in inputs {
            guard let expected = all["\(name).grad.\(input)"] else { continue }
            let grad = try #require(tensor.grad, "\(name): no gradient for \(input)")
            try expectClose(grad, expected, "\(name) gradient of \(input)")
        }
    }

    @Test("batch norm in training mode updates running statistics as PyTorch does")
    func batchNormTraining() throws {
        let all = try Fixture.load("ops.safetensors")
        let x = try all["batch_norm_train.in.x"]!.clone().requiringGrad()
        let w = try all["batch_norm_train.in.w"]!.clone().requiringGrad()
        let b = try all["batch_norm_train.in.b"]!.clone().requiringGrad()
        let mean = try all["batch_norm_train.in.running_mean"]!.clone()
        let variance = try all["batch_norm_train.in.running_var"]!.clone()
        let out = try Tensor.batchNorm(x, weight: w, bias: b, runningMean: mean, runningVar: variance,
                                       training: true, momentum: 0.1)
        try expectClose(out, all["batch_norm_train.out"]!, "output")
        try expectClose(mean, all["batch_norm_train.running_mean_after"]!, "running mean")
        try expectClose(variance, all["batch_norm_train.running_var_after"]!, "running variance")
        try (out * all["batch_norm_train.gout"]!).sum().backward()
        try expectClose(x.grad!, all["batch_norm_train.grad.x"]!, "gradient of x")
        try expectClose(w.grad!, all["batch_norm_train.grad.w"]!, "gradient of weight")
    }
}
