import Foundation
import Torch

/// The one source of randomness of an augmentation pipeline: a seeded libtorch CPU generator.
///
/// Every draw (the per-example coin flips and parameters, noise signals, impulse responses,
/// mixup weights and permutations) comes from this generator, so the same seed, the same
/// policy and the same input shapes give bit-identical results, whatever else the process
/// draws from libtorch's default generator. Tensors are drawn on the CPU and then moved to
/// the input's device, so results do not depend on the device either (only the arithmetic
/// done there may round differently).
///
/// Not `Sendable`: draws mutate the generator. Give each data-loading worker its own, seeded
/// from the run's seed and the worker's index.
public final class AugmentationRandom {
    /// The generator every draw comes from.
    public let generator: Generator
    private var buffer: [Double] = []
    private var cursor = 0

    /// A source seeded with `seed`.
    public init(seed: UInt64) throws {
        generator = try Generator(seed: seed)
    }

    /// A source drawing from an existing generator (whose state it advances).
    public init(generator: Generator) {
        self.generator = generator
    }

    // MARK: Scalars (CPU, Swift values)

    /// `count` samples uniform in [0, 1).
    public func uniforms(_ count: Int) throws -> [Double] {
        guard count > 0 else { return [] }
        return try Tensor.rand([count], dtype: .float64, generator: generator).toArray(Double.self)
    }

    /// `count` samples uniform in `range` (exactly the bound when the range is one value).
    public func uniform(_ count: Int, in range: ClosedRange<Double>) throws -> [Double] {
        let width = range.upperBound - range.lowerBound
        return try uniforms(count).map { range.lowerBound + width * $0 }
    }

    /// `count` samples whose logarithm is uniform: the natural draw for frequencies and
    /// other scale-like quantities. `range` must be positive.
    public func logUniform(_ count: Int, in range: ClosedRange<Double>) throws -> [Double] {
        let low = Foundation.log(range.lowerBound), high = Foundation.log(range.upperBound)
        return try uniforms(count).map { Foundation.exp(low + (high - low) * $0) }
    }

    /// `count` integers uniform in `range`, both ends included.
    public func integers(_ count: Int, in range: ClosedRange<Int>) throws -> [Int] {
        let span = Double(range.upperBound - range.lowerBound + 1)
        return try uniforms(count).map { range.lowerBound + Swift.min(Int($0 * span), range.upperBound - range.lowerBound) }
    }

    /// `count` coin flips that come up true with `probability` (never for 0, always for 1).
    public func bernoulli(_ count: Int, probability: Double) throws -> [Bool] {
        try uniforms(count).map { $0 < probability }
    }

    /// A uniformly random permutation of `0..<count`.
    public func permutation(_ count: Int) throws -> [Int] {
        guard count > 0 else { return [] }
        return try Tensor.randperm(count, generator: generator).toArray(Int64.self).map(Int.init)
    }

    /// `count` samples of Beta(`alpha`, `beta`), as the ratio of two Gamma variates.
    public func beta(_ count: Int, alpha: Double, beta: Double) throws -> [Double] {
        try (0..<count).map { _ in
            let x = try gamma(shape: alpha), y = try gamma(shape: beta)
            // Both underflow to 0 only for tiny shapes; the limit is then a fair coin on {0, 1}.
            guard x + y > 0 else { return try nextUniform() < alpha / (alpha + beta) ? 1 : 0 }
            return x / (x + y)
        }
    }

    /// One Gamma(`shape`, 1) variate: Marsaglia and Tsang's squeeze-rejection method, with
    /// the `U^(1/shape)` boost for shapes below 1.
    func gamma(shape: Double) throws -> Double {
        if shape < 1 {
            let boost = Foundation.pow(try nextUniform(), 1 / shape)
            return try gamma(shape: shape + 1) * boost
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = try nextNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = try nextUniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if Foundation.log(Swift.max(u, .leastNormalMagnitude)) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) {
                return d * v
            }
        }
    }

    /// The next uniform in [0, 1) from a buffered stream of generator draws.
    func nextUniform() throws -> Double {
        if cursor == buffer.count {
            buffer = try uniforms(256)
            cursor = 0
        }
        defer { cursor += 1 }
        return buffer[cursor]
    }

    /// The next standard normal (Box–Muller on two uniforms).
    func nextNormal() throws -> Double {
        let u1 = 1 - (try nextUniform())  // (0, 1]
        let u2 = try nextUniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    // MARK: Tensors (drawn on the CPU, moved to `device`)

    /// Standard normal samples of `shape`, as `dtype` on `device`.
    public func normal(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try Tensor.randn(shape, dtype: dtype, generator: generator).to(device)
    }

    /// Uniform samples in [0, 1) of `shape`, as `dtype` on `device`.
    public func uniform(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        try Tensor.rand(shape, dtype: dtype, generator: generator).to(device)
    }
}
