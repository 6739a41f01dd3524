// Regression metrics: coefficient of determination (R²) and mean absolute error.

/// R² and mean absolute error of a (possibly multi-output) regressor.
///
/// - R² per output is `1 − SS_res / SS_tot` exactly as `sklearn.metrics.r2_score`,
///   including its `force_finite=True` rule for a constant target (`SS_tot == 0`):
///   1.0 if the predictions are also perfect (`SS_res == 0`), otherwise 0.0.
/// - ``r2`` is the unweighted mean over outputs (`multioutput='uniform_average'`).
/// - MAE per output is `mean(|y − ŷ|)`; ``mae`` is the mean over outputs
///   (`mean_absolute_error`, uniform average).
///
/// All sums are accumulated in `Double`.
public struct RegressionReport: Sendable, Equatable {
    public var r2PerOutput: [Double]
    public var r2: Double
    public var maePerOutput: [Double]
    public var mae: Double
    public var sampleCount: Int

    public init(r2PerOutput: [Double], r2: Double, maePerOutput: [Double], mae: Double, sampleCount: Int) {
        self.r2PerOutput = r2PerOutput
        self.r2 = r2
        self.maePerOutput = maePerOutput
        self.mae = mae
        self.sampleCount = sampleCount
    }

    /// Evaluates multi-output predictions (`predictions[sample][output]`).
    ///
    /// - Throws: ``MetricsError`` for empty, ragged, mismatched or non-finite input, and
    ///   ``MetricsError/insufficientSamples(what:needed:actual:)`` for fewer than two
    ///   samples (R² is undefined; sklearn warns and returns NaN).
    public static func evaluate<Value: BinaryFloatingPoint>(
        predictions: [[Value]], targets: [[Value]]
    ) throws(MetricsError) -> RegressionReport {
        let outputCount = try MetricsValidation.width(of: targets, what: "targets")
        try MetricsValidation.requireCount(predictions.count, equals: targets.count, what: "predictions rows vs targets rows")
        for (row, values) in predictions.enumerated() where values.count != outputCount {
            throw .raggedRows(what: "predictions", row: row, expected: outputCount, actual: values.count)
        }
        guard targets.count >= 2 else {
            throw .insufficientSamples(what: "R²", needed: 2, actual: targets.count)
        }

        var truth = [[Double]](repeating: [], count: outputCount)
        var estimate = [[Double]](repeating: [], count: outputCount)
        for row in targets.indices {
            for column in 0..<outputCount {
                truth[column].append(try MetricsValidation.finite(
                    targets[row][column], what: "targets", row: row, column: column))
                estimate[column].append(try MetricsValidation.finite(
                    predictions[row][column], what: "predictions", row: row, column: column))
            }
        }

        let n = Double(targets.count)
        var r2PerOutput: [Double] = []
        var maePerOutput: [Double] = []
        for column in 0..<outputCount {
            let y = truth[column]
            let yHat = estimate[column]
            let mean = y.reduce(0, +) / n
            var residual = 0.0
            var total = 0.0
            var absolute = 0.0
            for (actual, predicted) in zip(y, yHat) {
                residual += (actual - predicted) * (actual - predicted)
                total += (actual - mean) * (actual - mean)
                absolute += abs(actual - predicted)
            }
            if total != 0 {
                r2PerOutput.append(1 - residual / total)
            } else {
                r2PerOutput.append(residual == 0 ? 1.0 : 0.0)
            }
            maePerOutput.append(absolute / n)
        }
        let outputs = Double(outputCount)
        return RegressionReport(
            r2PerOutput: r2PerOutput,
            r2: r2PerOutput.reduce(0, +) / outputs,
            maePerOutput: maePerOutput,
            mae: maePerOutput.reduce(0, +) / outputs,
            sampleCount: targets.count)
    }

    /// Evaluates single-output predictions; same rules as the multi-output overload.
    public static func evaluate<Value: BinaryFloatingPoint>(
        predictions: [Value], targets: [Value]
    ) throws(MetricsError) -> RegressionReport {
        guard !targets.isEmpty else { throw .emptyInput(what: "targets") }
        try MetricsValidation.requireCount(predictions.count, equals: targets.count, what: "predictions vs targets")
        return try evaluate(predictions: predictions.map { [$0] }, targets: targets.map { [$0] })
    }
}
