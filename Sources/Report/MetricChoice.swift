/// Which metrics the charts show when there are many: the headline metric of each task kind
/// first (key weighted score, accuracy, macro ROC-AUC, macro PR-AUC, macro F1, R²), at most `limit`.
public enum MetricChoice {
    static let preference = ["weighted_score", "accuracy", "roc_auc_macro", "pr_auc_macro", "f1_macro", "r2", "mae"]

    /// The headline metrics among `available` (never `loss`), in preference order.
    public static func headline(_ available: [String], limit: Int = 4) -> [String] {
        let names = Array(Set(available)).filter { $0 != "loss" }.sorted()
        var chosen: [String] = []
        for suffix in preference {
            for name in names where name.hasSuffix("/" + suffix) && !chosen.contains(name) { chosen.append(name) }
        }
        for name in names where !chosen.contains(name) { chosen.append(name) }
        return Array(chosen.prefix(limit))
    }
}
