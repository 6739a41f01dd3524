import Testing
@testable import Torch

/// ctorch updates dense float parameters in one fused pass and others op by op; both must agree.
@Suite("Fused Adam update")
struct FusedAdamTests {
    @Test("the fused pass (dense, channels-last) equals the op-by-op path (strided)", arguments: [false, true])
    func fusedEqualsOpByOp(_ decoupled: Bool) throws {
        manualSeed(17)
        let initial = try Tensor.randn([2, 3, 4, 5])
        // Dense, channels-last: fused. A strided view of a larger leaf: op by op.
        let dense = try initial.contiguous(.channelsLast).requiringGrad()
        let storage = try Tensor.zeros([2, 3, 4, 10])
        try storage.slice(dim: 3, start: 0, end: 10, step: 2).copyFrom(initial)
        let strided = try storage.slice(dim: 3, start: 0, end: 10, step: 2).detached().requiringGrad()
        #expect(!strided.isContiguous())
        var fused = try Adam(parameters: [dense], learningRate: 0.05, weightDecay: 0.1, decoupledWeightDecay: decoupled)
        var reference = try Adam(parameters: [strided], learningRate: 0.05, weightDecay: 0.1, decoupledWeightDecay: decoupled)
        for step in 0..<10 {
            let target = try Tensor.randn([2, 3, 4, 5])
            for p in [dense, strided] {
                try p.zeroGrad()
                try ((p - target).square() * Double(step + 1)).sum().backward()
            }
            try fused.step()
            try reference.step()
            let diff = try (dense - strided).abs().max().item()
            #expect(diff < 1e-6, "step \(step): \(diff)")
        }
        #expect(dense.isContiguous(.channelsLast))
    }
}
