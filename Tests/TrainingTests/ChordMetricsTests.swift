// Tests for the chord scores (ChordComparison, ChordScores) against mir_eval: its own test
// cases (Fixtures/mir_eval/chord) and synthetic cases and label pairs
// (Fixtures/metrics/chords.json, made by tools/mir_eval_fixtures.py).

import Foundation
import MusicTasks
import Testing
import Training

/// The recalls are sums of duration × 0/1 over a total; mir_eval and this code add the same
/// terms in a different order (numpy's pairwise sum), which moves the last bits only.
private let chordTolerance = 1e-9

private struct ChordsFixture: Decodable {
    struct Expected: Decodable {
        let root: Double
        let majmin: Double
        let mirex: Double
        /// mir_eval's warnings per comparison that emitted any, e.g. `["majmin": [text]]`.
        let warnings: [String: [String]]
        let evaluate_error: String?

        /// The warnings in ChordScores' form and order.
        var chordWarnings: [ChordWarning] {
            ChordComparison.allCases.filter { warnings[$0.rawValue] != nil }.map { .noComparableReference($0) }
        }
    }
    struct Shared: Decodable {
        let number: Int
        let expected: Expected
    }
    struct Annotation: Decodable {
        let intervals: [[Double]]
        let labels: [String]

        func segments() throws -> [ChordSegment] {
            try zip(intervals, labels).map { interval, label in
                ChordSegment(start: interval[0], end: interval[1], chord: try ChordSymbol(parsing: label))
            }
        }
    }
    struct Case: Decodable {
        let name: String
        let reference: Annotation
        let estimate: Annotation
        let expected: Expected
    }
    struct Pairs: Decodable {
        let labels: [String]
        let comparisons: [String: [Double]]
    }
    let mir_eval_version: String
    let pairs: Pairs
    let shared: [Shared]
    let cases: [Case]

    static func load() throws -> ChordsFixture {
        try MetricsFixture.decode(ChordsFixture.self, "metrics/chords.json")
    }
}

/// A `.lab` file as `mir_eval.io.load_labeled_intervals` reads it: `start end label` per
/// line, whitespace-separated, `#` comments and blank lines skipped.
private func loadLab(_ relativePath: String) throws -> [ChordSegment] {
    var segments: [ChordSegment] = []
    for line in try MetricsFixture.text(relativePath).split(whereSeparator: \.isNewline) {
        let fields = line.split(whereSeparator: \.isWhitespace)
        guard let first = fields.first, !first.hasPrefix("#") else { continue }
        guard fields.count == 3, let start = Double(String(fields[0])), let end = Double(String(fields[1])) else {
            Issue.record("bad line in \(relativePath): \(line)")
            continue
        }
        segments.append(ChordSegment(start: start, end: end, chord: try ChordSymbol(parsing: String(fields[2]))))
    }
    return segments
}

private func values(_ scores: ChordScores) -> [Double] { [scores.root, scores.majmin, scores.mirex] }
private func values(_ expected: ChordsFixture.Expected) -> [Double] { [expected.root, expected.majmin, expected.mirex] }

@Suite struct ChordMetricsTests {
    @Test func comparisonsEqualMirEvalOnAllLabelPairs() throws {
        let fixture = try ChordsFixture.load()
        let chords = try fixture.pairs.labels.map { try ChordSymbol(parsing: $0) }
        let count = chords.count
        for comparison in ChordComparison.allCases {
            let expected = try #require(fixture.pairs.comparisons[comparison.rawValue])
            #expect(expected.count == count * count)
            for (r, reference) in chords.enumerated() {
                for (e, estimate) in chords.enumerated() {
                    let wanted = expected[r * count + e]
                    let actual = comparison.score(reference: reference, estimate: estimate)
                    #expect(actual == (wanted < 0 ? nil : wanted),
                            "\(comparison) \(reference) vs \(estimate): \(String(describing: actual)) vs mir_eval \(wanted)")
                }
            }
        }
    }

    @Test func vocabularyAgreesWithMajmin() throws {
        // A 25-class vocabulary is right for majmin when a reference is scored exactly if
        // it has a class, and an estimate is correct exactly if it has the reference's class.
        let fixture = try ChordsFixture.load()
        let chords = try fixture.pairs.labels.map { try ChordSymbol(parsing: $0) }
        let majmin = try #require(fixture.pairs.comparisons["majmin"])
        for (r, reference) in chords.enumerated() {
            let referenceClass = MajorMinorChords.classIndex(of: reference)
            for (e, estimate) in chords.enumerated() {
                let wanted = majmin[r * chords.count + e]
                guard let referenceClass else {
                    #expect(wanted == -1, "\(reference) has no class but mir_eval scores it")
                    continue
                }
                let sameClass = MajorMinorChords.classIndex(of: estimate) == referenceClass
                #expect(wanted == (sameClass ? 1 : 0), "\(reference) vs \(estimate)")
            }
        }
    }

    @Test(arguments: 0..<10)
    func mirEvalTestSuiteCase(number: Int) throws {
        let suffix = String(format: "%02d", number)
        let reference = try loadLab("mir_eval/chord/ref\(suffix).lab")
        let estimate = try loadLab("mir_eval/chord/est\(suffix).lab")
        let scores = try ChordScores.evaluate(reference: reference, estimate: estimate)

        let fixture = try ChordsFixture.load()
        let expected = try #require(fixture.shared.first { $0.number == number }).expected
        for (name, (actual, wanted)) in zip(["root", "majmin", "mirex"], zip(values(scores), values(expected))) {
            #expect(abs(actual - wanted) <= chordTolerance, "\(name): \(actual) vs \(wanted)")
        }
        #expect(scores.warnings == expected.chordWarnings)

        // mir_eval's own expected scores for these files.
        let output = try MetricsFixture.decode([String: Double].self, "mir_eval/chord/output\(suffix).json")
        for comparison in ChordComparison.allCases {
            let wanted = try #require(output[comparison.rawValue])
            #expect(abs(scores[comparison] - wanted) <= chordTolerance, "\(comparison): \(scores[comparison]) vs \(wanted)")
        }
    }

    @Test func syntheticCases() throws {
        let fixture = try ChordsFixture.load()
        var worst = [0.0, 0.0, 0.0]
        var count = 0
        for testCase in fixture.cases {
            let scores = try ChordScores.evaluate(
                reference: testCase.reference.segments(), estimate: testCase.estimate.segments())
            for (index, (actual, wanted)) in zip(values(scores), values(testCase.expected)).enumerated() {
                #expect(abs(actual - wanted) <= chordTolerance,
                        "\(testCase.name) \(ChordComparison.allCases[index]): \(actual) vs \(wanted)")
                worst[index] = max(worst[index], abs(actual - wanted))
            }
            #expect(scores.warnings == testCase.expected.chordWarnings, "\(testCase.name)")
            for (comparison, messages) in testCase.expected.warnings {
                #expect(messages == [ChordWarning.noComparableReference(.root).description], "\(comparison)")
            }
            count += 1
        }
        for shared in fixture.shared {
            let suffix = String(format: "%02d", shared.number)
            let scores = try ChordScores.evaluate(
                reference: loadLab("mir_eval/chord/ref\(suffix).lab"), estimate: loadLab("mir_eval/chord/est\(suffix).lab"))
            for (index, (actual, wanted)) in zip(values(scores), values(shared.expected)).enumerated() {
                worst[index] = max(worst[index], abs(actual - wanted))
            }
            count += 1
        }
        print("chord recalls vs mir_eval \(fixture.mir_eval_version), \(count) cases, max |Δ|:",
              "root \(worst[0]), majmin \(worst[1]), mirex \(worst[2])")
    }

    @Test func fixtureCoversTheEdgeCases() throws {
        let cases = try ChordsFixture.load().cases
        let names = Set(cases.map(\.name))
        for name in ["sevenths_and_inversions", "sus_power_and_unisons", "no_chord_and_unknown",
                     "estimate_starts_late_and_ends_early", "estimate_overhangs_both_ends", "estimate_empty",
                     "gaps_in_both", "all_reference_unknown", "estimate_entirely_before_reference"] {
            #expect(names.contains(name), "\(name)")
        }
        // One case mir_eval.chord.evaluate itself cannot finish (its segmentation scores
        // fail), whose recalls are still defined: the Swift side gives them.
        #expect(cases.contains { $0.expected.evaluate_error != nil })
        #expect(cases.contains { !$0.expected.warnings.isEmpty })
    }

    @Test func handChecked() throws {
        func segment(_ start: Double, _ end: Double, _ label: String) throws -> ChordSegment {
            ChordSegment(start: start, end: end, chord: try ChordSymbol(parsing: label))
        }
        // Reference C:7 (0–2 s), X (2–3 s), C:sus4 (3–4 s); estimate C over 0–1 s only.
        let reference = [try segment(0, 2, "C:7"), try segment(2, 3, "X"), try segment(3, 4, "C:sus4")]
        let scores = try ChordScores.evaluate(reference: reference, estimate: [try segment(0, 1, "C")])
        // root: scored 0–2 and 3–4 (X left out); C right on 0–1 only → 1 / 3.
        #expect(abs(scores.root - 1.0 / 3.0) < 1e-15)
        // majmin: only 0–2 is scored (sus4 and X are out) → 1 / 2.
        #expect(scores.majmin == 0.5)
        // mirex: C vs C:7 shares 3 notes on 0–1; N vs C:sus4 fails → 1 / 3.
        #expect(abs(scores.mirex - 1.0 / 3.0) < 1e-15)
        #expect(scores.warnings.isEmpty)
    }

    @Test func invalidSegmentsThrow() throws {
        let c = try ChordSymbol(parsing: "C")
        #expect(metricsError { () throws(MetricsError) in
            try ChordScores.evaluate(reference: [], estimate: [])
        } == .emptyInput(what: "reference chord segments"))
        #expect({
            if case .invalidInterval(let what, 1, _)? = metricsError({ () throws(MetricsError) in
                try ChordScores.evaluate(
                    reference: [ChordSegment(start: 0, end: 1, chord: c), ChordSegment(start: 1, end: 1, chord: c)],
                    estimate: [])
            }) { return what == "reference chord segments" }
            return false
        }())
        #expect({
            if case .invalidInterval(_, 0, _)? = metricsError({ () throws(MetricsError) in
                try ChordScores.evaluate(
                    reference: [ChordSegment(start: 0, end: 1, chord: c)],
                    estimate: [ChordSegment(start: -1, end: 1, chord: c)])
            }) { return true }
            return false
        }())
        #expect(metricsError { () throws(MetricsError) in
            try ChordScores.evaluate(reference: [ChordSegment(start: 0, end: .infinity, chord: c)], estimate: [])
        } == .nonFiniteValue(what: "reference chord segments", row: 0, column: 1))
        // Reference out of time order: mir_eval refuses to align it.
        #expect({
            if case .invalidInterval(_, 0, _)? = metricsError({ () throws(MetricsError) in
                try ChordScores.evaluate(
                    reference: [ChordSegment(start: 2, end: 3, chord: c), ChordSegment(start: 0, end: 2, chord: c)],
                    estimate: [])
            }) { return true }
            return false
        }())
        // Estimate out of time order, so that fitting cannot align it.
        #expect({
            if case .invalidInterval(let what, _, _)? = metricsError({ () throws(MetricsError) in
                try ChordScores.evaluate(
                    reference: [ChordSegment(start: 1, end: 4, chord: c)],
                    estimate: [ChordSegment(start: 2, end: 3, chord: c), ChordSegment(start: 1, end: 2, chord: c)])
            }) { return what == "estimated chord segments" }
            return false
        }())
    }
}
