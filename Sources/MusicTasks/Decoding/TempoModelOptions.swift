/// The tempo model of the bar-pointer DBN decoders (``DBNBeatDecoder``, ``DBNDownbeatDecoder``):
/// tempo range and spacing, how freely the tempo changes, the share of a beat that counts as
/// the beat, where decoding starts and ends, and peak correction. The defaults are madmom's
/// `DBNBeatTrackingProcessor`'s (0.16.1 and 0.17.dev0); the downbeat decoder sets its own
/// tempo count and threshold.
public struct TempoModelOptions: Sendable, Equatable {
    /// Slowest tempo modelled, in beats per minute. Default 55 (madmom `MIN_BPM`).
    public var minBPM: Double
    /// Fastest tempo modelled, in beats per minute. Default 215 (madmom `MAX_BPM`).
    public var maxBPM: Double
    /// Number of tempi: nil models every whole-frame beat period from `60 fps / maxBPM` to
    /// `60 fps / minBPM` (82 at 100 fps), a number spaces that many periods on a log scale.
    /// Default nil (madmom `NUM_TEMPI = None`; the downbeat decoder's is 60).
    public var tempoCount: Int?
    /// λ of the exponential tempo-change distribution at beat boundaries; larger values hold
    /// the tempo steadier. Default 100 (madmom `TRANSITION_LAMBDA`).
    public var transitionLambda: Double
    /// The first `1/λ` of each beat period are beat states, the rest non-beat states. Default
    /// 16 (madmom `OBSERVATION_LAMBDA`).
    public var observationLambda: Int
    /// Frames before the first and after the last activation reaching this value are not
    /// decoded; 0 decodes all. Default 0 (madmom `THRESHOLD`; the downbeat decoder's is 0.05).
    public var threshold: Float
    /// Move each beat to the activation peak among the beat states the path passes through,
    /// instead of the first of them. Default true (madmom `CORRECT`).
    public var correctToPeaks: Bool

    public init(minBPM: Double = 55, maxBPM: Double = 215, tempoCount: Int? = nil, transitionLambda: Double = 100,
                observationLambda: Int = 16, threshold: Float = 0, correctToPeaks: Bool = true) {
        self.minBPM = minBPM
        self.maxBPM = maxBPM
        self.tempoCount = tempoCount
        self.transitionLambda = transitionLambda
        self.observationLambda = observationLambda
        self.threshold = threshold
        self.correctToPeaks = correctToPeaks
    }

    /// Checks the options for activations at `fps` and returns the beat periods (frames).
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if `fps` is not positive and finite,
    ///   the tempo range is empty or not positive, a λ is out of range (transition λ ≤ 0,
    ///   observation λ < 2), `tempoCount` is under 2, the threshold is not finite, or the
    ///   fastest tempo is shorter than a frame.
    func periods(fps: Double) throws(TaskError) -> [Int] {
        try DecodingChecks.dbn(
            fps: fps, minBPM: minBPM, maxBPM: maxBPM, tempoCount: tempoCount,
            transitionLambda: transitionLambda, observationLambda: observationLambda)
        guard threshold.isFinite else {
            throw .invalidDecoding(reason: "the threshold must be finite, not \(threshold)")
        }
        return try TempoIntervals.make(fps: fps, minBPM: minBPM, maxBPM: maxBPM, count: tempoCount)
    }
}
