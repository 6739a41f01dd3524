import Foundation
import Testing
import Torch
import Training

/// `crescendo launch` and data-parallel `crescendo train`: equivalence with one process, a lost
/// rank, and resumption.
@Suite("Distributed training from the command line", .serialized)
struct DistributedTrainingTests {
    func config(_ run: String, epochs: Int = 2, syncBatchNorm: Bool = true) -> String {
        """
        catalog: catalog.sqlite
        run_directory: \(run)
        tasks: [register, layers]
        model: {preset: resnet-xs, dropout: 0}
        trainer: {epochs: \(epochs), batch_size: 6, learning_rate: 0.002, optimizer: sgd, momentum: 0.9, warmup_steps: 2, threads: 1, seed: 5,
                  checkpoint_every: 1, log_every: 1, sync_batch_norm: \(syncBatchNorm)}
        """
    }

    func prepare(tracks: Int = 20) throws -> ToneDataSet {
        let set = try ToneDataSet(tracks: tracks)
        let imported = try CrescendoBinary.run(["import", "manifest", "manifest.csv", "--tasks", "tasks.yaml", "--catalog", "catalog.sqlite"], in: set.directory)
        #expect(imported.status == 0, "\(imported.output)")
        return set
    }

    /// SGD: Adam divides each gradient by its own running magnitude, so the rounding noise in
    /// gradients that are zero in exact arithmetic (a convolution bias before batch norm) becomes
    /// a learning-rate-sized step, different for any two summation orders.
    @Test("2 ranks × 1 thread hold identical weights, within 1e-5 (relative) of one process with the same global batch and order")
    func equivalence() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try prepare()
        defer { if ProcessInfo.processInfo.environment["CRESCENDO_KEEP_TEST_DATA"] == nil { set.remove() } }
        let dir = set.directory
        try config("runs/single").write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try config("runs/ranks").write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let single = try CrescendoBinary.run(["train", "--config", "a.yaml"], in: dir)
        #expect(single.status == 0, "\(single.output)")
        let parallel = try CrescendoBinary.run(["launch", "--nproc", "2", "--", "train", "--config", "b.yaml"], in: dir)
        #expect(parallel.status == 0, "\(parallel.output)")
        // Both ranks compared their weights with rank 0's at the end.
        #expect(parallel.output.contains("largest parameter difference from rank 0 over 2 ranks 0.0"), "\(parallel.output)")

        let a = try Checkpoint.load(from: dir.appendingPathComponent("runs/single/checkpoints/latest.safetensors"))
        let b = try Checkpoint.load(from: dir.appendingPathComponent("runs/ranks/checkpoints/latest.safetensors"))
        #expect(a.state.step == 4 && b.state.step == 4)
        #expect(a.modelState.keys.sorted() == b.modelState.keys.sorted())
        // Relative to each tensor's largest magnitude where that exceeds 1: batch-norm running
        // variances reach the hundreds, where one float rounding step is above 1e-5.
        var largest = 0.0
        for (name, t) in a.modelState where t.dtype == .float32 {
            guard let other = b.modelState[name] else { continue }
            let scale = max(1, try t.abs().max().item() as Double)
            largest = max(largest, try (t - other).abs().max().item() / scale)
        }
        #expect(largest <= 1e-5, "largest relative difference between one process and two ranks: \(largest)")
        // The weights did move: the comparison is not between two initialisations.
        let initial = try Checkpoint.load(from: dir.appendingPathComponent("runs/single/checkpoints/best.safetensors"))
        #expect(initial.state.step >= 2)
    }

    @Test("a killed rank: the survivor fails within the timeout naming it; launch names it; --resume completes")
    func lostRankAndResume() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try prepare()
        defer { if ProcessInfo.processInfo.environment["CRESCENDO_KEEP_TEST_DATA"] == nil { set.remove() } }
        let dir = set.directory
        try config("runs/job", epochs: 4, syncBatchNorm: false).write(to: dir.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        let timeout = 30
        let port = Workers.freePort()
        let arguments = ["train", "--config", "job.yaml"]
        let rank0 = try Workers.start(arguments, in: dir, rank: 0, worldSize: 2, port: port, timeoutSeconds: timeout)
        let rank1 = try Workers.start(arguments, in: dir, rank: 1, worldSize: 2, port: port, timeoutSeconds: timeout)
        Workers.waitForStep(1, run: dir.appendingPathComponent("runs/job"), while: rank0)
        kill(rank1.processIdentifier, SIGKILL)
        let killed = Date()
        // A watchdog turns a hang into a failure instead of a stuck test.
        let watchdog = DispatchWorkItem { if rank0.isRunning { kill(rank0.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(4 * timeout), execute: watchdog)
        let output = Workers.output(of: rank0)
        rank0.waitUntilExit()
        watchdog.cancel()
        rank1.waitUntilExit()
        let waited = Date().timeIntervalSince(killed)
        #expect(rank0.terminationReason == .exit && rank0.terminationStatus != 0, "\(output)")
        #expect(output.contains("lost rank 1"), "\(output)")
        #expect(waited < Double(2 * timeout), "rank 0 took \(waited) s to give up (timeout \(timeout) s)")

        // Every rank resumes from rank 0's checkpoint and the job completes.
        let resumed = try CrescendoBinary.run(["launch", "--nproc", "2", "--", "train", "--config", "job.yaml", "--resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("resumed at epoch"), "\(resumed.output)")
        let final = try Checkpoint.load(from: dir.appendingPathComponent("runs/job").appendingPathComponent("checkpoints/latest.safetensors"))
        #expect(final.state.step == 8 && final.state.finished)

        // Under launch, a killed rank stops the job, and launch names it.
        // (A long job, so that it is still running when rank 1 is killed.)
        try config("runs/long", epochs: 200, syncBatchNorm: false).write(to: dir.appendingPathComponent("long.yaml"), atomically: true, encoding: .utf8)
        let launcher = try CrescendoBinary.start(["launch", "--nproc", "2", "--timeout", String(timeout), "--", "train", "--config", "long.yaml"], in: dir)
        Workers.waitForStep(1, run: dir.appendingPathComponent("runs/long"), while: launcher)
        let launchedRank1 = Workers.child(of: launcher.processIdentifier, rank: 1)
        let launchedRank0 = Workers.child(of: launcher.processIdentifier, rank: 0)
        #expect(launchedRank1 != nil && launchedRank0 != nil, "the launcher's workers were not found")
        if let launchedRank1 { kill(launchedRank1, SIGKILL) }
        let launched = (launcher.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        launcher.waitUntilExit()
        let launchOutput = String(decoding: launched, as: UTF8.self)
        #expect(launcher.terminationStatus != 0, "\(launchOutput)")
        #expect(launchOutput.contains("rank 1 was killed by signal 9"), "\(launchOutput)")
        // Rank 0 is gone too (stopped by the launcher or by its own failed collective), not orphaned.
        if let launchedRank0 { #expect(kill(launchedRank0, 0) != 0, "rank 0 (pid \(launchedRank0)) outlived the launcher") }

        // SIGTERM to the launcher reaches the workers: they stop and launch exits with 128 + 15.
        let stopped = try CrescendoBinary.start(["launch", "--nproc", "2", "--", "train", "--config", "long.yaml", "--resume"], in: dir)
        let before = MetricsLog(url: dir.appendingPathComponent("runs/long/metrics.jsonl")).entries().compactMap { $0["step"] as? Int }.max() ?? 0
        Workers.waitForStep(before + 1, run: dir.appendingPathComponent("runs/long"), while: stopped)
        let workers = [0, 1].compactMap { Workers.child(of: stopped.processIdentifier, rank: $0) }
        kill(stopped.processIdentifier, SIGTERM)
        // Workers that ignored SIGTERM would keep the launcher waiting: the watchdog turns that into a failure.
        let fired = WatchdogFlag()
        let stopWatchdog = DispatchWorkItem {
            fired.set()
            for pid in workers { kill(pid, SIGKILL) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(4 * timeout), execute: stopWatchdog)
        _ = (stopped.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile()
        stopped.waitUntilExit()
        stopWatchdog.cancel()
        #expect(stopped.terminationStatus == 143)
        #expect(!fired.value, "the workers did not stop on the forwarded SIGTERM")
        #expect(workers.count == 2 && workers.allSatisfy { kill($0, 0) != 0 }, "workers \(workers) outlived the launcher")
    }
}

/// Whether a watchdog had to step in.
final class WatchdogFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    func set() { lock.lock(); fired = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return fired }
}
