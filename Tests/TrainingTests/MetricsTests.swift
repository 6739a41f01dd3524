// Tests for Sources/Training/Metrics: scikit-learn / mir_eval oracle fixtures, hand-checked
// cases and error cases. Fixtures are regenerated with tools/make_metric_fixtures.py.

import Foundation
import MusicTasks
import Testing
import Training

// MARK: - Fixture loading

enum MetricsFixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relativePath))
    }

    static func text(_ relativePath: String) throws -> String {
        try String(decoding: data(relativePath), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        try JSONDecoder().decode(T.self, from: data(relativePath))
    }
}

private let metricsTolerance = 1e-6

private func isClose(_ actual: Double?, _ expected: Double?, tolerance: Double = metricsTolerance) -> Bool {
    switch (actual, expected) {
    case (nil, nil): return true
    case let (actual?, expected?): return abs(actual - expected) <= tolerance
    default: return false
    }
}

private func allClose(_ actual: [Double?], _ expected: [Double?]) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { isClose($0, $1) }
}

/// Runs `body` and returns the `MetricsError` it throws, or `nil` if it throws nothing.
func metricsError<T>(_ body: () throws(MetricsError) -> T) -> MetricsError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

// MARK: - Fixture schemas

private struct MultiLabelFixture: Decodable {
    struct Expected: Decodable {
        var per_tag_roc_auc: [Double?]
        var per_tag_pr_auc: [Double?]
        var macro_roc_auc: Double?
        var macro_pr_auc: Double?
        var micro_roc_auc: Double
        var micro_pr_auc: Double
        var skipped_tags: [Int]
        var evaluated_tracks: Int
    }
    struct Case: Decodable {
        var name: String
        var scores: [[Double]]
        var targets: [[Int]]
        var track_mask: [Bool]?
        var expected: Expected
    }
    var cases: [Case]
}

private struct MultiClassFixture: Decodable {
    struct Expected: Decodable {
        var accuracy: Double
        var balanced_accuracy: Double
        var macro_f1: Double
        var macro_f1_all_classes: Double
        var confusion_matrix: [[Int]]
        var precision: [Double]
        var recall: [Double]
        var f1: [Double]
        var support: [Int]
        var predictions: [Int]
    }
    struct Case: Decodable {
        var name: String
        var class_count: Int
        var truth: [Int]
        var predictions: [Int]?
        var scores: [[Double]]?
        var expected: Expected
    }
    var cases: [Case]
}

private struct RegressionFixture: Decodable {
    enum Values: Decodable {
        case single([Double])
        case multi([[Double]])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let multi = try? container.decode([[Double]].self) {
                self = .multi(multi)
            } else {
                self = .single(try container.decode([Double].self))
            }
        }
    }
    struct Expected: Decodable {
        var r2: Double
        var r2_per_output: [Double]
        var mae: Double
        var mae_per_output: [Double]
    }
    struct Case: Decodable {
        var name: String
        var targets: Values
        var predictions: Values
        var expected: Expected
    }
    var cases: [Case]
}

private struct KeyPairsFixture: Decodable {
    struct Pair: Decodable {
        var reference: String
        var estimate: String
        var reference_index: Int
        var estimate_index: Int
        var score: Double
    }
    var pairs: [Pair]
}

// MARK: - Multi-label tagging

@Suite struct MultiLabelMetricsTests {
    @Test(arguments: ["ties_and_single_class_tags", "track_mask", "continuous_imbalanced", "integer_logit_ties"])
    func matchesScikitLearn(caseName: String) throws {
        let fixture = try MetricsFixture.decode(MultiLabelFixture.self, "metrics/multilabel.json")
        let testCase = try #require(fixture.cases.first { $0.name == caseName })
        let scores = testCase.scores.map { $0.map(Float.init) }
        let targets = testCase.targets.map { $0.map { $0 == 1 } }
        let report = try MultiLabelReport.evaluate(scores: scores, targets: targets, trackMask: testCase.track_mask)
        let expected = testCase.expected

        #expect(allClose(report.perTag.map { $0?.rocAUC }, expected.per_tag_roc_auc))
        #expect(allClose(report.perTag.map { $0?.prAUC }, expected.per_tag_pr_auc))
        #expect(isClose(report.macroROCAUC, expected.macro_roc_auc))
        #expect(isClose(report.macroPRAUC, expected.macro_pr_auc))
        #expect(isClose(report.microROCAUC, expected.micro_roc_auc))
        #expect(isClose(report.microPRAUC, expected.micro_pr_auc))
        #expect(report.skippedTags.map(\.index) == expected.skipped_tags)
        #expect(report.evaluatedTrackCount == expected.evaluated_tracks)

        // The 0/1 integer overload gives the same report.
        let fromIntegers = try MultiLabelReport.evaluate(
            scores: scores, targets: testCase.targets, trackMask: testCase.track_mask)
        #expect(fromIntegers == report)
    }

    @Test func fixtureCoversSkippedTagsAndMask() throws {
        // Guards the fixture itself: the interesting situations must stay in it.
        let fixture = try MetricsFixture.decode(MultiLabelFixture.self, "metrics/multilabel.json")
        #expect(fixture.cases.contains { $0.expected.skipped_tags.count >= 2 })
        #expect(fixture.cases.contains { $0.track_mask != nil })
    }

    @Test func handCheckedRankingWithTies() throws {
        // sklearn docs example: roc_auc 0.75, average precision 0.8333…
        let scores: [Float] = [0.1, 0.4, 0.35, 0.8]
        let labels = [false, false, true, true]
        #expect(isClose(try BinaryRankingMetrics.rocAUC(scores: scores, labels: labels), 0.75))
        #expect(isClose(try BinaryRankingMetrics.averagePrecision(scores: scores, labels: labels), 5.0 / 6.0))

        // A positive tied with a negative counts half: (2 + 0.5 + 1) / 4.
        let tied: [Double] = [1, 0.5, 0.5, 0]
        let tiedLabels = [true, true, false, false]
        #expect(isClose(try BinaryRankingMetrics.rocAUC(scores: tied, labels: tiedLabels), 0.875))
        // Step-wise AP: 0.5 · 1 + 0.5 · 2/3 (trapezoidal would give a different number).
        #expect(isClose(try BinaryRankingMetrics.averagePrecision(scores: tied, labels: tiedLabels), 5.0 / 6.0))

        // All scores tied: a single threshold.
        let flat: [Float] = [0.5, 0.5, 0.5, 0.5]
        let alternating = [true, false, true, false]
        #expect(isClose(try BinaryRankingMetrics.rocAUC(scores: flat, labels: alternating), 0.5))
        #expect(isClose(try BinaryRankingMetrics.averagePrecision(scores: flat, labels: alternating), 0.5))

        // All positives: AP is defined (1.0), ROC-AUC is not.
        #expect(isClose(try BinaryRankingMetrics.averagePrecision(scores: [0.2, 0.9] as [Float], labels: [true, true]), 1.0))
        #expect(metricsError { () throws(MetricsError) in
            try BinaryRankingMetrics.rocAUC(scores: [0.2, 0.9] as [Float], labels: [true, true])
        } == .singleClass(what: "ROC-AUC", positives: 2, negatives: 0))
        #expect(metricsError { () throws(MetricsError) in
            try BinaryRankingMetrics.averagePrecision(scores: [0.2, 0.9] as [Float], labels: [false, false])
        } == .singleClass(what: "Average precision", positives: 0, negatives: 2))
    }

    @Test func handCheckedReportWithSkippedTagsAndNames() throws {
        let scores: [[Float]] = [
            [0.9, 0.1, 0.3],
            [0.2, 0.8, 0.3],
            [0.6, 0.7, 0.3],
            [0.1, 0.4, 0.3],
        ]
        let targets: [[Bool]] = [
            [true, false, true],
            [false, false, true],
            [true, false, true],
            [false, false, true],
        ]
        let report = try MultiLabelReport.evaluate(scores: scores, targets: targets, tagNames: ["rock", "jazz", "pop"])
        #expect(report.perTag.count == 3)
        #expect(report.perTag[0] == TagScore(rocAUC: 1.0, prAUC: 1.0, positives: 2, negatives: 2))
        #expect(report.perTag[1] == nil)
        #expect(report.perTag[2] == nil)
        #expect(report.skippedTags == [
            SkippedTag(index: 1, name: "jazz", reason: .noPositives, trackCount: 4),
            SkippedTag(index: 2, name: "pop", reason: .noNegatives, trackCount: 4),
        ])
        #expect(report.macroROCAUC == 1.0)
        #expect(report.macroPRAUC == 1.0)
        // Micro: 6 positives (tag 0 ×2, tag 2 ×4), 6 negatives; all pop cells tie at 0.3.
        // Positive scores 0.9 0.6 0.3 0.3 0.3 0.3 vs negatives 0.2 0.1 0.1 0.8 0.7 0.4:
        // correctly ordered pairs = 0.9:6 + 0.6:4 + 4×0.3:3 = 22 of 36 (sklearn agrees).
        #expect(isClose(report.microROCAUC, 22.0 / 36.0))
    }

    @Test func everyTagSkippedGivesNilAverages() throws {
        let report = try MultiLabelReport.evaluate(
            scores: [[0.1, 0.2], [0.3, 0.4]] as [[Float]], targets: [[false, false], [false, false]])
        #expect(report.macroROCAUC == nil)
        #expect(report.macroPRAUC == nil)
        #expect(report.microROCAUC == nil)
        #expect(report.microPRAUC == nil)
        #expect(report.skippedTags.map(\.reason) == [.noPositives, .noPositives])
    }

    @Test func maskedTracksAreIgnoredEvenWithNaN() throws {
        let scores: [[Float]] = [[0.9], [Float.nan], [0.1], [0.5]]
        let targets: [[Bool]] = [[true], [true], [false], [false]]
        let mask = [true, false, true, true]
        let report = try MultiLabelReport.evaluate(scores: scores, targets: targets, trackMask: mask)
        #expect(report.evaluatedTrackCount == 3)
        #expect(report.perTag[0] == TagScore(rocAUC: 1.0, prAUC: 1.0, positives: 1, negatives: 2))
        // Without the mask, the NaN is an error.
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: scores, targets: targets)
        } == .nonFiniteValue(what: "scores", row: 1, column: 0))
        // Masking changes the result: drop the top-scored positive.
        let other = try MultiLabelReport.evaluate(
            scores: [[0.9], [0.2], [0.1], [0.5]] as [[Float]], targets: targets, trackMask: [false, true, true, true])
        #expect(isClose(other.perTag[0]?.rocAUC, 0.5))
    }

    @Test func inputErrors() {
        let scores: [[Float]] = [[0.1, 0.2], [0.3, 0.4]]
        let targets: [[Bool]] = [[true, false], [false, true]]
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: [[Float]](), targets: [[Bool]]())
        } == .emptyInput(what: "scores"))
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: [[0.1, 0.2], [0.3]] as [[Float]], targets: targets)
        } == .raggedRows(what: "scores", row: 1, expected: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: scores, targets: [[true, false]])
        } == .lengthMismatch(what: "targets rows vs scores rows", expected: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: scores, targets: [[true, false], [true]])
        } == .raggedRows(what: "targets", row: 1, expected: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: scores, targets: targets, trackMask: [true])
        } == .lengthMismatch(what: "trackMask vs scores rows", expected: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: scores, targets: targets, tagNames: ["a"])
        } == .lengthMismatch(what: "tagNames vs tags", expected: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: [[0.1, .infinity], [0.3, 0.4]] as [[Float]], targets: targets)
        } == .nonFiniteValue(what: "scores", row: 0, column: 1))
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: scores, targets: targets, trackMask: [false, false])
        } == .emptyInput(what: "scores after applying trackMask"))
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: scores, targets: [[1, 0], [2, 1]])
        } == .invalidBinaryTarget(row: 1, column: 0, value: 2))
        // An invalid integer target on a masked-out track is not inspected.
        #expect(metricsError { () throws(MetricsError) in
            try MultiLabelReport.evaluate(scores: scores, targets: [[1, 0], [2, 1]], trackMask: [true, false])
        } == nil)
        #expect(metricsError { () throws(MetricsError) in
            try BinaryRankingMetrics.rocAUC(scores: [Float](), labels: [])
        } == .emptyInput(what: "scores"))
        #expect(metricsError { () throws(MetricsError) in
            try BinaryRankingMetrics.rocAUC(scores: [0.1, 0.2] as [Float], labels: [true])
        } == .lengthMismatch(what: "labels vs scores", expected: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try BinaryRankingMetrics.averagePrecision(scores: [0.1, .nan] as [Float], labels: [true, false])
        } == .nonFiniteValue(what: "scores", row: 1, column: nil))
    }
}

// MARK: - Multi-class

@Suite struct MultiClassMetricsTests {
    @Test(arguments: ["imbalanced_never_predicted", "absent_class", "scores_with_ties"])
    func matchesScikitLearn(caseName: String) throws {
        let fixture = try MetricsFixture.decode(MultiClassFixture.self, "metrics/multiclass.json")
        let testCase = try #require(fixture.cases.first { $0.name == caseName })
        let expected = testCase.expected
        let report: MultiClassReport
        if let scores = testCase.scores {
            let floatScores = scores.map { $0.map(Float.init) }
            #expect(try MultiClassReport.predictedClasses(from: floatScores) == expected.predictions)
            report = try MultiClassReport.evaluate(scores: floatScores, truth: testCase.truth)
        } else {
            let predictions = try #require(testCase.predictions)
            report = try MultiClassReport.evaluate(
                predictions: predictions, truth: testCase.truth, classCount: testCase.class_count)
        }
        #expect(report.confusionMatrix.classCount == testCase.class_count)
        #expect(report.confusionMatrix.counts == expected.confusion_matrix)
        #expect(isClose(report.accuracy, expected.accuracy))
        #expect(isClose(report.balancedAccuracy, expected.balanced_accuracy))
        #expect(isClose(report.macroF1, expected.macro_f1))
        #expect(isClose(report.macroF1AllClasses, expected.macro_f1_all_classes))
        #expect(allClose(report.perClass.map(\.precision), expected.precision))
        #expect(allClose(report.perClass.map(\.recall), expected.recall))
        #expect(allClose(report.perClass.map(\.f1), expected.f1))
        #expect(report.perClass.map(\.support) == expected.support)
    }

    @Test func fixtureCoversNeverPredictedAndAbsentClasses() throws {
        let fixture = try MetricsFixture.decode(MultiClassFixture.self, "metrics/multiclass.json")
        // Some class has support but is never predicted.
        #expect(fixture.cases.contains { testCase in
            let matrix = testCase.expected.confusion_matrix
            return matrix.indices.contains { c in
                matrix[c].reduce(0, +) > 0 && matrix.reduce(0) { $0 + $1[c] } == 0
            }
        })
        // Macro F1 over observed classes differs from macro F1 over all classes somewhere.
        #expect(fixture.cases.contains { abs($0.expected.macro_f1 - $0.expected.macro_f1_all_classes) > 1e-3 })
    }

    @Test func handChecked() throws {
        let report = try MultiClassReport.evaluate(predictions: [0, 1, 1, 1], truth: [0, 0, 1, 2], classCount: 4)
        #expect(report.confusionMatrix.counts == [[1, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
        #expect(report.confusionMatrix.sampleCount == 4)
        #expect(report.confusionMatrix.correctCount == 2)
        #expect(report.accuracy == 0.5)
        // Recalls 1/2, 1, 0 over the three classes present in the truth.
        #expect(isClose(report.balancedAccuracy, 0.5))
        // F1: class 0 = 2/3, class 1 = 1/2, class 2 = 0 (zero_division=0); class 3 unobserved.
        #expect(isClose(report.macroF1, (2.0 / 3.0 + 0.5) / 3.0))
        #expect(isClose(report.macroF1AllClasses, (2.0 / 3.0 + 0.5) / 4.0))
        #expect(report.perClass[2] == ClassScore(precision: 0, recall: 0, f1: 0, support: 1, predictedCount: 0))
        #expect(report.perClass[3] == ClassScore(precision: 0, recall: 0, f1: 0, support: 0, predictedCount: 0))
        #expect(isClose(report.perClass[1].precision, 1.0 / 3.0))
    }

    @Test func argmaxTakesFirstMaximum() throws {
        let scores: [[Float]] = [[0.2, 0.7, 0.7], [-1, -1, -3], [0, 0, 5]]
        #expect(try MultiClassReport.predictedClasses(from: scores) == [1, 0, 2])
    }

    @Test func inputErrors() {
        #expect(metricsError { () throws(MetricsError) in
            try ConfusionMatrix(predictions: [0], truth: [0], classCount: 0)
        } == .invalidClassCount(0))
        #expect(metricsError { () throws(MetricsError) in
            try ConfusionMatrix(predictions: [], truth: [], classCount: 2)
        } == .emptyInput(what: "truth"))
        #expect(metricsError { () throws(MetricsError) in
            try ConfusionMatrix(predictions: [0, 1], truth: [0], classCount: 2)
        } == .lengthMismatch(what: "predictions vs truth", expected: 1, actual: 2))
        #expect(metricsError { () throws(MetricsError) in
            try ConfusionMatrix(predictions: [0, 1], truth: [0, -1], classCount: 2)
        } == .labelOutOfRange(what: "truth", position: 1, label: -1, classCount: 2))
        #expect(metricsError { () throws(MetricsError) in
            try MultiClassReport.evaluate(predictions: [2, 0], truth: [0, 1], classCount: 2)
        } == .labelOutOfRange(what: "predictions", position: 0, label: 2, classCount: 2))
        #expect(metricsError { () throws(MetricsError) in
            try MultiClassReport.evaluate(scores: [[0.1, .nan]] as [[Float]], truth: [0])
        } == .nonFiniteValue(what: "scores", row: 0, column: 1))
        #expect(metricsError { () throws(MetricsError) in
            try MultiClassReport.evaluate(scores: [[0.1, 0.2], [0.3]] as [[Float]], truth: [0, 1])
        } == .raggedRows(what: "scores", row: 1, expected: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try MultiClassReport.evaluate(scores: [[0.1, 0.2]] as [[Float]], truth: [0, 1])
        } == .lengthMismatch(what: "predictions vs truth", expected: 2, actual: 1))
    }
}

// MARK: - Key estimation

@Suite struct KeyMetricsTests {
    @Test(arguments: 0..<10)
    func mirEvalKeyFixture(number: Int) throws {
        let suffix = String(format: "%02d", number)
        let reference = try MusicalKey(annotation: MetricsFixture.text("mir_eval/key/ref\(suffix).txt"))
        let estimate = try MusicalKey(annotation: MetricsFixture.text("mir_eval/key/est\(suffix).txt"))
        let output = try MetricsFixture.decode([String: Double].self, "mir_eval/key/output\(suffix).json")
        let expected = try #require(output["Weighted Score"])
        #expect(MusicalKey.weightedScore(reference: reference, estimate: estimate) == expected)
    }

    @Test func mirEvalAllPairs() throws {
        let fixture = try MetricsFixture.decode(KeyPairsFixture.self, "metrics/key_pairs.json")
        #expect(fixture.pairs.count == 24 * 24)
        for pair in fixture.pairs {
            let reference = try MusicalKey(parsing: pair.reference)
            let estimate = try MusicalKey(parsing: pair.estimate)
            #expect(reference.index == pair.reference_index, "\(pair.reference)")
            #expect(estimate.index == pair.estimate_index, "\(pair.estimate)")
            #expect(
                MusicalKey.weightedScore(reference: reference, estimate: estimate) == pair.score,
                "\(pair.reference) vs \(pair.estimate)")
        }
        // The same pairs through the index-based aggregate.
        let report = try KeyReport.evaluate(
            referenceIndices: fixture.pairs.map(\.reference_index),
            estimateIndices: fixture.pairs.map(\.estimate_index))
        #expect(report.perTrackScores == fixture.pairs.map(\.score))
    }

    @Test func relationRules() throws {
        func relation(_ reference: String, _ estimate: String) throws -> KeyRelation {
            KeyRelation(reference: try MusicalKey(parsing: reference), estimate: try MusicalKey(parsing: estimate))
        }
        #expect(try relation("C major", "C major") == .same)
        #expect(try relation("C major", "G major") == .fifth)
        #expect(try relation("D minor", "A minor") == .fifth)  // minor-mode fifth
        #expect(try relation("G major", "C major") == .other)  // fifth below is not a fifth
        #expect(try relation("C major", "G minor") == .other)  // fifth across modes
        #expect(try relation("C major", "A minor") == .relative)
        #expect(try relation("A minor", "C major") == .relative)
        #expect(try relation("C major", "E minor") == .other)
        #expect(try relation("C minor", "C major") == .parallel)
        #expect(KeyRelation.allCases.map(\.weight) == [1.0, 0.5, 0.3, 0.2, 0.0])
    }

    @Test func aggregate() throws {
        let references = try ["C major", "A minor", "G major", "D minor"].map { text throws(TaskError) in
            try MusicalKey(parsing: text)
        }
        let estimates = try ["C major", "C major", "D major", "F major"].map { text throws(TaskError) in
            try MusicalKey(parsing: text)
        }
        let report = try KeyReport.evaluate(references: references, estimates: estimates)
        #expect(report.perTrackScores == [1.0, 0.3, 0.5, 0.3])
        #expect(report.relations == [.same, .relative, .fifth, .relative])
        #expect(isClose(report.meanWeightedScore, 2.1 / 4))
        #expect(report.accuracy == 0.25)
        #expect(report.relationCounts == [.same: 1, .fifth: 1, .relative: 2, .parallel: 0, .other: 0])

        #expect(metricsError { () throws(MetricsError) in
            try KeyReport.evaluate(references: [], estimates: [])
        } == .emptyInput(what: "references"))
        #expect(metricsError { () throws(MetricsError) in
            try KeyReport.evaluate(references: references, estimates: Array(estimates.dropLast()))
        } == .lengthMismatch(what: "estimates vs references", expected: 4, actual: 3))
        #expect(metricsError { () throws(MetricsError) in
            try KeyReport.evaluate(referenceIndices: [0, 1], estimateIndices: [0, 24])
        } == .labelOutOfRange(what: "estimateIndices", position: 1, label: 24, classCount: 24))
    }
}

// MARK: - Regression

@Suite struct RegressionMetricsTests {
    @Test(arguments: ["single_output", "multi_output_constant_target", "perfect_constant_and_negative_r2"])
    func matchesScikitLearn(caseName: String) throws {
        let fixture = try MetricsFixture.decode(RegressionFixture.self, "metrics/regression.json")
        let testCase = try #require(fixture.cases.first { $0.name == caseName })
        let report: RegressionReport
        switch (testCase.predictions, testCase.targets) {
        case let (.single(predictions), .single(targets)):
            report = try RegressionReport.evaluate(
                predictions: predictions.map(Float.init), targets: targets.map(Float.init))
        case let (.multi(predictions), .multi(targets)):
            report = try RegressionReport.evaluate(
                predictions: predictions.map { $0.map(Float.init) }, targets: targets.map { $0.map(Float.init) })
        default:
            Issue.record("fixture \(caseName) mixes single- and multi-output arrays")
            return
        }
        let expected = testCase.expected
        #expect(isClose(report.r2, expected.r2))
        #expect(allClose(report.r2PerOutput, expected.r2_per_output))
        #expect(isClose(report.mae, expected.mae))
        #expect(allClose(report.maePerOutput, expected.mae_per_output))
    }

    @Test func handChecked() throws {
        // SS_res = 1, SS_tot = 2 → R² = 0.5; MAE = 1/3.
        let report = try RegressionReport.evaluate(predictions: [1, 2, 4] as [Double], targets: [1, 2, 3])
        #expect(isClose(report.r2, 0.5))
        #expect(isClose(report.mae, 1.0 / 3.0))
        #expect(report.sampleCount == 3)

        // Constant targets: perfect → 1, otherwise 0 (sklearn force_finite); uniform mean.
        let constant = try RegressionReport.evaluate(
            predictions: [[2, 5], [2, 6]] as [[Float]], targets: [[2, 5], [2, 5]])
        #expect(constant.r2PerOutput == [1.0, 0.0])
        #expect(constant.r2 == 0.5)
        #expect(constant.maePerOutput == [0.0, 0.5])
        #expect(constant.mae == 0.25)
    }

    @Test func inputErrors() {
        #expect(metricsError { () throws(MetricsError) in
            try RegressionReport.evaluate(predictions: [Float](), targets: [])
        } == .emptyInput(what: "targets"))
        #expect(metricsError { () throws(MetricsError) in
            try RegressionReport.evaluate(predictions: [1] as [Float], targets: [1])
        } == .insufficientSamples(what: "R²", needed: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try RegressionReport.evaluate(predictions: [1, 2] as [Float], targets: [1, 2, 3])
        } == .lengthMismatch(what: "predictions vs targets", expected: 3, actual: 2))
        #expect(metricsError { () throws(MetricsError) in
            try RegressionReport.evaluate(predictions: [[1, 2], [3]] as [[Float]], targets: [[1, 2], [3, 4]])
        } == .raggedRows(what: "predictions", row: 1, expected: 2, actual: 1))
        #expect(metricsError { () throws(MetricsError) in
            try RegressionReport.evaluate(predictions: [1, .nan] as [Float], targets: [1, 2])
        } == .nonFiniteValue(what: "predictions", row: 1, column: 0))
        #expect(metricsError { () throws(MetricsError) in
            try RegressionReport.evaluate(predictions: [1, 2] as [Double], targets: [.infinity, 2])
        } == .nonFiniteValue(what: "targets", row: 0, column: 0))
    }
}

// MARK: - Error descriptions

@Test func metricsErrorDescriptionsAreInformative() {
    let cases: [(MetricsError, String)] = [
        (.emptyInput(what: "scores"), "scores"),
        (.lengthMismatch(what: "labels vs scores", expected: 3, actual: 2), "expected 3, got 2"),
        (.raggedRows(what: "scores", row: 4, expected: 2, actual: 1), "row 4"),
        (.nonFiniteValue(what: "scores", row: 1, column: 2), "column 2"),
        (.nonFiniteValue(what: "scores", row: 7, column: nil), "position 7"),
        (.labelOutOfRange(what: "truth", position: 0, label: 9, classCount: 3), "0..<3"),
        (.invalidBinaryTarget(row: 0, column: 1, value: 2), "expected 0 or 1"),
        (.invalidClassCount(0), "0"),
        (.insufficientSamples(what: "R²", needed: 2, actual: 1), "at least 2"),
        (.singleClass(what: "ROC-AUC", positives: 3, negatives: 0), "only one class"),
    ]
    for (error, fragment) in cases {
        #expect(error.description.contains(fragment), "\(error.description)")
    }
}
