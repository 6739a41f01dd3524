/// The geometry shared by the charts: an SVG canvas of `width` × `height` user units (drawn
/// through a viewBox, so it scales to any screen width), margins for the axes, the title, axis
/// labels and tick marks.
public struct ChartFrame: Sendable, Equatable {
    public var width: Double
    public var height: Double
    public var top: Double = 36
    public var right: Double = 16
    public var bottom: Double = 52
    public var left: Double = 64

    public init(width: Double = 520, height: Double = 320) {
        self.width = width
        self.height = height
    }

    public var plotLeft: Double { left }
    public var plotRight: Double { width - right }
    public var plotTop: Double { top }
    public var plotBottom: Double { height - bottom }

    /// The opening tag of a chart: role, accessible title and a `data-chart` kind for tests and styles.
    func open(kind: String, title: String) -> String {
        let w = HTMLText.coordinate(width), h = HTMLText.coordinate(height)
        return "<svg class=\"chart\" data-chart=\"\(kind)\" viewBox=\"0 0 \(w) \(h)\" role=\"img\" "
            + "xmlns=\"http://www.w3.org/2000/svg\" preserveAspectRatio=\"xMidYMid meet\">"
            + "<title>\(HTMLText.escape(title))</title>"
            + "<text class=\"chart-title\" x=\"\(HTMLText.coordinate(width / 2))\" y=\"20\" text-anchor=\"middle\">\(HTMLText.escape(title))</text>"
    }

    /// The x-axis title under the plot and the y-axis title rotated along the left edge.
    func axisTitles(x: String, y: String) -> String {
        let cx = HTMLText.coordinate((plotLeft + plotRight) / 2), cy = HTMLText.coordinate((plotTop + plotBottom) / 2)
        return "<text class=\"axis-title\" x=\"\(cx)\" y=\"\(HTMLText.coordinate(height - 8))\" text-anchor=\"middle\">\(HTMLText.escape(x))</text>"
            + "<text class=\"axis-title\" transform=\"translate(14 \(cy)) rotate(-90)\" text-anchor=\"middle\">\(HTMLText.escape(y))</text>"
    }

    /// A numeric y axis: grid lines, tick marks and labels at the scale's ticks.
    func yAxis(_ scale: LinearScale, tickCount: Int = 5) -> String {
        var s = "<g class=\"axis y-axis\">"
        for t in scale.ticks(count: tickCount) {
            let y = HTMLText.coordinate(scale(t))
            s += "<line class=\"grid\" x1=\"\(HTMLText.coordinate(plotLeft))\" x2=\"\(HTMLText.coordinate(plotRight))\" y1=\"\(y)\" y2=\"\(y)\"/>"
            s += "<text class=\"tick\" x=\"\(HTMLText.coordinate(plotLeft - 6))\" y=\"\(y)\" dy=\"0.32em\" text-anchor=\"end\">\(HTMLText.escape(scale.label(t, count: tickCount)))</text>"
        }
        s += "<line class=\"axis-line\" x1=\"\(HTMLText.coordinate(plotLeft))\" x2=\"\(HTMLText.coordinate(plotLeft))\" y1=\"\(HTMLText.coordinate(plotTop))\" y2=\"\(HTMLText.coordinate(plotBottom))\"/>"
        return s + "</g>"
    }

    /// A numeric x axis along the bottom of the plot.
    /// With `integers`, only whole-number ticks are drawn, labelled without decimals (epochs).
    func xAxis(_ scale: LinearScale, tickCount: Int = 6, integers: Bool = false, format: ((Double) -> String)? = nil) -> String {
        var s = "<g class=\"axis x-axis\">"
        let base = HTMLText.coordinate(plotBottom)
        for t in scale.ticks(count: tickCount) where !integers || t == t.rounded() {
            let x = HTMLText.coordinate(scale(t))
            let text = format?(t) ?? (integers ? String(Int(t)) : scale.label(t, count: tickCount))
            s += "<line class=\"tick-mark\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(base)\" y2=\"\(HTMLText.coordinate(plotBottom + 5))\"/>"
            s += "<text class=\"tick\" x=\"\(x)\" y=\"\(HTMLText.coordinate(plotBottom + 18))\" text-anchor=\"middle\">\(HTMLText.escape(text))</text>"
        }
        s += "<line class=\"axis-line\" x1=\"\(HTMLText.coordinate(plotLeft))\" x2=\"\(HTMLText.coordinate(plotRight))\" y1=\"\(base)\" y2=\"\(base)\"/>"
        return s + "</g>"
    }

    /// Where each legend entry goes: rows under the title, wrapped at the plot's right edge.
    func legendLayout(_ names: [String]) -> [(x: Double, y: Double)] {
        var positions: [(x: Double, y: Double)] = []
        var x = plotLeft, y = 34.0
        for name in names {
            let entry = 28 + Double(name.count) * 6.2
            if x > plotLeft && x + entry > width - right { x = plotLeft; y += 16 }
            positions.append((x, y))
            x += entry
        }
        return positions
    }

    /// The top margin that leaves room for the title and the legend rows.
    func topMargin(legend names: [String]) -> Double {
        guard let last = legendLayout(names).last else { return 36 }
        return last.y + 14
    }

    /// The legend under the title: a swatch and the name of each series.
    func legend(_ names: [String], dashed: [Bool] = []) -> String {
        guard !names.isEmpty else { return "" }
        var s = "<g class=\"legend\">"
        for (i, (name, p)) in zip(names, legendLayout(names)).enumerated() {
            let color = ChartPalette.color(i)
            let dash = i < dashed.count && dashed[i] ? " stroke-dasharray=\"5 3\"" : ""
            s += "<line x1=\"\(HTMLText.coordinate(p.x))\" x2=\"\(HTMLText.coordinate(p.x + 16))\" y1=\"\(HTMLText.coordinate(p.y))\" y2=\"\(HTMLText.coordinate(p.y))\" stroke=\"\(color)\" stroke-width=\"3\"\(dash)/>"
            s += "<text class=\"legend-label\" x=\"\(HTMLText.coordinate(p.x + 20))\" y=\"\(HTMLText.coordinate(p.y))\" dy=\"0.32em\">\(HTMLText.escape(name))</text>"
        }
        return s + "</g>"
    }
}
