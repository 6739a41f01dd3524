/// A line chart of one or more series over a numeric x axis, with optional vertical spread
/// bars (e.g. ± one standard deviation over seeds) at each point.
public struct LineChart: Sendable, Equatable {
    /// A data point; `spread` draws a bar from `y - spread` to `y + spread`.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var spread: Double?

        public init(x: Double, y: Double, spread: Double? = nil) {
            self.x = x
            self.y = y
            self.spread = spread
        }
    }

    /// A named line; `dashed` lines are told apart without colour (e.g. validation vs training).
    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [Point]
        public var dashed: Bool

        public init(name: String, points: [Point], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var frame: ChartFrame
    /// Formats x tick labels (e.g. as percentages); the scale's own labels when nil.
    public var xTickFormat: (@Sendable (Double) -> String)?

    /// A chart with its title, axis titles (with units) and series; the legend names the series.
    public init(title: String, xLabel: String, yLabel: String, series: [Series], frame: ChartFrame = ChartFrame(),
                xTickFormat: (@Sendable (Double) -> String)? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.frame = frame
        self.xTickFormat = xTickFormat
    }

    /// Equal charts draw the same; the tick format closure is not compared.
    public static func == (a: LineChart, b: LineChart) -> Bool {
        a.title == b.title && a.xLabel == b.xLabel && a.yLabel == b.yLabel && a.series == b.series && a.frame == b.frame
    }

    var finitePoints: [Point] { series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite } }

    /// The x scale over the data's extent, mapped to the plot's width.
    public var xScale: LinearScale {
        let xs = finitePoints.map(\.x)
        return LinearScale(domain: (xs.min() ?? 0, xs.max() ?? 1), range: (frame.plotLeft, frame.plotRight))
    }

    /// The y scale over the data's extent (spread bars included), widened to whole ticks.
    public var yScale: LinearScale {
        var frame = self.frame
        frame.top = frame.topMargin(legend: series.map(\.name))
        let lows = finitePoints.map { $0.y - ($0.spread ?? 0) }, highs = finitePoints.map { $0.y + ($0.spread ?? 0) }
        return LinearScale(domain: (lows.min() ?? 0, highs.max() ?? 1), range: (frame.plotBottom, frame.plotTop)).niced()
    }

    /// The chart as an SVG element.
    public func svg() -> String {
        var frame = self.frame
        frame.top = frame.topMargin(legend: series.map(\.name))
        let x = xScale, y = yScale
        var s = frame.open(kind: "line", title: title)
        s += frame.yAxis(y)
        let integers = !finitePoints.isEmpty && finitePoints.allSatisfy { $0.x == $0.x.rounded() && Swift.abs($0.x) < 1e9 }
        s += frame.xAxis(x, integers: integers, format: xTickFormat)
        s += frame.axisTitles(x: xLabel, y: yLabel)
        for (i, line) in series.enumerated() {
            let color = ChartPalette.color(i)
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            s += "<g class=\"series\" data-series=\"\(HTMLText.escape(line.name))\">"
            if points.count > 1 {
                let path = points.map { "\(HTMLText.coordinate(x($0.x))),\(HTMLText.coordinate(y($0.y)))" }.joined(separator: " ")
                let dash = line.dashed ? " stroke-dasharray=\"5 3\"" : ""
                s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
            }
            for p in points {
                let px = HTMLText.coordinate(x(p.x))
                if let spread = p.spread, spread.isFinite, spread > 0 {
                    s += "<line class=\"spread\" x1=\"\(px)\" x2=\"\(px)\" y1=\"\(HTMLText.coordinate(y(p.y - spread)))\" y2=\"\(HTMLText.coordinate(y(p.y + spread)))\" stroke=\"\(color)\" stroke-width=\"1.5\"/>"
                }
                s += "<circle cx=\"\(px)\" cy=\"\(HTMLText.coordinate(y(p.y)))\" r=\"3\" fill=\"\(color)\"><title>\(HTMLText.escape(line.name)): \(HTMLText.escape(Self.format(p)))</title></circle>"
            }
            s += "</g>"
        }
        s += frame.legend(series.map(\.name), dashed: series.map(\.dashed))
        return s + "</svg>"
    }

    static func format(_ p: Point) -> String {
        var text = "(\(ReportNumber.format(p.x)), \(ReportNumber.format(p.y))"
        if let s = p.spread { text += " ± \(ReportNumber.format(s))" }
        return text + ")"
    }
}
