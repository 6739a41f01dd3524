import Foundation
import GRDB
import Testing
@testable import Catalog
import MusicTasks

@Suite("Time-aligned labels: beats and chords in the catalog")
struct TimeAlignedLabelTests {
    static let tasks: [TaskSpec] = [
        TaskSpec(name: "beats", kind: .events, classes: ["beat", "downbeat"]),
        TaskSpec(name: "chords", kind: .segments, classes: ["N", "C:maj", "A:min"]),
        .multiClass("genre", classes: ["rock", "jazz"]),
    ]

    @Test("a manifest names beat and .lab files; they are stored, read back exactly, and bad files are reported by path and line")
    func importsAnnotationFiles() async throws {
        try await withCatalog { catalog, directory in
            for name in ["a", "b", "c"] { try directory.write("audio/\(name).wav", name) }
            try directory.write("ann/a.beats", "# Böck style\n0.50\t1\n1.00\t2\n1.5 3\r\n2.0\t1\n")
            try directory.write("ann/a.lab", "0.0 1.25 C:maj\n1.25\t2.5\tA:min7/b3\n2.5 3.0 N\n")
            try directory.write("ann/b.beats", "0.5\n0.4\n")  // line 2 goes back in time
            try directory.write("ann/b.lab", "0.0 1.0 C:maj\n1.0 0.5 N\n")  // line 2 ends before it starts
            // A JAMS file for c: beats with bar positions and its chords (mirdata's releases).
            try directory.write("ann/c.jams", #"""
                {"annotations": [
                 {"namespace": "beat_position", "data": [
                  {"time": 0.25, "duration": 0, "value": {"position": 1, "measure": 1, "num_beats": 2, "beat_units": 4}},
                  {"time": 0.75, "duration": 0, "value": {"position": 2, "measure": 1, "num_beats": 2, "beat_units": 4}}]},
                 {"namespace": "chord", "data": [{"time": 0, "duration": 1.5, "value": "A:min", "confidence": 1}]}]}
                """#)
            try directory.write("m.csv", """
                path,split,genre,beats,chords
                audio/a.wav,train,rock,ann/a.beats,ann/a.lab
                audio/b.wav,train,jazz,ann/b.beats,ann/b.lab
                audio/c.wav,train,rock,ann/missing.beats,ann/c.jams

                """)
            let report = try await ManifestImporter(manifest: directory.file("m.csv"), tasks: Self.tasks)
                .run(into: catalog, prober: FakeProber())
            #expect(report.imported == 3)
            let problems = report.invalidAnnotations.map { "\(($0.file as NSString).lastPathComponent):\($0.line)" }
            #expect(problems == ["b.beats:2", "b.lab:2", "missing.beats:0"], "\(report.details())")
            #expect(report.details().contains("b.lab:2"))
            #expect(report.details().contains("task chords: the interval ends"))

            let rows = try catalog.tracks(inSplit: "train", tasks: ["beats", "chords", "genre"])
            #expect(rows.count == 3)
            #expect(rows[0].labels[0]?.value == .events([
                TimedEvent(time: 0.5, position: 1), TimedEvent(time: 1, position: 2), TimedEvent(time: 1.5, position: 3),
                TimedEvent(time: 2, position: 1),
            ]))
            #expect(rows[0].labels[1]?.value == .segments([
                TimedSegment(start: 0, end: 1.25, label: "C:maj"), TimedSegment(start: 1.25, end: 2.5, label: "A:min7/b3"),
                TimedSegment(start: 2.5, end: 3, label: "N"),
            ]))
            // The bad files cost only their own labels.
            #expect(rows[1].labels.map { $0 == nil } == [true, true, false])
            #expect(rows[2].labels.map { $0 == nil } == [true, false, false])
            #expect(rows[2].labels[1]?.value == .segments([TimedSegment(start: 0, end: 1.5, label: "A:min")]))
        }
    }

    @Test("event and span lists survive the byte form exactly (times to the last bit, labels in UTF-8)")
    func storageRoundTrip() throws {
        let events = LabelValue.events([TimedEvent(time: 1e-9, position: 7), TimedEvent(time: 0.1 + 0.2, position: nil)])
        let segments = LabelValue.segments([TimedSegment(start: 0, end: 1.0 / 3, label: "Bb:min(9)/5"), TimedSegment(start: 1.0 / 3, end: 2, label: "é")])
        for value in [events, segments, .events([]), .segments([])] {
            let (form, stored) = LabelStorage.encode(value)
            #expect(LabelStorage.decode(form: form, value: stored) == value)
        }
        #expect(TimedLabelCoding.events(Data([1, 2, 3])) == nil)
        #expect(TimedLabelCoding.segments(Data(repeating: 0, count: 17)) == nil)
    }

    @Test("a version-2 catalog migrates: its labels stay, and time-aligned tasks can then be added")
    func migratesFromVersion2() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("old.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v2-segment-labels")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('root', ?)", arguments: [directory.path])
                try db.execute(sql: """
                    INSERT INTO track (id, path, duration, sampleRate, channels, fileSize, modifiedAt, contentHash, status, addedAt, updatedAt)
                    VALUES (1, 'a.wav', 1, 8000, 1, 10, 0, 0, 'ok', 0, 0);
                    INSERT INTO task (id, name, kind, classes) VALUES (1, 'genre', 'multiClass', '["rock","jazz"]');
                    INSERT INTO label (trackId, taskId, source, runId, form, value) VALUES (1, 1, 'human', NULL, 0, 1);
                    """)
            }
        }
        let catalog = try Catalog(path: path)
        #expect(try catalog.labels(ofTrack: 1).map(\.value) == [.classIndex(1)])
        let beats = try catalog.addTask(Self.tasks[0])
        #expect(beats.kind == .events)
        _ = try catalog.addLabels([LabelInput(trackId: 1, task: "beats", value: .events([TimedEvent(time: 0.5, position: 1)]))],
                                  source: .human)
        #expect(try catalog.labels(ofTrack: 1).map(\.value).contains(.events([TimedEvent(time: 0.5, position: 1)])))
    }
}
