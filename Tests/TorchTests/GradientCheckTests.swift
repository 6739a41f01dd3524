import Testing
@testable import Torch

/// Autograd against central finite differences, in float64, for composite functions.
@Suite("Finite-difference gradient checks")
struct GradientCheckTests {
    /// Compares the autograd gradient of scalar `f` at `x` with (f(x+h) - f(x-h)) / 2h per element.
    func check(_ shape: [Int], seed: UInt64, _ f: (Tensor) throws -> Tensor) throws {
        manualSeed(seed)
        let x0 = try Tensor.randn(shape, dtype: .float64)
        let x = try x0.clone().requiringGrad()
        try f(x).backward()
        let analytic = try x.grad!.toArray(Double.self)
        let base = try x0.toArray(Double.self)
        let h = 1e-6
        for i in base.indices {
            var plus = base, minus = base
            plus[i] += h
            minus[i] -= h
            let fp = try withNoGrad { try f(Tensor(plus, shape: shape)).item() }
            let fm = try withNoGrad { try f(Tensor(minus, shape: shape)).item() }
            let numeric = (fp - fm) / (2 * h)
            let tolerance = 1e-6 * Swift.max(1, Swift.abs(numeric))
            #expect(Swift.abs(numeric - analytic[i]) < tolerance,
                    "element \(i): finite difference \(numeric), autograd \(analytic[i])")
        }
    }

    @Test("softmax-weighted tanh projection through logsumexp")
    func attentionLike() throws {
        manualSeed(1)
        let w = try Tensor.randn([4, 4], dtype: .float64)
        try check([3, 4], seed: 2) { x in
            try (x.matmul(w).tanh() * x.softmax(dim: 1)).logSumExp(dims: [0, 1])
        }
    }

    @Test("layer norm, GELU and a masked binary cross-entropy")
    func maskedLoss() throws {
        let target = try Tensor([0.2, 0.9, 0.0, 1.0, 0.5, 0.3], shape: [2, 3]).to(.float64)
        let mask = try Tensor([1.0, 0.0] as [Double], shape: [2, 1])
        try check([2, 3], seed: 3) { x in
            let y = try Tensor.layerNorm(x, normalizedShape: [3], weight: nil, bias: nil).gelu()
            return try Loss.binaryCrossEntropyWithLogits(y, target, mask: mask)
        }
    }

    @Test("convolution, pooling and soft-target cross-entropy")
    func convolutional() throws {
        manualSeed(4)
        let kernel = try Tensor.randn([2, 1, 3], dtype: .float64)
        let soft = try Tensor.rand([1, 2], dtype: .float64).softmax(dim: 1)
        try check([1, 1, 9], seed: 5) { x in
            let features = try Tensor.conv1d(x, weight: kernel, padding: 1).maxPool(kernel: [3]).mean(dims: [2])
            return try Loss.crossEntropy(features, soft)
        }
    }
}
