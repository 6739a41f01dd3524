import Testing
import Torch
@testable import NN

@Suite("Batch-norm folding and in-place conversion")
struct BatchNormFoldingTests {
    /// A batch norm with non-trivial statistics and affine parameters.
    static func batchNorm(_ channels: Int, oneD: Bool = false) throws -> BatchNorm {
        let bn = oneD ? try BatchNorm.oneD(channels) : try BatchNorm.twoD(channels)
        try withNoGrad {
            try bn.runningMean.copyFrom(Tensor.randn([channels]) * 0.5)
            try bn.runningVar.copyFrom(Tensor.rand([channels]) + 0.2)
            try bn.weight.copyFrom(Tensor.randn([channels]))
            try bn.bias.copyFrom(Tensor.randn([channels]))
        }
        return bn.eval()
    }

    @Test("a convolution with a batch norm folded in equals convolution → batch norm in eval mode",
          arguments: [true, false])
    func convolution(_ bias: Bool) throws {
        manualSeed(3)
        let conv = try Conv2d(3, 8, kernel: 3, stride: 2, padding: 1, bias: bias).eval()
        let bn = try Self.batchNorm(8)
        let x = try Tensor.randn([2, 3, 9, 11])
        let expected = try withNoGrad { try bn(conv(x)) }
        try conv.foldBatchNorm(bn)
        #expect(conv.bias != nil)
        #expect(conv.weight.requiresGrad && conv.weight.isLeaf)
        let folded = try withNoGrad { try conv(x) }
        #expect(try (folded - expected).abs().max().item() < 1e-5)
    }

    @Test("a linear layer with a 1-d batch norm folded in equals linear → batch norm in eval mode")
    func linear() throws {
        manualSeed(4)
        let linear = try Linear(6, 5).eval()
        let bn = try Self.batchNorm(5, oneD: true)
        let x = try Tensor.randn([4, 6])
        let expected = try withNoGrad { try bn(linear(x)) }
        try linear.foldBatchNorm(bn)
        #expect(try (withNoGrad { try linear(x) } - expected).abs().max().item() < 1e-5)
    }

    @Test("mismatched channels are refused")
    func mismatch() throws {
        let conv = try Conv2d(3, 8, kernel: 3)
        #expect(throws: TorchError.self) { try conv.foldBatchNorm(BatchNorm.twoD(4)) }
    }

    @Test("weights converted in place keep their identity: dtype and channels-last layout")
    func conversion() throws {
        let model = Sequential([try Conv2d(4, 8, kernel: 3, padding: 1), try BatchNorm.twoD(8)])
        let weight = try #require(model.namedParameters().first { $0.0 == "0.weight" }?.1)
        try model.setConvolutionWeightFormat(.channelsLast)
        #expect(weight.isContiguous(.channelsLast) && !weight.isContiguous(.contiguous))
        #expect(weight.requiresGrad)
        try model.convertFloatingPoint(to: .bfloat16)
        #expect(weight.dtype == .bfloat16)
        #expect(model.namedBuffers().first { $0.0 == "1.num_batches_tracked" }?.1.dtype == .int64)
        #expect(model.namedBuffers().first { $0.0 == "1.running_var" }?.1.dtype == .bfloat16)
        #expect(throws: TorchError.self) { try model.convertFloatingPoint(to: .int32) }
    }
}
