import Audio
import Catalog
import Foundation
import Models
import Testing
import Torch
@testable import Training
@testable import NoisyStudent
import MusicTasks

/// A teacher labels each window of a pool track, and the student's example of a window is cut
/// from that window: a track whose halves differ gets two different labels, each learnt from its half.
@Suite("Segment pseudo-labels")
struct SegmentPseudoLabelTests {
    @Test func eachWindowIsLabelledAndLearntFromItself() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-seg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 1600 samples: the first 800 at +0.3 (class a), the next 800 at −0.3 (class b). MeanModel's clip is 800.
        let samples = (0..<1600).map { k in k < 800 ? Float(0.3) : Float(-0.3) }
        let path = dir.appendingPathComponent("halves.wav").path
        try WAVWriter.write(samples, to: path, sampleRate: 16000, channels: 1, format: .float32)
        let pool = [PoolTrack(id: 7, path: path, duration: 0.1)]

        let store = SegmentMemoryStore()
        let labeler = try PseudoLabeler(teacher: MeanModel(), options: FullTrackOptions(), granularity: .segment, round: 2)
        let report = try await labeler.label(pool: pool, run: 1, store: store)
        #expect(report.labeled == 1)
        let key = store.labels.filter { $0.task == "key" }
        #expect(key.map(\.segment) == [TrackSegment(start: 0, duration: 0.05), TrackSegment(start: 0.05, duration: 0.05)])
        #expect(key.map(\.topClass) == [0, 1], "the halves differ, so their labels must")
        #expect(store.labels.allSatisfy { $0.round == 2 })
        #expect(store.labels.count == 4, "2 windows × 2 tasks")
        // Resume: the track is done for [key, inst] in the segment store.
        #expect(try store.labeledTrackIDs(run: 1, tasks: [MeanModel.key, MeanModel.inst]) == [7])

        var options = PseudoLabelOptions()
        options.soft = false
        let groups = PseudoLabelSelection.groups(segments: store.labels)
        #expect(groups.count == 2 && groups.allSatisfy { $0.labels.count == 2 })
        let (examples, summary) = PseudoLabelSelection(options: options, tasks: [MeanModel.key, MeanModel.inst])
            .select(groups: groups, tracks: [7: (path, 0.1)])
        #expect(summary.candidates == 2 && examples.count == 2)
        #expect(examples.map(\.segment?.start) == [0, 0.05])
        #expect(examples.map { $0.targets["key"] } == [.classIndex(0), .classIndex(1)])

        // The loader cuts each example from its own window: the clip's level is its half's.
        let loader = try ClipLoader(tracks: examples, tasks: [MeanModel.key],
                                    config: ClipLoaderConfig(batchSize: 2, clipSamples: 800, shuffle: false, crop: .random))
        for i in examples.indices {
            let clip = try loader.clip(track: i, epoch: 3)
            let mean = clip.reduce(0, +) / Float(clip.count)
            #expect(abs(mean - (i == 0 ? 0.3 : -0.3)) < 1e-4, "example \(i) was cut outside its window (mean \(mean))")
        }

        // Agreement is counted per segment against the track's truth: one of two windows is right.
        let truth = [LabeledTrack(id: 7, path: path, duration: 0.1, targets: ["key": .classIndex(0)])]
        let agreement = PseudoLabelAgreement.measure(groups: groups, truth: truth, tasks: [MeanModel.key])
        #expect(agreement["key"]?.tracks == 2 && agreement["key"]?.agreement == 0.5)
    }

    @Test func entropyIsNormalised() {
        #expect(PseudoLabel(trackId: 0, task: "k", probabilities: [1, 0, 0]).normalizedEntropy(kind: .multiClass) == 0)
        #expect(abs(PseudoLabel(trackId: 0, task: "k", probabilities: [0.25, 0.25, 0.25, 0.25]).normalizedEntropy(kind: .multiClass) - 1) < 1e-9)
        #expect(abs(PseudoLabel(trackId: 0, task: "t", probabilities: [0.5, 0.5]).normalizedEntropy(kind: .multiLabel) - 1) < 1e-9)
        #expect(PseudoLabel(trackId: 0, task: "t", probabilities: [1, 0]).normalizedEntropy(kind: .multiLabel) == 0)
    }
}

/// Keeps every label with its segment, as the catalog's segment table does.
final class SegmentMemoryStore: PseudoLabelStore, @unchecked Sendable {  // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private(set) var labels: [PseudoLabel] = []

    func labeledTrackIDs(run: Int64, tasks: [TaskSpec]) throws -> Set<Int64> {
        lock.lock(); defer { lock.unlock() }
        let names = Set(tasks.map(\.name))
        return Set(Dictionary(grouping: labels, by: \.trackId).filter { names.isSubset(of: Set($0.value.map(\.task))) }.keys)
    }

    func store(_ new: [PseudoLabel], frames: [FrameLabel], failures: [PseudoLabelFailure], run: Int64, tasks: [TaskSpec]) throws {
        lock.lock(); defer { lock.unlock() }
        labels += new
    }
}
