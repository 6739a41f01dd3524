import Catalog
import Foundation
import Models
import MusicTasks
import Testing
import Torch
@testable import NoisyStudent
@testable import Training

/// Frame-level pseudo-labels: a teacher of a time-aligned task labels a pool into one file per
/// track that the catalog names; selection turns them into soft (or decoded) targets.
@Suite("Frame-level pseudo-labels", .serialized)
struct FramePseudoLabelTests {
    static let beats = TaskSpec(name: "beats", kind: .events, classes: ["beat", "downbeat"])

    /// A pool of three tracks in a catalog, a pseudo-label run, and a small temporal teacher.
    struct Fixture {
        let directory: URL
        let catalog: Catalog
        let data: CatalogPipelineData
        let pool: [PoolTrack]
        let run: Int64
        let teacher: TemporalConvNetwork

        init() throws {
            let (audio, files) = try PseudoLabelTests.makePool(3)
            directory = audio
            let path = audio.appendingPathComponent("catalog.sqlite").path
            catalog = try Catalog(path: path)
            try catalog.addTask(FramePseudoLabelTests.beats)
            let ids = try catalog.addTracks(files.enumerated().map { index, file in
                TrackMetadata(path: file.path, duration: file.duration, sampleRate: 16000, channels: 1, fileSize: 100,
                              modifiedAt: 0, contentHash: UInt64(index + 1))
            })
            try catalog.assignSplits(ids.map { SplitAssignment(trackId: $0, split: "unlabeled") })
            run = try catalog.createRun(kind: .pseudoLabel).id
            data = try CatalogPipelineData(catalogPath: path, poolSplit: "unlabeled", splitSet: Catalog.defaultSplitSet)
            pool = try data.poolTracks(split: "unlabeled", splitSet: Catalog.defaultSplitSet)
            teacher = try TemporalConvNetwork(width: 4, blocks: 2, tasks: [FramePseudoLabelTests.beats], clipSamples: 1600,
                                              generator: Generator(seed: 3))
        }

        var frameDirectory: URL { directory.appendingPathComponent("frames") }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test("the teacher's frames go to one file per track that the catalog names; resume counts the frame task")
    func labelsFramesIntoFiles() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let options = FullTrackOptions(hopFraction: 1, batchSize: 2)
        // Without a frame directory a time-aligned task is not labelled at all.
        let clipOnly = try PseudoLabeler(teacher: f.teacher, options: options)
        #expect(try await clipOnly.label(pool: f.pool, run: f.run, store: f.data).labeled == f.pool.count)
        #expect(try f.catalog.frameLabels(runId: f.run).isEmpty)

        let labeler = try PseudoLabeler(teacher: f.teacher, options: options, frameDirectory: f.frameDirectory)
        let report = try await labeler.label(pool: f.pool, run: f.run, store: f.data)
        #expect(report.labeled == f.pool.count && report.failed.isEmpty)
        let rows = try f.catalog.frameLabels(runId: f.run)
        #expect(rows.count == f.pool.count && Set(rows.map(\.task)) == ["beats"])
        #expect(report.frames["beats"] == rows.map(\.frameCount).reduce(0, +))
        #expect(try f.data.labeledTrackIDs(run: f.run, tasks: [Self.beats]) == Set(f.pool.map(\.id)))
        let again = try await labeler.label(pool: f.pool, run: f.run, store: f.data)
        #expect(again.alreadyLabeled == f.pool.count && again.labeled == 0)

        // The file holds the predictor's frames (to half precision) at its rate.
        for (row, track) in zip(rows, f.pool.sorted { $0.id < $1.id }) {
            #expect(row.trackId == track.id && row.frameRate == 50 && row.round == 1)
            let prediction = try await labeler.predictor.predict(path: track.path)
            let expected = try #require(prediction.frames?["beats"])
            let (values, rate) = try FrameLabelFile.read(path: row.path, task: "beats", classes: 2)
            #expect(rate == 50 && values.count == expected.count && values.count == row.frameCount * 2)
            #expect(zip(values, expected).allSatisfy { abs($0 - $1) <= 1e-3 })
            let confidence = (0..<row.frameCount).map { Self.beats.kind.confidence(of: Array(expected[2 * $0..<2 * $0 + 2])) }
            #expect(abs(row.confidence - confidence.reduce(0, +) / Double(row.frameCount)) < 1e-3)
        }
        // Time-aligned rows only: a clip-level task's pseudo-labels are label rows.
        try f.catalog.addTask(.multiClass("key", classes: ["a", "b"]))
        #expect(throws: CatalogError.self) {
            try f.catalog.addFrameLabels([FrameLabel(trackId: rows[0].trackId, task: "key", path: rows[0].path, frameRate: 50,
                                                     frameCount: 1, confidence: 1, round: 1)], runId: f.run)
        }
    }

    @Test("selection: a confidence floor masks frames; decoded targets are the DBN's beats; frame-only tracks become examples")
    func selection() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let labeler = try PseudoLabeler(teacher: f.teacher, options: FullTrackOptions(hopFraction: 1, batchSize: 2),
                                        frameDirectory: f.frameDirectory)
        _ = try await labeler.label(pool: f.pool, run: f.run, store: f.data)
        let rows = try f.data.framePseudoLabels(run: f.run, tasks: [Self.beats])
        var info: [Int64: (path: String, duration: Double)] = [:]
        for t in f.pool { info[t.id] = (t.path, t.duration) }

        var options = PseudoLabelOptions()
        let all = try FramePseudoTargets.load(rows, tasks: [Self.beats], options: options)
        #expect(all.statistics["beats"]?.keptFraction == 1 && all.statistics["beats"]?.tracks == f.pool.count)
        // A floor at the median frame confidence keeps about half the frames.
        let confidences = try rows.flatMap { row -> [Double] in
            let values = try FrameLabelFile.read(path: row.path, task: "beats", classes: 2).values
            return (0..<row.frameCount).map { Self.beats.kind.confidence(of: Array(values[2 * $0..<2 * $0 + 2])) }
        }.sorted()
        options.frameConfidenceThreshold = confidences[confidences.count / 2]
        let floored = try FramePseudoTargets.load(rows, tasks: [Self.beats], options: options)
        let kept = try #require(floored.statistics["beats"]).keptFraction
        #expect(kept > 0.3 && kept < 0.7, "kept \(kept)")
        let (examples, summary) = PseudoLabelSelection(options: options, tasks: []).select(groups: [], tracks: info, frames: floored.targets)
        #expect(examples.count == f.pool.count && summary.taskCounts["beats"] == f.pool.count)
        #expect(examples.allSatisfy { $0.softFrameTargets["beats"] != nil && $0.targets.isEmpty && $0.segment == nil })

        // Leaving the task out of pseudo_labels.tasks leaves nothing to learn from these tracks.
        options.tasks = ["other"]
        #expect(try FramePseudoTargets.load(rows, tasks: [Self.beats], options: options).targets.isEmpty)

        options = PseudoLabelOptions()
        options.frameTargets = .decoded
        let decoded = try FramePseudoTargets.load(rows, tasks: [Self.beats], options: options)
        for row in rows {
            let values = try FrameLabelFile.read(path: row.path, task: "beats", classes: 2).values
            let expected = try TimeAlignedDecoding.decode(values, task: Self.beats, frameRate: 50)
            #expect(decoded.targets[row.trackId]?.decoded["beats"] == expected)
            #expect(decoded.targets[row.trackId]?.posteriors.isEmpty == true)
        }
    }

    @Test("a missing or mismatched frame file is an error naming it")
    func badFiles() throws {
        let row = FrameLabel(trackId: 1, task: "beats", path: "/nonexistent/track-1.safetensors", frameRate: 50, frameCount: 3,
                             confidence: 0.5, round: 1)
        #expect(throws: (any Error).self) { try FramePseudoTargets.load([row], tasks: [Self.beats], options: PseudoLabelOptions()) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-frames-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = FrameLabelFile.url(directory: directory, trackId: 1)
        try FrameLabelFile.write(["beats": [0.1, 0.2, 0.3]], classes: ["beats": 3], frameRate: 50, trackId: 1, round: 1, to: url)
        do {
            _ = try FrameLabelFile.read(path: url.path, task: "beats", classes: 2)
            Issue.record("a file of 3 classes read as 2")
        } catch let error as PipelineError {
            #expect("\(error)".contains(url.path) && "\(error)".contains("shape"))
        }
        #expect(throws: PipelineError.self) {
            try FrameLabelFile.write(["beats": [0.1, 0.2, 0.3]], classes: ["beats": 2], frameRate: 50, trackId: 1, round: 1, to: url)
        }
    }
}

@Suite("Pool frame truth")
struct PoolFrameTruthTests {
    @Test("decoded frame pseudo-labels are scored against the renders' true beats as the test metrics score a model")
    func scoresAgainstTruth() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-truth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let task = TaskSpec(name: "beats", kind: .events, classes: ["beat"])
        // 20 s at 50 fps with a sharp activation every 0.5 s from 0.5 s on: a perfect teacher.
        var frames = [Float](repeating: 0.01, count: 1000)
        for beat in stride(from: 25, to: 1000, by: 25) { frames[beat] = 0.99 }
        let url = FrameLabelFile.url(directory: directory, trackId: 7)
        try FrameLabelFile.write(["beats": frames], classes: ["beats": 1], frameRate: 50, trackId: 7, round: 1, to: url)
        let truthBeats = stride(from: 0.5, to: 20, by: 0.5).map { String(format: "%.3f", $0) }.joined(separator: "\n")
        try truthBeats.write(to: directory.appendingPathComponent("a.beats"), atomically: true, encoding: .utf8)
        try "nothing".write(to: directory.appendingPathComponent("bad.beats"), atomically: true, encoding: .utf8)
        try "path,beats\naudio/a.flac,a.beats\naudio/b.flac,\n".write(to: directory.appendingPathComponent("truth.csv"),
                                                                      atomically: true, encoding: .utf8)
        let truth = try PoolFrameTruth.load(path: directory.appendingPathComponent("truth.csv").path, tasks: [task])
        let label = FrameLabel(trackId: 7, task: "beats", path: url.path, frameRate: 50, frameCount: 1000, confidence: 1, round: 1)
        let paths: [Int64: String] = [7: directory.appendingPathComponent("audio/a.flac").path]
        let measured = try #require(try truth.measure([label], paths: paths, tasks: [task])["beats"])
        #expect(measured.compared == 1)
        #expect((measured.metrics["beats/beat_f_measure"] ?? 0) > 0.95, "\(measured.metrics)")
        // A track without truth is not compared; an unreadable annotation names its file.
        #expect(try truth.measure([label], paths: [7: "/elsewhere/b.flac"], tasks: [task]).isEmpty)
        try "path,beats\naudio/a.flac,bad.beats\n".write(to: directory.appendingPathComponent("truth.csv"), atomically: true, encoding: .utf8)
        let broken = try PoolFrameTruth.load(path: directory.appendingPathComponent("truth.csv").path, tasks: [task])
        do {
            _ = try broken.measure([label], paths: paths, tasks: [task])
            Issue.record("an unreadable annotation was scored")
        } catch {
            #expect("\(error)".contains("bad.beats"))
        }
    }
}

@Suite("Frame pseudo-label options in YAML")
struct FramePseudoLabelOptionTests {
    static let yaml = """
    catalog: c.sqlite
    runs_directory: runs/x
    tasks: [key, beats]
    schedule: {teacher: resnet-xs, students: [resnet-xs]}
    """

    @Test("frame options decode, are written even at their defaults (the unknown-key check sees them), and leave older configurations' encoding alone")
    func options() throws {
        let plain = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml)
        #expect(plain.pseudoLabels.frameTargets == .posteriors && plain.pseudoLabels.frameConfidenceThreshold == 0)
        let encoded = String(decoding: try JSONEncoder().encode(plain.pseudoLabels), as: UTF8.self)
        #expect(!encoded.contains("frame_"))
        // Explicit defaults were refused as unknown keys when the encoding left defaults out.
        let explicit = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: [
            "pseudo_labels.frame_targets=posteriors", "pseudo_labels.frame_confidence_threshold=0", "schedule.growth_noise=0.01",
        ])
        #expect(explicit.pseudoLabels.frameTargets == .posteriors && explicit.schedule.growthNoise == 0.01)
        let decoded = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: [
            "pseudo_labels.frame_targets=decoded", "pseudo_labels.frame_confidence_threshold=0.4",
        ])
        #expect(decoded.pseudoLabels.frameTargets == .decoded && decoded.pseudoLabels.frameConfidenceThreshold == 0.4)
        #expect(throws: (any Error).self) {
            try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: ["pseudo_labels.frame_target=decoded"])
        }
        let out = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: ["pseudo_labels.frame_confidence_threshold=1.5"])
        #expect(throws: PipelineError.self) { try out.validate() }
    }
}
