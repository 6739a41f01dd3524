// Weighted chord symbol recall (mir_eval.chord.evaluate's root / majmin / mirex entries).

import MusicTasks

/// One chord of an annotation: a time span in seconds and its chord symbol.
public struct ChordSegment: Sendable, Hashable {
    public var start: Double
    public var end: Double
    public var chord: ChordSymbol

    public init(start: Double, end: Double, chord: ChordSymbol) {
        self.start = start
        self.end = end
        self.chord = chord
    }
}

/// A condition under which mir_eval's chord scores still return a number (0) but warn.
public enum ChordWarning: Sendable, Hashable, CustomStringConvertible {
    /// Every reference chord is left out of `comparison` (for example a reference of only
    /// `X`, or only power chords for mirex), so its recall is 0.
    case noComparableReference(ChordComparison)

    /// mir_eval's warning text.
    public var description: String {
        switch self {
        case .noComparableReference:
            return "No reference chords were comparable to estimated chords, returning 0."
        }
    }
}

/// Weighted chord symbol recall of one track for the `root`, `majmin` and `mirex`
/// comparisons, as `mir_eval.chord.evaluate` computes them.
///
/// The procedure, step by step as mir_eval's:
/// 1. The estimate is fitted to the reference span `[earliest, latest]` of the reference
///    times (`mir_eval.util.adjust_intervals`): segments ending before the span are dropped,
///    times are clamped into it, and uncovered time at either end is filled with `N`.
///    An empty estimate becomes one `N` over the whole span.
/// 2. Both annotations are cut at every boundary of either (`merge_labeled_intervals`); each
///    piece takes, on each side, the chord of the last segment (in input order) starting at
///    or before it — so a gap between reference segments keeps the chord before it.
/// 3. Each piece is judged with the ``ChordComparison``; pieces whose reference chord the
///    comparison leaves out are dropped, and the recall is the duration-weighted mean of the
///    rest (`weighted_accuracy`), 0 with a warning when nothing is left.
public struct ChordScores: Sendable, Equatable {
    /// Weighted recall with ``ChordComparison/root``.
    public var root: Double
    /// Weighted recall with ``ChordComparison/majmin``.
    public var majmin: Double
    /// Weighted recall with ``ChordComparison/mirex``.
    public var mirex: Double
    /// Comparisons that had no reference time to score, in the order root, majmin, mirex.
    public var warnings: [ChordWarning]

    public init(root: Double, majmin: Double, mirex: Double, warnings: [ChordWarning]) {
        self.root = root
        self.majmin = majmin
        self.mirex = mirex
        self.warnings = warnings
    }

    /// The recall for `comparison`.
    public subscript(comparison: ChordComparison) -> Double {
        switch comparison {
        case .root: return root
        case .majmin: return majmin
        case .mirex: return mirex
        }
    }

    /// Scores an estimated chord annotation against a reference one.
    /// - Throws: ``MetricsError/emptyInput(what:)`` for an empty reference,
    ///   ``MetricsError/nonFiniteValue(what:row:column:)`` for a non-finite time, and
    ///   ``MetricsError/invalidInterval(what:position:reason:)`` for a negative start, a
    ///   segment that does not end after it starts, or a reference whose first segment does
    ///   not start at its earliest time or whose last does not end at its latest (mir_eval
    ///   refuses those too).
    public static func evaluate(reference: [ChordSegment], estimate: [ChordSegment]) throws(MetricsError) -> ChordScores {
        let pieces = try ChordAlignment.pieces(reference: reference, estimate: estimate)
        var recalls: [Double] = []
        var warnings: [ChordWarning] = []
        for comparison in ChordComparison.allCases {
            let recall = weightedRecall(comparison, pieces: pieces)
            recalls.append(recall ?? 0)
            if recall == nil { warnings.append(.noComparableReference(comparison)) }
        }
        return ChordScores(root: recalls[0], majmin: recalls[1], mirex: recalls[2], warnings: warnings)
    }

    /// Duration-weighted mean score over the pieces the comparison keeps; nil when it keeps
    /// none.
    static func weightedRecall(_ comparison: ChordComparison, pieces: [ChordAlignment.Piece]) -> Double? {
        var scored: [(score: Double, duration: Double)] = []
        for piece in pieces {
            if let score = comparison.score(reference: piece.reference, estimate: piece.estimate) {
                scored.append((score, piece.duration))
            }
        }
        guard !scored.isEmpty else { return nil }
        let total = scored.reduce(0) { $0 + $1.duration }
        guard total > 0 else { return nil }
        // mir_eval normalises the weights first, then sums score × weight.
        return scored.reduce(0) { $0 + $1.score * ($1.duration / total) }
    }
}

/// The reference and the adjusted estimate cut at each other's boundaries.
enum ChordAlignment {
    struct Piece {
        var duration: Double
        var reference: ChordSymbol
        var estimate: ChordSymbol
    }

    static func pieces(reference: [ChordSegment], estimate: [ChordSegment]) throws(MetricsError) -> [Piece] {
        guard !reference.isEmpty else { throw .emptyInput(what: "reference chord segments") }
        try validate(reference, what: "reference chord segments")
        try validate(estimate, what: "estimated chord segments")
        let earliest = reference.map(\.start).min()!
        let latest = reference.map(\.end).max()!
        guard reference[0].start == earliest else {
            throw .invalidInterval(
                what: "reference chord segments", position: 0,
                reason: "the first segment must start at the earliest reference time \(earliest) (sort the segments).")
        }
        guard reference[reference.count - 1].end == latest else {
            throw .invalidInterval(
                what: "reference chord segments", position: reference.count - 1,
                reason: "the last segment must end at the latest reference time \(latest) (sort the segments).")
        }
        let adjusted = try fitted(estimate, from: earliest, to: latest)
        // mir_eval's alignment check; only an estimate out of time order can fail it here.
        guard adjusted[0].start == earliest, adjusted[adjusted.count - 1].end == latest else {
            throw .invalidInterval(
                what: "estimated chord segments", position: 0,
                reason: "after fitting to the reference span [\(earliest), \(latest)] the segments do not "
                    + "start and end with it (segments out of time order).")
        }

        var boundaries = Set<Double>()
        for segment in reference + adjusted {
            boundaries.insert(segment.start)
            boundaries.insert(segment.end)
        }
        let times = boundaries.sorted()
        let referenceChords = chordsAt(times.dropLast(), in: reference)
        let estimateChords = chordsAt(times.dropLast(), in: adjusted)
        return (0..<(times.count - 1)).map { index in
            Piece(duration: times[index + 1] - times[index],
                  reference: referenceChords[index], estimate: estimateChords[index])
        }
    }

    /// Finite, non-negative times and a positive duration for every segment
    /// (`mir_eval.util.validate_intervals`).
    static func validate(_ segments: [ChordSegment], what: String) throws(MetricsError) {
        for (position, segment) in segments.enumerated() {
            guard segment.start.isFinite else { throw .nonFiniteValue(what: what, row: position, column: 0) }
            guard segment.end.isFinite else { throw .nonFiniteValue(what: what, row: position, column: 1) }
            guard segment.start >= 0 else {
                throw .invalidInterval(what: what, position: position, reason: "negative start \(segment.start).")
            }
            guard segment.end > segment.start else {
                throw .invalidInterval(
                    what: what, position: position,
                    reason: "end \(segment.end) is not after start \(segment.start).")
            }
        }
    }

    /// The estimate fitted to `[earliest, latest]` as `mir_eval.util.adjust_intervals` does,
    /// padding with `N`.
    static func fitted(_ estimate: [ChordSegment], from earliest: Double, to latest: Double) throws(MetricsError) -> [ChordSegment] {
        guard !estimate.isEmpty else { return [ChordSegment(start: earliest, end: latest, chord: .noChord)] }
        var segments = estimate
        // Drop what ends before the span (nothing, if every segment does), clamp up, pad.
        if let first = segments.firstIndex(where: { $0.end >= earliest }) { segments.removeFirst(first) }
        for index in segments.indices {
            segments[index].start = max(earliest, segments[index].start)
            segments[index].end = max(earliest, segments[index].end)
        }
        let lowest = segments.map { min($0.start, $0.end) }.min()!
        if lowest > earliest { segments.insert(ChordSegment(start: earliest, end: lowest, chord: .noChord), at: 0) }
        // Drop what starts after the span, clamp down, pad.
        if let last = segments.firstIndex(where: { $0.start > latest }) { segments.removeSubrange(last...) }
        guard !segments.isEmpty else {
            throw .invalidInterval(
                what: "estimated chord segments", position: 0,
                reason: "no segment is left inside the reference span (segments out of time order).")
        }
        for index in segments.indices {
            segments[index].start = min(latest, segments[index].start)
            segments[index].end = min(latest, segments[index].end)
        }
        let highest = segments.map { max($0.start, $0.end) }.max()!
        if highest < latest { segments.append(ChordSegment(start: highest, end: latest, chord: .noChord)) }
        return segments
    }

    /// For each time (ascending), the chord of the last segment in input order that starts at
    /// or before it. Every time must be at or after the first segment's start.
    static func chordsAt(_ times: ArraySlice<Double>, in segments: [ChordSegment]) -> [ChordSymbol] {
        let byStart = segments.indices.sorted { segments[$0].start < segments[$1].start }
        var next = 0
        var latestIndex = -1
        var chords: [ChordSymbol] = []
        chords.reserveCapacity(times.count)
        for time in times {
            while next < byStart.count && segments[byStart[next]].start <= time {
                latestIndex = max(latestIndex, byStart[next])
                next += 1
            }
            chords.append(segments[max(latestIndex, 0)].chord)
        }
        return chords
    }
}
