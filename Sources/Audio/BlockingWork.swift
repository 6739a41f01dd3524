import Dispatch

/// Runs blocking work (reading and decoding files) on Dispatch's threads, outside Swift's
/// cooperative pool: that pool has one thread per core, and a task that waits on the disk
/// there holds a core's worth of other tasks back. The caller awaits without holding a thread.
public enum BlockingWork {
    /// The result of `body`, run on a global Dispatch queue.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
