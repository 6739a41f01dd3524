// ROC-AUC and average precision for a single binary ranking problem.

/// Threshold-free ranking metrics for one binary problem (one tag, or a flattened
/// multi-label problem).
///
/// Both metrics follow scikit-learn exactly:
/// - ``rocAUC(scores:labels:)`` matches `sklearn.metrics.roc_auc_score`: the ROC curve has
///   one point per *distinct* score, so tied scores move the curve diagonally and the area
///   is integrated with the trapezoidal rule (equivalently, a tied positive/negative pair
///   counts as half a correctly ordered pair).
/// - ``averagePrecision(scores:labels:)`` matches `sklearn.metrics.average_precision_score`:
///   `AP = Σₙ (Rₙ − Rₙ₋₁) · Pₙ` over distinct score thresholds in decreasing order, a
///   step-wise sum with no interpolation (not the trapezoidal PR area).
///
/// Scores are accumulated in `Double` whatever their input type.
public enum BinaryRankingMetrics {
    /// Area under the ROC curve, with sklearn's tie handling.
    ///
    /// - Parameters:
    ///   - scores: One score per example; higher means "more likely positive".
    ///   - labels: Ground truth, `true` for positive examples.
    /// - Throws: ``MetricsError/emptyInput(what:)``, ``MetricsError/lengthMismatch(what:expected:actual:)``,
    ///   ``MetricsError/nonFiniteValue(what:row:column:)``, or
    ///   ``MetricsError/singleClass(what:positives:negatives:)`` when all labels are equal
    ///   (sklearn raises `ValueError` there too).
    public static func rocAUC<Score: BinaryFloatingPoint>(
        scores: [Score], labels: [Bool]
    ) throws(MetricsError) -> Double {
        let summary = try RankingSummary(scores: scores, labels: labels)
        guard let value = summary.rocAUC else {
            throw .singleClass(what: "ROC-AUC", positives: summary.positives, negatives: summary.negatives)
        }
        return value
    }

    /// Average precision (step-wise area under the precision-recall curve).
    ///
    /// Defined whenever at least one positive exists; all-positive input gives 1.0.
    /// - Throws: as ``rocAUC(scores:labels:)``, and
    ///   ``MetricsError/singleClass(what:positives:negatives:)`` when there are no positives
    ///   (sklearn warns and returns 0.0 there; this API refuses instead).
    public static func averagePrecision<Score: BinaryFloatingPoint>(
        scores: [Score], labels: [Bool]
    ) throws(MetricsError) -> Double {
        let summary = try RankingSummary(scores: scores, labels: labels)
        guard let value = summary.averagePrecision else {
            throw .singleClass(
                what: "Average precision", positives: summary.positives, negatives: summary.negatives)
        }
        return value
    }
}

/// Both ranking metrics computed from one sort of (score, label) pairs.
struct RankingSummary: Sendable {
    let positives: Int
    let negatives: Int
    /// `nil` unless both classes are present.
    let rocAUC: Double?
    /// `nil` when there are no positives.
    let averagePrecision: Double?

    init<Score: BinaryFloatingPoint>(scores: [Score], labels: [Bool]) throws(MetricsError) {
        guard !scores.isEmpty else { throw .emptyInput(what: "scores") }
        try MetricsValidation.requireCount(labels.count, equals: scores.count, what: "labels vs scores")
        var pairs: [(score: Double, positive: Bool)] = []
        pairs.reserveCapacity(scores.count)
        for (index, score) in scores.enumerated() {
            let value = try MetricsValidation.finite(score, what: "scores", row: index, column: nil)
            pairs.append((value, labels[index]))
        }
        self.init(validatedPairs: pairs)
    }

    /// `pairs` must be non-empty and hold finite scores.
    init(validatedPairs pairs: [(score: Double, positive: Bool)]) {
        let sorted = pairs.sorted { $0.score > $1.score }
        let positives = sorted.reduce(0) { $0 + ($1.positive ? 1 : 0) }
        let negatives = sorted.count - positives
        self.positives = positives
        self.negatives = negatives

        // Walk the distinct thresholds from the highest score down. After each group of
        // tied scores we have one point of the ROC and PR curves.
        var truePositives = 0
        var falsePositives = 0
        var twiceROCArea = 0.0  // in units of (1 negative) x (1 positive)
        var precisionSum = 0.0  // sum of (ΔTP) * precision
        var index = 0
        while index < sorted.count {
            let threshold = sorted[index].score
            let previousTP = truePositives
            let previousFP = falsePositives
            while index < sorted.count && sorted[index].score == threshold {
                if sorted[index].positive { truePositives += 1 } else { falsePositives += 1 }
                index += 1
            }
            twiceROCArea += Double(falsePositives - previousFP) * Double(truePositives + previousTP)
            if truePositives > previousTP {
                let precision = Double(truePositives) / Double(truePositives + falsePositives)
                precisionSum += Double(truePositives - previousTP) * precision
            }
        }

        if positives > 0 && negatives > 0 {
            rocAUC = twiceROCArea / (2.0 * Double(positives) * Double(negatives))
        } else {
            rocAUC = nil
        }
        averagePrecision = positives > 0 ? precisionSum / Double(positives) : nil
    }
}
