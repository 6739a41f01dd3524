// The most likely class sequence of a frame-wise HMM (librosa.sequence.viterbi).

import Foundation

/// Viterbi decoding of a hidden Markov model whose states are classes and whose observation
/// likelihoods are a model's frame posteriors, the smoothing `librosa.sequence.viterbi` does:
/// runs of frames stay in one class unless the posteriors outweigh the cost of a transition.
public enum FrameViterbi {
    /// The most likely class of every frame.
    ///
    /// Follows `librosa.sequence.viterbi(prob, transition, p_init=initial)` (librosa 0.11)
    /// step by step so that paths are equal, ties included: logarithms of `p + tiny` with
    /// `tiny` the smallest normal `Double` (`numpy.finfo(float64).tiny`, which keeps zeros
    /// finite), a uniform initial distribution unless one is given, the first best
    /// predecessor on ties and the first best final state (`numpy.argmax`). Work is
    /// `frames × classes²`; back-pointers take `frames × classes` 16-bit indices.
    /// - Parameters:
    ///   - posteriors: frame posteriors; their class count must be the transitions'.
    ///   - transitions: the transition matrix.
    ///   - initial: the initial class distribution (non-negative, summing to 1 within 1e-6);
    ///     nil for uniform.
    /// - Returns: one class index per frame; empty for no frames.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if the class counts differ, there are
    ///   more than 65 536 classes, or `initial` is not a distribution over the classes.
    public static func decode(
        _ posteriors: FramePosteriors, transitions: ClassTransitions, initial: [Double]? = nil
    ) throws(TaskError) -> [Int] {
        let classes = posteriors.classCount
        guard transitions.classCount == classes else {
            throw .invalidDecoding(reason: "posteriors have \(classes) classes, the transitions \(transitions.classCount)")
        }
        guard classes <= Int(UInt16.max) + 1 else {
            throw .invalidDecoding(reason: "\(classes) classes are more than the decoder's 65 536")
        }
        let start = try initialDistribution(initial, classes: classes)
        let frames = posteriors.frameCount
        guard frames > 0 else { return [] }

        let tiny = Double.leastNormalMagnitude
        // Transposed (to × from) so that the inner loop over predecessors reads contiguously.
        var logTransitionsTo = [Double](repeating: 0, count: classes * classes)
        for from in 0..<classes {
            for to in 0..<classes {
                logTransitionsTo[to * classes + from] = log(transitions.matrix[from * classes + to] + tiny)
            }
        }
        var previous = (0..<classes).map { log(Double(posteriors[0, $0]) + tiny) + log(start[$0] + tiny) }
        var current = [Double](repeating: 0, count: classes)
        var pointers = [UInt16](repeating: 0, count: frames * classes)
        for frame in 1..<frames {
            for to in 0..<classes {
                let row = to * classes
                var best = 0
                var bestScore = previous[0] + logTransitionsTo[row]
                for from in 1..<max(classes, 1) {
                    let score = previous[from] + logTransitionsTo[row + from]
                    if score > bestScore {
                        bestScore = score
                        best = from
                    }
                }
                pointers[frame * classes + to] = UInt16(best)
                current[to] = log(Double(posteriors[frame, to]) + tiny) + bestScore
            }
            swap(&previous, &current)
        }
        var path = [Int](repeating: 0, count: frames)
        var state = 0
        for candidate in 1..<max(classes, 1) where previous[candidate] > previous[state] { state = candidate }
        path[frames - 1] = state
        for frame in stride(from: frames - 1, to: 0, by: -1) {
            state = Int(pointers[frame * classes + state])
            path[frame - 1] = state
        }
        return path
    }

    static func initialDistribution(_ initial: [Double]?, classes: Int) throws(TaskError) -> [Double] {
        guard let initial else { return [Double](repeating: 1 / Double(classes), count: classes) }
        guard initial.count == classes else {
            throw .invalidDecoding(reason: "an initial distribution over \(classes) classes has \(initial.count) values")
        }
        guard initial.allSatisfy({ $0.isFinite && $0 >= 0 }), abs(initial.reduce(0, +) - 1) <= 1e-6 else {
            throw .invalidDecoding(reason: "the initial distribution is not non-negative summing to 1")
        }
        return initial
    }
}
