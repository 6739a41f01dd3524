import Foundation
import MusicTasks
import Testing
import Torch

@Suite("Time-aligned tasks: annotation text, label checks, frame losses")
struct TimeAlignedTaskTests {
    @Test("beat files: TIME or TIME POSITION, comments and CRLF, positions as 2 or 2.0")
    func beatFiles() throws {
        let events = try AnnotationText.beats("# header\n\n0.5 1\r\n1.0\t2.0\n  1.5\n")
        #expect(events == [TimedEvent(time: 0.5, position: 1), TimedEvent(time: 1, position: 2), TimedEvent(time: 1.5)])
        #expect(events[0].isDownbeat && !events[1].isDownbeat)
    }

    @Test("malformed beat lines are named by number", arguments: [
        ("0.5\n0.5\n", 2), ("0.5 1 x\n", 1), ("a\n", 1), ("0.5 0\n", 1), ("# c\n0.5 1.5\n", 2), ("-1\n", 1), ("nan\n", 1),
    ])
    func badBeats(text: String, line: Int) {
        do {
            _ = try AnnotationText.beats(text)
            Issue.record("accepted \(text)")
        } catch {
            guard case let .invalidAnnotation(found, _) = error else { Issue.record("\(error)"); return }
            #expect(found == line)
        }
    }

    @Test("lab files: START END LABEL; bad lines named by number")
    func labFiles() throws {
        #expect(try AnnotationText.labeledIntervals("0 1.5 C:maj\n1.5 2 N\n")
                == [TimedSegment(start: 0, end: 1.5, label: "C:maj"), TimedSegment(start: 1.5, end: 2, label: "N")])
        for (text, line) in [("0 1\n", 1), ("0 1 C\n1 1 N\n", 2), ("0 1 C\n2 3 D\n1 4 E\n", 3), ("0 x C\n", 1)] {
            do {
                _ = try AnnotationText.labeledIntervals(text)
                Issue.record("accepted \(text)")
            } catch {
                if case let .invalidAnnotation(found, _) = error { #expect(found == line, "\(text)") } else { Issue.record("\(error)") }
            }
        }
    }

    @Test("label checks: events increase, positions from 1; spans are ordered, non-empty, labelled")
    func validation() throws {
        let beats = TaskSpec(name: "beats", kind: .events, classes: ["beat", "downbeat"])
        let chords = TaskSpec(name: "chords", kind: .segments, classes: ["N", "C:maj"])
        try LabelValue.events([TimedEvent(time: 0.5, position: 1), TimedEvent(time: 1)]).validate(for: beats)
        #expect(throws: TaskError.self) { try LabelValue.events([TimedEvent(time: 1), TimedEvent(time: 0.5)]).validate(for: beats) }
        #expect(throws: TaskError.self) { try LabelValue.events([TimedEvent(time: 1, position: 0)]).validate(for: beats) }
        try LabelValue.segments([TimedSegment(start: 0, end: 1, label: "C:maj")]).validate(for: chords)
        #expect(throws: TaskError.self) { try LabelValue.segments([TimedSegment(start: 1, end: 1, label: "N")]).validate(for: chords) }
        #expect(throws: TaskError.self) { try LabelValue.segments([TimedSegment(start: 0, end: 1, label: "C maj")]).validate(for: chords) }
        #expect(throws: TaskError.self) { try LabelValue.classIndex(0).validate(for: chords) }
        // No clip-level target row: frames are cut to the crop elsewhere.
        #expect(throws: TaskError.self) { try LabelValue.events([]).dense(for: beats) }
        #expect(TaskKind.events.isTimeAligned && TaskKind.segments.isTimeAligned && !TaskKind.multiClass.isTimeAligned)
        #expect(TaskKind.segments.label(fromPredictions: [0.2, 0.8], soft: false) == nil)
    }

    @Test("frame losses equal the per-frame definitions, with masked frames left out")
    func frameLosses() throws {
        // (batch 1, frames 3, classes 2)
        let logits: [Float] = [2, -1, 0.5, 0.5, -3, 1]
        let targets: [Float] = [1, 0, 0, 1, 0, 1]
        let mask: [Float] = [1, 1, 0]
        let l = try Tensor(logits, shape: [1, 3, 2]), t = try Tensor(targets, shape: [1, 3, 2]), m = try Tensor(mask, shape: [1, 3])
        func sigmoid(_ x: Float) -> Double { 1 / (1 + exp(-Double(x))) }
        var bce = 0.0
        for i in 0..<4 { let p = sigmoid(logits[i]); bce -= Double(targets[i]) * log(p) + Double(1 - targets[i]) * log(1 - p) }
        let events = try TaskKind.events.loss(logits: l, target: t, mask: m).item()
        #expect(abs(events - bce / 4) < 1e-6)
        var ce = 0.0
        for f in 0..<2 {
            let a = Double(logits[2 * f]), b = Double(logits[2 * f + 1])
            let logZ = log(exp(a) + exp(b))
            ce -= Double(targets[2 * f]) * (a - logZ) + Double(targets[2 * f + 1]) * (b - logZ)
        }
        let segments = try TaskKind.segments.loss(logits: l, target: t, mask: m).item()
        #expect(abs(segments - ce / 2) < 1e-6)
    }
}
