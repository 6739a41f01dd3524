import ArgumentParser
import Foundation
import Torch

/// Reports the engine the process runs on (devices and distributed backends included), and warns
/// about slow set-ups.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report libtorch, BLAS, threads, oneDNN, devices (CPU, CUDA) and distributed backends (gloo, nccl); warn about slow set-ups.")

    @Option(help: "Intra-op threads to configure before reporting (default: all cores).")
    var threads: Int?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        Runtime.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let report = try EngineReport.current()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
            // With --json the warnings are in the document (`warnings`): a reader that takes
            // both streams as one still gets valid JSON.
            for warning in report.warnings {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
        }
    }
}
