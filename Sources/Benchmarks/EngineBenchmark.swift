import Foundation
import Torch

/// Micro-benchmarks of the engine, defined exactly as `shared/bench/engine_reference.py`
/// defines them for Python PyTorch, so that the two can be compared in one run.
public struct EngineBenchmark: Sendable {
    public var repetitions: Int
    public var threads: Int

    public init(repetitions: Int = 5, threads: Int = 2) {
        self.repetitions = max(1, repetitions)
        self.threads = max(1, threads)
    }

    /// Median seconds per call of `body` over `repetitions` runs of `inner` calls, after a warm-up.
    func medianSeconds(inner: Int = 1, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<inner { try body() }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            times.append(elapsed / Double(inner))
        }
        times.sort()
        return times[times.count / 2]
    }

    /// Microseconds per `a + b` on two 1-element float32 tensors, without autograd.
    public func opOverheadMicroseconds() throws -> Double {
        Runtime.threads = threads
        let a = try Tensor.ones([1]), b = try Tensor.ones([1])
        return try withNoGrad {
            try medianSeconds(inner: 20000) { _ = try a + b } * 1e6
        }
    }

    /// Microseconds per `at::add` call from a C++ loop: the floor under any binding.
    public func atenFloorMicroseconds() throws -> Double {
        Runtime.threads = threads
        let a = try Tensor.ones([1]), b = try Tensor.ones([1])
        var samples: [Double] = []
        for _ in 0...repetitions {
            samples.append(try ATenAddLoop.secondsPerAdd(a, b, iterations: 20000))
        }
        samples.removeFirst()  // warm-up
        samples.sort()
        return samples[samples.count / 2] * 1e6
    }

    /// float32 2048×2048 matrix product throughput.
    public func matmulGFLOPS(size: Int = 2048) throws -> Double {
        Runtime.threads = threads
        let m1 = try Tensor.randn([size, size]), m2 = try Tensor.randn([size, size])
        let t = try medianSeconds { _ = try m1.matmul(m2) }
        return 2 * pow(Double(size), 3) / t / 1e9
    }

    /// conv2d forward + backward throughput: input 16×64×128×128, weight 64×64×3×3, padding 1.
    public func conv2dGFLOPS() throws -> Double {
        Runtime.threads = threads
        let input = try Tensor.randn([16, 64, 128, 128])
        let weight = try Tensor.randn([64, 64, 3, 3]).requiringGrad()
        let t = try medianSeconds {
            try weight.zeroGrad()
            try Tensor.conv2d(input, weight: weight, padding: [1, 1]).sum().backward()
        }
        let flops = Double(3 * 2 * 16 * 64 * 128 * 128 * 64 * 9 as Int)
        return flops / t / 1e9
    }
}
