import Foundation

/// A worker that could not be started.
enum LaunchError: Error, CustomStringConvertible {
    case startFailed(rank: Int, message: String)

    var description: String {
        switch self {
        case .startFailed(let rank, let message): return "could not start rank \(rank): \(message)"
        }
    }
}

/// One worker to start: its rank, arguments and full environment.
struct WorkerSpec: Sendable {
    var rank: Int
    var arguments: [String]
    var environment: [String: String]
}

/// How a worker ended.
enum WorkerStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    var succeeded: Bool { self == .exited(0) }
    /// The launcher's own exit code for this worker's failure.
    var exitCode: Int32 {
        switch self {
        case .exited(let code): return code == 0 ? 1 : code
        case .signalled(let signal): return 128 + signal
        }
    }

    var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signalled(let signal): return "was killed by signal \(signal)\(signal == SIGKILL ? " (SIGKILL)" : signal == SIGSEGV ? " (SIGSEGV)" : "")"
        }
    }
}

/// Runs workers to completion: forwards SIGINT/SIGTERM to all of them, and when one fails stops
/// the rest (SIGTERM, then SIGKILL after a grace period) so that a job never hangs on a dead rank.
struct WorkerSupervisor {
    enum Outcome: Sendable, Equatable {
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

    let executable: URL
    /// How long stopped workers get between SIGTERM and SIGKILL.
    var grace: Duration = .seconds(5)

    func run(_ workers: [WorkerSpec]) async throws -> Outcome {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        var processes: [Int: Process] = [:]
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
            let process = Process()
            process.executableURL = executable
            process.arguments = worker.arguments
            process.environment = worker.environment
            let rank = worker.rank
            process.terminationHandler = { p in
                let status: WorkerStatus = p.terminationReason == .uncaughtSignal
                    ? .signalled(p.terminationStatus) : .exited(p.terminationStatus)
                continuation.yield(.ended(rank: rank, status: status))
            }
            do {
                try process.run()
            } catch {
                stop(Array(processes.values), signal: SIGKILL)
                throw LaunchError.startFailed(rank: rank, message: "\(error)")
            }
            processes[rank] = process
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

    private func stop(_ processes: [Process], signal: Int32) {
        for p in processes where p.isRunning { kill(p.processIdentifier, signal) }
    }
}
