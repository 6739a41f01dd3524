import Foundation
import NoisyStudent

/// The HTML report of a pipeline run or of a scaling study, built from what its directory
/// holds (see ``RunRecords``).
public enum RunReport {
    /// The report page of `records`.
    public static func page(_ records: RunRecords) -> ReportPage {
        let pipeline = PipelineSections(state: records.state, histories: records.histories)
        let name = records.directory.lastPathComponent
        if let study = records.study {
            let studySections = StudySections(results: study, cellHistories: records.cellHistories)
            // Per-class results: the teacher and, at the largest pool fraction and first seed, each student.
            var compared = PipelineState()
            for s in pipeline.finished { compared.upsert(s) }
            let largest = study.poolFractions.max() ?? 0
            for cell in study.cells where cell.cell.poolFraction == largest && cell.cell.seed == study.seeds.first {
                guard var student = records.cellStates[cell.directory]?.stages.last(where: { $0.kind != .pseudoLabel && $0.status == .done })
                else { continue }
                student.name = cell.cell.name
                compared.upsert(student)
            }
            let presets = study.students.map { s in
                "<b>\(HTMLText.escape(s.rawValue))</b>\(HTMLText.escape(ReportNumber.parameters(study.rows.first { $0.student == s }?.parameters) + " · pool " + study.poolFractions.map(ReportNumber.percent).joined(separator: ", ") + " · seeds " + study.seeds.map(String.init).joined(separator: ", ")))"
            }
            var sections = [pipeline.lineage(extra: presets), studySections.table(), studySections.heatmaps(), studySections.curves()]
            sections.append(pipeline.trainingCurves())
            sections.append(pipeline.pseudoLabels())
            var perClass = PipelineSections(state: compared, histories: [:]).perClass()
            perClass.heading = "Per-class results (teacher and the students with the most unlabeled data)"
            sections.append(perClass)
            let done = study.cells.filter(\.done).count
            return ReportPage(title: "Scaling study: \(name)",
                              subtitle: "\(study.poolFractions.count) pool fractions × \(study.students.count) students × \(study.seeds.count) seeds; \(done) of \(study.cells.count) cells finished; teacher \(study.teacher?.preset?.rawValue ?? "?").",
                              sections: sections)
        }
        let trained = pipeline.trained
        let chain = trained.map { "\($0.name) (\($0.preset?.rawValue ?? "?"))" }.joined(separator: " → ")
        return ReportPage(title: "Noisy-student pipeline: \(name)", subtitle: chain,
                          sections: [pipeline.lineage(), pipeline.testMetrics(), pipeline.trainingCurves(),
                                     pipeline.pseudoLabels(), pipeline.perClass()])
    }

    /// Reads `directory` and writes its report to `output` atomically.
    public static func write(directory: URL, to output: URL) throws {
        let html = page(try RunRecords.load(directory)).html()
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(html.utf8).write(to: output, options: .atomic)
    }
}
