import NoisyStudent

/// The sections that describe a pipeline's stages: lineage, test metrics, training curves,
/// pseudo-label statistics and per-class results.
struct PipelineSections {
    var state: PipelineState
    var histories: [String: TrainingHistory]

    var trained: [StageRecord] { state.stages.filter { $0.kind != .pseudoLabel } }
    var finished: [StageRecord] { trained.filter { $0.status == .done } }
    var pseudo: [StageRecord] { state.stages.filter { $0.kind == .pseudoLabel } }

    func lineage(extra: [String] = []) -> ReportPage.Section {
        var items = ""
        for stage in state.stages {
            let kind = stage.kind == .pseudoLabel ? "pseudo" : "trained"
            var detail: [String] = []
            if stage.kind == .pseudoLabel {
                if let r = stage.pseudoLabelReport { detail.append("\(r.labeled + r.alreadyLabeled) tracks labelled") }
                detail.append("by \(stage.preset?.rawValue ?? "?")")
            } else {
                detail.append(stage.preset?.rawValue ?? "?")
                detail.append(ReportNumber.parameters(stage.parameters) + " parameters")
                if let n = stage.trainingExamples { detail.append("\(n) examples/epoch") }
            }
            if stage.status != .done { detail.append("(\(stage.status.rawValue))") }
            items += "<li class=\"\(kind)\" data-stage=\"\(HTMLText.escape(stage.name))\"><b>\(HTMLText.escape(stage.name))</b>\(HTMLText.escape(detail.joined(separator: " · ")))</li>"
        }
        items += extra.map { "<li class=\"trained\">\($0)</li>" }.joined()
        let table = HTMLTable(
            name: "lineage", caption: "Stages in order; each stage's parent is the catalog run it learned from.",
            headers: ["stage", "kind", "model", "parameters", "run", "parent run", "status", "time"],
            rows: state.stages.map { s in
                [s.name, s.kind.rawValue, s.preset?.rawValue ?? "—", ReportNumber.parameters(s.parameters), String(s.runId),
                 s.parentRunId.map(String.init) ?? "—", s.status.rawValue, s.seconds.map { "\(Int($0.rounded())) s" } ?? "—"]
            })
        return ReportPage.Section(id: "lineage", heading: "Lineage", body: "<ol class=\"lineage\">\(items)</ol>" + table.html())
    }

    var metricNames: [String] { Array(Set(finished.flatMap { $0.testMetrics.keys })).sorted() }

    func testMetrics() -> ReportPage.Section {
        let names = metricNames
        guard !names.isEmpty else {
            return ReportPage.Section(id: "test-metrics", heading: "Test metrics", body: ReportPage.paragraph("No stage has finished its test evaluation yet."))
        }
        let table = HTMLTable(
            name: "test-metrics", caption: "Test split, full-track inference (one seed per stage).",
            headers: ["stage", "model"] + names,
            rows: finished.map { s in [s.name, s.preset?.rawValue ?? "—"] + names.map { ReportNumber.format(s.testMetrics[$0]) } })
        let headline = MetricChoice.headline(names)
        let chart = BarChart(title: "Test metrics by stage", xLabel: "metric", yLabel: "score (test split)",
                             categories: headline,
                             series: finished.map { s in BarChart.Series(name: s.name, values: headline.map { s.testMetrics[$0] }) })
        return ReportPage.Section(id: "test-metrics", heading: "Test metrics", body: table.html() + ReportPage.chartGrid([chart.svg()]))
    }

    func trainingCurves() -> ReportPage.Section {
        var charts: [String] = []
        for stage in trained {
            guard let history = histories[stage.name], !history.epochs.isEmpty else { continue }
            charts.append(Self.lossChart(history, title: "\(stage.name) (\(stage.preset?.rawValue ?? "?")): loss per epoch"))
        }
        let metrics = MetricChoice.headline(trained.flatMap { histories[$0.name]?.validationMetricNames ?? [] }, limit: 2)
        for metric in metrics {
            let series = trained.compactMap { stage -> LineChart.Series? in
                guard let h = histories[stage.name] else { return nil }
                let points = h.epochs.compactMap { e in e.validation[metric].map { LineChart.Point(x: Double(e.epoch), y: $0) } }
                return points.isEmpty ? nil : LineChart.Series(name: stage.name, points: points)
            }
            guard !series.isEmpty else { continue }
            charts.append(LineChart(title: "Validation \(metric) per epoch", xLabel: "epoch", yLabel: "\(metric) (validation)",
                                    series: series).svg())
        }
        let body = charts.isEmpty ? ReportPage.paragraph("No training logs (metrics.jsonl) were found.") : ReportPage.chartGrid(charts)
        return ReportPage.Section(id: "training-curves", heading: "Training curves", body: body)
    }

    /// Mean logged training loss and validation loss per epoch.
    static func lossChart(_ history: TrainingHistory, title: String) -> String {
        let train = history.epochs.compactMap { e in e.trainLoss.map { LineChart.Point(x: Double(e.epoch), y: $0) } }
        let valid = history.epochs.compactMap { e in e.validation["loss"].map { LineChart.Point(x: Double(e.epoch), y: $0) } }
        var series: [LineChart.Series] = []
        if !train.isEmpty { series.append(LineChart.Series(name: "training loss (mean of logged steps)", points: train)) }
        if !valid.isEmpty { series.append(LineChart.Series(name: "validation loss", points: valid, dashed: true)) }
        return LineChart(title: title, xLabel: "epoch", yLabel: "loss (summed over tasks)", series: series).svg()
    }

    func pseudoLabels() -> ReportPage.Section {
        var body = ""
        for stage in pseudo {
            body += "<h3>\(HTMLText.escape(stage.name)) (labelled by \(HTMLText.escape(stage.preset?.rawValue ?? "?")))</h3>"
            guard let r = stage.pseudoLabelReport else {
                body += ReportPage.paragraph("This stage has not finished.")
                continue
            }
            body += ReportPage.paragraph("\(r.labeled + r.alreadyLabeled) of \(r.tracksInPool) pool tracks labelled, \(r.failed.count) failed; "
                + "\(ReportNumber.format(r.audioSeconds / 3600)) h of audio at \(ReportNumber.format(r.realtimeFactor))× real time"
                + (r.alreadyLabeled > 0 ? " (statistics cover the \(r.labeled) tracks labelled in the last session)." : "."))
            var charts: [String] = []
            // Time-aligned tasks count frames (each frame's classes and confidence), the others labels.
            func unit(_ task: String) -> String { r.frames[task] != nil ? "pool frames" : "pool tracks" }
            for task in r.classCounts.keys.sorted() {
                let counts = r.classCounts[task] ?? [:]
                let classes = counts.keys.sorted { (counts[$0] ?? 0, $1) > (counts[$1] ?? 0, $0) }
                if !classes.isEmpty {
                    charts.append(BarChart(title: "\(task): pseudo-label classes", xLabel: "class (top class, or probability ≥ 0.5)",
                                           yLabel: unit(task), categories: classes,
                                           series: [BarChart.Series(name: unit(task), values: classes.map { Double(counts[$0] ?? 0) })]).svg())
                }
            }
            for task in r.confidenceHistogram.keys.sorted() {
                charts.append(BarChart.histogram(title: "\(task): pseudo-label confidence", xLabel: "confidence (0–1)",
                                                 yLabel: unit(task), counts: r.confidenceHistogram[task] ?? []).svg())
            }
            body += ReportPage.chartGrid(charts)
            if let t = stage.poolTrueKeys {
                body += HTMLTable(name: "true-keys", caption: "The \(t.task) pseudo-labels against the renders' true keys (kept outside the catalog).",
                                  headers: ["task", "labels with a true key", "accuracy", "weighted score"],
                                  rows: [[t.task, String(t.compared), ReportNumber.format(t.metrics["\(t.task)/accuracy"] ?? .nan),
                                          ReportNumber.format(t.metrics["\(t.task)/weighted_score"] ?? .nan)]]).html()
            }
            if let frames = stage.poolTrueFrames, !frames.isEmpty {
                let metrics = ["beat_f_measure", "beat_cmlt", "downbeat_f_measure", "chord_root", "chord_majmin", "chord_mirex"]
                body += HTMLTable(name: "true-frames", caption: "The decoded frame pseudo-labels against the renders' true beats and chords (kept outside the catalog), scored as the test scores a model.",
                                  headers: ["task", "tracks with truth"] + metrics,
                                  rows: frames.sorted { $0.key < $1.key }.map { task, t in
                                      [task, String(t.compared)] + metrics.map { m in t.metrics["\(task)/\(m)"].map { ReportNumber.format($0) } ?? "–" }
                                  }).html()
            }
            if r.consistencyChecked > 0 {
                body += ReportPage.paragraph("Key transposition consistency: \(r.consistencyKept) of \(r.consistencyChecked) key labels kept "
                    + "(every transposed copy of the input gave the same key, moved by its shift).")
            }
            if let agreement = stage.poolAgreement, !agreement.isEmpty {
                body += HTMLTable(name: "agreement", caption: "Agreement of the pseudo-labels with the pool's own labels, where it has any.",
                                  headers: ["task", "tracks with labels", "agreement", "measure", "ROC-AUC (macro)", "PR-AUC (macro)"],
                                  rows: agreement.sorted { $0.key < $1.key }.map { t, a in
                                      [t, String(a.tracks), ReportNumber.format(a.agreement), a.measure,
                                       a.rocAUC.map { ReportNumber.format($0) } ?? "–", a.prAUC.map { ReportNumber.format($0) } ?? "–"]
                                  }).html()
            } else {
                body += ReportPage.paragraph("The pool has no ground-truth labels, so agreement with the truth cannot be measured.")
            }
            if let student = trained.first(where: { $0.parentRunId == stage.runId }), let sel = student.selection {
                body += HTMLTable(name: "selection", caption: "What \(student.name) was given: selection of the pseudo-labels.",
                                  headers: ["student", "candidates", "below threshold", "dropped by top fraction", "selected", "duplicated",
                                            "dropped by balancing", "mean confidence", "pseudo-labels per task"],
                                  rows: [[student.name, String(sel.candidates), String(sel.belowThreshold), String(sel.droppedByFraction),
                                          String(sel.selected), String(sel.duplicated), String(sel.droppedByBalancing),
                                          sel.meanConfidence.map { ReportNumber.format($0) } ?? "–",
                                          sel.taskCounts.isEmpty ? "all tasks"
                                              : sel.taskCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")]]).html()
                if !sel.learntClassShare.isEmpty {
                    body += ReportPage.paragraph("Classes learnt where the teacher is sure of them (class_confidence): "
                        + sel.learntClassShare.sorted { $0.key < $1.key }
                            .map { "\($0.key) \(ReportNumber.format(100 * $0.value)) % of the (example, class) targets" }.joined(separator: "; ") + ".")
                }
                if !sel.keptFractionPerClass.isEmpty {
                    body += HTMLTable(name: "kept-per-class",
                                      caption: "Fraction of each class's candidates that \(student.name) kept (threshold and top fraction).",
                                      headers: ["class", "kept"],
                                      rows: sel.keptFractionPerClass.sorted { $0.key < $1.key }.map { [$0.key, ReportNumber.format($0.value)] }).html()
                }
                if let t = sel.trueKeys {
                    body += HTMLTable(name: "selected-true-keys",
                                      caption: "The \(t.task) pseudo-labels that \(student.name) was given, against the renders' true keys.",
                                      headers: ["task", "selected labels with a true key", "accuracy", "weighted score"],
                                      rows: [[t.task, String(t.compared), ReportNumber.format(t.metrics["\(t.task)/accuracy"] ?? .nan),
                                              ReportNumber.format(t.metrics["\(t.task)/weighted_score"] ?? .nan)]]).html()
                }
                if !sel.frames.isEmpty {
                    body += HTMLTable(name: "frame-selection", caption: "Frame-level pseudo-labels that \(student.name) was given.",
                                      headers: ["task", "pool tracks", "frames", "frames kept", "mean confidence of kept frames"],
                                      rows: sel.frames.sorted { $0.key < $1.key }.map { task, f in
                                          [task, String(f.tracks), String(f.frames), ReportNumber.format(f.keptFraction),
                                           ReportNumber.format(f.meanConfidence)]
                                      }).html()
                }
            }
        }
        if body.isEmpty { body = ReportPage.paragraph("No pseudo-labelling stage in this run.") }
        return ReportPage.Section(id: "pseudo-labels", heading: "Pseudo-labels", body: body)
    }

    func perClass() -> ReportPage.Section {
        let stages = finished.filter { !($0.testClassResults ?? [:]).isEmpty }
        guard !stages.isEmpty else {
            return ReportPage.Section(id: "per-class", heading: "Per-class results",
                                      body: ReportPage.paragraph("No stage recorded per-class test results (runs made before the report existed do not have them)."))
        }
        var charts: [String] = []
        var tables = ""
        let tasks = Set(stages.flatMap { ($0.testClassResults ?? [:]).keys }).sorted()
        for key in tasks {
            // Out-of-domain results are kept under the task's name with the metrics' prefix.
            let outOfDomain = key.hasPrefix(NoisyStudentPipeline.outOfDomainPrefix)
            let task = outOfDomain ? String(key.dropFirst(NoisyStudentPipeline.outOfDomainPrefix.count)) : key
            let split = outOfDomain ? "out-of-domain test split" : "test split"
            let classes = Set(stages.flatMap { ($0.testClassResults?[key] ?? [:]).keys }).sorted()
            let score = stages.compactMap { $0.taskKinds?[task] }.first.map(ClassResults.scoreName) ?? "score"
            charts.append(BarChart(title: "\(task): per-class \(score) on the \(split)", xLabel: "class", yLabel: "\(score) (\(split))",
                                   categories: classes,
                                   series: stages.map { s in BarChart.Series(name: s.name, values: classes.map { s.testClassResults?[key]?[$0] }) },
                                   frame: ChartFrame(width: Swift.max(520, Double(classes.count * stages.count) * 9), height: 340)).svg())
            tables += HTMLTable(name: "per-class-\(outOfDomain ? "ood-" : "")\(task)", caption: "\(task): per-class \(score), \(split)",
                                headers: ["class"] + stages.map(\.name),
                                rows: classes.map { c in [c] + stages.map { ReportNumber.format($0.testClassResults?[key]?[c]) } }).html()
        }
        return ReportPage.Section(id: "per-class", heading: "Per-class results", body: ReportPage.chartGrid(charts) + tables)
    }
}
