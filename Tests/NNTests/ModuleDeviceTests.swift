import Testing
import Torch
@testable import NN

/// Where a module's tensors live, and moving them (`Module.move(to:)`).
@Suite("Module devices")
struct ModuleDeviceTests {
    @Test("a module on the CPU says so; moving it there keeps every tensor as it is")
    func cpu() throws {
        let block = try Block()
        #expect(block.device == .cpu)
        #expect(Identity().device == .cpu)
        let before = block.parameters().map { ObjectIdentifier($0) }
        try block.move(to: .cpu)
        #expect(block.parameters().map { ObjectIdentifier($0) } == before)
        #expect(block.namedBuffers().allSatisfy { $0.1.device == .cpu })
    }

    @Test("drop path draws its mask from the generator on the CPU: the same seed, the same mask")
    func dropPathSeeded() throws {
        let x = try Tensor.ones([6, 2, 3])
        func draw() throws -> [Float] {
            let layer = try DropPath(0.5)
            layer.generator = try Generator(seed: 4)
            return try layer(x).toArray(Float.self)
        }
        #expect(try draw() == draw())
    }

    @Test("on CUDA, a module moves whole (parameters, buffers, identity kept) and trains there",
          .enabled(if: Runtime.isCUDAAvailable, "needs a CUDA device (libtorch sees none): skipped, not passed"))
    func cuda() throws {
        let block = try Block()
        let parameters = block.parameters()
        try block.move(to: .cuda(0))
        #expect(block.device == .cuda(0))
        #expect(parameters.allSatisfy { $0.device == .cuda(0) })
        #expect(block.parameters().map { ObjectIdentifier($0) } == parameters.map { ObjectIdentifier($0) })
        #expect(block.namedBuffers().allSatisfy { $0.1.device == .cuda(0) })
        let y = try block(Tensor.randn([2, 1, 4, 4]).to(.cuda(0)))
        try y.sum().backward()
        #expect(block.conv1.weight.grad?.device == .cuda(0))
    }
}
