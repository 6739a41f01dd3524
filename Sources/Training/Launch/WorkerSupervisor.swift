import Foundation

/// Runs workers to completion: forwards SIGINT/SIGTERM to all of them, and when one fails stops
/// the rest (SIGTERM, then SIGKILL after a grace period) so that a job never hangs on a dead rank.
public struct WorkerSupervisor {
    public enum Outcome: Sendable, Equatable {
        case succeeded
        case failed(rank: Int, status: WorkerStatus)
        case interrupted(signal: Int32)
    }

    enum Event: Sendable {
        case ended(rank: Int, status: WorkerStatus)
        case signal(Int32)
        /// The grace period after stopping the workers is over.
        case graceOver
    }

    public let executable: URL
    /// How long stopped workers get between SIGTERM and SIGKILL.
    public var grace: Duration = .seconds(5)

    public init(executable: URL, grace: Duration = .seconds(5)) {
        self.executable = executable
        self.grace = grace
    }

    public func run(_ workers: [WorkerSpec]) async throws -> Outcome {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        var processes: [Int: pid_t] = [:]
        // The launcher handles the signals itself and passes them on.
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield(.signal(sig)) }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        for worker in workers {
            let rank = worker.rank
            let pid: pid_t
            do {
                pid = try WorkerProcess.spawn(executable: executable, arguments: worker.arguments,
                                              environment: worker.environment)
            } catch {
                stop(Array(processes.values), signal: SIGKILL)
                throw LaunchError.startFailed(rank: rank, message: "\(error)")
            }
            processes[rank] = pid
            // One thread per worker waits for it (waitpid blocks; it must not hold a pool thread).
            Thread {
                continuation.yield(.ended(rank: rank, status: WorkerProcess.wait(pid)))
            }.start()
        }
        var running = Set(processes.keys)
        var outcome = Outcome.succeeded
        for await event in events {
            switch event {
            case .ended(let rank, let status):
                running.remove(rank)
                if !status.succeeded, outcome == .succeeded {
                    outcome = .failed(rank: rank, status: status)
                    stop(running.compactMap { processes[$0] }, signal: SIGTERM)
                    let grace = self.grace
                    Task {
                        try? await Task.sleep(for: grace)
                        continuation.yield(.graceOver)
                    }
                }
            case .graceOver:
                stop(running.compactMap { processes[$0] }, signal: SIGKILL)
            case .signal(let sig):
                if outcome == .succeeded { outcome = .interrupted(signal: sig) }
                stop(running.compactMap { processes[$0] }, signal: sig)
            }
            if running.isEmpty { break }
        }
        continuation.finish()
        return outcome
    }

    private func stop(_ pids: [pid_t], signal: Int32) {
        for pid in pids { kill(pid, signal) }
    }
}
