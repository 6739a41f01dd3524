import CTorch
import Foundation

/// The communication backend of a process group.
public enum DistributedBackend: String, Sendable, Codable, CaseIterable {
    /// CPU tensors over TCP (always compiled in).
    case gloo
    /// CUDA tensors; only in builds against a CUDA libtorch compiled with `CTORCH_WITH_NCCL`.
    case nccl

    var code: Int32 { self == .gloo ? Int32(CT_GLOO.rawValue) : Int32(CT_NCCL.rawValue) }

    /// Whether this build can create groups of this backend.
    public var isAvailable: Bool { ct_backend_available(code) == 1 }
}

/// How an all-reduce combines the ranks' values.
public enum ReduceOperation: Int32, Sendable {
    case sum = 0, max = 1, min = 2, product = 3
}

/// A group of processes (ranks) that run collectives together: every rank must call the same
/// collectives in the same order. A collective that cannot finish within `timeout` (a rank died or
/// hangs) throws `DistributedError.lostRanks`, naming the ranks that stopped answering when the
/// store can tell.
///
/// Collectives are blocking calls; use one group from one task at a time.
// @unchecked Sendable: c10d process groups are thread-safe; `failureRound` is touched only by the one task that
// runs collectives, as documented above.
public final class ProcessGroup: @unchecked Sendable {
    let handle: ct_process_group
    /// This process's rank, 0..<worldSize.
    public let rank: Int
    public let worldSize: Int
    public let backend: DistributedBackend
    /// The store the group met through (also used to find lost ranks after a failure).
    public let store: TCPStore
    public let timeout: Duration
    /// Flat buffers of at most this many bytes carry many small tensors per collective.
    public var bucketBytes: Int = 25 << 20
    private var failureRound = 0

    /// Forms the group: blocks until all `worldSize` ranks have joined through `store`.
    public init(store: TCPStore, rank: Int, worldSize: Int, backend: DistributedBackend = .gloo,
                timeout: Duration, name: String = "default", interface: String? = nil, hostname: String? = nil) throws {
        guard worldSize >= 1, (0..<worldSize).contains(rank) else {
            throw DistributedError.rendezvous(rank: rank, worldSize: worldSize, message: "rank must be in 0..<world size")
        }
        guard backend.isAvailable else { throw DistributedError.backendUnavailable(backend.rawValue) }
        guard let h = ct_process_group_new(backend.code, store.handle, "pg/\(name)/", Int32(rank), Int32(worldSize),
                                           interface, hostname, timeout.milliseconds) else {
            throw DistributedError.rendezvous(rank: rank, worldSize: worldSize, message: TCPStore.takeError())
        }
        handle = h
        self.rank = rank
        self.worldSize = worldSize
        self.backend = backend
        self.store = store
        self.timeout = timeout
    }

    deinit { ct_process_group_free(handle) }

    /// Combines each tensor in place across ranks (the average when `average`).
    public func allReduce(_ tensors: [Tensor], operation: ReduceOperation = .sum, average: Bool = false) throws {
        let status = withHandles(tensors) {
            ct_all_reduce(handle, $0, Int32(tensors.count), operation.rawValue, average ? 1 : 0, Int64(bucketBytes))
        }
        try check(status, "all-reduce")
    }

    /// Averages the gradients of `parameters` across ranks, in place, in flat buckets.
    public func averageGradients(of parameters: [Tensor]) throws {
        let status = withHandles(parameters) { ct_all_reduce_gradients(handle, $0, Int32(parameters.count), Int64(bucketBytes)) }
        try check(status, "gradient all-reduce")
    }

    /// Overwrites each tensor with root's, in place.
    public func broadcast(_ tensors: [Tensor], from root: Int = 0) throws {
        let status = withHandles(tensors) { ct_broadcast(handle, $0, Int32(tensors.count), Int32(root), Int64(bucketBytes)) }
        try check(status, "broadcast")
    }

    /// Returns when every rank has reached it.
    public func barrier() throws {
        try check(ct_barrier(handle), "barrier")
    }

    /// The sum of `x` over ranks, differentiable (its gradient is the all-reduced incoming gradient).
    public func differentiableSum(_ x: Tensor) throws -> Tensor {
        guard let h = ct_all_reduce_sum_differentiable(handle, x.handle) else {
            throw failure("differentiable all-reduce", message: TCPStore.takeError())
        }
        return Tensor(handle: h)
    }

    private func withHandles(_ tensors: [Tensor], _ body: (UnsafePointer<ct_tensor?>) -> Int32) -> Int32 {
        let handles: [ct_tensor?] = tensors.map { $0.handle } + [nil]
        return withExtendedLifetime(tensors) {
            handles.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { preconditionFailure("a non-empty array has storage") }
                return body(base)
            }
        }
    }

    private func check(_ status: Int32, _ operation: String) throws {
        if status < 0 { throw failure(operation, message: TCPStore.takeError()) }
    }

    /// After a failed collective, the survivors check in through the store; ranks that do not
    /// check in within a short grace are the lost ones. The store's host is rank 0: when the store
    /// itself is gone, rank 0 is the lost rank.
    private func failure(_ operation: String, message: String) -> DistributedError {
        failureRound += 1
        let round = failureRound
        let key = { (r: Int) in "alive/\(round)/\(r)" }
        do {
            try store.set(key(rank), [1])
        } catch {
            return rank == 0 ? .collective(operation: operation, message: message)
                : .lostRanks([0], operation: operation, message: "\(message); the store on rank 0 is gone too")
        }
        let grace = Swift.min(timeout, .seconds(3))
        let others = (0..<worldSize).filter { $0 != rank }
        _ = try? store.wait(others.map(key), timeout: grace)
        var lost: [Int] = []
        for r in others where (try? store.contains([key(r)])) != true { lost.append(r) }
        if lost.isEmpty { return .collective(operation: operation, message: message) }
        return .lostRanks(lost, operation: operation, message: message)
    }
}
