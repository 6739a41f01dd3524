import ArgumentParser
import Foundation

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
        var base = ProcessInfo.processInfo.environment
        base["MASTER_ADDR"] = "127.0.0.1"
        base["MASTER_PORT"] = String(port)
        base["WORLD_SIZE"] = String(nproc)
        base["LOCAL_WORLD_SIZE"] = String(nproc)
        base["OMP_NUM_THREADS"] = String(threadsPerWorker)
        if let timeout { base["CRESCENDO_DIST_TIMEOUT"] = String(timeout) }
        let workers = (0..<nproc).map { rank in
            var environment = base
            environment["RANK"] = String(rank)
            environment["LOCAL_RANK"] = String(rank)
            return WorkerSpec(rank: rank, arguments: command, environment: environment)
        }
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

/// A free TCP port on the loopback interface (asked from the kernel, then released).
enum LocalPort {
    static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ValidationError("no socket for a rendezvous port: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw ValidationError("no free rendezvous port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
