// Harte chord symbols ("C:min7/b3", "N", "X"): the one parser of chord labels, with the
// pitch content mir_eval gives each label.

/// A chord label in Harte's syntax, as used by chord annotations (Isophonics, Billboard) and
/// scored by `mir_eval.chord`, with the pitch content mir_eval derives from it.
///
/// ## Grammar
/// Exactly the labels `mir_eval.chord` validates and encodes, nothing looser (case matters,
/// no spaces):
///
///     label    := "N" | "X" | root [":" (quality ["(" degrees ")"] | "(" degrees ")")] ["/" degree]
///     root     := "A"…"G" followed by any number of "b", or any number of "#"
///     quality  := maj min dim aug sus2 sus4 maj6 min6 7 maj7 min7 minmaj7 dim7 hdim7
///                 9 maj9 min9 11 min11 13 maj13 min13 1 5
///     degrees  := ["*"] degree ("," ["*"] degree)*
///     degree   := any number of "b", or any number of "#", then 1…13
///
/// `N` is "no chord" (silence, speech, untuned noise) and `X` a chord the annotator could not
/// name. A bare root (`C`, `C/5`) is major; a degree list without a quality (`C:(1,b3)`)
/// holds only the root and the listed degrees. `aug7` and `maj11`, which mir_eval's pattern
/// admits but cannot encode, are refused here.
///
/// ## Pitch content (mir_eval's encoding)
/// ``intervals`` is the set of semitones above the root that the label sounds:
/// - the quality's notes (`min7` → {0, 3, 7, 10}), always with the root 0;
/// - plus each listed degree, minus each `*`-marked (omitted) one, repeated degrees counted
///   once; degrees an octave or more above the root (9, 11, 13, `#7`) are dropped, since
///   mir_eval compares within one octave (a flattened root, `b1`, wraps to 11);
/// - plus the bass, always (`C/b7` sounds B♭).
///
/// Extended qualities are not reduced: `C:9` has the intervals of `C:7`, because its ninth
/// is above the octave.
///
/// Equality includes the text: `C` and `C:maj` are different symbols with the same root,
/// intervals and bass; compare those (or a vocabulary class) to compare chords.
public struct ChordSymbol: Hashable, Sendable, CustomStringConvertible {
    /// What kind of label this is.
    public enum Kind: Hashable, Sendable {
        /// `N`: no chord sounds.
        case noChord
        /// `X`: a chord the annotator could not (or would not) name.
        case unknown
        /// A named chord with a root.
        case chord
    }

    /// The label as written.
    public let text: String
    public let kind: Kind
    /// Root pitch class (C = 0, enharmonics equal: `Cb` = 11, `B#` = 0); nil for `N` and `X`.
    public let root: Int?
    /// Quality shorthand: as written, `"maj"` for a bare root, `""` for a degree list without
    /// a quality; nil for `N` and `X`.
    public let quality: String?
    /// Semitones above the root that sound (see the type's documentation); empty for `N` and
    /// `X`.
    public let intervals: PitchClassSet
    /// Bass as semitones above the root (0 for root position); nil for `N` and `X`.
    public let bass: Int?

    /// Parses a Harte chord label.
    /// - Throws: ``TaskError/invalidChord(text:reason:)`` naming `text` and what is wrong.
    public init(parsing text: String) throws(TaskError) {
        if text == "N" {
            self = .noChord
            return
        }
        if text == "X" {
            self = .unknown
            return
        }
        var scanner = ChordLabelScanner(text: text)
        let parsed = try scanner.parseChord()
        self.init(
            text: text, kind: .chord, root: parsed.root, quality: parsed.quality,
            intervals: parsed.intervals, bass: parsed.bass)
    }

    private init(text: String, kind: Kind, root: Int?, quality: String?, intervals: PitchClassSet, bass: Int?) {
        self.text = text
        self.kind = kind
        self.root = root
        self.quality = quality
        self.intervals = intervals
        self.bass = bass
    }

    /// `N`, no chord.
    public static let noChord = ChordSymbol(
        text: "N", kind: .noChord, root: nil, quality: nil, intervals: PitchClassSet(), bass: nil)
    /// `X`, an unnamed chord.
    public static let unknown = ChordSymbol(
        text: "X", kind: .unknown, root: nil, quality: nil, intervals: PitchClassSet(), bass: nil)

    /// The pitch classes that sound (``intervals`` moved up to the root); empty for `N`, `X`.
    public var pitchClasses: PitchClassSet {
        guard let root else { return PitchClassSet() }
        return intervals.transposed(by: root)
    }

    /// The label as written.
    public var description: String { text }

    /// Notes of each quality shorthand, as semitones above the root (`mir_eval.chord.QUALITIES`).
    /// Extended qualities list only their notes within the octave.
    public static let qualityIntervals: [String: [Int]] = [
        "maj": [0, 4, 7], "min": [0, 3, 7], "aug": [0, 4, 8], "dim": [0, 3, 6],
        "sus4": [0, 5, 7], "sus2": [0, 2, 7],
        "7": [0, 4, 7, 10], "maj7": [0, 4, 7, 11], "min7": [0, 3, 7, 10], "minmaj7": [0, 3, 7, 11],
        "maj6": [0, 4, 7, 9], "min6": [0, 3, 7, 9], "dim7": [0, 3, 6, 9], "hdim7": [0, 3, 6, 10],
        "maj9": [0, 4, 7, 11], "min9": [0, 3, 7, 10], "9": [0, 4, 7, 10],
        "min11": [0, 3, 7, 10], "11": [0, 4, 7, 10],
        "maj13": [0, 4, 7, 11], "min13": [0, 3, 7, 10], "13": [0, 4, 7, 10],
        "1": [0], "5": [0, 7],
    ]
}

/// Reads a chord label (not `N` / `X`) left to right, with mir_eval's grammar.
private struct ChordLabelScanner {
    let text: String
    let characters: [Character]
    var position = 0

    init(text: String) {
        self.text = text
        self.characters = Array(text)
    }

    /// Semitones of the natural note names.
    static let letters: [Character: Int] = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11]
    /// Semitones of the scale degrees 1…13 above the root (major scale).
    static let degreeSemitones = [0, 2, 4, 5, 7, 9, 11, 12, 14, 16, 17, 19, 21]
    /// Shorthands mir_eval's pattern admits but its encoder has no notes for.
    static let unsupportedQualities: Set<String> = ["aug7", "maj11"]

    var current: Character? { position < characters.count ? characters[position] : nil }

    func failure(_ reason: String) -> TaskError { .invalidChord(text: text, reason: reason) }

    /// What is at the current position, for error messages.
    func found() -> String { current.map { "\"\($0)\" at position \(position)" } ?? "the end of the label" }

    mutating func parseChord() throws(TaskError) -> (root: Int, quality: String, intervals: PitchClassSet, bass: Int) {
        guard let letter = current, let natural = Self.letters[letter] else {
            throw failure("a chord starts with a root letter A–G (or is N or X); found \(found()).")
        }
        position += 1
        let root = PitchClassSet.wrapped(natural + (try accidentals(what: "root")))

        var quality = "maj"
        var degrees: [String] = []
        if current == ":" {
            position += 1
            if current == "(" {
                quality = ""
                degrees = try degreeList()
            } else {
                let start = position
                while let character = current, character != "(", character != "/" { position += 1 }
                let name = String(characters[start..<position])
                if Self.unsupportedQualities.contains(name) {
                    throw failure("quality \"\(name)\" has no defined notes (mir_eval cannot score it).")
                }
                guard ChordSymbol.qualityIntervals[name] != nil else {
                    throw failure(name.isEmpty
                        ? "a quality or \"(\" must follow \":\"."
                        : "unknown quality \"\(name)\"; known: maj, min, dim, aug, sus2, sus4, 7, maj7, min7, …")
                }
                quality = name
                if current == "(" { degrees = try degreeList() }
            }
        } else if current == "(" {
            throw failure("a degree list needs a \":\" before it (\"C:(1,3)\" or \"C:maj(9)\").")
        }

        var bass = 0
        if current == "/" {
            position += 1
            bass = PitchClassSet.wrapped(try degree(what: "bass"))
        }
        guard current == nil else { throw failure("unexpected \(found()).") }

        // mir_eval's encoding: quality notes with the root as counts, ±1 for each distinct
        // listed degree below the octave, present where the count is positive, plus the bass.
        var counts = [Int](repeating: 0, count: 12)
        for interval in quality.isEmpty ? [] : ChordSymbol.qualityIntervals[quality]! { counts[interval] = 1 }
        counts[0] = 1
        var seen: Set<String> = []
        for item in degrees where seen.insert(item).inserted {
            let omitted = item.hasPrefix("*")
            var itemScanner = ChordLabelScanner(text: String(omitted ? item.dropFirst() : item[...]))
            let semitones = try itemScanner.degree(what: "degree")  // already validated
            if semitones < 12 { counts[PitchClassSet.wrapped(semitones)] += omitted ? -1 : 1 }
        }
        var intervals = PitchClassSet((0..<12).filter { counts[$0] > 0 })
        intervals.insert(bass)
        return (root, quality, intervals, bass)
    }

    /// A run of `b` (−1 each) or of `#` (+1 each), possibly empty; mixing is an error.
    mutating func accidentals(what: String) throws(TaskError) -> Int {
        var offset = 0
        if current == "b" {
            while current == "b" { offset -= 1; position += 1 }
        } else if current == "#" {
            while current == "#" { offset += 1; position += 1 }
        }
        if current == "b" || current == "#" {
            throw failure("the \(what) mixes flats and sharps (\(found())).")
        }
        return offset
    }

    /// `["*"] degree ("," ["*"] degree)*` between parentheses; returns the items as written.
    mutating func degreeList() throws(TaskError) -> [String] {
        position += 1  // "("
        var items: [String] = []
        while true {
            let start = position
            if current == "*" { position += 1 }
            _ = try degree(what: "degree")
            items.append(String(characters[start..<position]))
            if current == "," {
                position += 1
                continue
            }
            guard current == ")" else { throw failure("expected \",\" or \")\" in the degree list; found \(found()).") }
            position += 1
            return items
        }
    }

    /// Accidentals and a degree number 1…13 (no leading zero); returns its semitones above
    /// the root, which may be negative (`b1`) or above 11 (`9`, `#7`).
    mutating func degree(what: String) throws(TaskError) -> Int {
        let offset = try accidentals(what: what)
        guard let first = current?.wholeNumberValue, first >= 1, first <= 9, current?.isASCII == true else {
            throw failure("a \(what) is 1…13 after any flats or sharps; found \(found()).")
        }
        position += 1
        var number = first
        if first == 1, let second = current?.wholeNumberValue, current?.isASCII == true, second <= 3 {
            number = 10 + second
            position += 1
        }
        if let next = current, next.isNumber {
            throw failure("a \(what) is 1…13; found another digit \"\(next)\" at position \(position).")
        }
        return Self.degreeSemitones[number - 1] + offset
    }
}
