// Chord segments from frame-wise chord posteriors: HMM smoothing or plain argmax.

/// Decodes a chord model's frame posteriors (frames × classes, by default the 25 classes of
/// ``MajorMinorChords``) into merged, timed chord segments.
///
/// ``Method/viterbi(_:)`` smooths with ``FrameViterbi`` (equal to `librosa.sequence.viterbi`);
/// ``Method/argmax`` takes each frame's most probable class, the baseline without smoothing.
/// Frame `i` covers `[i / fps, (i + 1) / fps)`; runs of one class are merged, and the last
/// segment ends at `frames / fps`.
public struct ChordDecoder: Sendable {
    /// How a class is chosen for each frame.
    public enum Method: Sendable, Equatable {
        /// Each frame's most probable class (first on ties), no smoothing.
        case argmax
        /// The most likely path of the HMM with these transitions.
        case viterbi(ClassTransitions)
    }

    /// The default mean chord duration of ``init(fps:labels:)``: 2 s, about one bar of 4/4 at
    /// 120 bpm, the order of the chord lengths of pop annotations (Isophonics, Billboard).
    /// A self-loop over 25 classes with this mean at 10 fps stays with probability 0.95.
    public static let defaultMeanDuration = 2.0

    /// Class names in index order.
    public let labels: [String]
    /// Frames per second of the posteriors.
    public let fps: Double
    /// The decoding method.
    public let method: Method

    /// - Parameters:
    ///   - fps: frames per second of the posteriors (the issue suggests about 10 for chords).
    ///   - labels: one name per class; ``MajorMinorChords/classNames`` by default.
    ///   - method: the method; nil for a Viterbi self-loop whose runs last
    ///     ``defaultMeanDuration`` on average (``ClassTransitions/selfLoop(classCount:meanDuration:fps:)``).
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if `fps` is not positive, there are
    ///   no labels, or the transitions are over another number of classes.
    public init(fps: Double, labels: [String] = MajorMinorChords.classNames, method: Method? = nil) throws(TaskError) {
        try DecodingChecks.frameRate(fps)
        guard !labels.isEmpty else { throw .invalidDecoding(reason: "a chord decoder needs one label at least") }
        let chosen: Method
        if let method {
            chosen = method
        } else {
            chosen = .viterbi(try .selfLoop(classCount: labels.count, meanDuration: Self.defaultMeanDuration, fps: fps))
        }
        if case let .viterbi(transitions) = chosen, transitions.classCount != labels.count {
            throw .invalidDecoding(reason: "transitions over \(transitions.classCount) classes for \(labels.count) labels")
        }
        self.labels = labels
        self.fps = fps
        self.method = chosen
    }

    /// The class chosen for every frame.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if the posteriors are not over the
    ///   decoder's classes.
    public func path(_ posteriors: FramePosteriors) throws(TaskError) -> [Int] {
        guard posteriors.classCount == labels.count else {
            throw .invalidDecoding(reason: "posteriors have \(posteriors.classCount) classes, the decoder \(labels.count) labels")
        }
        switch method {
        case .argmax: return posteriors.argmaxPath()
        case let .viterbi(transitions): return try FrameViterbi.decode(posteriors, transitions: transitions)
        }
    }

    /// Merged, timed segments.
    /// - Throws: as ``path(_:)``.
    public func decode(_ posteriors: FramePosteriors) throws(TaskError) -> [TimedSegment] {
        try FrameSegments.segments(path: path(posteriors), labels: labels, fps: fps)
    }

    /// Merged, timed segments of frame-major probabilities (`frames × labels.count`).
    /// - Throws: as ``FramePosteriors/init(values:classCount:)`` and ``path(_:)``.
    public func decode(_ values: [Float]) throws(TaskError) -> [TimedSegment] {
        try decode(FramePosteriors(values: values, classCount: labels.count))
    }
}
