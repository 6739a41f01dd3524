// Transition probabilities of a frame-wise hidden Markov model over a class vocabulary.

/// The transition matrix of a hidden Markov model whose states are the classes of a frame-wise
/// classifier (chords, keys, voiced/unvoiced): `probability(from: i, to: j)` is the chance that
/// a frame of class `i` is followed by a frame of class `j`.
///
/// Each row is a probability distribution (non-negative, summing to 1 within 1e-6), the
/// condition `librosa.sequence.viterbi` puts on its `transition` argument.
public struct ClassTransitions: Sendable, Equatable {
    /// The number of classes (states).
    public let classCount: Int
    /// Row-major `classCount × classCount` probabilities, `from × to`.
    public let matrix: [Double]

    /// A full transition matrix, row-major `from × to`.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if there is not one class at least, the
    ///   matrix is not `classCount × classCount`, or a row is not a probability distribution.
    public init(classCount: Int, matrix: [Double]) throws(TaskError) {
        guard classCount >= 1 else {
            throw .invalidDecoding(reason: "a transition matrix needs one class at least, not \(classCount)")
        }
        guard matrix.count == classCount * classCount else {
            throw .invalidDecoding(reason: "a transition matrix over \(classCount) classes needs \(classCount * classCount) values, found \(matrix.count)")
        }
        for row in 0..<classCount {
            let values = matrix[(row * classCount)..<((row + 1) * classCount)]
            if let bad = values.firstIndex(where: { !($0.isFinite && $0 >= 0 && $0 <= 1) }) {
                throw .invalidDecoding(reason: "transition \(row) → \(bad - row * classCount) is \(matrix[bad]), not a probability")
            }
            let sum = values.reduce(0, +)
            guard abs(sum - 1) <= 1e-6 else {
                throw .invalidDecoding(reason: "transitions from class \(row) sum to \(sum), not 1")
            }
        }
        self.classCount = classCount
        self.matrix = matrix
    }

    /// Stay in the same class with probability `probability`, move to each other class with
    /// `(1 − probability) / (classCount − 1)`: `librosa.sequence.transition_loop(classCount,
    /// probability)`. With one class the only transition is the self-loop, probability 1.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if `probability` is outside 0…1.
    public static func selfLoop(classCount: Int, probability: Double) throws(TaskError) -> ClassTransitions {
        guard probability.isFinite, probability >= 0, probability <= 1 else {
            throw .invalidDecoding(reason: "a self-transition probability must lie in 0…1, not \(probability)")
        }
        guard classCount > 1 else { return try ClassTransitions(classCount: classCount, matrix: [1]) }
        let other = (1 - probability) / Double(classCount - 1)
        var matrix = [Double](repeating: other, count: classCount * classCount)
        for state in 0..<classCount { matrix[state * classCount + state] = probability }
        return try ClassTransitions(classCount: classCount, matrix: matrix)
    }

    /// The self-loop whose runs last `seconds` on average at `fps` frames per second: a run's
    /// length in a self-loop model is geometric with mean `1 / (1 − p)` frames, so
    /// `p = 1 − 1 / (seconds × fps)` (0 when a run is a frame or shorter).
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if `seconds` or `fps` is not positive.
    public static func selfLoop(classCount: Int, meanDuration seconds: Double, fps: Double) throws(TaskError) -> ClassTransitions {
        guard seconds.isFinite, seconds > 0, fps.isFinite, fps > 0 else {
            throw .invalidDecoding(reason: "a mean duration (\(seconds) s) and a frame rate (\(fps) fps) must be positive")
        }
        let frames = seconds * fps
        return try selfLoop(classCount: classCount, probability: frames <= 1 ? 0 : 1 - 1 / frames)
    }

    /// The probability of moving from class `from` to class `to`.
    public func probability(from: Int, to: Int) -> Double { matrix[from * classCount + to] }
}
