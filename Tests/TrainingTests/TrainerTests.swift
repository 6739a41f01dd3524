import Audio
import Foundation
import Models
import NN
import Testing
import Torch
@testable import Training
import MusicTasks

/// A synthetic labeled set: "register" (low or high tone, multi-class) and "layers"
/// (tone and/or noise present, multi-label), 5-second 16 kHz WAV files.
struct SyntheticSet {
    static let tasks = [
        TaskSpec(name: "register", kind: .multiClass, classes: ["low", "high"]),
        TaskSpec(name: "layers", kind: .multiLabel, classes: ["tone", "noise"]),
    ]

    let directory: URL
    let train: [LabeledTrack]
    let valid: [LabeledTrack]

    init(trainCount: Int = 24, validCount: Int = 8, seconds: Double = 4.5) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        var rng = SplitMix64(seed: 7)
        func make(_ i: Int) throws -> LabeledTrack {
            let high = i % 2 == 1
            let noise = (i / 2) % 2 == 1
            let f = (high ? 1760.0 : 220.0) * (1 + 0.05 * rng.nextUnit())
            let n = Int(seconds * 16000)
            var samples = [Float](repeating: 0, count: n)
            for k in 0..<n {
                var x = 0.3 * sin(2 * Double.pi * f * Double(k) / 16000)
                if noise { x += 0.2 * (rng.nextUnit() * 2 - 1) }
                samples[k] = Float(x)
            }
            let path = directory.appendingPathComponent("clip\(i).wav").path
            try WAVWriter.write(samples, to: path, sampleRate: 16000, channels: 1)
            return LabeledTrack(id: Int64(i), path: path, duration: seconds,
                                targets: ["register": .classIndex(high ? 1 : 0), "layers": .classSet(noise ? [0, 1] : [0])])
        }
        train = try (0..<trainCount).map(make)
        valid = try (trainCount..<(trainCount + validCount)).map(make)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite("Supervised training", .serialized)
struct TrainerTests {
    func config(epochs: Int, steps: Int? = nil) -> TrainerConfig {
        var c = TrainerConfig()
        c.epochs = epochs
        c.batchSize = 8
        c.learningRate = 3e-3
        c.warmupSteps = 2
        c.threads = 2
        c.seed = 11
        c.checkpointEvery = 2
        c.maxStepsPerEpoch = steps
        c.logEvery = 1
        c.selectionMetric = "register/accuracy"
        return c
    }

    func makeTrainer(_ set: SyntheticSet, run: URL, config: TrainerConfig) throws -> Trainer {
        // An explicit generator: other suites draw from the default one concurrently.
        let description = ModelDescription(preset: .resnetXS, tasks: SyntheticSet.tasks, noise: ModelNoise(dropout: 0.1))
        let model = try description.build(generator: Generator(seed: config.seed))
        return try Trainer(model: model, description: description, train: set.train, valid: set.valid, config: config,
                           runDirectory: run, reporter: ProgressReporter(quiet: true))
    }

    @Test("learns a separable synthetic task well above chance and keeps the best checkpoint")
    func learns() async throws {
        let set = try SyntheticSet()
        defer { set.remove() }
        let run = set.directory.appendingPathComponent("run")
        let trainer = try makeTrainer(set, run: run, config: config(epochs: 6))
        let result = try await trainer.fit()
        #expect(result.state.epoch == 6 || result.state.finished)
        let accuracy = try #require(result.bestMetrics["register/accuracy"])
        #expect(accuracy >= 0.85, "register accuracy \(accuracy) (chance 0.5)")
        // The best checkpoint rebuilds the model on its own and reproduces the metric.
        let restored = try Checkpoint.load(from: result.bestCheckpoint).model()
        let again = try await Evaluator(tasks: SyntheticSet.tasks, batchSize: 8).evaluate(restored, tracks: set.valid)
        #expect(again["register/accuracy"] == accuracy)
        let log = MetricsLog(url: run.appendingPathComponent("metrics.jsonl")).entries()
        #expect(log.contains { ($0["event"] as? String) == "validation" })
        #expect(log.filter { ($0["event"] as? String) == "train" }.count == result.state.step)
    }

    @Test("a composite selection metric is the mean of its parts; a missing part is an error")
    func compositeSelection() throws {
        let set = try SyntheticSet()
        defer { set.remove() }
        var c = config(epochs: 1)
        c.selectionMetric = "key/weighted_score + inst/roc_auc_macro"
        let trainer = try makeTrainer(set, run: set.directory.appendingPathComponent("run"), config: c)
        #expect(try trainer.selectionValue(["key/weighted_score": 0.25, "inst/roc_auc_macro": 0.75, "loss": 3]) == 0.5)
        #expect(throws: TrainingError.self) { try trainer.selectionValue(["key/weighted_score": 0.2]) }
    }

    /// In-process, other suites run concurrently and may change libtorch's (per-thread OpenMP) and
    /// OpenBLAS's (process-wide) thread counts, which changes reduction order; so this test allows
    /// float rounding. It uses SGD with momentum: Adam turns the rounding noise of gradients that
    /// are zero in exact arithmetic (convolution biases before batch norm) into steps the size of
    /// the learning rate, which made this test fail at random once OpenBLAS's thread count became
    /// a setting. The bit-for-bit property, with AdamW, is tested across processes with SIGKILL
    /// (IntegrationTests).
    @Test("a run stopped mid-epoch and resumed ends with the same weights")
    func resumeIsExact() async throws {
        let set = try SyntheticSet(trainCount: 16, validCount: 4)
        defer { set.remove() }
        var c = config(epochs: 2, steps: 2)
        c.optimizer = .sgd
        c.momentum = 0.9
        let straight = try makeTrainer(set, run: set.directory.appendingPathComponent("a"), config: c)
        _ = try await straight.fit()

        let runB = set.directory.appendingPathComponent("b")
        let crashing = try makeTrainer(set, run: runB, config: c)
        crashing.haltAfterStep = 3  // checkpoint at step 2, so step 3 is redone after resuming
        await #expect(throws: CancellationError.self) { try await crashing.fit() }
        // A fresh process would start from a differently seeded model: resumption must not care.
        manualSeed(12345)
        let resumed = try makeTrainer(set, run: runB, config: c)
        _ = try await resumed.fit(resume: true)

        let a = straight.model.stateDict(), b = resumed.model.stateDict()
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, t) in a {
            let other = try #require(b[name])
            let same = t.dtype.isFloatingPoint ? try t.allClose(other, rtol: 1e-4, atol: 1e-5) : try t.equals(other)
            #expect(same, "\(name) differs after resumption")
        }
        let steps = MetricsLog(url: runB.appendingPathComponent("metrics.jsonl")).entries()
            .filter { ($0["event"] as? String) == "train" }.compactMap { $0["step"] as? Int }
        #expect(steps == [1, 2, 3, 4], "log after resumption: \(steps)")
    }

    @Test("an unreadable file is masked out and reported, not fatal")
    func badFile() async throws {
        let set = try SyntheticSet(trainCount: 8, validCount: 2)
        defer { set.remove() }
        var train = set.train
        let broken = set.directory.appendingPathComponent("broken.wav").path
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: broken))
        train[0].path = broken
        let loader = try ClipLoader(tracks: train, tasks: SyntheticSet.tasks,
                                    config: ClipLoaderConfig(batchSize: 8, clipSamples: 16000, shuffle: false))
        var batches = 0
        for try await batch in loader.batches(epoch: 0) {
            batches += 1
            #expect(batch.failures.count == 1)
            #expect(batch.failures.first?.message.contains("broken.wav") == true)
            #expect(try batch.masks["register"]!.toArray(Float.self) == [0, 1, 1, 1, 1, 1, 1, 1])
        }
        #expect(batches == 1)
    }

    @Test("the loader is deterministic: same seed, same order and crops; epochs differ")
    func loaderDeterminism() throws {
        let set = try SyntheticSet(trainCount: 10, validCount: 1)
        defer { set.remove() }
        let c = ClipLoaderConfig(batchSize: 4, clipSamples: 16000, seed: 3)
        let a = try ClipLoader(tracks: set.train, tasks: SyntheticSet.tasks, config: c)
        let b = try ClipLoader(tracks: set.train, tasks: SyntheticSet.tasks, config: c)
        #expect(a.order(epoch: 0) == b.order(epoch: 0))
        #expect(a.order(epoch: 0) != a.order(epoch: 1))
        #expect(a.cropOffset(track: 3, epoch: 0) == b.cropOffset(track: 3, epoch: 0))
        #expect(a.cropOffset(track: 3, epoch: 0) != a.cropOffset(track: 3, epoch: 1))
        #expect(a.batchCount == 2)
        #expect(Set(a.order(epoch: 5)) == Set(0..<10))
    }

    @Test("masked multi-task loss ignores unlabeled examples")
    func maskedLoss() throws {
        let tasks = SyntheticSet.tasks
        let tracks = [
            LabeledTrack(id: 0, path: "a", duration: 1, targets: ["register": .classIndex(1)]),
            LabeledTrack(id: 1, path: "b", duration: 1, targets: ["layers": .classSet([1])]),
        ]
        let batch = try Batch.make(clips: [[0], [0]], sampleRate: 16000, tracks: tracks, indices: [0, 1], tasks: tasks, failures: [])
        let logits = ["register": try Tensor([2, -1, 0.5, 0.5] as [Float], shape: [2, 2]),
                      "layers": try Tensor([0.3, -0.2, 1, 2] as [Float], shape: [2, 2])]
        let (_, per) = try MultiTaskLoss(tasks: tasks)(logits, batch)
        // register: only example 0 counts: CE of [2, -1] with class 1.
        let ce: Double = -(-1.0 - Foundation.log(Foundation.exp(2.0) + Foundation.exp(-1.0)))
        #expect(Swift.abs(try per["register"]!.item() - ce) < 1e-5)
        // layers: only example 1 counts: mean BCE of logits [1, 2] with targets [0, 1].
        func bce(_ x: Double, _ y: Double) -> Double { Swift.max(x, 0) - x * y + Foundation.log(1 + Foundation.exp(-Swift.abs(x))) }
        #expect(Swift.abs(try per["layers"]!.item() - (bce(1, 0) + bce(2, 1)) / 2) < 1e-5)
    }
}
