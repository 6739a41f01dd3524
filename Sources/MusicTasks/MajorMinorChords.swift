// The 25-class chord vocabulary: 12 major triads, 12 minor triads and "no chord".

/// The major/minor chord vocabulary of 25 classes used by chord-recognition models and by
/// mir_eval's `majmin` score: index `root` for the major chords (0 `C:maj` … 11 `B:maj`),
/// `12 + root` for the minor chords (12 `C:min` … 23 `B:min`) and 24 for `N` — the same
/// `root + 12 × mode` layout as ``MusicalKey/index``.
///
/// A label belongs to a class exactly when mir_eval's `majmin` comparison treats it as that
/// chord: its root and its notes up to the fifth (intervals below 8 semitones) are a major
/// or a minor triad. So sevenths, sixths and inversions keep their triad (`C:7`, `C:maj6`,
/// `A:min7/b7`, `C/5` → major or minor of their root), and labels mir_eval leaves out of
/// `majmin` have no class: `X`, `sus2`/`sus4`, `dim`, `aug`, power chords (`C:5`), and
/// chords whose bass or added degree changes the triad (`C:maj/2`, `C:min(4)`).
/// Scoring class names with `majmin` therefore gives the same numbers as comparing the
/// classes.
public enum MajorMinorChords {
    /// 12 major + 12 minor + no chord.
    public static let classCount = 25
    /// The class of `N`.
    public static let noChordIndex = 24

    /// Canonical names in index order: `C:maj`, `C#:maj`, …, `B:maj`, `C:min`, …, `B:min`,
    /// `N` (roots spelled as ``MusicalKey/tonicNames``). Each parses as a ``ChordSymbol``
    /// whose ``classIndex(of:)`` is its index.
    public static let classNames: [String] = MusicalKey.tonicNames.map { "\($0):maj" }
        + MusicalKey.tonicNames.map { "\($0):min" } + ["N"]

    /// The class of `chord`, or nil when it is outside the vocabulary (see the type).
    public static func classIndex(of chord: ChordSymbol) -> Int? {
        switch chord.kind {
        case .noChord: return noChordIndex
        case .unknown: return nil
        case .chord:
            guard let root = chord.root else { return nil }
            let triad = chord.intervals.below(8)
            if triad == majorTriad { return root }
            if triad == minorTriad { return 12 + root }
            return nil
        }
    }

    /// The class of a label, or nil when it is outside the vocabulary.
    /// - Throws: ``TaskError/invalidChord(text:reason:)`` if `label` is not a chord symbol.
    public static func classIndex(label: String) throws(TaskError) -> Int? {
        classIndex(of: try ChordSymbol(parsing: label))
    }

    /// The canonical name of class `index`, or nil outside `0..<25`.
    public static func name(ofClass index: Int) -> String? {
        classNames.indices.contains(index) ? classNames[index] : nil
    }

    /// The chord of class `index`, or nil outside `0..<25`.
    public static func chord(ofClass index: Int) -> ChordSymbol? {
        name(ofClass: index).flatMap { try? ChordSymbol(parsing: $0) }
    }

    /// A time-aligned chord task over ``classNames``: labels are ``TimedSegment`` lists whose
    /// annotated text ``classIndex(label:)`` reduces to the vocabulary.
    public static func taskSpec(name: String = "chords") -> TaskSpec {
        TaskSpec(name: name, kind: .segments, classes: classNames)
    }

    static let majorTriad = PitchClassSet([0, 4, 7])
    static let minorTriad = PitchClassSet([0, 3, 7])
}
