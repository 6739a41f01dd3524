import Foundation
import Testing
@testable import MusicTasks

/// JAMS files written by the `jams` package (tools/make_jams_fixtures.py) read as `jams` reads them.
@Suite("JAMS annotations")
struct AnnotationJAMSTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/jams")

    func file(_ name: String) throws -> Data { try Data(contentsOf: Self.directory.appendingPathComponent(name)) }

    func expected() throws -> [String: [[String: Any]]] {
        try #require(JSONSerialization.jsonObject(with: file("expected.json")) as? [String: [[String: Any]]])
    }

    @Test("beat_position and beat annotations: times and bar positions as jams reads them; the first annotation wins")
    func beats() throws {
        let expected = try expected()
        for (name, key) in [("beat_position.jams", "beat_position"), ("beat.jams", "beat")] {
            let events = try AnnotationJAMS.beats(file(name))
            let reference = try #require(expected[key])
            #expect(events.count == reference.count, "\(name)")
            for (event, row) in zip(events, reference) {
                #expect(event.time == (row["time"] as? NSNumber)?.doubleValue)
                #expect(event.position == (row["position"] as? NSNumber)?.intValue, "\(name) at \(event.time)")
            }
        }
    }

    @Test("chord annotations: intervals and labels as jams' to_interval_values gives them")
    func chords() throws {
        let segments = try AnnotationJAMS.chords(file("chord.jams"))
        let reference = try #require(try expected()["chord"])
        #expect(segments.count == reference.count)
        for (segment, row) in zip(segments, reference) {
            #expect(abs(segment.start - ((row["start"] as? NSNumber)?.doubleValue ?? -1)) < 1e-12)
            #expect(abs(segment.end - ((row["end"] as? NSNumber)?.doubleValue ?? -1)) < 1e-12)
            #expect(segment.label == row["label"] as? String)
        }
    }

    @Test("the older table layout reads the same; malformed files name the annotation and observation")
    func layoutsAndErrors() throws {
        let table = #"{"annotations": [{"namespace": "chord", "data": {"time": [0, 2.5], "duration": [2.5, 1], "value": ["C:maj", "N"]}}]}"#
        #expect(try AnnotationJAMS.chords(Data(table.utf8)) == [TimedSegment(start: 0, end: 2.5, label: "C:maj"),
                                                                TimedSegment(start: 2.5, end: 3.5, label: "N")])
        func reason(_ text: String, chords: Bool = false) -> String {
            do {
                if chords { _ = try AnnotationJAMS.chords(Data(text.utf8)) } else { _ = try AnnotationJAMS.beats(Data(text.utf8)) }
                return "no error"
            } catch {
                if case let .invalidAnnotation(_, reason) = error { return reason }
                return "\(error)"
            }
        }
        #expect(reason("[1, 2]").contains("not a JAMS file"))
        #expect(reason(#"{"annotations": [{"namespace": "chord", "data": []}]}"#).contains("no annotation in namespace beat_position or beat"))
        #expect(reason(#"{"annotations": [{"namespace": "tag_open", "data": []}, {"namespace": "beat", "data": [{"time": 1, "value": 1}, {"time": -2, "value": 2}]}]}"#)
                .contains("annotation 1 (beat), observation 1"))
        #expect(reason(#"{"annotations": [{"namespace": "beat", "data": [{"time": 1, "value": 1}, {"time": 1, "value": 2}]}]}"#)
                .contains("two beats at 1.0 s"))
        #expect(reason(#"{"annotations": [{"namespace": "chord", "data": [{"time": 0, "duration": 0, "value": "C"}]}]}"#, chords: true)
                .contains("positive duration"))
        #expect(reason(#"{"annotations": [{"namespace": "beat_position", "data": [{"time": 0, "value": {"measure": 1}}]}]}"#)
                .contains("needs a position"))
    }
}
