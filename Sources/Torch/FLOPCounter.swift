import Synchronization

/// Counts the floating-point operations of the matrix-heavy operations a piece of code runs:
/// convolutions, linear layers and matrix products (two per multiply-add; biases and
/// element-wise work not counted). The count is analytic, from the operands' and results'
/// shapes, so it does not depend on the kernel libtorch picks.
///
/// Only operations that `body` runs on the calling task are counted; concurrent work elsewhere
/// is not. Outside a measurement each counted operation pays one task-local lookup.
///
/// It stays in Torch (the benchmarks only call `measure`) because the counting hooks sit inside
/// Torch's own operations (`Tensor+NN`, `Tensor+OneDNN`, `Tensor+FFT`).
public enum FLOPCounter {
    /// The running count. Child tasks inherit the task-local, so they may add concurrently.
    final class Tally: Sendable {
        private let count = Mutex(0)
        var flops: Int { count.withLock { $0 } }
        func add(_ flops: Int) { count.withLock { $0 += flops } }
    }

    @TaskLocal static var current: Tally?

    /// Runs `body` and returns its result with the floating-point operations of the
    /// convolutions, linear layers and matrix products it ran (forward only: a backward pass
    /// runs inside libtorch and is not counted).
    public static func measure<R>(_ body: () throws -> R) rethrows -> (result: R, flops: Int) {
        let outer = current
        let tally = Tally()
        let result = try $current.withValue(tally) { try body() }
        outer?.add(tally.flops)
        return (result, tally.flops)
    }

    /// A convolution: each output element costs (input channels / groups) × kernel elements
    /// multiply-adds, which is the weight's element count divided by its output channels.
    static func recordConvolution(weight: Tensor, output: Tensor) {
        guard let tally = current, let outChannels = weight.shape.first, outChannels > 0 else { return }
        tally.add(2 * output.count * (weight.count / outChannels))
    }

    /// A linear layer or matrix product: each output element costs `inner` multiply-adds.
    static func recordMatrixProduct(inner: @autoclosure () -> Int, output: Tensor) {
        guard let tally = current else { return }
        tally.add(2 * output.count * inner())
    }
}
