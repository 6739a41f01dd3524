import Models
import MusicTasks
import Training

/// How well a teacher's pseudo-labels agree with labels that some pool tracks carry anyway:
/// for a multi-class task the fraction of tracks whose top class is the true class; for a
/// multi-label task the fraction of (track, tag) decisions (probability ≥ 0.5) that match.
public struct PseudoLabelAgreement: Codable, Sendable, Equatable {
    /// Pool tracks (or, for segment labels, segments) with both a pseudo-label and a human
    /// label of their track for the task.
    public var tracks: Int
    public var agreement: Double
    /// "top-class accuracy" or "tag decision accuracy".
    public var measure: String
    /// Multi-label: the macro ROC-AUC of the pseudo-label probabilities over the tags that
    /// have positive and negative tracks — a ranking measure that, unlike decisions at 0.5,
    /// does not reward a teacher for predicting the prior (nil when no tag has both).
    public var rocAUC: Double?
    /// Multi-label: the macro average precision (PR-AUC) over the same tags, what the test
    /// scores report beside ROC-AUC (nil where `rocAUC` is, and in records made before it).
    public var prAUC: Double?

    /// An agreement measured on `tracks` tracks.
    public init(tracks: Int, agreement: Double, measure: String, rocAUC: Double? = nil, prAUC: Double? = nil) {
        self.tracks = tracks
        self.agreement = agreement
        self.measure = measure
        self.rocAUC = rocAUC
        self.prAUC = prAUC
    }

    /// Per task: the agreement over the tracks of `truth` that have a pseudo-label (tasks
    /// without any such track are left out).
    public static func measure(_ labels: [Int64: [String: PseudoLabel]], truth: [LabeledTrack],
                               tasks: [TaskSpec]) -> [String: PseudoLabelAgreement] {
        measure(groups: labels.keys.sorted().compactMap { id in
            labels[id].map { PseudoLabelSelection.Group(trackId: id, segment: nil, labels: $0) }
        }, truth: truth, tasks: tasks)
    }

    /// Per task: the agreement of each group's labels (a track's, or a segment's) with its
    /// track's label in `truth`.
    public static func measure(groups: [PseudoLabelSelection.Group], truth: [LabeledTrack],
                               tasks: [TaskSpec]) -> [String: PseudoLabelAgreement] {
        let truthByID = Dictionary(truth.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [String: PseudoLabelAgreement] = [:]
        for task in tasks where task.kind != .regression {
            var tracks = 0, agreeing = 0, decisions = 0
            var scores: [[Float]] = [], truths: [[Bool]] = []
            for group in groups {
                guard let track = truthByID[group.trackId], let label = group.labels[task.name], let target = track.targets[task.name],
                      let dense = try? target.dense(for: task), dense.count == label.probabilities.count else { continue }
                tracks += 1
                if task.kind == .multiClass {
                    decisions += 1
                    if label.topClass == TaskMetrics.argmax(dense) { agreeing += 1 }
                } else {
                    scores.append(label.probabilities)
                    truths.append(dense.map { $0 >= 0.5 })
                    for (p, t) in zip(label.probabilities, dense) {
                        decisions += 1
                        if (p >= 0.5) == (t >= 0.5) { agreeing += 1 }
                    }
                }
            }
            guard tracks > 0, decisions > 0 else { continue }
            // Tags with positive and negative tracks only (ROC-AUC is undefined otherwise).
            let ranked = task.classes.indices.filter { c in
                truths.contains { $0[c] } && truths.contains { !$0[c] }
            }
            let aucs = ranked.compactMap { c in
                try? BinaryRankingMetrics.rocAUC(scores: scores.map { $0[c] }, labels: truths.map { $0[c] })
            }
            let precisions = ranked.compactMap { c in
                try? BinaryRankingMetrics.averagePrecision(scores: scores.map { $0[c] }, labels: truths.map { $0[c] })
            }
            result[task.name] = PseudoLabelAgreement(
                tracks: tracks, agreement: Double(agreeing) / Double(decisions),
                measure: task.kind == .multiClass ? "top-class accuracy" : "tag decision accuracy",
                rocAUC: aucs.isEmpty ? nil : aucs.reduce(0, +) / Double(aucs.count),
                prAUC: precisions.isEmpty ? nil : precisions.reduce(0, +) / Double(precisions.count))
        }
        return result
    }
}
