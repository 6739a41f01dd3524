// Beat and downbeat tracking scores as mir_eval.beat.evaluate computes them: F-measure with a
// ±70 ms window and the continuity scores CMLc / CMLt / AMLc / AMLt.

/// A condition under which mir_eval's beat metrics still return a number (0) but warn.
///
/// mir_eval does not fail on an empty or one-beat sequence; it warns and scores 0. The
/// scores here do the same and list the warnings, so a caller can tell "scored 0" from
/// "could not be scored".
public enum BeatWarning: Sendable, Hashable, CustomStringConvertible {
    /// No reference beats (after trimming): every score is 0.
    case emptyReference
    /// No estimated beats (after trimming): every score is 0.
    case emptyEstimate
    /// One reference beat: no inter-beat interval, so the continuity scores are 0.
    case singleReferenceBeat
    /// One estimated beat: no inter-beat interval, so the continuity scores are 0.
    case singleEstimatedBeat

    /// mir_eval's warning text.
    public var description: String {
        switch self {
        case .emptyReference: return "Reference beats are empty."
        case .emptyEstimate: return "Estimated beats are empty."
        case .singleReferenceBeat:
            return "Only one reference beat was provided, so beat intervals cannot be computed."
        case .singleEstimatedBeat:
            return "Only one estimated beat was provided, so beat intervals cannot be computed."
        }
    }
}

/// The parameters of the beat scores. ``mirEval`` holds mir_eval's defaults, which are the
/// usual MIREX settings.
public struct BeatEvaluationOptions: Sendable, Equatable {
    /// Beats before this time (seconds) are dropped from both sequences before scoring
    /// (`mir_eval.beat.trim_beats`): the first seconds of a track are where a tracker is
    /// still finding the beat, and annotators are least sure.
    public var minimumBeatTime: Double
    /// Half-width (seconds) of the window within which an estimated beat hits a reference
    /// beat for the F-measure.
    public var fMeasureWindow: Double
    /// Largest allowed distance of an estimated beat from its reference beat, as a fraction
    /// of the reference inter-beat interval (continuity scores).
    public var continuityPhaseThreshold: Double
    /// Largest allowed relative difference between the estimated and the reference
    /// inter-beat interval (continuity scores).
    public var continuityPeriodThreshold: Double

    public init(
        minimumBeatTime: Double = 5.0, fMeasureWindow: Double = 0.07,
        continuityPhaseThreshold: Double = 0.175, continuityPeriodThreshold: Double = 0.175
    ) {
        self.minimumBeatTime = minimumBeatTime
        self.fMeasureWindow = fMeasureWindow
        self.continuityPhaseThreshold = continuityPhaseThreshold
        self.continuityPeriodThreshold = continuityPeriodThreshold
    }

    /// mir_eval's defaults: trim before 5 s, ±70 ms window, 0.175 phase and period thresholds.
    public static let mirEval = BeatEvaluationOptions()
}

/// Beat-tracking scores of one track, as `mir_eval.beat.evaluate` reports them (the
/// F-measure and continuity entries; Cemgil, Goto, P-score and information gain are not
/// computed).
public struct BeatScores: Sendable, Equatable {
    /// F-measure of beats hit within the window ("F-measure").
    public var fMeasure: Double
    /// Fraction of estimated beats that hit a reference beat (0 when either side is empty).
    public var precision: Double
    /// Fraction of reference beats that are hit (0 when either side is empty).
    public var recall: Double
    /// Continuity scores ("Correct/Any Metric Level Continuous/Total").
    public var continuity: BeatContinuity
    /// Warnings mir_eval would emit, each once, in the order first met.
    public var warnings: [BeatWarning]

    public init(
        fMeasure: Double, precision: Double, recall: Double, continuity: BeatContinuity,
        warnings: [BeatWarning]
    ) {
        self.fMeasure = fMeasure
        self.precision = precision
        self.recall = recall
        self.continuity = continuity
        self.warnings = warnings
    }

    /// Scores estimated beat times against reference beat times (seconds) as
    /// `mir_eval.beat.evaluate` does: both sequences are trimmed to
    /// ``BeatEvaluationOptions/minimumBeatTime`` first, then the F-measure and the continuity
    /// scores are computed on what is left.
    ///
    /// Both inputs are validated whole, before trimming (mir_eval checks only what survives
    /// trimming; a NaN or a decrease among the first 5 s is an error here).
    /// - Throws: ``MetricsError/nonFiniteValue(what:row:column:)``,
    ///   ``MetricsError/unsortedTimes(what:position:)`` or
    ///   ``MetricsError/timeOutOfRange(what:position:time:limit:)``.
    public static func evaluate(
        reference: [Double], estimate: [Double], options: BeatEvaluationOptions = .mirEval
    ) throws(MetricsError) -> BeatScores {
        try BeatValidation.validate(reference, what: "reference beats")
        try BeatValidation.validate(estimate, what: "estimated beats")
        let reference = BeatValidation.trimmed(reference, minimumTime: options.minimumBeatTime)
        let estimate = BeatValidation.trimmed(estimate, minimumTime: options.minimumBeatTime)
        let hits = EventFMeasure(validReference: reference, estimate: estimate, window: options.fMeasureWindow)
        let continuity = BeatContinuity(
            validReference: reference, estimate: estimate,
            phaseThreshold: options.continuityPhaseThreshold,
            periodThreshold: options.continuityPeriodThreshold)
        var warnings = hits.warnings
        for warning in continuity.warnings where !warnings.contains(warning) { warnings.append(warning) }
        return BeatScores(
            fMeasure: hits.fMeasure, precision: hits.precision, recall: hits.recall,
            continuity: continuity, warnings: warnings)
    }

    /// Downbeat F-measure: the beat F-measure (same ±70 ms window, same trimming) applied
    /// to downbeat times. mir_eval has no downbeat module; this is
    /// `mir_eval.beat.f_measure(trim_beats(reference), trim_beats(estimate))` with downbeat
    /// times as input. Pass `minimumTime: 0` to keep the first seconds, which at a bar of
    /// about 2 s hold two or three downbeats.
    /// - Throws: as ``evaluate(reference:estimate:options:)``.
    public static func downbeatFMeasure(
        reference: [Double], estimate: [Double], minimumTime: Double = 5.0, window: Double = 0.07
    ) throws(MetricsError) -> EventFMeasure {
        try BeatValidation.validate(reference, what: "reference downbeats")
        try BeatValidation.validate(estimate, what: "estimated downbeats")
        return EventFMeasure(
            validReference: BeatValidation.trimmed(reference, minimumTime: minimumTime),
            estimate: BeatValidation.trimmed(estimate, minimumTime: minimumTime),
            window: window)
    }
}

/// Input checks and trimming shared by the beat scores.
enum BeatValidation {
    /// mir_eval's `MAX_TIME`: larger event times are taken as given in the wrong unit.
    static let maximumTime = 30_000.0

    /// Throws unless every time is finite, at most ``maximumTime`` and not before the
    /// previous one (equal times are allowed, as in mir_eval).
    static func validate(_ times: [Double], what: String) throws(MetricsError) {
        for (position, time) in times.enumerated() {
            guard time.isFinite else { throw .nonFiniteValue(what: what, row: position, column: nil) }
            guard time <= maximumTime else {
                throw .timeOutOfRange(what: what, position: position, time: time, limit: maximumTime)
            }
            if position > 0 && time < times[position - 1] {
                throw .unsortedTimes(what: what, position: position)
            }
        }
    }

    /// The times at or after `minimumTime` (`mir_eval.beat.trim_beats`).
    static func trimmed(_ times: [Double], minimumTime: Double) -> [Double] {
        times.filter { $0 >= minimumTime }
    }
}
