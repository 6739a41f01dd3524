// Musical key value type, its 24-class index, and the one parser of key names (mir_eval,
// GiantSteps, catalog class names, model heads).

/// A major or minor key: a tonic pitch class and a mode.
///
/// ## 24-class index
/// ``index`` `= tonic + 12 × mode`, with `major = 0`, `minor = 1` and tonic pitch classes
/// `C = 0, C♯/D♭ = 1, …, B = 11`. So 0…11 are C major … B major and 12…23 are
/// C minor … B minor.
///
/// ## Text form
/// ``init(parsing:bareTonicMode:)`` accepts the spellings used by mir_eval and the
/// GiantSteps key datasets: `"C major"`, `"Eb minor"`, `"F# minor"`, `"Gb major"`, tonic
/// and mode separated by any run of spaces or tabs, with leading / trailing whitespace
/// ignored. See that initializer for the exact grammar.
public struct MusicalKey: Hashable, Sendable, CustomStringConvertible {
    /// The mode of a key. The raw value is the mode's contribution to ``MusicalKey/index``
    /// (divided by 12).
    public enum Mode: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        case major = 0
        case minor = 1

        public var description: String { self == .major ? "major" : "minor" }
    }

    /// Number of distinct keys (12 tonics × 2 modes).
    public static let classCount = 24

    /// Tonic pitch class, `0...11` with C = 0.
    public let tonic: Int
    public let mode: Mode

    /// Creates a key from a tonic pitch class in `0...11` and a mode.
    /// - Throws: ``TaskError/invalidKey(text:reason:)`` if `tonic` is out of range.
    public init(tonic: Int, mode: Mode) throws(TaskError) {
        guard (0..<12).contains(tonic) else {
            throw .invalidKey(text: "\(tonic) \(mode)", reason: "tonic pitch class must be in 0...11.")
        }
        self.tonic = tonic
        self.mode = mode
    }

    /// Creates a key from its 24-class index (`tonic + 12 × mode`).
    /// - Throws: ``TaskError/invalidKey(text:reason:)`` if `index` is not in `0..<24`.
    public init(index: Int) throws(TaskError) {
        guard (0..<Self.classCount).contains(index) else {
            throw .invalidKey(text: "index \(index)", reason: "a key index is in 0..<\(Self.classCount).")
        }
        self.tonic = index % 12
        self.mode = index < 12 ? .major : .minor
    }

    /// The 24-class index: `tonic + 12 × mode.rawValue`.
    public var index: Int { tonic + 12 * mode.rawValue }

    /// All 24 keys in index order.
    public static let allKeys: [MusicalKey] = (0..<12).map { MusicalKey(unchecked: $0, .major) }
        + (0..<12).map { MusicalKey(unchecked: $0, .minor) }

    /// Spelling used by ``description``: sharps for C♯ and F♯, flats for E♭, A♭ and B♭.
    public static let tonicNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]

    /// `"<tonic> <mode>"`, e.g. `"Eb minor"`; parseable by ``init(parsing:bareTonicMode:)``.
    public var description: String { "\(Self.tonicNames[tonic]) \(mode)" }

    private init(unchecked tonic: Int, _ mode: Mode) {
        self.tonic = tonic
        self.mode = mode
    }

    /// Parses a key label such as `"C major"`, `"eb Minor"`, `"F#\tminor"` or `"A#"`.
    ///
    /// Grammar (after trimming leading / trailing whitespace, including newlines):
    /// `TONIC [WS+ MODE]`, where
    /// - `TONIC` is a letter `A`–`G` (any case) followed by at most two accidentals of one
    ///   kind: `#` / `♯` (sharp) or `b` / `♭` (flat). Enharmonic spellings map to the same
    ///   pitch class (`Gb` = `F#`, and also `Cb` = `B`, `E#` = `F`, `Fx`-style double
    ///   accidentals as `F##`).
    /// - `WS` is spaces or tabs.
    /// - `MODE` is `major`, `minor`, `maj` or `min`, case-insensitive.
    /// - With no mode, the key takes `bareTonicMode` (major by default, the usual reading of
    ///   a bare upper-case key name); pass `nil` to require a mode, as mir_eval does.
    ///
    /// mir_eval's unknown key `"X"` and mode `"other"` have no place among the 24 classes
    /// and are rejected with an explanatory error.
    /// - Throws: ``TaskError/invalidKey(text:reason:)``.
    public init(parsing text: String, bareTonicMode: Mode? = .major) throws(TaskError) {
        let fields = text.split(whereSeparator: { $0.isWhitespace })
        guard let tonicField = fields.first else {
            throw .invalidKey(text: text, reason: "the label is empty.")
        }
        guard fields.count <= 2 else {
            throw .invalidKey(text: text, reason: "expected \"<tonic> <mode>\", e.g. \"C# minor\"; found \(fields.count) fields.")
        }
        let tonic = try Self.parseTonic(tonicField, in: text)
        let mode: Mode
        if fields.count == 2 {
            mode = try Self.parseMode(fields[1], in: text)
        } else if let bareTonicMode {
            mode = bareTonicMode
        } else {
            throw .invalidKey(text: text, reason: "missing mode; expected \"major\" or \"minor\" after the tonic.")
        }
        self.init(unchecked: tonic, mode)
    }

    /// Parses the contents of a one-key annotation file, as `mir_eval.io.load_key` reads it:
    /// lines starting with `#` (after optional leading whitespace) are comments, blank
    /// lines are ignored, `\n` and `\r\n` line ends are accepted, a final newline is
    /// optional, and exactly one key line must remain. That line is parsed with
    /// ``init(parsing:bareTonicMode:)``.
    /// - Throws: ``TaskError/invalidKey(text:reason:)``.
    public init(annotation contents: String, bareTonicMode: Mode? = .major) throws(TaskError) {
        let lines = contents.split(omittingEmptySubsequences: true, whereSeparator: { $0.isNewline })
        var keyLines: [Substring] = []
        for line in lines {
            let trimmed = line.drop(while: { $0.isWhitespace })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            keyLines.append(line)
        }
        guard keyLines.count == 1, let line = keyLines.first else {
            throw .invalidKey(
                text: contents,
                reason: "a key annotation must contain exactly one non-comment line; found \(keyLines.count).")
        }
        try self.init(parsing: String(line), bareTonicMode: bareTonicMode)
    }

    private static func parseTonic(_ field: Substring, in text: String) throws(TaskError) -> Int {
        guard let letter = field.first else {
            throw .invalidKey(text: text, reason: "missing tonic.")
        }
        let naturals: [Character: Int] = ["c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11]
        let lowered = Character(letter.lowercased())
        guard let natural = naturals[lowered] else {
            if lowered == "x" {
                throw .invalidKey(text: text, reason: "mir_eval's unknown key \"X\" is not one of the 24 keys.")
            }
            throw .invalidKey(text: text, reason: "tonic must start with a letter A-G, e.g. \"C\", \"F#\" or \"Eb\".")
        }
        var shift = 0
        var accidentalKind: Character?
        for symbol in field.dropFirst() {
            let step: Int
            let kind: Character
            switch symbol {
            case "#", "♯": step = 1; kind = "#"
            case "b", "B", "♭": step = -1; kind = "b"
            default:
                throw .invalidKey(text: text, reason: "unexpected character \"\(symbol)\" in tonic \"\(field)\".")
            }
            if let accidentalKind, accidentalKind != kind {
                throw .invalidKey(text: text, reason: "tonic \"\(field)\" mixes sharps and flats.")
            }
            accidentalKind = kind
            shift += step
        }
        guard abs(shift) <= 2 else {
            throw .invalidKey(text: text, reason: "tonic \"\(field)\" has more than two accidentals.")
        }
        return ((natural + shift) % 12 + 12) % 12
    }

    private static func parseMode(_ field: Substring, in text: String) throws(TaskError) -> Mode {
        switch field.lowercased() {
        case "major", "maj": return .major
        case "minor", "min": return .minor
        case "other":
            throw .invalidKey(text: text, reason: "mir_eval's mode \"other\" is not one of the 24 keys.")
        default:
            throw .invalidKey(text: text, reason: "mode must be \"major\" or \"minor\", found \"\(field)\".")
        }
    }
}

extension MusicalKey {
    /// The 24 canonical class names in index order (`C major` … `B minor`): the classes of a
    /// key task, so that class indices stored in a catalog are key indices.
    public static let classNames: [String] = allKeys.map(\.description)

    /// A 24-class multi-class task over ``classNames``.
    public static func taskSpec(name: String = "key") -> TaskSpec {
        .multiClass(name, classes: classNames)
    }

    /// The key a class name or label names, requiring a mode (`"Eb minor"`, `"f# MAJ"`), or
    /// nil: what importers and model heads use to read a task's classes.
    public init?(name: String) {
        guard let key = try? MusicalKey(parsing: name, bareTonicMode: nil) else { return nil }
        self = key
    }
}
