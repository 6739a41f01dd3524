// Per-segment chord comparisons root, majmin and mirex (mir_eval.chord.root / majmin / mirex).

import MusicTasks

/// How an estimated chord is judged against a reference chord, as `mir_eval.chord` defines
/// it. Each comparison gives 1 (correct), 0 (wrong) or nil: the reference chord is outside
/// what the comparison scores, and its time is left out of the weighted recall (mir_eval's
/// −1).
public enum ChordComparison: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Same root. `N` and `X` have no root, so they count as the same "root" as each other;
    /// a reference `X` is left out.
    case root
    /// Same root and the same notes up to the fifth (intervals below 8 semitones), for
    /// references that are major or minor triads there (sevenths and inversions included)
    /// or `N`; every other reference (`X`, sus, dim, aug, power chords, …) is left out.
    /// See ``MusicTasks/MajorMinorChords`` for the matching 25-class vocabulary.
    case majmin
    /// MIREX: at least 3 pitch classes in common, or both sides without a root (`N` or `X`).
    /// References with one or two notes (`C:5`, `C:1`) and `X` are left out. As in mir_eval,
    /// an estimated `X` counts as every pitch class, so it is correct against any reference
    /// chord of three or more notes.
    case mirex

    public var description: String { rawValue }

    /// 1 when `estimate` is correct for `reference`, 0 when not, nil when `reference` is left
    /// out of this comparison.
    public func score(reference: ChordSymbol, estimate: ChordSymbol) -> Double? {
        switch self {
        case .root:
            if reference.kind == .unknown { return nil }
            return reference.root == estimate.root ? 1 : 0
        case .majmin:
            // Scored references are exactly those of the 25-class vocabulary.
            guard MajorMinorChords.classIndex(of: reference) != nil else { return nil }
            return reference.root == estimate.root && Self.sameNotesBelowSixth(reference, estimate) ? 1 : 0
        case .mirex:
            if reference.kind == .unknown { return nil }
            if (1...2).contains(reference.intervals.count) { return nil }
            if reference.root == nil && estimate.root == nil { return 1 }
            return Self.chroma(reference).intersection(Self.chroma(estimate)).count >= 3 ? 1 : 0
        }
    }

    /// Whether two chords have the same notes below the sixth, with mir_eval's encoding of
    /// `X` (a marker that equals only another `X`).
    static func sameNotesBelowSixth(_ a: ChordSymbol, _ b: ChordSymbol) -> Bool {
        if a.kind == .unknown || b.kind == .unknown { return a.kind == b.kind }
        return a.intervals.below(8) == b.intervals.below(8)
    }

    /// Pitch classes for the MIREX overlap: `N` none, `X` all twelve (mir_eval's encoding).
    static func chroma(_ chord: ChordSymbol) -> PitchClassSet {
        chord.kind == .unknown ? PitchClassSet(0..<12) : chord.pitchClasses
    }
}
