import Audio
import Catalog
import Foundation
import Models
import NN
import Testing
import Torch
@testable import Training
@testable import NoisyStudent
import MusicTasks

/// Stores one run's labels in memory; can be told to fail after some commits (a crash mid-run).
final class MemoryStore: PseudoLabelStore, @unchecked Sendable {
    private let lock = NSLock()
    var labels: [Int64: [String: [Float]]] = [:]
    var failures: [Int64: PseudoLabelFailure] = [:]
    var commits = 0
    var failAfterCommits: Int?
    struct Crash: Error {}

    func labeledTrackIDs(run: Int64, tasks: [TaskSpec]) throws -> Set<Int64> {
        lock.lock(); defer { lock.unlock() }
        return Set(labels.filter { _, byTask in tasks.allSatisfy { byTask[$0.name] != nil } }.keys)
    }

    func store(_ new: [PseudoLabel], frames: [FrameLabel], failures: [PseudoLabelFailure], run: Int64, tasks: [TaskSpec]) throws {
        lock.lock(); defer { lock.unlock() }
        if let limit = failAfterCommits, commits >= limit { throw Crash() }
        for l in new { labels[l.trackId, default: [:]][l.task] = l.probabilities }
        for f in failures { self.failures[f.trackId] = f }
        commits += 1
    }
}

/// Logits are functions of the chunk's mean: deterministic, so runs can be compared exactly.
final class MeanModel: Module, AudioModel {
    let clipSamples = 800
    let sampleRate = 16000
    var spectrogramAugmentation: SpectrogramAugmentationHook?
    var inferenceOptimizations: InferenceOptimizations? { nil }
    func prepareForInference(_ optimizations: InferenceOptimizations) throws {}
    func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {}
    func copy() throws -> any AudioModel { MeanModel(tasks: tasks) }
    static let key = TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b", "c"])
    static let inst = TaskSpec(name: "inst", kind: .multiLabel, classes: ["p", "q"])
    let tasks: [TaskSpec]
    /// A teacher of some of the tasks (both by default), to resume a run with a changed task list.
    init(tasks: [TaskSpec] = [MeanModel.key, MeanModel.inst]) { self.tasks = tasks }
    func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        let m = try waveform.mean(dims: [1], keepDim: true) * 10
        var outputs: [String: Tensor] = [:]
        for task in tasks {
            outputs[task.name] = task.name == "key" ? try Tensor.cat([m, m * -1, m * 0.5], dim: 1) : try Tensor.cat([m, m - 1], dim: 1)
        }
        return outputs
    }
    func setNoise(_ noise: ModelNoise) {}
}

@Suite("Pseudo-labelling")
struct PseudoLabelTests {
    static func makePool(_ n: Int) throws -> (URL, [PoolTrack]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-pool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var pool: [PoolTrack] = []
        for i in 0..<n {
            let level = Float(i % 5) / 10 - 0.2
            let samples = (0..<(1600 + 300 * i)).map { k in level + 0.05 * Float(sin(Double(k) * 0.1)) }
            let path = dir.appendingPathComponent("t\(i).wav").path
            try WAVWriter.write(samples, to: path, sampleRate: 16000, channels: 1, format: .float32)
            pool.append(PoolTrack(id: Int64(100 + i), path: path, duration: Double(samples.count) / 16000))
        }
        return (dir, pool)
    }

    @Test("a crashed run, restarted, ends with exactly the labels of an uninterrupted one")
    func resumable() async throws {
        let (dir, pool) = try Self.makePool(11)
        defer { try? FileManager.default.removeItem(at: dir) }
        var broken = pool
        broken.append(PoolTrack(id: 999, path: dir.appendingPathComponent("missing.wav").path, duration: 1))
        let labeler = try PseudoLabeler(teacher: MeanModel(), options: FullTrackOptions(), commitEvery: 3)
        let reference = MemoryStore()
        let full = try await labeler.label(pool: broken, run: 1, store: reference)
        #expect(full.labeled == 11 && full.failed.count == 1)
        #expect(full.failed.keys.first?.hasSuffix("missing.wav") == true)
        // The failure reaches the store with its track, for a shard merge to report.
        #expect(reference.failures[999]?.path.hasSuffix("missing.wav") == true)
        #expect(reference.failures[999]?.error.isEmpty == false)

        let crashing = MemoryStore()
        crashing.failAfterCommits = 2
        await #expect(throws: MemoryStore.Crash.self) { try await labeler.label(pool: broken, run: 1, store: crashing) }
        #expect(crashing.labels.count == 6)
        crashing.failAfterCommits = nil
        let resumed = try await labeler.label(pool: broken, run: 1, store: crashing)
        #expect(resumed.alreadyLabeled == 6 && resumed.labeled == 5)
        #expect(crashing.labels == reference.labels)
        #expect(full.confidenceHistogram["key"]?.reduce(0, +) == 11)
        #expect(full.classCounts["key"]?.values.reduce(0, +) == 11)
    }

    @Test("shards are disjoint and cover the pool")
    func shards() throws {
        let pool = (0..<20).map { PoolTrack(id: Int64($0 * 7), path: "p\($0)", duration: 1) }
        let a = try PseudoLabeler(teacher: MeanModel(), options: FullTrackOptions(), shardIndex: 0, shardCount: 2).shard(of: pool)
        let b = try PseudoLabeler(teacher: MeanModel(), options: FullTrackOptions(), shardIndex: 1, shardCount: 2).shard(of: pool)
        #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
        #expect(a.count + b.count == pool.count)
    }

    @Test("selection: threshold, hard labels and class balancing")
    func selection() {
        let tasks = [TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b"]),
                     TaskSpec(name: "inst", kind: .multiLabel, classes: ["p", "q"])]
        var labels: [Int64: [String: PseudoLabel]] = [:]
        var tracks: [Int64: (path: String, duration: Double)] = [:]
        // Five tracks of class a (confidences .95 .9 .8 .7 .55), one of class b (.6).
        let aConf: [Float] = [0.95, 0.9, 0.8, 0.7, 0.55]
        for (i, c) in aConf.enumerated() {
            labels[Int64(i)] = ["key": PseudoLabel(trackId: Int64(i), task: "key", probabilities: [c, 1 - c]),
                                "inst": PseudoLabel(trackId: Int64(i), task: "inst", probabilities: [0.9, 0.2])]
            tracks[Int64(i)] = ("t\(i)", 30)
        }
        labels[10] = ["key": PseudoLabel(trackId: 10, task: "key", probabilities: [0.4, 0.6])]
        tracks[10] = ("t10", 30)

        var options = PseudoLabelOptions()
        options.confidenceThreshold = 0.6
        options.soft = false
        options.balancePerClass = 3
        let (examples, summary) = PseudoLabelSelection(options: options, tasks: tasks).select(labels, tracks: tracks)
        #expect(summary.candidates == 6 && summary.belowThreshold == 1)
        // Class a keeps its 3 most confident of 4; class b's single track is duplicated to 3.
        #expect(summary.droppedByBalancing == 1 && summary.duplicated == 2)
        #expect(examples.count == 6)
        #expect(Set(examples.filter { $0.targets["key"] == .classIndex(0) }.map(\.id)) == [0, 1, 2])
        #expect(examples.filter { $0.id == 10 }.count == 3)
        #expect(examples.first { $0.id == 0 }?.targets["inst"] == .classSet([0]))
        #expect(summary.classCounts == ["a": 3, "b": 3])

        let soft = PseudoLabelSelection(options: PseudoLabelOptions(), tasks: tasks).select(labels, tracks: tracks)
        #expect(soft.examples.count == 6)
        #expect(soft.examples.first { $0.id == 10 }?.targets["key"] == .probabilities([0.4, 0.6]))
    }

    @Test("selection: the most confident fraction of each class, with the kept fraction per class and the mean confidence")
    func topFractionPerClass() {
        let tasks = [TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b"])]
        var labels: [Int64: [String: PseudoLabel]] = [:]
        var tracks: [Int64: (path: String, duration: Double)] = [:]
        // Class a: 4 tracks (.95 .9 .8 .7); class b: 2 tracks (.65 .6).
        for (i, c) in [Float(0.95), 0.9, 0.8, 0.7, 0.35, 0.4].enumerated() {
            labels[Int64(i)] = ["key": PseudoLabel(trackId: Int64(i), task: "key", probabilities: [c, 1 - c])]
            tracks[Int64(i)] = ("t\(i)", 30)
        }
        var options = PseudoLabelOptions()
        options.topFractionPerClass = 0.5
        let (examples, summary) = PseudoLabelSelection(options: options, tasks: tasks).select(labels, tracks: tracks)
        // Half of a (2 of 4: the two most confident) and half of b (1 of 2: .65), in track order.
        #expect(examples.map(\.id) == [0, 1, 4])
        #expect(summary.droppedByFraction == 3)
        #expect(summary.keptFractionPerClass == ["a": 0.5, "b": 0.5])
        #expect(abs((summary.meanConfidence ?? 0) - (0.95 + 0.9 + 0.65) / 3) < 1e-6)
    }

    @Test("per-task selection: a task left out or below its floor is masked, the track kept")
    func perTaskSelection() throws {
        let tasks = [TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b"]),
                     TaskSpec(name: "inst", kind: .multiLabel, classes: ["p", "q"])]
        // Track 0: confident instruments (confidence 0.8); track 1: near-prior ones (0.1).
        let labels: [Int64: [String: PseudoLabel]] = [
            0: ["key": PseudoLabel(trackId: 0, task: "key", probabilities: [0.7, 0.3]),
                "inst": PseudoLabel(trackId: 0, task: "inst", probabilities: [0.95, 0.15])],
            1: ["key": PseudoLabel(trackId: 1, task: "key", probabilities: [0.2, 0.8]),
                "inst": PseudoLabel(trackId: 1, task: "inst", probabilities: [0.55, 0.45])],
            2: ["inst": PseudoLabel(trackId: 2, task: "inst", probabilities: [0.5, 0.5])],
        ]
        let tracks: [Int64: (path: String, duration: Double)] = [0: ("t0", 30), 1: ("t1", 30), 2: ("t2", 30)]

        var keyOnly = PseudoLabelOptions()
        keyOnly.tasks = ["key"]
        let k = PseudoLabelSelection(options: keyOnly, tasks: tasks).select(labels, tracks: tracks)
        #expect(k.examples.map(\.id) == [0, 1])
        #expect(k.examples.allSatisfy { $0.targets["inst"] == nil && $0.targets["key"] != nil })
        #expect(k.summary.withoutTasks == 1 && k.summary.taskCounts == ["key": 2])

        var floor = PseudoLabelOptions()
        floor.taskThresholds = ["inst": 0.5]
        let f = PseudoLabelSelection(options: floor, tasks: tasks).select(labels, tracks: tracks)
        #expect(f.examples.map(\.id) == [0, 1])
        #expect(f.examples.first { $0.id == 0 }?.targets["inst"] == .probabilities([0.95, 0.15]))
        #expect(f.examples.first { $0.id == 1 }?.targets["inst"] == nil)
        #expect(f.summary.taskCounts == ["key": 2, "inst": 1])

        // A masked task really is masked in the batch the student trains on.
        let batch = try Batch.make(clips: [[Float](repeating: 0, count: 4), [Float](repeating: 0, count: 4)], sampleRate: 16000,
                                   tracks: k.examples, indices: [0, 1], tasks: tasks, failures: [])
        #expect(try batch.masks["inst"]!.toArray(Float.self) == [0, 0])
        #expect(try batch.masks["key"]!.toArray(Float.self) == [1, 1])

        // Names outside the pipeline's tasks are configuration errors.
        var config = PipelineConfig(catalog: "c", runsDirectory: "r", tasks: ["key", "inst"],
                                    schedule: KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS]))
        config.pseudoLabels.tasks = ["genre"]
        #expect(throws: PipelineError.self) { try config.validate() }
        config.pseudoLabels.tasks = ["key"]
        config.pseudoLabels.taskThresholds = ["tempo": 0.2]
        #expect(throws: PipelineError.self) { try config.validate() }
        config.pseudoLabels.taskThresholds = ["inst": 0.2]
        try config.validate()
    }

    @Test("class_confidence: a multi-label pseudo-label teaches only the classes the teacher is sure of")
    func classConfidence() throws {
        let tasks = [TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b"]),
                     TaskSpec(name: "inst", kind: .multiLabel, classes: ["p", "q", "r"])]
        let labels: [Int64: [String: PseudoLabel]] = [
            // Sure of p (0.9) and r (0.05), unsure of q (0.5).
            0: ["key": PseudoLabel(trackId: 0, task: "key", probabilities: [0.7, 0.3]),
                "inst": PseudoLabel(trackId: 0, task: "inst", probabilities: [0.9, 0.5, 0.05])],
            // Sure of nothing: the key stays, the instruments go.
            1: ["key": PseudoLabel(trackId: 1, task: "key", probabilities: [0.2, 0.8]),
                "inst": PseudoLabel(trackId: 1, task: "inst", probabilities: [0.6, 0.3, 0.7])],
            // Sure of every class: no mask needed.
            2: ["inst": PseudoLabel(trackId: 2, task: "inst", probabilities: [0.85, 0.1, 0.2])],
            // Only instruments, sure of none: no example at all.
            3: ["inst": PseudoLabel(trackId: 3, task: "inst", probabilities: [0.5, 0.5, 0.5])],
        ]
        let tracks: [Int64: (path: String, duration: Double)] = [0: ("t0", 30), 1: ("t1", 30), 2: ("t2", 30), 3: ("t3", 30)]
        var options = PseudoLabelOptions()
        options.classConfidence = ["inst": 0.8]
        let (examples, summary) = PseudoLabelSelection(options: options, tasks: tasks).select(labels, tracks: tracks)
        #expect(examples.map(\.id) == [0, 1, 2])
        #expect(examples[0].classMasks == ["inst": [1, 0, 1]] && examples[0].targets["inst"] == .probabilities([0.9, 0.5, 0.05]))
        #expect(examples[1].targets["inst"] == nil && examples[1].targets["key"] != nil && examples[1].classMasks.isEmpty)
        #expect(examples[2].classMasks.isEmpty && examples[2].targets["inst"] != nil)
        #expect(summary.withoutTasks == 1 && summary.taskCounts == ["key": 2, "inst": 2])
        // 2 + 0 + 3 + 0 of 12 (example, class) targets.
        #expect(Swift.abs((summary.learntClassShare["inst"] ?? 0) - 5.0 / 12) < 1e-12)

        // The batch carries the class masks (all ones for the example without one) …
        let batch = try Batch.make(clips: [[Float](repeating: 0, count: 4), [Float](repeating: 0, count: 4), [Float](repeating: 0, count: 4)],
                                   sampleRate: 16000, tracks: examples, indices: [0, 1, 2], tasks: tasks, failures: [])
        #expect(try batch.classMasks["inst"]!.toArray(Float.self) == [1, 0, 1, 1, 1, 1, 1, 1, 1])
        #expect(try batch.masks["inst"]!.toArray(Float.self) == [1, 0, 1])
        #expect(batch.classMasks["key"] == nil)
        // … and the loss does not see the class left out: its target and logit change nothing.
        let logits = ["key": try Tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6] as [Float], shape: [3, 2]),
                      "inst": try Tensor([1, -2, 0.5, 0, 0, 0, 2, -1, 0.3] as [Float], shape: [3, 3])]
        let loss = try MultiTaskLoss(tasks: tasks)(logits, batch).perTask["inst"]!.item()
        var moved = batch
        moved.targets["inst"] = try Tensor([0.9, 0.0, 0.05, 0, 0, 0, 0.85, 0.1, 0.2] as [Float], shape: [3, 3])
        var movedLogits = logits
        movedLogits["inst"] = try Tensor([1, 7, 0.5, 0, 0, 0, 2, -1, 0.3] as [Float], shape: [3, 3])
        #expect(Swift.abs(try MultiTaskLoss(tasks: tasks)(movedLogits, moved).perTask["inst"]!.item() - loss) < 1e-6)
        // By hand: the mean binary cross-entropy over the five counted (example, class) pairs.
        func bce(_ x: Double, _ y: Double) -> Double { Swift.max(x, 0) - x * y + Foundation.log(1 + Foundation.exp(-Swift.abs(x))) }
        let expected = (bce(1, 0.9) + bce(0.5, 0.05) + bce(2, 0.85) + bce(-1, 0.1) + bce(0.3, 0.2)) / 5
        #expect(Swift.abs(loss - expected) < 1e-5, "\(loss) vs \(expected)")
        // Without the floor every class counts, and the loss differs.
        var unmasked = batch
        unmasked.classMasks = [:]
        #expect(Swift.abs(try MultiTaskLoss(tasks: tasks)(logits, unmasked).perTask["inst"]!.item() - loss) > 1e-3)

        // Floors outside (0.5, 1] and unknown tasks are configuration errors.
        var config = PipelineConfig(catalog: "c", runsDirectory: "r", tasks: ["key", "inst"],
                                    schedule: KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS]))
        config.pseudoLabels.classConfidence = ["inst": 0.5]
        #expect(throws: PipelineError.self) { try config.validate() }
        config.pseudoLabels.classConfidence = ["genre": 0.8]
        #expect(throws: PipelineError.self) { try config.validate() }
        config.pseudoLabels.classConfidence = ["inst": 0.8]
        try config.validate()
        // From YAML, as an override (the loader refuses keys it does not know).
        let yaml = """
        catalog: c.sqlite
        runs_directory: runs/x
        tasks: [key, inst]
        schedule: {teacher: resnet-xs, students: [resnet-xs]}
        """
        let loaded = try ConfigLoader.load(PipelineConfig.self, yaml: yaml, overrides: ["pseudo_labels.class_confidence={inst: 0.9}"])
        #expect(loaded.pseudoLabels.classConfidence == ["inst": 0.9])
        // Written only when set: a configuration without it encodes (and fingerprints) as before.
        let encoded = String(decoding: try JSONEncoder().encode(PseudoLabelOptions()), as: UTF8.self)
        #expect(!encoded.contains("class_confidence"))
        #expect(String(decoding: try JSONEncoder().encode(options), as: UTF8.self).contains("\"class_confidence\":{\"inst\":0.8}"))
    }

    @Test("mixup mixes the class masks too: a mixed class counts where both examples' classes do")
    func mixupClassMasks() throws {
        let tasks = [TaskSpec(name: "inst", kind: .multiLabel, classes: ["p", "q", "r"])]
        let examples = [
            LabeledTrack(id: 0, path: "a", duration: 1, targets: ["inst": .probabilities([0.9, 0.5, 0.05])], classMasks: ["inst": [1, 0, 1]]),
            LabeledTrack(id: 1, path: "b", duration: 1, targets: ["inst": .probabilities([0.1, 0.2, 0.95])]),
        ]
        let noise = try StudentNoise(policy: AugmentationPolicy(mixup: Mixup(alpha: 0.4, lambdaPerExample: true)), tasks: tasks)
        var sawMixed = false
        for seed in 0..<8 as Range<UInt64> {
            var batch = try Batch.make(clips: [[Float](repeating: 0.1, count: 8), [Float](repeating: -0.1, count: 8)], sampleRate: 16000,
                                       tracks: examples, indices: [0, 1], tasks: tasks, failures: [])
            try noise.apply(to: &batch, generator: Generator(seed: seed))
            let masks = try batch.classMasks["inst"]!.toArray(Float.self)
            let second = try batch.targets["inst"]!.toArray(Float.self)[3..<6]
            // Example 0's own mask leaves q out whatever it is mixed with.
            #expect(Array(masks[0..<3]) == [1, 0, 1], "seed \(seed)")
            // Example 1 mixed with example 0 takes its unsure q; kept alone it keeps all three.
            let mixedWithFirst = zip(second, [0.1, 0.2, 0.95] as [Float]).contains { Swift.abs($0 - $1) > 1e-6 }
            sawMixed = sawMixed || mixedWithFirst
            #expect(Array(masks[3..<6]) == (mixedWithFirst ? [1, 0, 1] : [1, 1, 1]), "seed \(seed): \(masks) \(second)")
        }
        #expect(sawMixed, "no seed mixed the two examples")
    }

    @Test("key_transposition: decoded from YAML, removable with an override, checked against the tasks, applied by the student noise")
    func keyTransposition() throws {
        let yaml = """
        catalog: c.sqlite
        runs_directory: runs/x
        tasks: [key, inst]
        schedule: {teacher: resnet-xs, students: [resnet-xs]}
        key_transposition: {task: key, semitones: [2, 2], probability: 1}
        """
        let config = try ConfigLoader.load(PipelineConfig.self, yaml: yaml)
        #expect(config.keyTransposition == KeyTransposition(task: "key", semitones: 2...2, probability: 1))
        try config.validate()
        #expect(try ConfigLoader.load(PipelineConfig.self, yaml: yaml, overrides: ["key_transposition=null"]).keyTransposition == nil)
        let wrong = try ConfigLoader.load(PipelineConfig.self, yaml: yaml, overrides: ["key_transposition.task=genre"])
        #expect(throws: PipelineError.self) { try wrong.validate() }

        let keys = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
        let key = TaskSpec(name: "key", kind: .multiClass, classes: keys.map { "\($0) major" } + keys.map { "\($0) minor" })
        let inst = TaskSpec(name: "inst", kind: .multiLabel, classes: ["a", "b"])
        // Not a key task: refused when the noise is built, before any training.
        #expect(throws: (any Error).self) {
            try StudentNoise(policy: .none, transposition: KeyTransposition(task: "inst"), tasks: [key, inst])
        }
        // The first teacher trains without input noise unless noisy_teacher says otherwise.
        #expect(try config.teacherInputNoise(tasks: [key, inst]) == nil)
        let noisy = try ConfigLoader.load(PipelineConfig.self, yaml: yaml, overrides: ["noisy_teacher=true"])
        #expect(try noisy.teacherInputNoise(tasks: [key, inst])?.transposition?.0 == config.keyTransposition)
        let noise = try config.studentInputNoise(tasks: [key, inst])
        let tracks = [LabeledTrack(id: 1, path: "a", duration: 1, targets: ["key": .classIndex(21), "inst": .classSet([1])])]
        var batch = try Batch.make(clips: [(0..<800).map { Float(sin(Double($0) / 5)) }], sampleRate: 16000, tracks: tracks, indices: [0],
                                   tasks: [key, inst], failures: [])
        try noise.apply(to: &batch, generator: Generator(seed: 3))
        // A minor up two semitones is B minor; the instrument tags stay.
        #expect(try batch.targets["key"]!.argmax(dim: 1).toArray(Int64.self) == [23])
        #expect(try batch.targets["inst"]!.toArray(Float.self) == [0, 1])
    }

    @Test("knowledge expansion refuses a student smaller than its teacher")
    func expansion() throws {
        let tasks = [TaskSpec(name: "t", kind: .multiLabel, classes: ["a", "b"])]
        try KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS, .resnetS]).validate(tasks: tasks)
        #expect(throws: PipelineError.self) {
            try KnowledgeExpansionSchedule(teacher: .resnetS, students: [.resnetXS]).validate(tasks: tasks)
        }
    }

    @Test("student_epochs gives each round its own epochs and must match the students")
    func studentEpochs() throws {
        let tasks = [TaskSpec(name: "t", kind: .multiLabel, classes: ["a", "b"])]
        var base = TrainerConfig()
        base.epochs = 5
        let plain = KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS, .resnetS])
        #expect(plain.studentTrainer(base, round: 2).epochs == 5)
        let schedule = KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS, .resnetS], studentEpochs: [32, 16])
        try schedule.validate(tasks: tasks)
        #expect(schedule.studentTrainer(base, round: 1).epochs == 32)
        #expect(schedule.studentTrainer(base, round: 2).epochs == 16)
        #expect(schedule.studentTrainer(base, round: 2).learningRate == base.learningRate)
        #expect(throws: PipelineError.self) {
            try KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS], studentEpochs: [3, 4]).validate(tasks: tasks)
        }
        #expect(throws: PipelineError.self) {
            try KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS], studentEpochs: [0]).validate(tasks: tasks)
        }
        let yaml = "catalog: c\nruns_directory: r\ntasks: [t]\nschedule: {teacher: resnet-xs, students: [resnet-xs], student_epochs: [7]}\n"
        #expect(try ConfigLoader.load(PipelineConfig.self, yaml: yaml).schedule.studentEpochs == [7])
    }

    @Test("schedule.variant builds every stage's model; sizes are compared with it, and a preset without it is refused")
    func variant() throws {
        let tasks = [TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b", "c"]),
                     TaskSpec(name: "inst", kind: .multiLabel, classes: ["x", "y"])]
        let yaml = """
            catalog: c
            runs_directory: r
            tasks: [key, inst]
            schedule: {teacher: resnet-xs, students: [resnet-xs, resnet-s], variant: {frequency_coordinates: true, task_branch_blocks: 3}}
            """
        let config = try ConfigLoader.load(PipelineConfig.self, yaml: yaml)
        let variant = ModelVariant(frequencyCoordinates: true, taskBranchBlocks: 3)
        #expect(config.schedule.variant == variant)
        try config.schedule.validate(tasks: tasks)
        let branched = try KnowledgeExpansionSchedule.parameterCount(.resnetXS, tasks: tasks, variant: variant)
        #expect(try branched > KnowledgeExpansionSchedule.parameterCount(.resnetXS, tasks: tasks))
        // Without the key the models are the published ones.
        let plain = try ConfigLoader.load(PipelineConfig.self, yaml: yaml.replacingOccurrences(
            of: ", variant: {frequency_coordinates: true, task_branch_blocks: 3}", with: ""))
        #expect(plain.schedule.variant.isStandard)
        #expect {
            try KnowledgeExpansionSchedule(teacher: .mttXS, students: [.mttXS], variant: variant).validate(tasks: tasks)
        } throws: { error in
            (error as? PipelineError).map { "\($0)".contains("schedule.variant") && "\($0)".contains("mtt-xs") } ?? false
        }
        #expect(throws: PipelineError.self) {
            try ConfigLoader.load(PipelineConfig.self, yaml: yaml, overrides: ["schedule.variant.task_branch_blocks=9"])
                .schedule.validate(tasks: tasks)
        }
    }
}

@Suite struct BudgetRuleTests {
    @Test("budget_exponent: epochs grow as (P_student / P_teacher)^α where student_epochs is not given")
    func budgetRule() throws {
        let tasks = [TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b"])]
        var schedule = KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS, .resnetS])
        schedule.budgetExponent = 0.5
        var base = TrainerConfig()
        base.epochs = 10
        let p0 = Double(try KnowledgeExpansionSchedule.parameterCount(.resnetXS, tasks: tasks))
        let p1 = Double(try KnowledgeExpansionSchedule.parameterCount(.resnetS, tasks: tasks))
        #expect(try schedule.studentTrainer(base, round: 1, tasks: tasks).epochs == 10, "same size: same budget")
        #expect(try schedule.studentTrainer(base, round: 2, tasks: tasks).epochs == Int((10 * (p1 / p0).squareRoot()).rounded()))
        #expect(p1 > 2 * p0)
        // Explicit epochs win over the rule; α = 0 is no growth.
        schedule.studentEpochs = [3, 4]
        #expect(try schedule.studentTrainer(base, round: 2, tasks: tasks).epochs == 4)
        schedule.studentEpochs = nil
        schedule.budgetExponent = 0
        #expect(try schedule.studentTrainer(base, round: 2, tasks: tasks).epochs == 10)
        schedule.budgetExponent = 5
        #expect(throws: PipelineError.self) { try schedule.validate(tasks: tasks) }
    }
}
