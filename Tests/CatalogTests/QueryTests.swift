import Foundation
import Testing
@testable import Catalog
import MusicTasks

@Suite("Queries")
struct QueryTests {
    /// Six tracks: 0–3 in train, 4 in valid, 5 in unlabeled; human genre labels on 0, 1, 2, 4;
    /// tempo on 0; pseudo genre labels (run) on 2, 3, 5; track 6 failed.
    static func makeCatalog() throws -> (Catalog, [Int64], RunRecord) {
        let catalog = try Catalog.inMemory(root: "/data")
        try catalog.addTask(.multiClass("genre", classes: ["rock", "jazz", "pop"]))
        try catalog.addTask(.multiLabel("tags", classes: ["a", "b"]))
        try catalog.addTask(.regression("tempo"))
        var tracks = (0..<6).map { index in
            TrackMetadata(path: "t\(index).wav", duration: Double(index + 1), sampleRate: 16_000, channels: 1,
                          fileSize: 10, modifiedAt: 0, contentHash: UInt64(index))
        }
        tracks.append(TrackMetadata(path: "broken.wav", duration: nil, sampleRate: nil, channels: nil, fileSize: 1,
                                    modifiedAt: 0, contentHash: 99, status: .failed, error: "broken"))
        let ids = try catalog.addTracks(tracks)
        try catalog.assignSplits([0, 1, 2, 3, 6].map { SplitAssignment(trackId: ids[$0], split: "train") }
                                 + [SplitAssignment(trackId: ids[4], split: "valid"), SplitAssignment(trackId: ids[5], split: "unlabeled")])
        try catalog.addLabels([
            LabelInput(trackId: ids[0], task: "genre", value: .classIndex(0)),
            LabelInput(trackId: ids[1], task: "genre", value: .classIndex(1)),
            LabelInput(trackId: ids[2], task: "genre", value: .classIndex(1)),
            LabelInput(trackId: ids[4], task: "genre", value: .classIndex(2)),
            LabelInput(trackId: ids[0], task: "tempo", value: .number(120)),
            LabelInput(trackId: ids[1], task: "tempo", value: .number(80)),
            LabelInput(trackId: ids[0], task: "tags", value: .classSet([0, 1])),
        ])
        let teacher = try catalog.createRun(kind: .teacher)
        let pseudo = try catalog.createRun(kind: .pseudoLabel, parent: teacher.id)
        try catalog.addLabels([
            LabelInput(trackId: ids[2], task: "genre", value: .probabilities([0.8, 0.1, 0.1]), confidence: 0.8),
            LabelInput(trackId: ids[3], task: "genre", value: .probabilities([0.2, 0.2, 0.6]), confidence: 0.6),
            LabelInput(trackId: ids[5], task: "genre", value: .probabilities([0.1, 0.7, 0.2]), confidence: 0.7),
        ], source: .pseudo(runId: pseudo.id))
        return (catalog, ids, pseudo)
    }

    @Test("split listing returns ok tracks in id order with labels aligned to the tasks asked for")
    func splitListing() throws {
        let (catalog, ids, _) = try Self.makeCatalog()
        let train = try catalog.tracks(inSplit: "train", tasks: ["tempo", "genre"])
        #expect(train.map(\.id) == Array(ids[0...3]))
        #expect(train.map(\.path) == ["/data/t0.wav", "/data/t1.wav", "/data/t2.wav", "/data/t3.wav"])
        #expect(train.map(\.duration) == [1, 2, 3, 4])
        #expect(train.map { $0.labels[0]?.value } == [.number(120), .number(80), nil, nil])
        #expect(train.map { $0.labels[1]?.value } == [.classIndex(0), .classIndex(1), .classIndex(1), nil])
        #expect(train.allSatisfy { $0.labels.compactMap { $0 }.allSatisfy { $0.source == .human } })
        let labelled = try catalog.tracks(inSplit: "train", tasks: ["genre"], requireAllLabels: true)
        #expect(labelled.map(\.id) == Array(ids[0...2]))
        #expect(try catalog.tracks(inSplit: "nope", tasks: ["genre"]).isEmpty)
        #expect(throws: CatalogError.unknownTask("mood")) { try catalog.tracks(inSplit: "train", tasks: ["mood"]) }
        #expect(throws: CatalogError.self) { try catalog.tracks(inSplit: "train", splitSet: "nope", tasks: []) }
    }

    @Test("human labels are preferred over pseudo-labels when both are asked for")
    func noisyStudentSelection() throws {
        let (catalog, ids, pseudo) = try Self.makeCatalog()
        let train = try catalog.tracks(inSplit: "train", tasks: ["genre"], labels: .humanOrPseudo(runId: pseudo.id))
        #expect(train.map { $0.labels[0]?.source } == [.human, .human, .human, .pseudo(runId: pseudo.id)])
        #expect(train[3].labels[0]?.confidence == 0.6)
        let pseudoOnly = try catalog.tracks(inSplit: "train", tasks: ["genre"], labels: .pseudo(runId: pseudo.id))
        #expect(pseudoOnly.map { $0.labels[0] != nil } == [false, false, true, true])
        #expect(pseudoOnly[2].labels[0]?.value.argmax == 0)
        _ = ids
    }

    @Test("the unlabeled pool is the ok tracks without a label of the task among the selected sources")
    func unlabeledPool() throws {
        let (catalog, ids, pseudo) = try Self.makeCatalog()
        #expect(try catalog.unlabeledTracks(task: "genre").map(\.id) == [ids[3], ids[5]])
        #expect(try catalog.unlabeledTracks(task: "genre", labels: .humanOrPseudo(runId: pseudo.id)).isEmpty)
        #expect(try catalog.unlabeledTracks(task: "genre", split: "unlabeled").map(\.id) == [ids[5]])
        #expect(try catalog.unlabeledTracks(task: "tempo").count == 4)
        #expect(try catalog.unlabeledTracks(task: "tempo", split: "train").map(\.path) == ["/data/t2.wav", "/data/t3.wav"])
    }

    @Test("counts per split and task")
    func splitCounts() throws {
        let (catalog, _, pseudo) = try Self.makeCatalog()
        let counts = try catalog.splitCounts()
        #expect(counts.map(\.split) == ["train", "unlabeled", "valid"])
        #expect(counts.map(\.tracks) == [4, 1, 1], "the failed track is not counted")
        #expect(counts[0].labeled == ["genre": 3, "tempo": 2, "tags": 1])
        #expect(counts[1].labeled.isEmpty)
        let withPseudo = try catalog.splitCounts(labels: .humanOrPseudo(runId: pseudo.id))
        #expect(withPseudo[0].labeled["genre"] == 4 && withPseudo[1].labeled["genre"] == 1)
    }

    @Test("label distributions: hard, soft, per split, regression")
    func distribution() throws {
        let (catalog, _, pseudo) = try Self.makeCatalog()
        let human = try catalog.labelDistribution(task: "genre")
        #expect(human.labeledTracks == 4 && human.softLabels == 0)
        #expect(human.classes.map(\.count) == [1, 2, 1])
        let train = try catalog.labelDistribution(task: "genre", split: "train")
        #expect(train.classes.map(\.count) == [1, 2, 0])
        let soft = try catalog.labelDistribution(task: "genre", labels: .pseudo(runId: pseudo.id))
        #expect(soft.labeledTracks == 3 && soft.softLabels == 3)
        #expect(soft.classes.map(\.count) == [1, 1, 1])
        #expect(abs(soft.classes[0].mass - 1.1) < 0.01)
        let mixed = try catalog.labelDistribution(task: "genre", labels: .humanOrPseudo(runId: pseudo.id))
        #expect(mixed.labeledTracks == 6 && mixed.softLabels == 2, "track 2's pseudo-label yields to its human label")
        #expect(mixed.classes.map(\.count) == [1, 3, 2])
        let tempo = try catalog.labelDistribution(task: "tempo")
        #expect(tempo.labeledTracks == 2)
        #expect(tempo.numeric == NumericSummary(count: 2, minimum: 80, maximum: 120, mean: 100, standardDeviation: 20))
        let tags = try catalog.labelDistribution(task: "tags")
        #expect(tags.classes.map(\.count) == [1, 1])
        #expect(tags.description.contains("tags (multiLabel): 1 labelled tracks"))
    }

    @Test("stats summarise tracks, tasks, splits and runs")
    func stats() throws {
        let (catalog, _, pseudo) = try Self.makeCatalog()
        try catalog.finishRun(pseudo.id, metrics: ["count": 3])
        let stats = try catalog.stats()
        #expect(stats.tracks == 6 && stats.failedTracks == 1 && stats.totalDuration == 21)
        #expect(stats.tasks.map(\.humanLabels) == [4, 1, 2])
        #expect(stats.tasks.map(\.pseudoLabels) == [3, 0, 0])
        #expect(stats.splitSets.first?.splits == ["train": 4, "valid": 1, "unlabeled": 1])
        #expect(stats.runs == [.running: 1, .finished: 1])
        let text = stats.description
        #expect(text.contains("6 ok, 1 failed"))
        #expect(text.contains("genre (multiClass, 3 classes): 4 human, 3 pseudo labels"))
        #expect(text.contains("default: train 4, unlabeled 1, valid 1"))
    }
}

@Suite("Runs")
struct RunTests {
    struct Config: Codable, Sendable {
        var learningRate: Double
        var epochs: Int
    }

    @Test("create, finish with metrics, and lineage")
    func lifecycle() throws {
        let catalog = try Catalog.inMemory(root: "/")
        let teacher = try catalog.createRun(kind: .teacher, config: Config(learningRate: 0.001, epochs: 10))
        #expect(teacher.status == .running && teacher.parentRunId == nil)
        #expect(teacher.config == #"{"epochs":10,"learningRate":0.001}"#)
        let pseudo = try catalog.createRun(kind: .pseudoLabel, parent: teacher.id)
        let student = try catalog.createRun(kind: .student, configJSON: #"{"noise": true}"#, parent: pseudo.id)
        let finished = try catalog.finishRun(teacher.id, metrics: ["mAP": 0.41, "loss": 0.2])
        #expect(finished.status == .finished && finished.finishedAt != nil)
        #expect(finished.metricValues == ["mAP": 0.41, "loss": 0.2])
        #expect(try catalog.lineage(of: student.id).map(\.id) == [student.id, pseudo.id, teacher.id])
        #expect(try catalog.lineage(of: student.id).map(\.kind) == [.student, .pseudoLabel, .teacher])
        #expect(try catalog.lineage(of: teacher.id).map(\.id) == [teacher.id])
        #expect(try catalog.runs(kind: .student).map(\.id) == [student.id])
        #expect(try catalog.runs().count == 3)
    }

    @Test("misuse is refused and nothing is written")
    func errors() throws {
        let catalog = try Catalog.inMemory(root: "/")
        let run = try catalog.createRun(kind: .teacher)
        #expect(throws: CatalogError.unknownRun(id: 77)) { try catalog.createRun(kind: .student, parent: 77) }
        #expect(throws: CatalogError.self) { try catalog.createRun(kind: .student, configJSON: "{not json") }
        #expect(throws: CatalogError.unknownRun(id: 77)) { try catalog.lineage(of: 77) }
        #expect(throws: CatalogError.self) { try catalog.finishRun(run.id, metrics: ["x": .nan]) }
        #expect(throws: CatalogError.self) { try catalog.finishRun(run.id, metricsJSON: "[1,") }
        #expect(throws: CatalogError.self) { try catalog.finishRun(run.id, metricsJSON: "{}", status: .running) }
        try catalog.finishRun(run.id, metricsJSON: "{}", status: .failed)
        #expect(throws: CatalogError.runNotRunning(id: run.id, status: "failed")) { try catalog.finishRun(run.id, metricsJSON: "{}") }
        #expect(try catalog.runs().count == 1)
        #expect(try catalog.run(id: run.id)?.status == .failed)
    }
}
