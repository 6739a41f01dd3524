import Models
import Training

/// How well a teacher's pseudo-labels agree with labels that some pool tracks carry anyway:
/// for a multi-class task the fraction of tracks whose top class is the true class; for a
/// multi-label task the fraction of (track, tag) decisions (probability ≥ 0.5) that match.
public struct PseudoLabelAgreement: Codable, Sendable, Equatable {
    /// Pool tracks with both a pseudo-label and a human label for the task.
    public var tracks: Int
    public var agreement: Double
    /// "top-class accuracy" or "tag decision accuracy".
    public var measure: String

    /// An agreement measured on `tracks` tracks.
    public init(tracks: Int, agreement: Double, measure: String) {
        self.tracks = tracks
        self.agreement = agreement
        self.measure = measure
    }

    /// Per task: the agreement over the tracks of `truth` that have a pseudo-label (tasks
    /// without any such track are left out).
    public static func measure(_ labels: [Int64: [String: PseudoLabel]], truth: [LabeledTrack],
                               tasks: [TaskSpec]) -> [String: PseudoLabelAgreement] {
        var result: [String: PseudoLabelAgreement] = [:]
        for task in tasks where task.kind != .regression {
            var tracks = 0, agreeing = 0, decisions = 0
            for track in truth {
                guard let label = labels[track.id]?[task.name], let target = track.targets[task.name],
                      let dense = try? target.dense(for: task), dense.count == label.probabilities.count else { continue }
                tracks += 1
                if task.kind == .multiClass {
                    decisions += 1
                    if label.topClass == TaskMetrics.argmax(dense) { agreeing += 1 }
                } else {
                    for (p, t) in zip(label.probabilities, dense) {
                        decisions += 1
                        if (p >= 0.5) == (t >= 0.5) { agreeing += 1 }
                    }
                }
            }
            guard tracks > 0, decisions > 0 else { continue }
            result[task.name] = PseudoLabelAgreement(
                tracks: tracks, agreement: Double(agreeing) / Double(decisions),
                measure: task.kind == .multiClass ? "top-class accuracy" : "tag decision accuracy")
        }
        return result
    }
}
