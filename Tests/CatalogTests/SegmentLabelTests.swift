import Foundation
import Testing
@testable import Catalog

@Suite("Segment labels")
struct SegmentLabelTests {
    func label(_ track: Int64, _ task: String = "genre", start: Double, confidence: Double, p: [Float] = [0.1, 0.7, 0.2],
               round: Int = 1) -> SegmentLabel {
        SegmentLabel(trackId: track, task: task, start: start, duration: 15, probabilities: p, confidence: confidence,
                     entropy: 0.5, round: round)
    }

    @Test("segments round-trip exactly, a resumed write replaces, selection by run, task and confidence")
    func roundTripAndSelection() throws {
        let (catalog, ids) = try LabelTests.makeCatalog()
        let run = try catalog.createRun(kind: .pseudoLabel), other = try catalog.createRun(kind: .pseudoLabel)
        let p: [Float] = [0.123456789, 1e-7, 0.876543]
        try catalog.addSegmentLabels([label(ids[0], start: 0, confidence: 0.9, p: p), label(ids[0], start: 15, confidence: 0.4),
                                      label(ids[1], start: 0, confidence: 0.6),
                                      label(ids[1], "tags", start: 0, confidence: 0.2, p: [0.1, 0.2, 0.3, 0.4])], runId: run.id)
        try catalog.addSegmentLabels([label(ids[2], start: 0, confidence: 1, round: 2)], runId: other.id)
        let all = try catalog.segmentLabels(runId: run.id)
        #expect(all.count == 4)
        #expect(all.first == label(ids[0], start: 0, confidence: 0.9, p: p), "float32 probabilities are stored bit-exactly")
        #expect(try catalog.segmentLabels(runId: run.id, tasks: ["genre"], minimumConfidence: 0.5).map(\.start) == [0, 0])
        #expect(try catalog.segmentLabels(runId: run.id, tasks: ["tags"]).count == 1)
        #expect(try catalog.segmentLabels(runId: other.id).map(\.round) == [2])
        #expect(try catalog.segmentLabels(runId: other.id, round: 1).isEmpty)
        #expect(try catalog.segmentLabels(runId: other.id, minimumConfidence: 0.5, round: 2).count == 1)
        #expect(try catalog.segmentLabelledTasks(runId: run.id) == [ids[0]: ["genre"], ids[1]: ["genre", "tags"]])

        // The same segment written again (a resumed run) replaces, never duplicates.
        try catalog.addSegmentLabels([label(ids[0], start: 15, confidence: 0.45)], runId: run.id)
        let again = try catalog.segmentLabels(runId: run.id, tasks: ["genre"])
        #expect(again.count == 3 && again[1].confidence == 0.45)
    }

    @Test("a bad segment rejects the whole write, naming the task and track")
    func invalidWritesNothing() throws {
        let (catalog, ids) = try LabelTests.makeCatalog()
        let run = try catalog.createRun(kind: .pseudoLabel)
        #expect(throws: CatalogError.self) {
            try catalog.addSegmentLabels([label(ids[0], start: 0, confidence: 0.9), label(ids[1], start: -1, confidence: 0.9)], runId: run.id)
        }
        #expect(throws: CatalogError.self) {
            try catalog.addSegmentLabels([label(ids[0], start: 0, confidence: 0.9), label(ids[1], "nope", start: 0, confidence: 0.9)], runId: run.id)
        }
        #expect(throws: CatalogError.self) { try catalog.addSegmentLabels([label(ids[0], start: 0, confidence: .nan)], runId: run.id) }
        #expect(throws: CatalogError.self) { try catalog.addSegmentLabels([label(ids[0], start: 0, confidence: 1)], runId: 999) }
        #expect(try catalog.segmentLabels(runId: run.id).isEmpty)
    }
}
