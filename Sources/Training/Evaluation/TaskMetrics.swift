import Foundation
import Models
import MusicTasks

/// The field's metrics for one task, named `<task>/<metric>`:
/// multi-label: `roc_auc_macro`, `pr_auc_macro`, `roc_auc_micro`, `pr_auc_micro`;
/// multi-class: `accuracy`, `balanced_accuracy`, `f1_macro`, and for 24-key tasks
/// `weighted_score` (MIREX); regression: `r2`, `mae`.
public enum TaskMetrics {
    public static func compute(_ predictions: TaskPredictions) throws -> [String: Double] {
        let task = predictions.task
        let labeled = zip(predictions.outputs, predictions.targets).compactMap { o, t in t.map { (o, $0) } }
        guard !labeled.isEmpty else { return [:] }
        var m: [String: Double] = [:]
        let name = task.name
        switch task.kind {
        case .multiLabel:
            let report = try MultiLabelReport.evaluate(scores: labeled.map(\.0), targets: labeled.map { $0.1.map { $0 >= 0.5 } },
                                                       tagNames: task.classes)
            m["\(name)/roc_auc_macro"] = report.macroROCAUC
            m["\(name)/pr_auc_macro"] = report.macroPRAUC
            m["\(name)/roc_auc_micro"] = report.microROCAUC
            m["\(name)/pr_auc_micro"] = report.microPRAUC
        case .multiClass:
            let truth = labeled.map { argmax($0.1) }
            let report = try MultiClassReport.evaluate(predictions: labeled.map { argmax($0.0) }, truth: truth,
                                                       classCount: task.classes.count)
            m["\(name)/accuracy"] = report.accuracy
            m["\(name)/balanced_accuracy"] = report.balancedAccuracy
            m["\(name)/f1_macro"] = report.macroF1
            if let keys = keyClasses(task) {
                let refs = truth.map { keys[$0] }, ests = labeled.map { keys[argmax($0.0)] }
                m["\(name)/weighted_score"] = try KeyReport.evaluate(references: refs, estimates: ests).meanWeightedScore
            }
        case .regression:
            let report = try RegressionReport.evaluate(predictions: labeled.map(\.0), targets: labeled.map(\.1))
            m["\(name)/r2"] = report.r2
            m["\(name)/mae"] = report.mae
        case .events, .segments:
            for (key, value) in try FrameMetrics.compute(predictions) { m["\(name)/\(key)"] = value }
        }
        return m
    }

    /// One clip's share of the split's metrics, for the metrics that are means over clips: a
    /// 24-key task's MIREX `weighted_score`, any other multi-class task's `accuracy` (1 or 0).
    /// Empty for an unlabeled clip and for metrics that are not per-clip means (ROC-AUC, r²).
    /// Paired comparisons resample clips with these (``SeedSummary``).
    public static func clipScores(task: TaskSpec, output: [Float], target: [Float]?) -> [String: Double] {
        guard task.kind == .multiClass, let target, !output.isEmpty else { return [:] }
        let estimate = argmax(output), truth = argmax(target)
        if let keys = keyClasses(task) {
            return ["\(task.name)/weighted_score": MusicalKey.weightedScore(reference: keys[truth], estimate: keys[estimate])]
        }
        return ["\(task.name)/accuracy": estimate == truth ? 1 : 0]
    }

    /// The class list as keys, when every class name parses as a musical key and all 24 are there.
    static func keyClasses(_ task: TaskSpec) -> [MusicalKey]? {
        guard task.classes.count == 24 else { return nil }
        let keys = task.classes.compactMap { try? MusicalKey(parsing: $0, bareTonicMode: nil) }
        return keys.count == 24 && Set(keys).count == 24 ? keys : nil
    }

    /// The index of the largest value (the first on ties; 0 for an empty row).
    public static func argmax(_ row: [Float]) -> Int {
        var best = 0
        for i in row.indices where row[i] > row[best] { best = i }
        return best
    }
}
