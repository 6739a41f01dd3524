// Frame-wise HMM smoothing against librosa.sequence.viterbi (Fixtures/chord_viterbi.json,
// made by tools/decoder_fixtures.py), and the chord decoder's merged, timed segments.

import Foundation
import MusicTasks
import Testing

private struct ViterbiFixture: Decodable {
    struct Case: Decodable {
        let name: String
        let classes: Int
        let frames: Int
        let counts: [Int]
        let transition_kind: String
        let transition: [Double]
        let path: [Int]
        let argmax: [Int]
        let loop_probability: Double?
        let p_init: [Double]?
    }
    let librosa_version: String
    let scale: Int
    let cases: [Case]

    static func load() throws -> ViterbiFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/chord_viterbi.json")
        return try JSONDecoder().decode(ViterbiFixture.self, from: Data(contentsOf: url))
    }
}

/// The error a throwing body raised, or nil (a plain `throws` closure: inside `#expect` the
/// typed-throws form is not inferred).
private func decodingError<T>(_ body: () throws -> T) -> TaskError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? TaskError
    }
}

@Suite struct ChordDecoderTests {
    @Test func viterbiPathEqualsLibrosa() throws {
        let fixture = try ViterbiFixture.load()
        #expect(fixture.cases.count >= 6)
        var smoothed = 0
        for item in fixture.cases {
            let posteriors = try FramePosteriors(
                values: item.counts.map { Float($0) / Float(fixture.scale) }, classCount: item.classes)
            #expect(posteriors.frameCount == item.frames)
            let transitions = try ClassTransitions(classCount: item.classes, matrix: item.transition)
            if let loop = item.loop_probability {
                // transition_loop's matrix, value for value.
                #expect(try ClassTransitions.selfLoop(classCount: item.classes, probability: loop) == transitions, "\(item.name)")
            }
            let path = try FrameViterbi.decode(posteriors, transitions: transitions, initial: item.p_init)
            #expect(path == item.path, "\(item.name): \(zip(path, item.path).filter { $0 != $1 }.count) frames differ")
            #expect(posteriors.argmaxPath() == item.argmax, "\(item.name) argmax")
            smoothed += zip(item.path, item.argmax).filter { $0 != $1 }.count
        }
        // The fixture exercises the smoothing: Viterbi moves many frames away from argmax.
        #expect(smoothed > 50)
    }

    @Test func segmentsAreMergedAndTimed() throws {
        let labels = MajorMinorChords.classNames
        let segments = try FrameSegments.segments(path: [0, 0, 0, 7, 7, 24, 0, 0], labels: labels, fps: 10)
        #expect(segments == [
            TimedSegment(start: 0, end: 0.3, label: "C:maj"),
            TimedSegment(start: 0.3, end: 0.5, label: "G:maj"),
            TimedSegment(start: 0.5, end: 0.6, label: "N"),
            TimedSegment(start: 0.6, end: 0.8, label: "C:maj"),
        ])
        #expect(try FrameSegments.segments(path: [], labels: labels, fps: 10).isEmpty)
        #expect(try FrameSegments.segments(path: [21], labels: labels, fps: 4) == [TimedSegment(start: 0, end: 0.25, label: "A:min")])
    }

    @Test func viterbiSmoothsAFlickerThatArgmaxKeeps() throws {
        // 20 frames of C major with one frame leaning to A minor: argmax keeps the flicker,
        // the default HMM (mean chord 2 s at 10 fps, self-loop 0.95) removes it.
        var rows = [[Float]](repeating: [Float](repeating: 0.01, count: 25), count: 20)
        for frame in 0..<20 { rows[frame][0] = 0.7 }
        rows[9][0] = 0.35
        rows[9][21] = 0.45
        let posteriors = try FramePosteriors(rows: rows, classCount: 25)
        let argmax = try ChordDecoder(fps: 10, method: .argmax).decode(posteriors)
        #expect(argmax.map(\.label) == ["C:maj", "A:min", "C:maj"])
        #expect(argmax.map(\.end) == [0.9, 1.0, 2.0])
        let decoder = try ChordDecoder(fps: 10)
        guard case let .viterbi(transitions) = decoder.method else {
            Issue.record("the default method is Viterbi")
            return
        }
        #expect(abs(transitions.probability(from: 3, to: 3) - 0.95) < 1e-12)
        #expect(try decoder.decode(posteriors) == [TimedSegment(start: 0, end: 2, label: "C:maj")])
        #expect(try decoder.decode([Float]()).isEmpty)
    }

    @Test func invalidInputsThrow() throws {
        func isDecodingError(_ error: TaskError?) -> Bool {
            if case .invalidDecoding? = error { return true }
            return false
        }
        #expect(isDecodingError(decodingError { try ChordDecoder(fps: 0) }))
        #expect(isDecodingError(decodingError { try ChordDecoder(fps: .nan) }))
        #expect(isDecodingError(decodingError { try ChordDecoder(fps: 10).decode([Float](repeating: 0.04, count: 26)) }))
        #expect(isDecodingError(decodingError { try ChordDecoder(fps: 10).decode([Float](repeating: .nan, count: 25)) }))
        #expect(isDecodingError(decodingError { try ChordDecoder(fps: 10).decode([Float](repeating: 1.5, count: 25)) }))
        #expect(isDecodingError(decodingError { try ClassTransitions.selfLoop(classCount: 25, probability: 1.2) }))
        #expect(isDecodingError(decodingError { try ClassTransitions(classCount: 2, matrix: [0.5, 0.4, 0.5, 0.5]) }))
        #expect(isDecodingError(decodingError {
            try ChordDecoder(fps: 10, method: .viterbi(.selfLoop(classCount: 3, probability: 0.9)))
        }))
        let error = decodingError { try ChordDecoder(fps: -1) }
        #expect(error?.description == "cannot decode: the frame rate must be positive and finite, not -1.0 fps")
    }
}
