/// A small, fast, seedable generator (SplitMix64) for data order and crop placement: a pure
/// function of its seed, so that every epoch's order and every crop can be recomputed on resume.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one (seed, stream, index) coordinate, e.g. (run seed, epoch, example).
    public init(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0) {
        var g = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        let s1 = g.next() ^ a &* 0xBF58_476D_1CE4_E5B9
        var h = SplitMix64(seed: s1)
        state = h.next() ^ b &* 0x94D0_49BB_1331_11EB
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
