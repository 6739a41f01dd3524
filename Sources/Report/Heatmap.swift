/// A grid of values coloured on a sequential scale, each cell printed with its value (and
/// spread), with a colour legend: e.g. a metric over data size (columns) × model size (rows).
public struct Heatmap: Sendable, Equatable {
    public var title: String
    /// The title of the column axis (e.g. "unlabeled pool used").
    public var xLabel: String
    /// The title of the row axis (e.g. "student model").
    public var yLabel: String
    /// What the colour shows (e.g. "key/accuracy, mean over seeds").
    public var valueLabel: String
    public var columns: [String]
    public var rows: [String]
    /// `values[row][column]`; nil cells are drawn empty ("—").
    public var values: [[Double?]]
    public var spreads: [[Double?]]
    public var frame: ChartFrame

    /// A grid of `rows` × `columns`; `spreads`, when given, are printed after the values (±).
    public init(title: String, xLabel: String, yLabel: String, valueLabel: String, columns: [String], rows: [String],
                values: [[Double?]], spreads: [[Double?]] = [], frame: ChartFrame = ChartFrame(width: 520, height: 300)) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.valueLabel = valueLabel
        self.columns = columns
        self.rows = rows
        self.values = values
        self.spreads = spreads
        self.frame = frame
    }

    /// The lowest and highest finite values (the ends of the colour scale).
    public var valueRange: (Double, Double)? {
        let all = values.flatMap { $0 }.compactMap { $0 }.filter(\.isFinite)
        guard let lo = all.min(), let hi = all.max() else { return nil }
        return (lo, hi)
    }

    /// Where `value` lies on the colour scale, in [0, 1] (0.5 when every value is equal).
    public func colorPosition(_ value: Double) -> Double {
        guard let (lo, hi) = valueRange, hi > lo else { return 0.5 }
        return (value - lo) / (hi - lo)
    }

    /// The chart as an SVG element.
    public func svg() -> String {
        var f = frame
        f.left = 24 + Double(Swift.min(16, rows.map(\.count).max() ?? 0)) * 7
        f.bottom = 82
        var s = f.open(kind: "heatmap", title: title)
        let cellWidth = (f.plotRight - f.plotLeft) / Double(Swift.max(1, columns.count))
        let cellHeight = (f.plotBottom - f.plotTop) / Double(Swift.max(1, rows.count))
        for (r, row) in rows.enumerated() {
            let cy = f.plotTop + cellHeight * Double(r)
            s += "<text class=\"tick\" x=\"\(HTMLText.coordinate(f.plotLeft - 6))\" y=\"\(HTMLText.coordinate(cy + cellHeight / 2))\" dy=\"0.32em\" text-anchor=\"end\">\(HTMLText.escape(row))</text>"
            for c in columns.indices {
                let cx = f.plotLeft + cellWidth * Double(c)
                let value = r < values.count && c < values[r].count ? values[r][c] : nil
                let spread = r < spreads.count && c < spreads[r].count ? spreads[r][c] : nil
                let t = value.map(colorPosition) ?? 0
                let fill = value == nil ? "#eeeeee" : ChartPalette.sequential(t)
                var text = ReportNumber.format(value)
                if let spread, spread > 0 { text += " ± " + ReportNumber.format(spread) }
                s += "<g class=\"cell\"><rect x=\"\(HTMLText.coordinate(cx + 1))\" y=\"\(HTMLText.coordinate(cy + 1))\" width=\"\(HTMLText.coordinate(cellWidth - 2))\" height=\"\(HTMLText.coordinate(cellHeight - 2))\" fill=\"\(fill)\"><title>\(HTMLText.escape("\(row) · \(columns[c]): \(text)"))</title></rect>"
                let textClass = value != nil && ChartPalette.needsLightText(t) ? "cell-value light" : "cell-value"
                s += "<text class=\"\(textClass)\" x=\"\(HTMLText.coordinate(cx + cellWidth / 2))\" y=\"\(HTMLText.coordinate(cy + cellHeight / 2))\" dy=\"0.32em\" text-anchor=\"middle\">\(HTMLText.escape(text))</text></g>"
            }
        }
        for (c, column) in columns.enumerated() {
            s += "<text class=\"tick\" x=\"\(HTMLText.coordinate(f.plotLeft + cellWidth * (Double(c) + 0.5)))\" y=\"\(HTMLText.coordinate(f.plotBottom + 16))\" text-anchor=\"middle\">\(HTMLText.escape(column))</text>"
        }
        s += "<text class=\"axis-title\" x=\"\(HTMLText.coordinate((f.plotLeft + f.plotRight) / 2))\" y=\"\(HTMLText.coordinate(f.plotBottom + 36))\" text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text>"
        s += "<text class=\"axis-title\" transform=\"translate(14 \(HTMLText.coordinate((f.plotTop + f.plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTMLText.escape(yLabel))</text>"
        s += colorLegend(f)
        return s + "</svg>"
    }

    /// A gradient bar under the grid with the lowest and highest values at its ends.
    func colorLegend(_ f: ChartFrame) -> String {
        let y = f.height - 26, x0 = f.plotLeft, x1 = Swift.min(f.plotRight, f.plotLeft + 240)
        var s = "<g class=\"legend color-legend\">"
        let steps = 12
        for i in 0..<steps {
            let w = (x1 - x0) / Double(steps)
            s += "<rect x=\"\(HTMLText.coordinate(x0 + w * Double(i)))\" y=\"\(HTMLText.coordinate(y))\" width=\"\(HTMLText.coordinate(w + 0.5))\" height=\"10\" fill=\"\(ChartPalette.sequential(Double(i) / Double(steps - 1)))\"/>"
        }
        let (lo, hi) = valueRange ?? (0, 0)
        s += "<text class=\"tick\" x=\"\(HTMLText.coordinate(x0))\" y=\"\(HTMLText.coordinate(y + 22))\" text-anchor=\"start\">\(HTMLText.escape(ReportNumber.format(lo)))</text>"
        s += "<text class=\"tick\" x=\"\(HTMLText.coordinate(x1))\" y=\"\(HTMLText.coordinate(y + 22))\" text-anchor=\"end\">\(HTMLText.escape(ReportNumber.format(hi)))</text>"
        s += "<text class=\"legend-label\" x=\"\(HTMLText.coordinate(x1 + 8))\" y=\"\(HTMLText.coordinate(y + 5))\" dy=\"0.32em\">\(HTMLText.escape(valueLabel))</text>"
        return s + "</g>"
    }
}
