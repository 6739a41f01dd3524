import ArgumentParser
import Foundation
import Torch

/// Speed measurements, printed as JSON lines so that runs can be compared as ratios.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed (JSON lines); compare against the PyTorch references in one run.",
        subcommands: [Engine.self, Models.self, Precision.self, BenchLoader.self, BenchPseudoLabel.self, BenchAudio.self])

    struct Engine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per-op overhead, matrix-multiply and convolution throughput of the tensor engine.")

        @Option(help: "Intra-op threads.")
        var threads = 2

        @Option(help: "Timed repetitions per measurement (the median is reported).")
        var reps = 5

        @Option(help: "Python PyTorch reference script to run in the same invocation (engine_reference.py).")
        var reference: String?

        @Option(help: "Python interpreter for the reference (Debian's, which links the same libtorch).")
        var python = "/usr/bin/python3"

        @Flag(help: "JSON lines (the only output format; kept for symmetry with other commands).")
        var json = false

        func run() throws {
            let bench = EngineBenchmark(repetitions: reps, threads: threads)
            let engine = "crescendo-libtorch-\(Runtime.torchVersion)"
            var swift: [String: Double] = [:]
            swift["op_overhead_us"] = try bench.opOverheadMicroseconds()
            emit(["engine": engine, "name": "op_overhead_us", "value": round3(swift["op_overhead_us"]!)])
            let floor = try bench.atenFloorMicroseconds()
            emit(["engine": "cpp-aten-loop", "name": "op_overhead_us", "value": round3(floor)])
            swift["matmul_gflops"] = try bench.matmulGFLOPS()
            emit(["engine": engine, "name": "matmul_gflops", "threads": threads, "value": round1(swift["matmul_gflops"]!)])
            swift["conv2d_gflops"] = try bench.conv2dGFLOPS()
            emit(["engine": engine, "name": "conv2d_gflops", "threads": threads, "value": round1(swift["conv2d_gflops"]!)])

            guard let reference else { return }
            let python = try runReference(reference)
            for line in python { emit(line) }
            for line in python {
                guard let name = line["name"] as? String, let value = (line["value"] as? NSNumber)?.doubleValue,
                      let mine = swift[name], value > 0 else { continue }
                // Overhead: smaller is better, so report python/swift; throughput: swift/python.
                let ratio = name.hasSuffix("_us") ? value / mine : mine / value
                emit(["name": "\(name)_ratio_vs_pytorch", "value": round3(ratio),
                      "meaning": name.hasSuffix("_us") ? "python time / swift time (>1: swift faster)" : "swift / python"])
            }
            emit(["name": "op_overhead_vs_cpp_floor", "value": round3(swift["op_overhead_us"]! / floor),
                  "meaning": "swift time / C++ ATen loop time"])
        }

        func runReference(_ script: String) throws -> [[String: Any]] {
            try PythonReference(python: python).run(script, ["--threads", String(threads), "--reps", String(reps)])
        }
    }
}

func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }
func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

/// Prints one JSON object per line, keys sorted.
func emit(_ object: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}
