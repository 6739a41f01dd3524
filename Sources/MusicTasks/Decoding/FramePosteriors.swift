// Frame-major class probabilities, checked once for every frame-wise decoder.

/// Class probabilities of consecutive frames, frame-major: `values[frame * classCount + class]`,
/// the layout of a `[frames, classes]` tensor flattened row by row.
///
/// Rows need not sum to 1 (a model's posteriors after smoothing or calibration may not), but
/// every value must be a probability: finite and within 0…1, the range
/// `librosa.sequence.viterbi` accepts.
public struct FramePosteriors: Sendable, Equatable {
    /// The probabilities, `frameCount × classCount`, frame-major.
    public let values: [Float]
    /// Values per frame.
    public let classCount: Int

    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if `classCount` is not positive,
    ///   `values` is not a whole number of frames, or a value is NaN, infinite or outside 0…1.
    public init(values: [Float], classCount: Int) throws(TaskError) {
        guard classCount >= 1 else {
            throw .invalidDecoding(reason: "posteriors need one class at least, not \(classCount)")
        }
        guard values.count % classCount == 0 else {
            throw .invalidDecoding(reason: "\(values.count) posteriors are not whole frames of \(classCount) classes")
        }
        if let bad = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidDecoding(reason: "posterior of frame \(bad / classCount), class \(bad % classCount) is \(values[bad]), not a probability in 0…1")
        }
        self.values = values
        self.classCount = classCount
    }

    /// One row per frame.
    /// - Throws: as ``init(values:classCount:)``, and if the rows differ in length.
    public init(rows: [[Float]], classCount: Int) throws(TaskError) {
        if let bad = rows.firstIndex(where: { $0.count != classCount }) {
            throw .invalidDecoding(reason: "frame \(bad) has \(rows[bad].count) posteriors, not \(classCount)")
        }
        try self.init(values: rows.flatMap { $0 }, classCount: classCount)
    }

    /// The number of frames.
    public var frameCount: Int { values.count / classCount }

    /// The probability of `classIndex` at `frame`.
    public subscript(frame: Int, classIndex: Int) -> Float { values[frame * classCount + classIndex] }

    /// The most probable class of every frame, the first one on ties (`numpy.argmax`).
    public func argmaxPath() -> [Int] {
        (0..<frameCount).map { frame in
            let base = frame * classCount
            var best = 0
            for index in 1..<max(classCount, 1) where values[base + index] > values[base + best] { best = index }
            return best
        }
    }
}
