import Foundation
import Torch

/// Runs `body` once per rank, each on its own thread (collectives block, so they must not
/// share the cooperative pool), and returns the results in rank order.
func runRanks<R: Sendable>(_ worldSize: Int, _ body: @escaping @Sendable (Int) throws -> R) async throws -> [R] {
    try await withThrowingTaskGroup(of: (Int, R).self) { group in
        for rank in 0..<worldSize {
            group.addTask {
                let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<R, Error>) in
                    let thread = Thread { continuation.resume(with: Result { try body(rank) }) }
                    thread.start()
                }
                return (rank, value)
            }
        }
        var results = [R?](repeating: nil, count: worldSize)
        for try await (rank, value) in group { results[rank] = value }
        return results.compactMap { $0 }
    }
}

/// A TCP port that was free a moment ago.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw DistributedError.store(address: "127.0.0.1:0", message: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw DistributedError.store(address: "127.0.0.1:0", message: "bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Forms a group of `worldSize` on localhost for rank `rank`.
func localGroup(rank: Int, worldSize: Int, port: Int, timeout: Duration = .seconds(30)) throws -> ProcessGroup {
    let store = try TCPStore(host: "127.0.0.1", port: port, isServer: rank == 0, worldSize: worldSize, timeout: timeout)
    return try ProcessGroup(store: store, rank: rank, worldSize: worldSize, timeout: timeout, hostname: "127.0.0.1")
}
