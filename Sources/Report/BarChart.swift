import Foundation

/// A bar chart over named categories, one bar per series in each category (grouped), with
/// optional spread bars. A histogram is a bar chart whose categories are bin ranges.
public struct BarChart: Sendable, Equatable {
    /// The values of one series, one per category (nil: no bar); `spreads` as in ``LineChart/Point``.
    public struct Series: Sendable, Equatable {
        public var name: String
        public var values: [Double?]
        public var spreads: [Double?]

        public init(name: String, values: [Double?], spreads: [Double?] = []) {
            self.name = name
            self.values = values
            self.spreads = spreads
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var series: [Series]
    public var frame: ChartFrame

    /// A chart with its title, axis titles (with units), categories and series (a legend when several).
    public init(title: String, xLabel: String, yLabel: String, categories: [String], series: [Series],
                frame: ChartFrame = ChartFrame()) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.frame = frame
    }

    /// Category labels are turned sideways when they would not fit side by side.
    var rotatesLabels: Bool {
        let slot = (frame.plotRight - frame.plotLeft) / Double(Swift.max(1, categories.count))
        return (categories.map(\.count).max() ?? 0) * 7 > Int(slot)
    }

    var layoutFrame: ChartFrame {
        var f = frame
        f.top = f.topMargin(legend: series.count > 1 ? series.map(\.name) : [])
        if rotatesLabels { f.bottom = 30 + Double(Swift.min(24, categories.map(\.count).max() ?? 0)) * 5.6 }
        return f
    }

    /// The value scale: from zero (or the lowest negative value) to the highest bar, whole ticks.
    public var yScale: LinearScale {
        let f = layoutFrame
        var lo = 0.0, hi = 0.0
        for s in series {
            for (i, v) in s.values.enumerated() {
                guard let v, v.isFinite else { continue }
                let spread = i < s.spreads.count ? (s.spreads[i] ?? 0) : 0
                lo = Swift.min(lo, v - spread)
                hi = Swift.max(hi, v + spread)
            }
        }
        if lo == hi { hi = lo + 1 }
        return LinearScale(domain: (lo, hi), range: (f.plotBottom, f.plotTop)).niced()
    }

    /// The chart as an SVG element.
    public func svg() -> String {
        let f = layoutFrame, y = yScale
        var s = f.open(kind: "bar", title: title)
        s += f.yAxis(y)
        let slot = (f.plotRight - f.plotLeft) / Double(Swift.max(1, categories.count))
        let barWidth = slot * 0.8 / Double(Swift.max(1, series.count))
        let zero = y(Swift.max(y.domainStart, Swift.min(y.domainEnd, 0)))
        for (si, bars) in series.enumerated() {
            let color = ChartPalette.color(si)
            s += "<g class=\"series\" data-series=\"\(HTMLText.escape(bars.name))\">"
            for (ci, category) in categories.enumerated() {
                guard ci < bars.values.count, let v = bars.values[ci], v.isFinite else { continue }
                let x = f.plotLeft + slot * Double(ci) + slot * 0.1 + barWidth * Double(si)
                let top = Swift.min(y(v), zero), height = Swift.abs(y(v) - zero)
                let tip = "\(bars.name) · \(category): \(ReportNumber.format(v))"
                s += "<rect class=\"bar\" x=\"\(HTMLText.coordinate(x))\" y=\"\(HTMLText.coordinate(top))\" width=\"\(HTMLText.coordinate(Swift.max(0.5, barWidth - 1)))\" height=\"\(HTMLText.coordinate(height))\" fill=\"\(color)\"><title>\(HTMLText.escape(tip))</title></rect>"
                if ci < bars.spreads.count, let spread = bars.spreads[ci], spread.isFinite, spread > 0 {
                    let cx = HTMLText.coordinate(x + barWidth / 2)
                    s += "<line class=\"spread\" x1=\"\(cx)\" x2=\"\(cx)\" y1=\"\(HTMLText.coordinate(y(v - spread)))\" y2=\"\(HTMLText.coordinate(y(v + spread)))\" stroke=\"#333\" stroke-width=\"1.5\"/>"
                }
            }
            s += "</g>"
        }
        s += "<g class=\"axis x-axis\">"
        s += "<line class=\"axis-line\" x1=\"\(HTMLText.coordinate(f.plotLeft))\" x2=\"\(HTMLText.coordinate(f.plotRight))\" y1=\"\(HTMLText.coordinate(zero))\" y2=\"\(HTMLText.coordinate(zero))\"/>"
        for (ci, category) in categories.enumerated() {
            let cx = HTMLText.coordinate(f.plotLeft + slot * (Double(ci) + 0.5))
            let ty = HTMLText.coordinate(f.plotBottom + 14)
            if rotatesLabels {
                s += "<text class=\"tick\" transform=\"translate(\(cx) \(ty)) rotate(-45)\" text-anchor=\"end\">\(HTMLText.escape(category))</text>"
            } else {
                s += "<text class=\"tick\" x=\"\(cx)\" y=\"\(ty)\" text-anchor=\"middle\">\(HTMLText.escape(category))</text>"
            }
        }
        s += "</g>"
        s += f.axisTitles(x: xLabel, y: yLabel)
        if series.count > 1 { s += f.legend(series.map(\.name)) }
        return s + "</svg>"
    }

    /// A histogram of counts over equal bins of [`lower`, `upper`], labelled by their ranges.
    public static func histogram(title: String, xLabel: String, yLabel: String = "tracks", counts: [Int],
                                 lower: Double = 0, upper: Double = 1, frame: ChartFrame = ChartFrame()) -> BarChart {
        let width = (upper - lower) / Double(Swift.max(1, counts.count))
        // As many decimals as the bin edges need (0.1 → 1, 0.25 → 2), at most 4.
        var decimals = 0
        while decimals < 4, Swift.abs((width * pow(10, Double(decimals))).rounded() - width * pow(10, Double(decimals))) > 1e-9 { decimals += 1 }
        let edge = { (i: Int) in String(format: "%.\(decimals)f", lower + width * Double(i)) }
        let labels = counts.indices.map { "\(edge($0))–\(edge($0 + 1))" }
        return BarChart(title: title, xLabel: xLabel, yLabel: yLabel, categories: labels,
                        series: [Series(name: yLabel, values: counts.map { Double($0) })], frame: frame)
    }
}
