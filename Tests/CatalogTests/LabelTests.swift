import Foundation
import GRDB
import Testing
@testable import Catalog
import MusicTasks

@Suite("Labels")
struct LabelTests {
    /// A catalog with three tracks and three tasks.
    static func makeCatalog() throws -> (Catalog, [Int64]) {
        let catalog = try Catalog.inMemory(root: "/data")
        try catalog.addTask(.multiClass("genre", classes: ["rock", "jazz", "pop"]))
        try catalog.addTask(.multiLabel("tags", classes: ["a", "b", "c", "d"]))
        try catalog.addTask(.regression("tempo"))
        let ids = try catalog.addTracks((0..<3).map { index in
            TrackMetadata(path: "t\(index).wav", duration: 10, sampleRate: 44_100, channels: 2, fileSize: 100,
                          modifiedAt: 0, contentHash: UInt64(index))
        })
        return (catalog, ids)
    }

    @Test("every value kind round-trips, probabilities at float16 precision")
    func roundTrip() throws {
        let (catalog, ids) = try Self.makeCatalog()
        let run = try catalog.createRun(kind: .pseudoLabel)
        try catalog.addLabels([
            LabelInput(trackId: ids[0], task: "genre", value: .classIndex(2)),
            LabelInput(trackId: ids[0], task: "tags", value: .classSet(from: [3, 0, 3])),
            LabelInput(trackId: ids[0], task: "tempo", value: .number(123.25)),
        ])
        try catalog.addLabels([
            LabelInput(trackId: ids[0], task: "genre", value: .probabilities([0.1, 0.7, 0.2]), confidence: 0.7),
            LabelInput(trackId: ids[0], task: "tags", value: .probabilities([0.9, 0.01, 0.5, 1])),
        ], source: .pseudo(runId: run.id))
        let labels = try catalog.labels(ofTrack: ids[0])
        #expect(labels.count == 5)
        let human = labels.filter { $0.source == .human }
        #expect(human.map(\.value) == [.classIndex(2), .classSet([0, 3]), .number(123.25)])
        let soft = labels.filter { $0.source == .pseudo(runId: run.id) }
        #expect(soft.first?.confidence == 0.7)
        guard case .probabilities(let genre)? = soft.first?.value else {
            Issue.record("expected probabilities, got \(String(describing: soft.first))")
            return
        }
        for (got, want) in zip(genre, [Float(0.1), 0.7, 0.2]) {
            #expect(abs(got - want) < 1e-3)
        }
        // A soft 4-class label takes 8 bytes.
        let size = try catalog.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT length(value) FROM label WHERE form = 3 AND taskId = (SELECT id FROM task WHERE name = 'tags')")
        }
        #expect(size == 8)
    }

    @Test("float16 conversion rounds to nearest and handles extremes")
    func halfFloat() {
        for value: Float in [0, 1, -2, 0.5, 0.333333, 65504, 6.1e-5, 5.96e-8, 1e-3] {
            let back = HalfFloat.float(from: HalfFloat.bits(from: value))
            #expect(abs(back - value) <= max(abs(value) * 1e-3, 6e-8), "\(value) → \(back)")
        }
        #expect(HalfFloat.float(from: HalfFloat.bits(from: 1e6)) == .infinity)
        #expect(HalfFloat.float(from: HalfFloat.bits(from: .nan)).isNaN)
        #expect(HalfFloat.bits(from: 1) == 0x3c00)
        #expect(HalfFloat.bits(from: -2) == 0xc000)
        #expect(HalfFloat.bits(from: 65504) == 0x7bff)
    }

    @Test("a label is unique per track, task, source and run; re-adding reports unchanged or changed")
    func uniqueness() throws {
        let (catalog, ids) = try Self.makeCatalog()
        let first = try catalog.addLabel(LabelInput(trackId: ids[1], task: "genre", value: .classIndex(0)))
        #expect(first.inserted == 1)
        let same = try catalog.addLabel(LabelInput(trackId: ids[1], task: "genre", value: .classIndex(0)))
        #expect(same.unchanged == 1 && same.inserted == 0)
        let changed = try catalog.addLabel(LabelInput(trackId: ids[1], task: "genre", value: .classIndex(1)))
        #expect(changed.changed == 1)
        let runA = try catalog.createRun(kind: .pseudoLabel)
        let runB = try catalog.createRun(kind: .pseudoLabel)
        try catalog.addLabel(LabelInput(trackId: ids[1], task: "genre", value: .classIndex(2)), source: .pseudo(runId: runA.id))
        try catalog.addLabel(LabelInput(trackId: ids[1], task: "genre", value: .classIndex(2)), source: .pseudo(runId: runB.id))
        #expect(try catalog.labels(ofTrack: ids[1]).count == 3)
        // The database itself refuses a second human label for the same track and task.
        #expect(throws: DatabaseError.self) {
            try catalog.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO label(trackId, taskId, source, runId, form, value)
                    VALUES (?, (SELECT id FROM task WHERE name = 'genre'), 'human', NULL, 0, 1)
                    """, arguments: [ids[1]])
            }
        }
        #expect(try catalog.removeLabels(source: .pseudo(runId: runA.id)) == 1)
        #expect(try catalog.labels(ofTrack: ids[1]).count == 2)
    }

    @Test("values that do not fit the task are refused", arguments: [
        ("genre", LabelValue.classIndex(3)),
        ("genre", LabelValue.classSet([0])),
        ("genre", LabelValue.probabilities([0.5, 0.5])),
        ("tags", LabelValue.classSet([1, 0])),
        ("tags", LabelValue.classSet([4])),
        ("tags", LabelValue.probabilities([0.5, 0.5, 0.5, 1.5])),
        ("tempo", LabelValue.number(.nan)),
        ("tempo", LabelValue.classIndex(0)),
    ])
    func invalid(task: String, value: LabelValue) throws {
        let (catalog, ids) = try Self.makeCatalog()
        #expect(throws: CatalogError.self) {
            try catalog.addLabel(LabelInput(trackId: ids[0], task: task, value: value))
        }
    }

    @Test("a bulk write with one bad label writes nothing")
    func bulkRollback() throws {
        let (catalog, ids) = try Self.makeCatalog()
        var labels = ids.map { LabelInput(trackId: $0, task: "genre", value: .classIndex(0)) }
        labels.insert(LabelInput(trackId: ids[0], task: "tempo", value: .number(90)), at: 0)
        labels.append(LabelInput(trackId: 9_999, task: "genre", value: .classIndex(0)))
        #expect(throws: CatalogError.unknownTrack(id: 9_999)) { try catalog.addLabels(labels) }
        labels.removeLast()
        labels.append(LabelInput(trackId: ids[2], task: "nope", value: .classIndex(0)))
        #expect(throws: CatalogError.unknownTask("nope")) { try catalog.addLabels(labels) }
        #expect(throws: CatalogError.unknownRun(id: 42)) { try catalog.addLabels([labels[0]], source: .pseudo(runId: 42)) }
        for id in ids {
            #expect(try catalog.labels(ofTrack: id).isEmpty)
        }
        labels.removeLast()
        #expect(try catalog.addLabels(labels).inserted == 4)
    }

    @Test("split assignments move tracks and roll back on an unknown track")
    func splits() throws {
        let (catalog, ids) = try Self.makeCatalog()
        #expect(try catalog.assignSplits([SplitAssignment(trackId: ids[0], split: "train"),
                                          SplitAssignment(trackId: ids[1], split: "test")]) == 2)
        #expect(try catalog.assignSplits([SplitAssignment(trackId: ids[0], split: "train")]) == 0)
        #expect(try catalog.assignSplits([SplitAssignment(trackId: ids[0], split: "valid")]) == 1)
        #expect(try catalog.split(ofTrack: ids[0]) == "valid")
        #expect(throws: CatalogError.unknownTrack(id: -1)) {
            try catalog.assignSplits([SplitAssignment(trackId: ids[2], split: "train"), SplitAssignment(trackId: -1, split: "train")])
        }
        #expect(try catalog.split(ofTrack: ids[2]) == nil)
        #expect(throws: CatalogError.self) { try catalog.assignSplits([SplitAssignment(trackId: ids[2], split: " ")]) }
        try catalog.assignSplits([SplitAssignment(trackId: ids[2], split: "train")], splitSet: "fold-1")
        #expect(try catalog.splitSets() == ["default", "fold-1"])
        #expect(try catalog.removeSplitSet("fold-1"))
        #expect(try catalog.split(ofTrack: ids[2], splitSet: "fold-1") == nil)
    }
}
