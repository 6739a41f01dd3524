// Confusion matrix for single-label multi-class classification and the metrics derived from it.

/// Which classes a macro average runs over.
public enum ClassSelection: Sendable, Equatable {
    /// Classes that occur in the truth *or* the predictions. This is scikit-learn's default
    /// (`labels=None`, i.e. `unique_labels(y_true, y_pred)`).
    case observed
    /// Every class in `0..<classCount`, as sklearn with `labels=range(classCount)`.
    /// Classes that never occur anywhere then contribute an F1 of 0.
    case all
}

/// Precision, recall and F1 of one class (one-vs-rest).
///
/// Undefined ratios are reported as 0, matching scikit-learn's `zero_division=0`:
/// precision is 0 for a class that is never predicted, recall is 0 for a class with no
/// true samples, and F1 is 0 whenever `2·TP + FP + FN` is 0 or TP is 0.
public struct ClassScore: Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Number of samples whose truth is this class (row sum).
    public var support: Int
    /// Number of samples predicted as this class (column sum).
    public var predictedCount: Int

    public init(precision: Double, recall: Double, f1: Double, support: Int, predictedCount: Int) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
        self.predictedCount = predictedCount
    }
}

/// A `classCount × classCount` confusion matrix: **rows are the true class, columns the
/// predicted class** (as `sklearn.metrics.confusion_matrix(y_true, y_pred,
/// labels=range(classCount))`).
///
/// Always built from at least one sample, so every derived metric is defined.
public struct ConfusionMatrix: Sendable, Equatable {
    /// Number of classes; class indices are `0..<classCount`.
    public let classCount: Int
    /// `counts[truth][predicted]`.
    public let counts: [[Int]]

    /// Counts predictions against the truth.
    ///
    /// - Parameters:
    ///   - predictions: Predicted class index per sample.
    ///   - truth: True class index per sample.
    ///   - classCount: Number of classes (≥ 1).
    /// - Throws: ``MetricsError/invalidClassCount(_:)``, ``MetricsError/emptyInput(what:)``,
    ///   ``MetricsError/lengthMismatch(what:expected:actual:)`` or
    ///   ``MetricsError/labelOutOfRange(what:position:label:classCount:)``.
    public init(predictions: [Int], truth: [Int], classCount: Int) throws(MetricsError) {
        guard classCount >= 1 else { throw .invalidClassCount(classCount) }
        guard !truth.isEmpty else { throw .emptyInput(what: "truth") }
        try MetricsValidation.requireCount(predictions.count, equals: truth.count, what: "predictions vs truth")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (position, (actual, predicted)) in zip(truth, predictions).enumerated() {
            try MetricsValidation.requireLabel(actual, classCount: classCount, what: "truth", position: position)
            try MetricsValidation.requireLabel(
                predicted, classCount: classCount, what: "predictions", position: position)
            counts[actual][predicted] += 1
        }
        self.classCount = classCount
        self.counts = counts
    }

    /// Number of samples counted.
    public var sampleCount: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Number of correct predictions (the trace).
    public var correctCount: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }

    /// Fraction of samples predicted correctly (`accuracy_score`).
    public var accuracy: Double { Double(correctCount) / Double(sampleCount) }

    /// Mean per-class recall over the classes that occur in the truth
    /// (`balanced_accuracy_score` with `adjusted=False`). Classes that are only predicted,
    /// never true, are ignored, as sklearn does (with a warning).
    public var balancedAccuracy: Double {
        var sum = 0.0
        var present = 0
        for score in perClass where score.support > 0 {
            sum += score.recall
            present += 1
        }
        // At least one sample exists, so at least one class has support.
        return present > 0 ? sum / Double(present) : 0
    }

    /// Unweighted mean F1 over the selected classes (`f1_score(average='macro',
    /// zero_division=0)`); see ``ClassSelection`` for which classes count.
    public func macroF1(over selection: ClassSelection = .observed) -> Double {
        var sum = 0.0
        var included = 0
        for score in perClass {
            switch selection {
            case .all:
                break
            case .observed:
                if score.support == 0 && score.predictedCount == 0 { continue }
            }
            sum += score.f1
            included += 1
        }
        return included > 0 ? sum / Double(included) : 0
    }

    /// One-vs-rest precision, recall and F1 for every class `0..<classCount`
    /// (`zero_division=0`).
    public var perClass: [ClassScore] {
        (0..<classCount).map { index in
            let truePositives = counts[index][index]
            let support = counts[index].reduce(0, +)
            let predicted = counts.reduce(0) { $0 + $1[index] }
            let precision = predicted > 0 ? Double(truePositives) / Double(predicted) : 0
            let recall = support > 0 ? Double(truePositives) / Double(support) : 0
            // F = 2TP / (2TP + FP + FN) = 2TP / (predicted + support).
            let denominator = predicted + support
            let f1 = denominator > 0 ? 2.0 * Double(truePositives) / Double(denominator) : 0
            return ClassScore(
                precision: precision, recall: recall, f1: f1, support: support, predictedCount: predicted)
        }
    }
}
