import CTorch

/// The floor under per-operation overhead: `at::add` called from a C++ loop, with nothing
/// between the caller and the dispatcher. Only the engine benchmark (`Benchmarks`) uses it; it
/// lives here because it calls CTorch, which only Torch imports.
public enum ATenAddLoop {
    /// Seconds per `at::add(a, b)` over `iterations` calls, without autograd.
    public static func secondsPerAdd(_ a: Tensor, _ b: Tensor, iterations: Int) throws -> Double {
        let seconds = ct_bench_add_loop(a.handle, b.handle, Int64(iterations))
        if seconds < 0 { throw Tensor.lastError("bench add loop") }
        return seconds
    }
}
