// Internal input checks shared by the metric implementations.

/// Shape and value checks used by every metric before it computes anything.
enum MetricsValidation {
    /// Returns the common row width of `matrix`, throwing if it is empty, has empty rows,
    /// or is ragged.
    static func width<T>(of matrix: [[T]], what: String) throws(MetricsError) -> Int {
        guard let first = matrix.first else { throw .emptyInput(what: what) }
        guard !first.isEmpty else { throw .emptyInput(what: "\(what) row 0") }
        let width = first.count
        for (row, values) in matrix.enumerated() where values.count != width {
            throw .raggedRows(what: what, row: row, expected: width, actual: values.count)
        }
        return width
    }

    /// Throws if `actual` differs from `expected`.
    static func requireCount(_ actual: Int, equals expected: Int, what: String) throws(MetricsError) {
        guard actual == expected else {
            throw .lengthMismatch(what: what, expected: expected, actual: actual)
        }
    }

    /// Converts a score to `Double`, throwing on NaN or infinity.
    static func finite<S: BinaryFloatingPoint>(
        _ value: S, what: String, row: Int, column: Int?
    ) throws(MetricsError) -> Double {
        guard value.isFinite else { throw .nonFiniteValue(what: what, row: row, column: column) }
        return Double(value)
    }

    /// Throws if `label` is not in `0..<classCount`.
    static func requireLabel(
        _ label: Int, classCount: Int, what: String, position: Int
    ) throws(MetricsError) {
        guard label >= 0 && label < classCount else {
            throw .labelOutOfRange(what: what, position: position, label: label, classCount: classCount)
        }
    }
}
