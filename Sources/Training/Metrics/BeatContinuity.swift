// Continuity-based beat scores CMLc, CMLt, AMLc, AMLt (mir_eval.beat.continuity).

/// How much of an estimated beat sequence is continuously correct, at the annotated metric
/// level (CML) and at any of the accepted metric levels (AML), after Hainsworth and Klapuri
/// as `mir_eval.beat.continuity` computes them.
///
/// An estimated beat is correct when it is the first to claim its nearest reference beat,
/// lies within `phaseThreshold` × the reference inter-beat interval of it, and its own
/// inter-beat interval differs from the reference one by less than `periodThreshold`
/// (relative). "c" scores take the longest run of consecutive correct beats, "t" scores
/// all correct beats; both are divided by the larger of the two beat counts.
///
/// AML takes the best over the reference and four variations of it: the off-beat (half-way
/// points), double tempo (beats plus half-way points), and half tempo on the odd and on
/// the even beats. A tracker tapping at twice or half the annotated tempo, or on the
/// off-beat, scores at AML what a tracker at the annotated level scores at CML.
///
/// mir_eval quirks kept on purpose, so the numbers agree:
/// - The denominator is `max(reference count, estimate count)` for each variation.
/// - Ties for the nearest reference beat go to the earlier one (`numpy.argmin`).
/// - For the first estimated beat, or when the nearest reference beat is the first one,
///   the intervals look forward (to the next beat) unless there is none; otherwise they
///   look back.
/// - A one-beat reference variation (half tempo of a 2- or 3-beat reference) has a zero
///   interval, so no beat can be correct against it.
public struct BeatContinuity: Sendable, Equatable {
    /// Correct metric level, longest continuous run ("Correct Metric Level Continuous").
    public var cmlC: Double
    /// Correct metric level, all correct beats ("Correct Metric Level Total").
    public var cmlT: Double
    /// Best over metric levels, longest continuous run ("Any Metric Level Continuous").
    public var amlC: Double
    /// Best over metric levels, all correct beats ("Any Metric Level Total").
    public var amlT: Double
    /// Empty or single-beat sides, each of which makes all four scores 0.
    public var warnings: [BeatWarning]

    public init(cmlC: Double, cmlT: Double, amlC: Double, amlT: Double, warnings: [BeatWarning]) {
        self.cmlC = cmlC
        self.cmlT = cmlT
        self.amlC = amlC
        self.amlT = amlT
        self.warnings = warnings
    }

    /// Scores `estimate` against `reference` (seconds, each non-decreasing). No trimming:
    /// see ``BeatScores/evaluate(reference:estimate:options:)`` for mir_eval's pipeline.
    /// - Throws: ``MetricsError/nonFiniteValue(what:row:column:)``,
    ///   ``MetricsError/unsortedTimes(what:position:)`` or
    ///   ``MetricsError/timeOutOfRange(what:position:time:limit:)``.
    public init(
        reference: [Double], estimate: [Double],
        phaseThreshold: Double = 0.175, periodThreshold: Double = 0.175
    ) throws(MetricsError) {
        try BeatValidation.validate(reference, what: "reference beats")
        try BeatValidation.validate(estimate, what: "estimated beats")
        self.init(
            validReference: reference, estimate: estimate,
            phaseThreshold: phaseThreshold, periodThreshold: periodThreshold)
    }

    /// Scores validated, non-decreasing times.
    init(validReference reference: [Double], estimate: [Double], phaseThreshold: Double, periodThreshold: Double) {
        var warnings: [BeatWarning] = []
        if reference.isEmpty { warnings.append(.emptyReference) }
        if estimate.isEmpty { warnings.append(.emptyEstimate) }
        if reference.count == 1 { warnings.append(.singleReferenceBeat) }
        if estimate.count == 1 { warnings.append(.singleEstimatedBeat) }
        guard reference.count > 1 && estimate.count > 1 else {
            self.init(cmlC: 0, cmlT: 0, amlC: 0, amlT: 0, warnings: warnings)
            return
        }
        let scores = Self.metricLevels(of: reference).map {
            Self.accuracy(reference: $0, estimate: estimate, phaseThreshold: phaseThreshold, periodThreshold: periodThreshold)
        }
        self.init(
            cmlC: scores[0].continuous,
            cmlT: scores[0].total,
            amlC: scores.map(\.continuous).max()!,
            amlT: scores.map(\.total).max()!,
            warnings: warnings)
    }

    /// The reference and its variations, in mir_eval's order: as annotated, off-beat,
    /// double tempo, half tempo (odd beats: 1st, 3rd, …), half tempo (even beats).
    ///
    /// Half-way points are computed as `numpy.interp` does at index `k + 0.5`:
    /// `(b[k+1] − b[k]) · 0.5 + b[k]`, so they agree bit for bit.
    static func metricLevels(of beats: [Double]) -> [[Double]] {
        var halfway: [Double] = []
        halfway.reserveCapacity(beats.count - 1)
        for index in 0..<(beats.count - 1) {
            let step: Double = beats[index + 1] - beats[index]
            halfway.append(step * 0.5 + beats[index])
        }
        var double: [Double] = []
        double.reserveCapacity(2 * beats.count - 1)
        for index in beats.indices {
            double.append(beats[index])
            if index < halfway.count { double.append(halfway[index]) }
        }
        let odd = stride(from: 0, to: beats.count, by: 2).map { beats[$0] }
        let even = stride(from: 1, to: beats.count, by: 2).map { beats[$0] }
        return [beats, halfway, double, odd, even]
    }

    /// Continuous and total accuracy of `estimate` against one reference variation (at
    /// least one beat; `estimate` at least two).
    static func accuracy(
        reference: [Double], estimate: [Double], phaseThreshold: Double, periodThreshold: Double
    ) -> (continuous: Double, total: Double) {
        var used = [Bool](repeating: false, count: reference.count)
        var correct = [Bool](repeating: false, count: estimate.count)
        for (m, time) in estimate.enumerated() {
            // Nearest reference beat; the first of equal distances wins.
            var nearest = 0
            var distance = abs(time - reference[0])
            for index in 1..<reference.count {
                let candidate = abs(time - reference[index])
                if candidate < distance {
                    nearest = index
                    distance = candidate
                }
            }
            guard !used[nearest] else { continue }
            let phase: Double
            let period: Double
            if m == 0 || nearest == 0 {
                // Look forward where possible. With a one-beat reference the "previous"
                // beat is the same beat (numpy's index −1), so the interval is 0.
                let referenceInterval = nearest + 1 < reference.count
                    ? reference[nearest + 1] - reference[nearest]
                    : reference[nearest] - reference[(nearest - 1 + reference.count) % reference.count]
                let estimateInterval = m + 1 < estimate.count
                    ? estimate[m + 1] - estimate[m]
                    : estimate[m] - estimate[m - 1]
                if referenceInterval == 0 {
                    // Repeated reference beats: mir_eval's stand-in values (phase 1 or ∞,
                    // period 0 or ∞), which fail the default thresholds.
                    phase = distance == 0 ? 1 : .infinity
                    period = estimateInterval == 0 ? 0 : .infinity
                } else {
                    phase = abs(distance / referenceInterval)
                    period = abs(1 - estimateInterval / referenceInterval)
                }
            } else {
                // A zero interval here gives ∞ or NaN, which fails the test, as in numpy.
                let referenceInterval = reference[nearest] - reference[nearest - 1]
                let estimateInterval = estimate[m] - estimate[m - 1]
                phase = abs(distance / referenceInterval)
                period = abs(1 - estimateInterval / referenceInterval)
            }
            if phase < phaseThreshold && period < periodThreshold {
                used[nearest] = true
                correct[m] = true
            }
        }
        var longest = 0
        var run = 0
        var total = 0
        for isCorrect in correct {
            if isCorrect {
                run += 1
                total += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        let count = Double(max(reference.count, estimate.count))
        return (Double(longest) / count, Double(total) / count)
    }
}
