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

/// Starting and reaping worker processes with posix_spawn. Foundation's `Process` passes on the
/// spawning thread's signal mask, and Dispatch's threads block SIGTERM: a worker started that way
/// would ignore the launcher's SIGTERM. Workers here start with an empty mask and default actions.
enum WorkerProcess {
    static func spawn(executable: URL, arguments: [String], environment: [String: String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable.path, nil, &attributes, argv, envp)
        guard status == 0 else { throw LaunchError.startFailed(rank: -1, message: String(cString: strerror(status))) }
        return pid
    }

    /// Blocks until the process ends.
    static func wait(_ pid: pid_t) -> WorkerStatus {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(-1) }
        }
        // WIFEXITED / WTERMSIG, spelled out (the C macros are not imported).
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
}
