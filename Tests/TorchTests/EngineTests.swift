import Foundation
import Testing
@testable import Torch

@Suite("Tensor engine basics")
struct EngineTests {
    @Test("a shape mismatch is a thrown TorchError carrying libtorch's message with the sizes")
    func shapeErrors() throws {
        let a = try Tensor.ones([3, 4]), b = try Tensor.ones([5])
        do {
            _ = try a + b
            Issue.record("adding [3, 4] and [5] did not throw")
        } catch let error as TorchError {
            let text = error.description
            #expect(text.hasPrefix("add:"))
            #expect(text.contains("(4)") && text.contains("(5)"), "message lacks sizes: \(text)")
        }
        #expect(throws: TorchError.self) { try a.matmul(Tensor.ones([5, 2])) }
        #expect(throws: TorchError.self) { try a.reshape([7]) }
        #expect(throws: TorchError.self) { try a.view([2, -1, -1]) }
        #expect(throws: TorchError.self) { try Tensor.conv2d(a, weight: Tensor.ones([2, 2, 3, 3])) }
        #expect(throws: TorchError.self) { try Tensor([1, 2, 3] as [Float], shape: [2, 2]) }
        #expect(throws: TorchError.self) { try a.select(dim: 5, index: 0) }
        #expect(throws: TorchError.self) { try Loss.crossEntropy(a, Tensor([7, 0, 1] as [Int64])) }
        // The engine keeps working after errors.
        #expect(try (a + a).sum().item() == 24)
    }

    @Test("arrays round-trip through every dtype")
    func dtypes() throws {
        #expect(try Tensor([1.5, -2, 3] as [Float]).toArray(Float.self) == [1.5, -2, 3])
        #expect(try Tensor([1.5, -2, 3] as [Double]).toArray(Double.self) == [1.5, -2, 3])
        #expect(try Tensor([1, -2, 3] as [Int64]).toArray(Int64.self) == [1, -2, 3])
        #expect(try Tensor([1, -2, 3] as [Int32]).toArray(Int32.self) == [1, -2, 3])
        #expect(try Tensor([true, false] as [Bool]).toArray(Bool.self) == [true, false])
        #expect(try Tensor([0, 255] as [UInt8]).toArray(UInt8.self) == [0, 255])
        let half = try Tensor([0.5, 1.25, -3] as [Float]).to(.float16)
        #expect(half.dtype == .float16 && half.byteCount == 6)
        #expect(try half.toArray(Float.self) == [0.5, 1.25, -3])
        let bf = try Tensor([0.5, 1.25, -3] as [Float]).to(.bfloat16)
        #expect(bf.dtype == .bfloat16)
        #expect(try bf.toArray(Float.self) == [0.5, 1.25, -3])
        let m = try Tensor((0..<6).map(Float.init), shape: [2, 3])
        #expect(m.shape == [2, 3] && m.count == 6 && m.rank == 2)
        #expect(try m.transpose(0, 1).toArray(Float.self) == [0, 3, 1, 4, 2, 5])
        #expect(try m.transpose(0, 1).isContiguous() == false)
    }

    @Test("creation functions")
    func creation() throws {
        #expect(try Tensor.arange(0, 5).toArray(Float.self) == [0, 1, 2, 3, 4])
        #expect(try Tensor.arange(1, 2, step: 0.25, dtype: .float64).toArray(Double.self) == [1, 1.25, 1.5, 1.75])
        #expect(try Tensor.full([2, 2], 7).toArray(Float.self) == [7, 7, 7, 7])
        #expect(try Tensor.zeros([3], dtype: .int64).toArray(Int64.self) == [0, 0, 0])
        #expect(try Tensor.linspace(0, 1, steps: 5).toArray(Float.self) == [0, 0.25, 0.5, 0.75, 1])
        #expect(try Tensor.scalar(3.5).shape == [])
        #expect(try Tensor.scalar(3.5).item() == 3.5)
        let w = try Tensor.hannWindow(4).toArray(Float.self)
        #expect(Swift.abs(w[0]) < 1e-7 && Swift.abs(w[2] - 1) < 1e-6)
        #expect(throws: TorchError.self) { try Device(parsing: "tpu") }
        #expect(try Device(parsing: "cuda:1") == .cuda(1))
        #expect(try Tensor.zeros([2]).device == .cpu)
    }

    @Test("channels-last memory format keeps values and changes strides")
    func channelsLast() throws {
        let x = try Tensor.randn([2, 3, 4, 5])
        let cl = try x.contiguous(.channelsLast)
        #expect(cl.isContiguous(.channelsLast))
        #expect(!cl.isContiguous(.contiguous))
        #expect(cl.strides == [60, 1, 15, 3])
        #expect(try cl.equals(x))
    }

    @Test("seeds and generators make draws reproducible, and their state restores")
    func randomness() throws {
        manualSeed(7)
        let a = try Tensor.randn([5]).toArray(Float.self)
        manualSeed(7)
        #expect(try Tensor.randn([5]).toArray(Float.self) == a)
        let g = try Generator(seed: 42)
        let state = try g.state()
        let first = try Tensor.rand([4], generator: g).toArray(Float.self)
        try g.setState(state)
        #expect(try Tensor.rand([4], generator: g).toArray(Float.self) == first)
        let other = try Generator(seed: 43)
        #expect(try Tensor.rand([4], generator: other).toArray(Float.self) != first)
        let saved = try Generator.defaultState()
        let d1 = try Tensor.rand([3]).dropout(0.5, training: true).toArray(Float.self)
        try Generator.setDefaultState(saved)
        #expect(try Tensor.rand([3]).dropout(0.5, training: true).toArray(Float.self) == d1)
        let perm = try Tensor.randperm(10, generator: g).toArray(Int64.self)
        #expect(perm.sorted() == Array(0..<10))
    }

    @Test("thread count is settable")
    func threads() {
        let before = Runtime.threads
        Runtime.threads = 1
        #expect(Runtime.threads == 1)
        Runtime.threads = before
        #expect(Runtime.torchVersion.hasPrefix("1.") || Runtime.torchVersion.hasPrefix("2."))
    }

    @Test("no-grad scope stops recording and restores the mode, even on throw")
    func noGrad() throws {
        let w = try Tensor.ones([2]).requiringGrad()
        let y = try withNoGrad { try w * 2 }
        #expect(!y.requiresGrad)
        #expect(isGradEnabled)
        struct Boom: Error {}
        #expect(throws: Boom.self) { try withNoGrad { throw Boom() } }
        #expect(isGradEnabled)
        let z = try w * 2
        #expect(z.requiresGrad)
        try z.sum().backward()
        #expect(try w.grad!.toArray(Float.self) == [2, 2])
    }

    @Test("gradients accumulate, clear, and backward takes an explicit gradient")
    func accumulation() throws {
        let w = try Tensor([1, 2, 3] as [Float]).requiringGrad()
        try (w * w).sum().backward()
        try (w * w).sum().backward()
        #expect(try w.grad!.toArray(Float.self) == [4, 8, 12])
        try w.zeroGrad()
        #expect(w.grad == nil)
        try (w * 3).backward(gradient: Tensor([1, 0, 2] as [Float]))
        #expect(try w.grad!.toArray(Float.self) == [3, 0, 6])
        let d = try (w * 2).detached()
        #expect(!d.requiresGrad && d.isLeaf)
        #expect(throws: TorchError.self) { try (w * 2).backward() }  // non-scalar without gradient
    }

    @Test("tensors are freed when their last reference goes")
    func deterministicFree() throws {
        // 200 × 40 MB would exhaust memory if handles leaked.
        for _ in 0..<200 {
            let big = try Tensor.zeros([10_000_000])
            #expect(big.count == 10_000_000)
        }
    }
}
