// F-measure of event times hit within a tolerance window (mir_eval.beat.f_measure).

/// Precision, recall and F-measure of estimated event times against reference times, where
/// each estimated event may hit at most one reference event within ±`window` seconds and
/// vice versa (`mir_eval.beat.f_measure`, built on `mir_eval.util.match_events`).
///
/// The number of hits is the size of a *maximum* one-to-one matching, so an estimate
/// between two close reference beats cannot be counted twice and no pairing is lost to a
/// greedy choice. The window test is `estimate − window ≤ reference ≤ estimate + window`
/// evaluated in that form (as mir_eval's sorted search does), so results on the window edge
/// agree bit for bit.
public struct EventFMeasure: Sendable, Equatable {
    /// Harmonic mean of precision and recall; 0 when either side is empty or nothing hits.
    public var fMeasure: Double
    /// Hits / estimated events (0 when either side is empty).
    public var precision: Double
    /// Hits / reference events (0 when either side is empty).
    public var recall: Double
    /// Size of the maximum matching.
    public var hits: Int
    /// ``BeatWarning/emptyReference`` / ``BeatWarning/emptyEstimate`` when a side is empty.
    public var warnings: [BeatWarning]

    public init(fMeasure: Double, precision: Double, recall: Double, hits: Int, warnings: [BeatWarning]) {
        self.fMeasure = fMeasure
        self.precision = precision
        self.recall = recall
        self.hits = hits
        self.warnings = warnings
    }

    /// Scores `estimate` against `reference` (seconds, each non-decreasing). No trimming:
    /// see ``BeatScores/evaluate(reference:estimate:options:)`` for mir_eval's pipeline.
    /// - Throws: ``MetricsError/nonFiniteValue(what:row:column:)``,
    ///   ``MetricsError/unsortedTimes(what:position:)`` or
    ///   ``MetricsError/timeOutOfRange(what:position:time:limit:)``.
    public init(reference: [Double], estimate: [Double], window: Double = 0.07) throws(MetricsError) {
        try BeatValidation.validate(reference, what: "reference events")
        try BeatValidation.validate(estimate, what: "estimated events")
        self.init(validReference: reference, estimate: estimate, window: window)
    }

    /// Scores validated, non-decreasing times.
    init(validReference reference: [Double], estimate: [Double], window: Double) {
        var warnings: [BeatWarning] = []
        if reference.isEmpty { warnings.append(.emptyReference) }
        if estimate.isEmpty { warnings.append(.emptyEstimate) }
        guard !reference.isEmpty && !estimate.isEmpty else {
            self.init(fMeasure: 0, precision: 0, recall: 0, hits: 0, warnings: warnings)
            return
        }
        let hits = Self.maximumMatchingSize(reference: reference, estimate: estimate, window: window)
        let precision = Double(hits) / Double(estimate.count)
        let recall = Double(hits) / Double(reference.count)
        // mir_eval.util.f_measure with beta = 1: (1 + 1²)·p·r / (1²·p + r).
        let fMeasure = precision == 0 && recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        self.init(fMeasure: fMeasure, precision: precision, recall: recall, hits: hits, warnings: warnings)
    }

    /// Size of a maximum matching between sorted reference and estimated times, where
    /// estimate `j` may pair with reference `i` when
    /// `estimate[j] − window ≤ reference[i] ≤ estimate[j] + window`.
    ///
    /// Each estimate's admissible references form a run `lower..<upper` of the sorted
    /// reference, and both ends of the run never move left as the estimate grows (the
    /// bounds are monotone in the estimate, in floating point too). For such "convex"
    /// bipartite graphs, taking the estimates in order and giving each the first free
    /// reference of its run is a maximum matching (the earliest-deadline greedy rule for
    /// intervals and points): a reference left of the current one can only serve runs that
    /// have already ended. This is the size mir_eval's Hopcroft–Karp matching finds, in
    /// O(n + m) instead of building the hit graph.
    static func maximumMatchingSize(reference: [Double], estimate: [Double], window: Double) -> Int {
        var hits = 0
        var nextFree = 0  // every reference before this is matched or out of reach
        var lower = 0
        var upper = 0
        for time in estimate {
            let low = time - window
            let high = time + window
            while lower < reference.count && reference[lower] < low { lower += 1 }
            if upper < lower { upper = lower }
            while upper < reference.count && reference[upper] <= high { upper += 1 }
            let candidate = max(nextFree, lower)
            if candidate < upper {
                hits += 1
                nextFree = candidate + 1
            }
        }
        return hits
    }
}
