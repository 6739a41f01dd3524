import Testing
@testable import Torch

@Suite("Caching CPU allocator")
struct CachingAllocatorTests {
    @Test("freed blocks are reused for the next tensor of the same size; results are unchanged")
    func reuse() throws {
        manualSeed(11)
        let x = try Tensor.randn([4, 3, 64, 64]), w = try Tensor.randn([8, 3, 3, 3])
        let expected = try Tensor.conv2d(x, weight: w, padding: [1, 1])
        try CachingAllocator.enable(maximumCachedBytes: 1 << 30)
        defer { try? CachingAllocator.disable() }
        #expect(CachingAllocator.isEnabled)
        // An unusual size (3.3 MB), allocated and freed, then asked for again.
        do { _ = try Tensor.zeros([825_001]) }
        let before = try CachingAllocator.statistics()
        let again = try Tensor.ones([825_001])
        let after = try CachingAllocator.statistics()
        #expect(after.hits > before.hits)
        #expect(try again.sum().item() == 825_001)
        for _ in 0..<3 {
            let got = try Tensor.conv2d(x, weight: w, padding: [1, 1])
            #expect(try got.equals(expected))
        }
        try CachingAllocator.disable()
        #expect(!CachingAllocator.isEnabled)
        #expect(try CachingAllocator.statistics().cachedBytes == 0)
        #expect(throws: TorchError.self) { try CachingAllocator.enable(maximumCachedBytes: -1) }
    }

    /// oneDNN-layout tensors are allocated and freed through whichever CPU allocator is current
    /// at each moment; turning the cache on or off under a live one must not free its memory
    /// with the wrong deleter (before the fix: "free(): invalid pointer", an abort).
    @Test("oneDNN-layout tensors outlive turning the cache on and off",
          .enabled(if: Runtime.hasOneDNN, "libtorch without oneDNN: skipped, not passed"))
    func oneDNNBlocksAcrossSwitches() throws {
        let dense = try Tensor.randn([4, 64, 32, 32], generator: try Generator(seed: 3))
        let expected = try dense.sum().item()
        try CachingAllocator.enable(maximumCachedBytes: 1 << 30)
        defer { try? CachingAllocator.disable() }
        var madeWhileCaching: Tensor? = try dense.toOneDNNLayout()
        try CachingAllocator.disable()
        var madeWhilePlain: Tensor? = try dense.toOneDNNLayout()
        #expect(try madeWhileCaching!.toDense().sum().item() == expected)
        madeWhileCaching = nil  // a mapped block, freed while caching is off
        try CachingAllocator.enable(maximumCachedBytes: 1 << 30)
        #expect(try madeWhilePlain!.toDense().sum().item() == expected)
        madeWhilePlain = nil  // a malloc'd block, freed while caching is on
        #expect(CachingAllocator.isEnabled)
    }
}
