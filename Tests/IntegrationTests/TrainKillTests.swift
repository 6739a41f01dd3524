import Audio
import Foundation
import Testing
import Torch
import Training

/// The command line end to end: import → train → evaluate → predict, and a training process
/// killed with SIGKILL at a random step, resumed, ending bit-identical to an uninterrupted run.
@Suite("Command line end to end", .serialized)
struct TrainKillTests {
    func trainConfig(_ run: String, epochs: Int = 2) -> String {
        """
        catalog: catalog.sqlite
        run_directory: \(run)
        tasks: [register, layers]
        model: {preset: resnet-xs, dropout: 0.1}
        trainer: {epochs: \(epochs), batch_size: 6, learning_rate: 0.003, warmup_steps: 2, threads: 1, seed: 5,
                  checkpoint_every: 1, log_every: 1}
        """
    }

    @Test("import → train → evaluate → predict on a synthetic set")
    func endToEnd() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet()
        defer { if ProcessInfo.processInfo.environment["CRESCENDO_KEEP_TEST_DATA"] == nil { set.remove() } }
        let dir = set.directory
        let imported = try CrescendoBinary.run(["import", "manifest", "manifest.csv", "--tasks", "tasks.yaml", "--catalog", "catalog.sqlite"], in: dir)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("32 imported"))
        try trainConfig("runs/a", epochs: 10).write(to: dir.appendingPathComponent("train.yaml"), atomically: true, encoding: .utf8)
        let trained = try CrescendoBinary.run(["train", "--config", "train.yaml"], in: dir)
        #expect(trained.status == 0, "\(trained.output)")
        let evaluated = try CrescendoBinary.run(["evaluate", "runs/a", "--split", "test", "--json"], in: dir)
        #expect(evaluated.status == 0, "\(evaluated.output)")
        let object = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as? [String: Any]
        let accuracy = object?["register/accuracy"] as? Double ?? 0
        #expect(accuracy >= 0.8, "test accuracy \(accuracy) (chance 0.5): \(evaluated.output)")
        #expect(object?["aggregation"] as? String == "mean", "\(evaluated.output)")
        let byMax = try CrescendoBinary.run(["evaluate", "runs/a", "--split", "test", "--json", "--aggregation", "max"], in: dir)
        let maxObject = try JSONSerialization.jsonObject(with: Data(byMax.output.utf8)) as? [String: Any]
        #expect(maxObject?["aggregation"] as? String == "max", "\(byMax.output)")
        let badAggregation = try CrescendoBinary.run(["evaluate", "runs/a", "--aggregation", "median"], in: dir)
        #expect(badAggregation.status != 0 && badAggregation.output.contains("log_mean"), "\(badAggregation.output)")
        // An unseen file: a high tone.
        let unseen = dir.appendingPathComponent("unseen.wav").path
        let tone = (0..<80_000).map { Float(0.3 * sin(2 * Double.pi * 1790 * Double($0) / 16000)) }
        try WAVWriter.write(tone, to: unseen, sampleRate: 16000, channels: 1)
        let predicted = try CrescendoBinary.run(["predict", "--model", "runs/a", unseen, "--format", "json"], in: dir)
        #expect(predicted.status == 0, "\(predicted.output)")
        let p = try JSONSerialization.jsonObject(with: Data(predicted.output.utf8)) as? [String: Any]
        #expect((p?["register"] as? [String: Any])?["label"] as? String == "high", "\(predicted.output)")
    }

    @Test("an unknown configuration key fails before any work, naming the key")
    func unknownKey() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 4)
        defer { set.remove() }
        try (trainConfig("runs/x") + "\nlearning_rat: 3\n").write(to: set.directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let r = try CrescendoBinary.run(["train", "--config", "bad.yaml"], in: set.directory)
        #expect(r.status != 0)
        #expect(r.output.contains("learning_rat"), "\(r.output)")
        #expect(!FileManager.default.fileExists(atPath: set.directory.appendingPathComponent("runs/x").path))
    }

    @Test("SIGKILL at a random step, then --resume: bit-identical final weights")
    func killAndResume() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        var random = try KillSeed(test: "TrainKillTests.killAndResume")
        let seed = random.note
        let set = try ToneDataSet(tracks: 20)
        defer { set.remove() }
        let dir = set.directory
        _ = try CrescendoBinary.run(["import", "manifest", "manifest.csv", "--tasks", "tasks.yaml", "--catalog", "catalog.sqlite"], in: dir)
        try trainConfig("runs/straight").write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try trainConfig("runs/killed").write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let straight = try CrescendoBinary.run(["train", "--config", "a.yaml"], in: dir)
        #expect(straight.status == 0, "\(seed): \(straight.output)")

        // 15 training tracks / batch 6 → 2 steps per epoch, 4 in all: kill after step 1, 2 or 3.
        let killAt = random.integer(in: 1...3)
        let process = try CrescendoBinary.start(["train", "--config", "b.yaml"], in: dir)
        let log = MetricsLog(url: dir.appendingPathComponent("runs/killed/metrics.jsonl"))
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning && Date() < deadline {
            let steps = log.entries().compactMap { $0["step"] as? Int }
            if steps.contains(where: { $0 >= killAt }) { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let resumed = try CrescendoBinary.run(["train", "--config", "b.yaml", "--resume"], in: dir)
        #expect(resumed.status == 0, "killed at step \(killAt), \(seed): \(resumed.output)")

        let a = try Checkpoint.load(from: dir.appendingPathComponent("runs/straight/checkpoints/latest.safetensors"))
        let b = try Checkpoint.load(from: dir.appendingPathComponent("runs/killed/checkpoints/latest.safetensors"))
        #expect(a.state.step == b.state.step, "killed at step \(killAt), \(seed)")
        #expect(a.modelState.keys.sorted() == b.modelState.keys.sorted(), "killed at step \(killAt), \(seed)")
        for (name, t) in a.modelState {
            let other = try #require(b.modelState[name], "\(name) is missing after a kill at step \(killAt), \(seed)")
            #expect(try t.equals(other), "\(name) differs after a kill at step \(killAt) and resumption, \(seed)")
        }
    }
}

