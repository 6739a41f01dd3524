import Foundation

// What a task's predicted probabilities (or values) mean, per kind: the one place that reads
// clip-level model outputs as labels, so pseudo-labelling, selection and reports agree.
// Time-aligned kinds are read frame by frame: their confidence and entropy here are those of one
// frame's row (events like multi-label, segments like multi-class); they have no classes and no
// clip-level label (their labels are decoded from all frames, ``TimeAlignedDecoding``).
extension TaskKind {
    /// Confidence in [0, 1]: the top probability for multi-class (and one frame of segments); for
    /// multi-label (and one frame of events) the mean distance of each probability from 0.5,
    /// scaled to [0, 1]; 1 for regression.
    public func confidence(of probabilities: [Float]) -> Double {
        switch self {
        case .multiClass, .segments: return Double(probabilities.max() ?? 0)
        case .multiLabel, .events:
            guard !probabilities.isEmpty else { return 0 }
            return probabilities.reduce(0) { $0 + 2 * Swift.abs(Double($1) - 0.5) } / Double(probabilities.count)
        case .regression: return 1
        }
    }

    /// Entropy over its maximum, in [0, 1] (0: one class certain; 1: uniform): the softmax's
    /// for multi-class tasks, the mean of the classes' binary entropies for multi-label ones;
    /// 0 for regression. For time-aligned kinds, of one frame's row (as for confidence).
    public func normalizedEntropy(of probabilities: [Float]) -> Double {
        func h(_ p: Double) -> Double { p > 0 ? -p * Foundation.log(p) : 0 }
        switch self {
        case .multiClass, .segments:
            guard probabilities.count > 1 else { return 0 }
            return probabilities.reduce(0) { $0 + h(Double($1)) } / Foundation.log(Double(probabilities.count))
        case .multiLabel, .events:
            guard !probabilities.isEmpty else { return 0 }
            return probabilities.reduce(0) { $0 + (h(Double($1)) + h(1 - Double($1))) / Foundation.log(2) }
                / Double(probabilities.count)
        case .regression: return 0
        }
    }

    /// The classes a prediction asserts: the most probable one (multi-class; one frame of
    /// segments), those at 0.5 or above (multi-label; one frame of events), none (regression).
    public func presentClasses(in probabilities: [Float]) -> [Int] {
        switch self {
        case .multiClass, .segments: return LabelValue.probabilities(probabilities).argmax.map { [$0] } ?? []
        case .multiLabel, .events: return probabilities.indices.filter { probabilities[$0] >= 0.5 }
        case .regression: return []
        }
    }

    /// The label a prediction gives: the probabilities themselves when `soft`, otherwise the
    /// hard label (``presentClasses(in:)``); a regression output is its (single) value. Nil for
    /// time-aligned kinds, whose predictions are frames.
    public func label(fromPredictions predictions: [Float], soft: Bool) -> LabelValue? {
        switch self {
        case .regression: return .number(Double(predictions.first ?? .nan))
        case .multiClass:
            return soft ? .probabilities(predictions) : .classIndex(presentClasses(in: predictions).first ?? 0)
        case .multiLabel: return soft ? .probabilities(predictions) : .classSet(presentClasses(in: predictions))
        case .events, .segments: return nil
        }
    }
}
