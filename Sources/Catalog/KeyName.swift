/// Names of the 24 major and minor keys, and a normaliser for the spellings data sets use.
///
/// Class index `tonic + 12 × mode`, with tonic pitch classes `C = 0 … B = 11` and
/// `major = 0`, `minor = 1` — the same numbering as the training module's `MusicalKey`, so
/// class indices stored in a catalog are key indices there. Canonical names spell C♯ and
/// F♯ with sharps and E♭, A♭, B♭ with flats: `C major`, `C# major`, `D major`, `Eb major`,
/// …, `B minor`.
public enum KeyName {
    /// Canonical tonic spellings by pitch class.
    public static let tonicNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]

    /// The 24 canonical class names in class-index order.
    public static let classes: [String] = tonicNames.map { "\($0) major" } + tonicNames.map { "\($0) minor" }

    /// A 24-class multi-class task over ``classes``.
    public static func taskSpec(name: String = "key") -> TaskSpec {
        .multiClass(name, classes: classes)
    }

    /// The class index of a key written as `TONIC MODE`, or `nil` when the text is not one
    /// of the 24 keys.
    ///
    /// Accepted (after trimming whitespace and line breaks): a letter `A`–`G` in either case,
    /// up to two accidentals of one kind (`#`/`♯` or `b`/`♭`), whitespace, then `major`,
    /// `minor`, `maj` or `min` in any case. Enharmonic spellings map to one class (`Gb minor`
    /// = `F# minor`, `Cb major` = `B major`, `E# minor` = `F minor`). A tonic without a mode
    /// is refused rather than guessed.
    public static func classIndex(of text: String) -> Int? {
        let fields = text.split(whereSeparator: { $0.isWhitespace })
        guard fields.count == 2, let tonic = pitchClass(fields[0]) else { return nil }
        switch fields[1].lowercased() {
        case "major", "maj": return tonic
        case "minor", "min": return tonic + 12
        default: return nil
        }
    }

    /// The canonical name of a key, or `nil` (see ``classIndex(of:)``).
    public static func canonical(_ text: String) -> String? {
        classIndex(of: text).map { classes[$0] }
    }

    private static func pitchClass(_ field: Substring) -> Int? {
        guard let letter = field.first else { return nil }
        let naturals: [Character: Int] = ["c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11]
        guard let natural = naturals[Character(letter.lowercased())] else { return nil }
        var shift = 0
        var kind: Int?
        for symbol in field.dropFirst() {
            let step: Int
            switch symbol {
            case "#", "♯": step = 1
            case "b", "♭": step = -1
            default: return nil
            }
            if let kind, kind != step { return nil }
            kind = step
            shift += step
        }
        guard abs(shift) <= 2 else { return nil }
        return ((natural + shift) % 12 + 12) % 12
    }
}
