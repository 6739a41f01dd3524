import CTorch

/// A process-wide caching CPU allocator for tensors (see Sources/CTorch/allocator.cpp): freed
/// blocks of 64 KiB and more are kept and reused for the next tensor of the same rounded size,
/// so that repeated training or inference steps stop page-faulting and zero-filling their
/// activation memory anew each time. Memory the cache holds is not returned to the system
/// until `emptyCache()`, `disable()`, or the limit is reached.
public enum CachingAllocator {
    /// Counters of the cache (sizes rounded up to the allocator's granules).
    public struct Statistics: Sendable, Equatable {
        public var liveBytes: Int
        public var cachedBytes: Int
        /// Highest live + cached bytes so far.
        public var peakBytes: Int
        public var hits: Int
        public var misses: Int
    }

    /// Makes the caching allocator libtorch's CPU allocator, keeping at most
    /// `maximumCachedBytes` of freed blocks. Tensors allocated before keep their own allocator.
    public static func enable(maximumCachedBytes: Int = 8 << 30) throws {
        guard maximumCachedBytes >= 0 else {
            throw TorchError.invalidArgument("the cache limit must not be negative (got \(maximumCachedBytes))")
        }
        try Tensor.check(ct_caching_allocator_enable(1, Int64(maximumCachedBytes)), "enable caching allocator")
    }

    /// Stops caching and frees the cached blocks. The allocator stays installed and hands out
    /// plain memory: libtorch's oneDNN bridge frees through whichever allocator is current, so
    /// swapping back to the default one under a live oneDNN tensor would crash the process.
    public static func disable() throws {
        try Tensor.check(ct_caching_allocator_enable(0, 0), "disable caching allocator")
    }

    public static var isEnabled: Bool { ct_caching_allocator_enabled() == 1 }

    /// Returns the cached blocks to the system.
    public static func emptyCache() throws {
        try Tensor.check(ct_caching_allocator_empty(), "empty allocator cache")
    }

    public static func statistics() throws -> Statistics {
        var live: Int64 = 0, cached: Int64 = 0, peak: Int64 = 0, hits: Int64 = 0, misses: Int64 = 0
        try Tensor.check(ct_caching_allocator_stats(&live, &cached, &peak, &hits, &misses), "allocator statistics")
        return Statistics(liveBytes: Int(live), cachedBytes: Int(cached), peakBytes: Int(peak), hits: Int(hits),
                          misses: Int(misses))
    }
}
