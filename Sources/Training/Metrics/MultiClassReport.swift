// Single-label multi-class classification metrics bundled in one report.

/// Accuracy, balanced accuracy, macro F1 and the confusion matrix of a single-label
/// multi-class classifier.
///
/// Matches scikit-learn: `accuracy_score`, `balanced_accuracy_score`,
/// `f1_score(average='macro', zero_division=0)` (over the classes observed in truth or
/// predictions, sklearn's default) and `confusion_matrix(labels=range(classCount))`.
public struct MultiClassReport: Sendable, Equatable {
    /// Rows = truth, columns = prediction.
    public var confusionMatrix: ConfusionMatrix
    public var accuracy: Double
    public var balancedAccuracy: Double
    /// Macro F1 over ``ClassSelection/observed`` classes (sklearn's default).
    public var macroF1: Double
    /// Macro F1 over all `classCount` classes (sklearn with `labels=range(classCount)`).
    public var macroF1AllClasses: Double
    /// Per-class precision / recall / F1 for classes `0..<classCount`.
    public var perClass: [ClassScore]

    /// Builds the report from an existing confusion matrix.
    public init(confusionMatrix: ConfusionMatrix) {
        self.confusionMatrix = confusionMatrix
        accuracy = confusionMatrix.accuracy
        balancedAccuracy = confusionMatrix.balancedAccuracy
        macroF1 = confusionMatrix.macroF1(over: .observed)
        macroF1AllClasses = confusionMatrix.macroF1(over: .all)
        perClass = confusionMatrix.perClass
    }

    /// Evaluates predicted class indices against true class indices.
    /// - Throws: see ``ConfusionMatrix/init(predictions:truth:classCount:)``.
    public static func evaluate(
        predictions: [Int], truth: [Int], classCount: Int
    ) throws(MetricsError) -> MultiClassReport {
        MultiClassReport(confusionMatrix: try ConfusionMatrix(
            predictions: predictions, truth: truth, classCount: classCount))
    }

    /// Evaluates class scores (`scores[sample][class]`) against true class indices. The
    /// prediction is the arg-max of each row (see ``predictedClasses(from:)``); the class
    /// count is the row width.
    /// - Throws: ``MetricsError`` for empty, ragged or non-finite scores, and as
    ///   ``evaluate(predictions:truth:classCount:)``.
    public static func evaluate<Score: BinaryFloatingPoint>(
        scores: [[Score]], truth: [Int]
    ) throws(MetricsError) -> MultiClassReport {
        let classCount = try MetricsValidation.width(of: scores, what: "scores")
        let predictions = try predictedClasses(from: scores)
        return try evaluate(predictions: predictions, truth: truth, classCount: classCount)
    }

    /// Row-wise arg-max. Ties go to the lowest class index, as `numpy.argmax`.
    /// - Throws: ``MetricsError`` for empty, ragged or non-finite scores.
    public static func predictedClasses<Score: BinaryFloatingPoint>(
        from scores: [[Score]]
    ) throws(MetricsError) -> [Int] {
        _ = try MetricsValidation.width(of: scores, what: "scores")
        var predictions: [Int] = []
        predictions.reserveCapacity(scores.count)
        for (row, values) in scores.enumerated() {
            var best = 0
            var bestValue = -Double.infinity
            for (column, score) in values.enumerated() {
                let value = try MetricsValidation.finite(score, what: "scores", row: row, column: column)
                if column == 0 || value > bestValue {
                    best = column
                    bestValue = value
                }
            }
            predictions.append(best)
        }
        return predictions
    }
}
