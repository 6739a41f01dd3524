import Foundation
import Torch
import Training

/// Helpers for multi-process tests of the command line.
enum Workers {
    /// Starts one rank of a `worldSize` job on localhost, as a launcher would.
    static func start(_ arguments: [String], in directory: URL, rank: Int, worldSize: Int, port: Int,
                      timeoutSeconds: Int) throws -> Process {
        guard let url = CrescendoBinary.url else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["RANK"] = String(rank)
        environment["LOCAL_RANK"] = String(rank)
        environment["WORLD_SIZE"] = String(worldSize)
        environment["MASTER_ADDR"] = "127.0.0.1"
        environment["MASTER_PORT"] = String(port)
        environment["CRESCENDO_DIST_TIMEOUT"] = String(timeoutSeconds)
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return process
    }

    static func output(of process: Process) -> String {
        let data = (process.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The pid of the child of `parent` whose environment has RANK=`rank`.
    static func child(of parent: Int32, rank: Int) -> Int32? {
        // Each thread lists the children it started.
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(parent)/task")) ?? []
        let list = threads.map { (try? String(contentsOfFile: "/proc/\(parent)/task/\($0)/children", encoding: .utf8)) ?? "" }
            .joined(separator: " ")
        for pid in list.split(separator: " ").compactMap({ Int32($0) }) {
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let entries = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if entries.contains("RANK=\(rank)") { return pid }
        }
        return nil
    }

    /// Waits (polling files, no fixed sleeps) until the run's metrics log reaches `step`.
    static func waitForStep(_ step: Int, run: URL, while process: Process, limit: TimeInterval = 600) {
        let log = MetricsLog(url: run.appendingPathComponent("metrics.jsonl"))
        let deadline = Date().addingTimeInterval(limit)
        while process.isRunning && Date() < deadline {
            if log.entries().compactMap({ $0["step"] as? Int }).contains(where: { $0 >= step }) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// A TCP port that was free a moment ago.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
