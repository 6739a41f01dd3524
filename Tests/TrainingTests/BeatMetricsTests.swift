// Tests for the beat and downbeat scores (BeatScores, EventFMeasure, BeatContinuity) against
// mir_eval: its own test cases (Fixtures/mir_eval/beat) and synthetic edge cases
// (Fixtures/metrics/beats.json, made by tools/mir_eval_fixtures.py).

import Foundation
import Testing
import Training

/// Beat scores are counts over counts, so they agree with mir_eval exactly or by a decision;
/// 1e-9 leaves room only for the last bit of a division.
private let beatTolerance = 1e-9

private struct BeatsFixture: Decodable {
    struct Expected: Decodable {
        let f_measure: Double
        let cmlc: Double
        let cmlt: Double
        let amlc: Double
        let amlt: Double
        let hits: Int
        let warnings: [String]
    }
    struct Shared: Decodable {
        let number: Int
        let expected: Expected
    }
    struct Case: Decodable {
        let name: String
        let reference: [Double]
        let estimate: [Double]
        let expected: Expected
    }
    struct DownbeatExpected: Decodable {
        let f_measure: Double
        let warnings: [String]
    }
    struct DownbeatCase: Decodable {
        let name: String
        let reference: [Double]
        let estimate: [Double]
        let expected: DownbeatExpected
    }
    let mir_eval_version: String
    let shared: [Shared]
    let cases: [Case]
    let downbeat_cases: [DownbeatCase]

    static func load() throws -> BeatsFixture {
        try MetricsFixture.decode(BeatsFixture.self, "metrics/beats.json")
    }
}

/// Event times from a mir_eval test file: first column, `#` comments and blank lines skipped
/// (`mir_eval.io.load_events`).
private func loadEvents(_ relativePath: String) throws -> [Double] {
    try MetricsFixture.text(relativePath).split(whereSeparator: \.isNewline).compactMap { line -> Double? in
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
        let field = trimmed.split(whereSeparator: \.isWhitespace)[0]
        guard let time = Double(String(field)) else {
            Issue.record("not a time: \(line)")
            return nil
        }
        return time
    }
}

/// The five scores in the fixture's order.
private func values(_ scores: BeatScores) -> [Double] {
    [scores.fMeasure, scores.continuity.cmlC, scores.continuity.cmlT, scores.continuity.amlC, scores.continuity.amlT]
}

private func values(_ expected: BeatsFixture.Expected) -> [Double] {
    [expected.f_measure, expected.cmlc, expected.cmlt, expected.amlc, expected.amlt]
}

private let metricNames = ["F-measure", "CMLc", "CMLt", "AMLc", "AMLt"]

/// Largest |Swift − mir_eval| per metric, printed so the agreement can be quoted.
private func maxDifferences(_ pairs: [([Double], [Double])]) -> [Double] {
    var worst = [Double](repeating: 0, count: metricNames.count)
    for (actual, expected) in pairs {
        for index in worst.indices { worst[index] = max(worst[index], abs(actual[index] - expected[index])) }
    }
    return worst
}

@Suite struct BeatMetricsTests {
    @Test(arguments: 0..<10)
    func mirEvalTestSuiteCase(number: Int) throws {
        let suffix = String(format: "%02d", number)
        let reference = try loadEvents("mir_eval/beat/ref\(suffix).txt")
        let estimate = try loadEvents("mir_eval/beat/est\(suffix).txt")
        let scores = try BeatScores.evaluate(reference: reference, estimate: estimate)

        // The installed mir_eval (beats.json) ...
        let fixture = try BeatsFixture.load()
        let expected = try #require(fixture.shared.first { $0.number == number }).expected
        for (name, (actual, wanted)) in zip(metricNames, zip(values(scores), values(expected))) {
            #expect(abs(actual - wanted) <= beatTolerance, "\(name): \(actual) vs \(wanted)")
        }
        let hits = try EventFMeasure(
            reference: reference.filter { $0 >= 5 }, estimate: estimate.filter { $0 >= 5 }).hits
        #expect(hits == expected.hits)
        #expect(scores.warnings.map(\.description) == expected.warnings)

        // ... and the scores mir_eval's own test suite expects.
        let output = try MetricsFixture.decode([String: Double].self, "mir_eval/beat/output\(suffix).json")
        let keys = ["F-measure", "Correct Metric Level Continuous", "Correct Metric Level Total",
                    "Any Metric Level Continuous", "Any Metric Level Total"]
        for (key, actual) in zip(keys, values(scores)) {
            let wanted = try #require(output[key])
            #expect(abs(actual - wanted) <= beatTolerance, "\(key): \(actual) vs \(wanted)")
        }
    }

    @Test func syntheticCases() throws {
        let fixture = try BeatsFixture.load()
        var pairs: [([Double], [Double])] = []
        for testCase in fixture.cases {
            let scores = try BeatScores.evaluate(reference: testCase.reference, estimate: testCase.estimate)
            for (name, (actual, wanted)) in zip(metricNames, zip(values(scores), values(testCase.expected))) {
                #expect(abs(actual - wanted) <= beatTolerance, "\(testCase.name) \(name): \(actual) vs \(wanted)")
            }
            let hits = try EventFMeasure(
                reference: testCase.reference.filter { $0 >= 5 }, estimate: testCase.estimate.filter { $0 >= 5 }).hits
            #expect(hits == testCase.expected.hits, "\(testCase.name)")
            #expect(scores.warnings.map(\.description) == testCase.expected.warnings, "\(testCase.name)")
            pairs.append((values(scores), values(testCase.expected)))
        }
        for number in 0..<10 {
            let suffix = String(format: "%02d", number)
            let scores = try BeatScores.evaluate(
                reference: loadEvents("mir_eval/beat/ref\(suffix).txt"),
                estimate: loadEvents("mir_eval/beat/est\(suffix).txt"))
            pairs.append((values(scores), values(fixture.shared[number].expected)))
        }
        let worst = maxDifferences(pairs)
        print("beat metrics vs mir_eval \(fixture.mir_eval_version), \(pairs.count) cases, max |Δ|:",
              zip(metricNames, worst).map { "\($0) \($1)" }.joined(separator: ", "))
    }

    @Test func fixtureCoversTheEdgeCases() throws {
        // Guards the fixture: the situations the brief names must stay in it.
        let names = Set(try BeatsFixture.load().cases.map(\.name))
        for name in ["empty_estimate", "empty_reference", "single_estimated_beat", "single_reference_beat",
                     "double_tempo", "half_tempo_odd", "half_tempo_even", "off_beat",
                     "dense_maximum_matching", "window_edges", "repeated_beats"] {
            #expect(names.contains(name), "\(name)")
        }
    }

    @Test func metricLevelVariationsScoreAtAnyLevelOnly() throws {
        // Off-beat, double and half tempo: nothing at the correct metric level, nearly
        // everything at some level (mir_eval's own numbers are checked in syntheticCases).
        let fixture = try BeatsFixture.load()
        for name in ["off_beat", "double_tempo", "half_tempo_odd", "half_tempo_even"] {
            let testCase = try #require(fixture.cases.first { $0.name == name })
            let scores = try BeatScores.evaluate(reference: testCase.reference, estimate: testCase.estimate)
            #expect(scores.continuity.cmlT == 0, "\(name)")
            #expect(scores.continuity.amlT > 0.98, "\(name)")
        }
    }

    @Test func downbeatCases() throws {
        let fixture = try BeatsFixture.load()
        var worst = 0.0
        for testCase in fixture.downbeat_cases {
            let result = try BeatScores.downbeatFMeasure(reference: testCase.reference, estimate: testCase.estimate)
            let difference = abs(result.fMeasure - testCase.expected.f_measure)
            worst = max(worst, difference)
            #expect(difference <= beatTolerance, "\(testCase.name): \(result.fMeasure) vs \(testCase.expected.f_measure)")
            #expect(result.warnings.map(\.description) == testCase.expected.warnings, "\(testCase.name)")
        }
        print("downbeat F-measure vs mir_eval, \(fixture.downbeat_cases.count) cases, max |Δ|: \(worst)")
    }

    @Test func handCheckedFMeasure() throws {
        // Estimate 10.05 is within 70 ms of both 10.0 and 10.1; a maximum matching pairs it
        // with one and 10.12 with the other: 3 hits of 3 estimates and 4 references.
        let result = try EventFMeasure(reference: [10.0, 10.1, 11.0, 12.0], estimate: [10.05, 10.12, 11.03])
        #expect(result.hits == 3)
        #expect(result.precision == 1)
        #expect(result.recall == 0.75)
        #expect(abs(result.fMeasure - 6.0 / 7.0) < 1e-15)
        // Nothing hits: F = 0, not NaN.
        let miss = try EventFMeasure(reference: [1.0], estimate: [2.0])
        #expect(miss.fMeasure == 0 && miss.hits == 0 && miss.warnings.isEmpty)
    }

    @Test func invalidTimesThrow() {
        #expect(metricsError { () throws(MetricsError) in
            try BeatScores.evaluate(reference: [6, 7, 6.5], estimate: [6])
        } == .unsortedTimes(what: "reference beats", position: 2))
        #expect(metricsError { () throws(MetricsError) in
            try BeatScores.evaluate(reference: [6, 7], estimate: [1, .nan])
        } == .nonFiniteValue(what: "estimated beats", row: 1, column: nil))
        #expect(metricsError { () throws(MetricsError) in
            try BeatContinuity(reference: [6, 7], estimate: [6000, 40_000])
        } == .timeOutOfRange(what: "estimated beats", position: 1, time: 40_000, limit: 30_000))
        #expect(metricsError { () throws(MetricsError) in
            try BeatScores.downbeatFMeasure(reference: [6, 5], estimate: [])
        } == .unsortedTimes(what: "reference downbeats", position: 1))
        // Equal times are allowed, as in mir_eval.
        #expect(metricsError { () throws(MetricsError) in
            try BeatScores.evaluate(reference: [6, 6, 7], estimate: [6, 7, 7])
        } == nil)
    }
}
