// Typed errors raised by the evaluation metrics in this folder.

/// An error raised when a metric cannot be computed from its inputs.
///
/// Every metric validates its inputs before computing anything, and throws one of
/// these cases instead of trapping or returning a silently wrong number.
public enum MetricsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The named input holds no elements (or nothing is left after masking).
    case emptyInput(what: String)
    /// Two inputs that must have the same number of elements do not.
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A row of a matrix-shaped input (`[[T]]`) has a different width than the first row.
    case raggedRows(what: String, row: Int, expected: Int, actual: Int)
    /// A score or value is NaN or infinite. `column` is `nil` for one-dimensional inputs.
    case nonFiniteValue(what: String, row: Int, column: Int?)
    /// A class index lies outside `0..<classCount`.
    case labelOutOfRange(what: String, position: Int, label: Int, classCount: Int)
    /// An integer multi-label target is neither 0 nor 1.
    case invalidBinaryTarget(row: Int, column: Int, value: Int)
    /// The number of classes must be at least 1.
    case invalidClassCount(Int)
    /// A metric needs more samples than it was given (for example R² with fewer than two).
    case insufficientSamples(what: String, needed: Int, actual: Int)
    /// A binary ranking metric is undefined because only one class is present.
    case singleClass(what: String, positives: Int, negatives: Int)
    /// An event time (beat, downbeat) is before the previous one. Beat metrics need times in
    /// non-decreasing order, as mir_eval does.
    case unsortedTimes(what: String, position: Int)
    /// An event time is above the largest time the metric accepts (mir_eval's 30 000 s guard
    /// against times given in milliseconds or samples).
    case timeOutOfRange(what: String, position: Int, time: Double, limit: Double)
    /// A time interval is malformed: negative start, non-positive duration, or intervals that
    /// cannot be aligned as the metric needs.
    case invalidInterval(what: String, position: Int, reason: String)

    public var description: String {
        switch self {
        case let .emptyInput(what):
            return "Empty input: \(what) has no elements."
        case let .lengthMismatch(what, expected, actual):
            return "Length mismatch for \(what): expected \(expected), got \(actual)."
        case let .raggedRows(what, row, expected, actual):
            return "Ragged matrix \(what): row \(row) has \(actual) columns, expected \(expected)."
        case let .nonFiniteValue(what, row, column):
            if let column {
                return "Non-finite value (NaN or infinity) in \(what) at row \(row), column \(column)."
            }
            return "Non-finite value (NaN or infinity) in \(what) at position \(row)."
        case let .labelOutOfRange(what, position, label, classCount):
            return "Label out of range in \(what) at position \(position): \(label) is not in 0..<\(classCount)."
        case let .invalidBinaryTarget(row, column, value):
            return "Invalid binary target at row \(row), column \(column): \(value) (expected 0 or 1)."
        case let .invalidClassCount(count):
            return "Invalid class count \(count): at least one class is required."
        case let .insufficientSamples(what, needed, actual):
            return "Not enough samples for \(what): need at least \(needed), got \(actual)."
        case let .singleClass(what, positives, negatives):
            return "\(what) is undefined when only one class is present "
                + "(\(positives) positives, \(negatives) negatives)."
        case let .unsortedTimes(what, position):
            return "Times in \(what) must not decrease: position \(position) is before position \(position - 1)."
        case let .timeOutOfRange(what, position, time, limit):
            return "Time \(time) s in \(what) at position \(position) is above \(limit) s (times must be in seconds)."
        case let .invalidInterval(what, position, reason):
            return "Invalid interval in \(what) at position \(position): \(reason)"
        }
    }
}
