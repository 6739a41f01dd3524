import Foundation
import Testing
@testable import Report

@Suite("Report charts")
struct ChartTests {
    @Test("a linear scale maps ends to ends, backwards ranges too")
    func scaleMapping() {
        let s = LinearScale(domain: (0, 10), range: (300, 100))
        #expect(s(0) == 300 && s(10) == 100 && s(5) == 200)
        #expect(LinearScale(domain: (2, 4), range: (0, 100))(3) == 50)
    }

    @Test("ticks are round steps inside the domain")
    func ticks() {
        #expect(LinearScale(domain: (0, 1), range: (0, 1)).ticks(count: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(LinearScale(domain: (0.13, 0.87), range: (0, 1)).ticks(count: 5) == [0.2, 0.4, 0.6, 0.8])
        #expect(LinearScale(domain: (0, 230), range: (0, 1)).ticks(count: 5) == [0, 50, 100, 150, 200])
        #expect(LinearScale(domain: (-3, 3), range: (0, 1)).ticks(count: 6) == [-3, -2, -1, 0, 1, 2, 3])
        #expect(LinearScale(domain: (0.13, 0.87), range: (0, 1)).niced(count: 5).domainStart == 0)
        #expect(LinearScale(domain: (0.13, 0.87), range: (0, 1)).niced(count: 5).domainEnd == 1)
    }

    @Test("a constant series gets a usable domain; labels carry the step's decimals")
    func degenerate() {
        let s = LinearScale(domain: (0.5, 0.5), range: (0, 100))
        #expect(s.domainStart < 0.5 && s.domainEnd > 0.5)
        #expect(!s.ticks().isEmpty)
        #expect(LinearScale(domain: (0, 0), range: (0, 1)).domainEnd == 0.5)
        let fine = LinearScale(domain: (0, 1), range: (0, 1))
        #expect(fine.label(0.4) == "0.4" && fine.label(0) == "0.0")
        #expect(LinearScale(domain: (0, 200), range: (0, 1)).label(150) == "150")
    }

    @Test("text is escaped for element content and attributes")
    func escaping() {
        #expect(HTMLText.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("plain ± é") == "plain ± é")
        #expect(HTMLText.coordinate(1.0) == "1" && HTMLText.coordinate(2.345) == "2.35" && HTMLText.coordinate(.nan) == "0")
    }

    @Test("a line chart escapes names, draws every series and its axis titles")
    func lineChart() {
        let chart = LineChart(title: "loss <per> epoch", xLabel: "epoch", yLabel: "loss & more",
                              series: [.init(name: "<script>alert(1)</script>", points: [.init(x: 1, y: 2), .init(x: 2, y: 1, spread: 0.5)]),
                                       .init(name: "valid", points: [.init(x: 1, y: 3), .init(x: 2, y: 2.5)], dashed: true)])
        let svg = chart.svg()
        #expect(!svg.contains("<script"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(svg.contains("loss &lt;per&gt; epoch") && svg.contains("loss &amp; more") && svg.contains(">epoch</text>"))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.contains("class=\"spread\""))
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.hasPrefix("<svg class=\"chart\" data-chart=\"line\" viewBox=\"0 0 "))
        // The y scale covers the spread bar (1 ± 0.5) and the highest point (3).
        #expect(chart.yScale.domainStart <= 0.5 && chart.yScale.domainEnd >= 3)
    }

    @Test("bars start at zero; a histogram labels its bins")
    func barChart() {
        let chart = BarChart(title: "t", xLabel: "x", yLabel: "y", categories: ["a", "b"],
                             series: [.init(name: "s", values: [3, nil])])
        #expect(chart.yScale.domainStart == 0 && chart.yScale.domainEnd >= 3)
        #expect(chart.svg().components(separatedBy: "class=\"bar\"").count == 2)
        let histogram = BarChart.histogram(title: "h", xLabel: "confidence", counts: [1, 2, 3, 4])
        #expect(histogram.categories == ["0.00–0.25", "0.25–0.50", "0.50–0.75", "0.75–1.00"])
        let ten = BarChart.histogram(title: "h", xLabel: "c", counts: Array(repeating: 1, count: 10))
        #expect(ten.categories.first == "0.0–0.1" && ten.categories.last == "0.9–1.0")
    }

    @Test("a heatmap colours by value and marks missing cells")
    func heatmap() {
        let map = Heatmap(title: "acc", xLabel: "pool", yLabel: "model", valueLabel: "mean", columns: ["0 %", "100 %"],
                          rows: ["xs", "s"], values: [[0.2, 0.4], [nil, 0.6]], spreads: [[0, 0.05], [nil, 0.1]])
        #expect(map.valueRange! == (0.2, 0.6))
        #expect(map.colorPosition(0.2) == 0 && map.colorPosition(0.6) == 1 && abs(map.colorPosition(0.4) - 0.5) < 1e-12)
        let svg = map.svg()
        #expect(svg.contains("data-chart=\"heatmap\""))
        #expect(svg.contains("0.4000 ± 0.0500") && svg.contains(">—</text>"))
        #expect(svg.contains(ChartPalette.sequential(0)) && svg.contains(ChartPalette.sequential(1)))
        #expect(svg.contains(">pool</text>") && svg.contains(">mean</text>"))
    }

    @Test("metrics logs are read per epoch; broken lines are skipped")
    func history() {
        let text = """
        {"epoch":1,"event":"train","loss":4.0,"step":1}
        {"epoch":1,"event":"train","loss":2.0,"step":2}
        {"epoch":1,"event":"validation","loss":3.5,"key/accuracy":0.25,"step":2}
        {"epoch":2,"event":"train","loss":1.0,"st
        {"epoch":2,"event":"validation","loss":3.0,"key/accuracy":0.5,"step":4}
        """
        let h = TrainingHistory.parse(text)
        #expect(h.epochs.count == 2)
        #expect(h.epochs[0].trainLoss == 3.0 && h.epochs[0].validation["key/accuracy"] == 0.25)
        #expect(h.epochs[1].trainLoss == nil && h.epochs[1].validation["loss"] == 3.0)
        #expect(h.validationMetricNames == ["key/accuracy", "loss"])
    }
}
