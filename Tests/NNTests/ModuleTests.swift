import Testing
import Torch
@testable import NN

/// A small module tree exercising every discovery rule.
final class Block: Module, UnaryLayer {
    @Child var conv1: Conv2d
    let norm: BatchNorm
    let extras: [Linear]
    let optional: Linear?
    @Param var scale: Tensor
    @Buffer var counter: Tensor
    @Buffer var scratch: Tensor

    init(channels: Int = 2) throws {
        _conv1 = Child(wrappedValue: try Conv2d(1, channels, kernel: 3, padding: 1), "conv_1")
        norm = try BatchNorm.twoD(channels)
        extras = [try Linear(2, 2), try Linear(2, 3)]
        optional = nil
        _scale = Param(wrappedValue: try Tensor.ones([2]).requiringGrad())
        _counter = Buffer(wrappedValue: try Tensor.zeros([1]))
        _scratch = Buffer(wrappedValue: try Tensor.zeros([1]), persistent: false)
        super.init()
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor { try norm(conv1(x)) }
}

@Suite("Module system")
struct ModuleTests {
    @Test("parameters and buffers are found by reflection with PyTorch names")
    func names() throws {
        let block = try Block()
        let params = block.namedParameters().map(\.0)
        #expect(params == ["scale", "conv_1.weight", "conv_1.bias", "norm.weight", "norm.bias",
                           "extras.0.weight", "extras.0.bias", "extras.1.weight", "extras.1.bias"])
        #expect(Set(block.stateDict().keys) == Set(params + ["counter", "norm.running_mean", "norm.running_var",
                                                            "norm.num_batches_tracked"]))
        #expect(block.namedBuffers().map(\.0).contains("scratch"))
        #expect(block.parameterCount == 2 + (2 * 9 + 2) + 4 + 6 + 9)
    }

    @Test("sequential children are numbered; train/eval reach every module")
    func sequentialAndModes() throws {
        let seq = Sequential([try Linear(3, 4), Identity(), try Linear(4, 1)])
        #expect(seq.namedParameters().map(\.0) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        seq.eval()
        #expect(seq.namedModules().allSatisfy { !$0.1.isTraining })
        seq.train()
        #expect(seq.namedModules().allSatisfy { $0.1.isTraining })
        #expect(try seq(Tensor.ones([5, 3])).shape == [5, 1])
    }

    @Test("freezing stops gradients; batch norm tracks batches only in training")
    func freezeAndBatchNorm() throws {
        let block = try Block()
        try block.freeze()
        #expect(block.trainableParameters().isEmpty)
        try block.freeze(false)
        #expect(block.trainableParameters().count == 9)
        _ = try block(Tensor.randn([2, 1, 4, 4]))
        #expect(try block.norm.numBatchesTracked.itemInt() == 1)
        block.eval()
        _ = try block(Tensor.randn([2, 1, 4, 4]))
        #expect(try block.norm.numBatchesTracked.itemInt() == 1)
        #expect(throws: TorchError.self) { try block.norm(Tensor.zeros([2, 2])) }
    }

    @Test("drop path: identity in eval and at rate 0, whole examples dropped in training")
    func dropPath() throws {
        let x = try Tensor.ones([64, 8])
        let dp = try DropPath(0.5)
        dp.eval()
        #expect(try dp(x).equals(x))
        dp.train()
        manualSeed(3)
        let y = try dp(x).toArray(Float.self)
        for row in 0..<64 {
            let values = Set(y[(row * 8)..<((row + 1) * 8)])
            #expect(values == [0] || values == [2], "row \(row) mixes kept and dropped elements")
        }
        #expect(DropPath.linearRates(maximum: 0.3, blocks: 4) == [0, 0.1, 0.2, 0.30000000000000004] ||
                Swift.abs(DropPath.linearRates(maximum: 0.3, blocks: 4)[3] - 0.3) < 1e-12)
        #expect(throws: TorchError.self) { try DropPath(1.0) }
    }

    @Test("state dicts round-trip through safetensors and refuse mismatches by name")
    func roundTrip() throws {
        let a = try Block(), b = try Block()
        try b.load(stateDict: a.stateDict())
        for (k, v) in a.stateDict() { #expect(try v.equals(b.stateDict()[k]!), "\(k)") }
        var broken = a.stateDict()
        broken.removeValue(forKey: "scale")
        #expect(throws: StateDictMismatch.self) { try b.load(stateDict: broken) }
        try b.load(stateDict: broken, strict: false)
    }
}
