import NoisyStudent

/// The sections of a scaling study: the results table with mean and spread over seeds, the
/// pool-fraction × student heatmaps, and metric curves over data size and model size.
struct StudySections {
    var results: StudyResults
    var cellHistories: [String: TrainingHistory]

    var headline: [String] { MetricChoice.headline(results.metricNames, limit: 3) }
    var fractionLabels: [String] { results.poolFractions.map(ReportNumber.percent) }

    func row(_ fraction: Double, _ student: String) -> StudyResults.Row? {
        results.rows.first { $0.poolFraction == fraction && $0.student.rawValue == student }
    }

    func studentLabel(_ student: String) -> String {
        let params = results.rows.first { $0.student.rawValue == student }?.parameters
        return "\(student) (\(ReportNumber.parameters(params)))"
    }

    func table() -> ReportPage.Section {
        let metrics = results.metricNames
        let done = results.cells.filter(\.done).count
        let seedsNote = results.seeds.count > 1 ? "mean ± sample standard deviation over \(results.seeds.count) seeds" : "one seed, no spread"
        var rows: [[String]] = []
        if let t = results.teacher {
            rows.append(["teacher", t.preset?.rawValue ?? "—", ReportNumber.parameters(t.parameters), "—", "1/1"]
                        + metrics.map { ReportNumber.format(t.testMetrics[$0]) })
        }
        for r in results.rows {
            rows.append([ReportNumber.percent(r.poolFraction), r.student.rawValue, ReportNumber.parameters(r.parameters),
                         String(r.pseudoLabeledTracks), "\(r.seedsDone)/\(r.seedsPlanned)"]
                        + metrics.map { m in
                            guard let mean = r.mean[m], mean.isFinite else { return "—" }
                            let sd = r.spread[m] ?? 0
                            return results.seeds.count > 1 ? "\(ReportNumber.format(mean)) ± \(ReportNumber.format(sd))" : ReportNumber.format(mean)
                        })
        }
        let table = HTMLTable(name: "study-results", caption: "Test split; \(seedsNote). \(done) of \(results.cells.count) cells finished.",
                              headers: ["pool used", "student", "parameters", "pseudo-labeled tracks", "seeds done"] + metrics, rows: rows)
        return ReportPage.Section(id: "study-results", heading: "Study results", body: table.html())
    }

    func heatmaps() -> ReportPage.Section {
        let students = results.students.map(\.rawValue)
        let charts = headline.map { metric in
            Heatmap(title: "\(metric): pool used × student", xLabel: "unlabeled pool used (% of the pool)",
                    yLabel: "student model (parameters)",
                    valueLabel: results.seeds.count > 1 ? "mean over seeds" : "test score",
                    columns: fractionLabels, rows: students.map(studentLabel),
                    values: students.map { s in results.poolFractions.map { f in row(f, s)?.mean[metric].flatMap { $0.isFinite ? $0 : nil } } },
                    spreads: students.map { s in results.poolFractions.map { f in row(f, s)?.spread[metric] } }).svg()
        }
        let body = charts.isEmpty ? ReportPage.paragraph("No cell has finished yet.") : ReportPage.chartGrid(charts)
        return ReportPage.Section(id: "study-heatmap", heading: "Data size × model size", body: body)
    }

    func curves() -> ReportPage.Section {
        var charts: [String] = []
        let spreadNote = results.seeds.count > 1 ? " (bars: ± 1 sd over seeds)" : ""
        for metric in headline {
            let bySize = results.students.map { s in
                LineChart.Series(name: s.rawValue, points: results.poolFractions.compactMap { f in
                    guard let r = row(f, s.rawValue), let m = r.mean[metric], m.isFinite else { return nil }
                    return LineChart.Point(x: f * 100, y: m, spread: r.spread[metric])
                })
            }.filter { !$0.points.isEmpty }
            if !bySize.isEmpty {
                charts.append(LineChart(title: "\(metric) vs. pool used", xLabel: "unlabeled pool used (%)",
                                        yLabel: "\(metric) (test)", series: bySize).svg())
            }
            let byModel = results.poolFractions.map { f in
                LineChart.Series(name: "pool \(ReportNumber.percent(f))", points: results.students.compactMap { s in
                    guard let r = row(f, s.rawValue), let p = r.parameters, let m = r.mean[metric], m.isFinite else { return nil }
                    return LineChart.Point(x: Double(p) / 1e6, y: m, spread: r.spread[metric])
                })
            }.filter { !$0.points.isEmpty }
            if !byModel.isEmpty {
                charts.append(LineChart(title: "\(metric) vs. student size", xLabel: "student parameters (millions)",
                                        yLabel: "\(metric) (test)", series: byModel).svg())
            }
        }
        // Validation curves of the students, one chart per preset, one line per cell.
        if let metric = MetricChoice.headline(cellHistories.values.flatMap(\.validationMetricNames), limit: 1).first {
            for student in results.students {
                let series = results.cells.filter { $0.cell.student == student }.compactMap { cell -> LineChart.Series? in
                    guard let h = cellHistories[cell.directory] else { return nil }
                    let points = h.epochs.compactMap { e in e.validation[metric].map { LineChart.Point(x: Double(e.epoch), y: $0) } }
                    return points.isEmpty ? nil : LineChart.Series(
                        name: "pool \(ReportNumber.percent(cell.cell.poolFraction)), seed \(cell.cell.seed)", points: points)
                }
                if !series.isEmpty {
                    charts.append(LineChart(title: "\(student.rawValue) students: validation \(metric) per epoch", xLabel: "epoch",
                                            yLabel: "\(metric) (validation)", series: series).svg())
                }
            }
            for student in results.students {
                let series = results.cells.filter { $0.cell.student == student }.compactMap { cell -> LineChart.Series? in
                    guard let h = cellHistories[cell.directory] else { return nil }
                    let points = h.epochs.compactMap { e in e.trainLoss.map { LineChart.Point(x: Double(e.epoch), y: $0) } }
                    return points.isEmpty ? nil : LineChart.Series(
                        name: "pool \(ReportNumber.percent(cell.cell.poolFraction)), seed \(cell.cell.seed)", points: points)
                }
                if !series.isEmpty {
                    charts.append(LineChart(title: "\(student.rawValue) students: training loss per epoch", xLabel: "epoch",
                                            yLabel: "loss (mean of logged steps)", series: series).svg())
                }
            }
        }
        let note = "Test metrics of the students, mean over finished seeds\(spreadNote); then each student's validation metric and training loss per epoch."
        let body = charts.isEmpty ? ReportPage.paragraph("No cell has finished yet.") : ReportPage.paragraph(note) + ReportPage.chartGrid(charts)
        return ReportPage.Section(id: "study-curves", heading: "Scaling curves", body: body)
    }
}
