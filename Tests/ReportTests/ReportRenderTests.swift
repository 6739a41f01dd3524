import Foundation
import Testing
@testable import Report

/// Reports of small synthetic run and study directories, rendered by headless Chromium: the
/// screenshot is not blank, and the DOM holds the expected charts and tables.
@Suite("Report rendering", .serialized)
struct ReportRenderTests {
    func render(_ directory: URL, width: Int) throws -> (html: String, dom: String, png: PNGImage) {
        let out = directory.appendingPathComponent("report.html")
        try RunReport.write(directory: directory, to: out)
        let html = try String(contentsOf: out, encoding: .utf8)
        let profile = directory.appendingPathComponent("chromium-profile")
        let dom = try Chromium.run(["--dump-dom"], page: out, profile: profile)
        let shot = directory.appendingPathComponent("shot.png")
        _ = try Chromium.run(["--screenshot=\(shot.path)", "--window-size=\(width),1600"], page: out, profile: profile)
        // REPORT_TEST_OUTPUT=dir keeps the report and its screenshot for a look.
        if let keep = ProcessInfo.processInfo.environment["REPORT_TEST_OUTPUT"] {
            let target = URL(fileURLWithPath: keep).appendingPathComponent(directory.lastPathComponent)
            try? FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for file in [out, shot] { try? FileManager.default.copyItem(at: file, to: target.appendingPathComponent(file.lastPathComponent)) }
        }
        return (html, dom, try PNGImage(data: Data(contentsOf: shot)))
    }

    /// How many elements of the DOM carry `attribute="value"`.
    func count(_ dom: String, _ attribute: String) -> Int { dom.components(separatedBy: attribute).count - 1 }

    func expectNotBlank(_ png: PNGImage, width: Int) {
        #expect(png.width == width)
        let luma = png.luma
        let mean = luma.reduce(0, +) / Double(luma.count)
        let variance = luma.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(luma.count)
        // A blank white page has variance 0 and one colour; text and charts give both.
        #expect(variance > 100, "luma variance \(variance)")
        #expect(png.distinctColors > 50, "\(png.distinctColors) colours")
        // Ink in the top half (title, lineage) and in the bottom half (charts) alike.
        let half = luma.count / 2
        #expect(luma[..<half].contains { $0 < 128 } && luma[half...].contains { $0 < 200 })
    }

    @Test("a pipeline run's report: lineage, metrics, curves, pseudo-labels, per-class; rendered, not blank")
    func pipelineReport() throws {
        guard Chromium.executable != nil else {
            Issue.record("chromium is not installed; scripts/setup installs it")
            return
        }
        let dir = try SyntheticRuns.pipelineRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (html, dom, png) = try render(dir, width: 1200)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link") && !html.contains("src="))
        for id in ["lineage", "test-metrics", "training-curves", "pseudo-labels", "per-class"] {
            #expect(dom.contains("<section id=\"\(id)\""), "section \(id) missing")
        }
        // Loss curves of two stages + the validation metric charts; class and confidence histograms; per-class bars.
        #expect(count(dom, "data-chart=\"line\"") >= 4)
        #expect(count(dom, "data-chart=\"bar\"") >= 5)
        for table in ["lineage", "test-metrics", "agreement", "true-frames", "selection", "per-class-key", "per-class-instruments", "per-class-ood-instruments"] {
            #expect(dom.contains("data-table=\"\(table)\""), "table \(table) missing")
        }
        #expect(dom.contains("instruments: per-class ROC-AUC on the out-of-domain test split"), "out-of-domain per-class chart missing")
        #expect(dom.contains("0.802") && dom.contains("0.511"), "the instruments agreement's ROC- and PR-AUC are missing")
        // The class name "<b>E minor</b>" arrives as text, never as markup.
        #expect(dom.contains("&lt;b&gt;E minor&lt;/b&gt;") && !dom.contains("<b>E minor</b>"))
        #expect(dom.contains("round1-student") && dom.contains("0.76 M"))
        expectNotBlank(png, width: 1200)
    }

    @Test("a study's report: results with spread, heatmaps and scaling curves; readable at a phone's width")
    func studyReport() throws {
        guard Chromium.executable != nil else {
            Issue.record("chromium is not installed; scripts/setup installs it")
            return
        }
        let dir = try SyntheticRuns.study()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, dom, png) = try render(dir, width: 390)
        for id in ["lineage", "study-results", "study-heatmap", "study-curves", "training-curves", "pseudo-labels", "per-class"] {
            #expect(dom.contains("<section id=\"\(id)\""), "section \(id) missing")
        }
        #expect(count(dom, "data-chart=\"heatmap\"") == 3)
        #expect(count(dom, "data-chart=\"line\"") >= 6)
        #expect(dom.contains("data-table=\"study-results\""))
        // Two seeds: mean ± sd; the unfinished cell counts 1 of 2 seeds.
        #expect(dom.contains(" ± "))
        #expect(dom.contains(">1/2<") && dom.contains("11 of 12 cells finished"))
        #expect(dom.contains("unlabeled pool used"))
        expectNotBlank(png, width: 390)
    }

    @Test("a directory that is not a run is refused with a typed error")
    func notARun() throws {
        let dir = try SyntheticRuns.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: ReportError.notARun(path: dir.path)) { try RunRecords.load(dir) }
    }
}
