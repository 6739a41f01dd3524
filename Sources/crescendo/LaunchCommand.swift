import ArgumentParser
import Foundation
import Torch
import Training

/// Starts N local workers of a crescendo command with torchrun's variables.
struct LaunchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Run a crescendo command as N local ranks (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT set as torchrun does).",
        discussion: """
            Example: crescendo launch --nproc 2 -- train --config configs/bench-distributed.yaml. SIGINT and SIGTERM are forwarded to \
            every worker; when a worker fails, the others are stopped and launch exits non-zero naming the rank.
            """)

    @Option(help: "Workers to start.")
    var nproc: Int

    @Option(help: "Rendezvous port (default: a free one).")
    var masterPort: Int?

    @Option(help: "Seconds a rank waits for a peer before giving up (CRESCENDO_DIST_TIMEOUT).")
    var timeout: Double?

    @Option(help: "Intra-op threads per worker (OMP_NUM_THREADS).")
    var threadsPerWorker = 1

    @Argument(parsing: .postTerminator, help: "The crescendo command and its arguments.")
    var command: [String] = []

    func validate() throws {
        guard nproc >= 1 else { throw ValidationError("--nproc must be at least 1") }
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. -- train --config run.yaml") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let port = try masterPort ?? LocalPort.free()
        let workers = WorkerSpec.localRanks(nproc, arguments: command, port: port, threadsPerWorker: threadsPerWorker,
                                            timeout: timeout, base: ProcessInfo.processInfo.environment)
        let outcome = try await WorkerSupervisor(executable: try Self.executable()).run(workers)
        switch outcome {
        case .succeeded: return
        case .failed(let rank, let status):
            FileHandle.standardError.write(Data("launch: rank \(rank) \(status); stopped the other ranks\n".utf8))
            throw ExitCode(status.exitCode)
        case .interrupted(let signal):
            throw ExitCode(128 + signal)
        }
    }

    static func executable() throws -> URL {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path)
    }
}
