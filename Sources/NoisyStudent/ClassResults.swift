import Models
import MusicTasks
import Training

/// Per-class test results of a stage, for the report: per task and class, the F1 score
/// (multi-class; classes without support in the test split are left out) or the ROC-AUC
/// (multi-label; tags that the test split cannot score are left out).
public enum ClassResults {
    /// Task → class → score, from one evaluation pass's predictions.
    public static func compute(_ predictions: [TaskPredictions]) -> [String: [String: Double]] {
        var result: [String: [String: Double]] = [:]
        for p in predictions {
            let labeled = zip(p.outputs, p.targets).compactMap { o, t in t.map { (o, $0) } }
            guard !labeled.isEmpty else { continue }
            var scores: [String: Double] = [:]
            switch p.task.kind {
            case .multiClass:
                guard let report = try? MultiClassReport.evaluate(
                    predictions: labeled.map { TaskMetrics.argmax($0.0) }, truth: labeled.map { TaskMetrics.argmax($0.1) },
                    classCount: p.task.classes.count) else { continue }
                for (i, score) in report.perClass.enumerated() where score.support > 0 && i < p.task.classes.count {
                    scores[p.task.classes[i]] = score.f1
                }
            case .multiLabel:
                guard let report = try? MultiLabelReport.evaluate(
                    scores: labeled.map(\.0), targets: labeled.map { $0.1.map { $0 >= 0.5 } }, tagNames: p.task.classes)
                else { continue }
                for (i, tag) in report.perTag.enumerated() where i < p.task.classes.count {
                    if let tag { scores[p.task.classes[i]] = tag.rocAUC }
                }
            case .regression, .events, .segments: continue
            }
            if !scores.isEmpty { result[p.task.name] = scores }
        }
        return result
    }

    /// The name of the per-class score of a task kind, for tables and axis labels.
    public static func scoreName(_ kind: TaskKind) -> String {
        switch kind {
        case .multiClass: return "F1"
        case .multiLabel: return "ROC-AUC"
        case .regression, .events, .segments: return "—"
        }
    }
}
