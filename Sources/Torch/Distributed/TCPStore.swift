import CTorch
import Foundation

/// A c10d key-value store over TCP: rank 0 serves it, every rank (rank 0 included) is a client.
/// Ranks meet through it to form a process group and to report liveness after a failure.
// @unchecked Sendable: the handle and the lets are immutable, and c10d's TCPStore client locks its socket.
public final class TCPStore: @unchecked Sendable {
    let handle: ct_store
    /// "host:port", for messages.
    public let address: String
    /// How long a blocking operation waits.
    public let timeout: Duration

    /// Connects to (or, with `isServer`, starts) the store at host:port.
    public init(host: String, port: Int, isServer: Bool, worldSize: Int, timeout: Duration) throws {
        address = "\(host):\(port)"
        self.timeout = timeout
        guard (1...65535).contains(port) else {
            throw DistributedError.store(address: address, message: "port must be in 1...65535")
        }
        guard let h = ct_tcp_store_new(host, Int32(port), isServer ? 1 : 0, Int32(worldSize), timeout.milliseconds) else {
            throw DistributedError.store(address: address, message: Self.takeError())
        }
        handle = h
    }

    deinit { ct_store_free(handle) }

    static func takeError() -> String {
        let message = String(cString: ct_last_error())
        ct_clear_error()
        return message.isEmpty ? "failed" : message
    }

    /// Stores `value` under `key`.
    public func set(_ key: String, _ value: [UInt8]) throws {
        let status = value.withUnsafeBufferPointer { ct_store_set(handle, key, $0.baseAddress, $0.count) }
        if status < 0 { throw DistributedError.store(address: address, message: Self.takeError()) }
    }

    /// The value of `key`, waiting for it up to the store's timeout.
    public func get(_ key: String) throws -> [UInt8] {
        var pointer: UnsafeMutablePointer<UInt8>?
        var count = 0
        if ct_store_get(handle, key, &pointer, &count) < 0 {
            throw DistributedError.store(address: address, message: Self.takeError())
        }
        defer { ct_free_bytes(pointer) }
        guard let pointer else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Atomically adds `delta` to the integer under `key` (0 when new); the new value.
    @discardableResult
    public func add(_ key: String, _ delta: Int) throws -> Int {
        var result: Int64 = 0
        if ct_store_add(handle, key, Int64(delta), &result) < 0 {
            throw DistributedError.store(address: address, message: Self.takeError())
        }
        return Int(result)
    }

    /// Waits until every key exists, at most `timeout`.
    public func wait(_ keys: [String], timeout: Duration) throws {
        let status = withCStrings(keys) { ct_store_wait(handle, $0, Int32(keys.count), timeout.milliseconds) }
        if status < 0 { throw DistributedError.store(address: address, message: Self.takeError()) }
    }

    /// Whether every key exists now.
    public func contains(_ keys: [String]) throws -> Bool {
        let status = withCStrings(keys) { ct_store_check(handle, $0, Int32(keys.count)) }
        if status < 0 { throw DistributedError.store(address: address, message: Self.takeError()) }
        return status == 1
    }
}

func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    // A trailing NULL keeps the buffer non-empty, so it always has a base address.
    let pointers = copies.map { $0.map { UnsafePointer<CChar>($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { preconditionFailure("a non-empty array has storage") }
        return body(base)
    }
}

extension Duration {
    /// Whole milliseconds (at least 1).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return Swift.max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
