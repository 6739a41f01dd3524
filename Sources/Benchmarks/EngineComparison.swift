import Foundation
import Torch

/// `crescendo bench engine`: the engine's micro-benchmarks, the C++ floor under per-op
/// overhead, and optionally engine_reference.py's same measurements from Python PyTorch with
/// the ratios between the two.
public struct EngineComparison {
    public var benchmark: EngineBenchmark
    /// engine_reference.py, run in the same invocation.
    public var reference: String?
    public var python: String

    public init(benchmark: EngineBenchmark, reference: String?, python: String) {
        self.benchmark = benchmark
        self.reference = reference
        self.python = python
    }

    public func run(output: BenchmarkOutput) throws {
        let threads = benchmark.threads
        let engine = "crescendo-libtorch-\(Runtime.torchVersion)"
        let overhead = try benchmark.opOverheadMicroseconds()
        output.emit(["engine": engine, "name": "op_overhead_us", "value": round3(overhead)])
        let floor = try benchmark.atenFloorMicroseconds()
        output.emit(["engine": "cpp-aten-loop", "name": "op_overhead_us", "value": round3(floor)])
        let matmul = try benchmark.matmulGFLOPS()
        output.emit(["engine": engine, "name": "matmul_gflops", "threads": threads, "value": round1(matmul)])
        let conv2d = try benchmark.conv2dGFLOPS()
        output.emit(["engine": engine, "name": "conv2d_gflops", "threads": threads, "value": round1(conv2d)])
        let swift = ["op_overhead_us": overhead, "matmul_gflops": matmul, "conv2d_gflops": conv2d]

        guard let reference else { return }
        let python = try PythonReference(python: self.python)
            .run(reference, ["--threads", String(threads), "--reps", String(benchmark.repetitions)])
        for line in python { output.emit(line) }
        for line in python {
            guard let name = line["name"] as? String, let value = (line["value"] as? NSNumber)?.doubleValue,
                  let mine = swift[name], value > 0 else { continue }
            // Overhead: smaller is better, so report python/swift; throughput: swift/python.
            let ratio = name.hasSuffix("_us") ? value / mine : mine / value
            output.emit(["name": "\(name)_ratio_vs_pytorch", "value": round3(ratio),
                         "meaning": name.hasSuffix("_us") ? "python time / swift time (>1: swift faster)" : "swift / python"])
        }
        output.emit(["name": "op_overhead_vs_cpp_floor", "value": round3(overhead / floor),
                     "meaning": "swift time / C++ ATen loop time"])
    }
}
