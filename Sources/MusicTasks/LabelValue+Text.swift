extension LabelValue {
    /// Separators of multi-label class names in label text.
    public static let multiLabelSeparators: Set<Character> = [";", "|"]

    /// Reads a label written as text (a manifest's cell) for `task`, whose name → index table
    /// is `classIndex`:
    ///
    /// | task kind    | text                                                   |
    /// |--------------|--------------------------------------------------------|
    /// | `multiClass` | a class name                                           |
    /// | `multiLabel` | class names joined by `;` or `|` (both accepted)       |
    /// | `regression` | a decimal number (`Double` syntax), finite             |
    ///
    /// Time-aligned kinds are not written inline (a manifest names their annotation files): their
    /// text is returned as unknown.
    ///
    /// Surrounding whitespace is ignored, and an empty (or all-blank) text means "no label".
    /// Class names must match exactly (case-sensitive). Returns the value (`nil` for no label)
    /// and the names (or texts) that are not classes (or numbers); a multi-label text keeps its
    /// known names and yields no label when none is known.
    public static func parse(text: String, task: TaskSpec, classIndex: [String: Int]) -> (value: LabelValue?, unknown: [String]) {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { return (nil, []) }
        switch task.kind {
        case .multiClass:
            guard let index = classIndex[trimmed] else { return (nil, [trimmed]) }
            return (.classIndex(index), [])
        case .multiLabel:
            var indices = Set<Int>()
            var unknown: [String] = []
            for part in trimmed.split(whereSeparator: { multiLabelSeparators.contains($0) }) {
                let name = part.trimmingWhitespace
                guard !name.isEmpty else { continue }
                if let index = classIndex[name] { indices.insert(index) } else { unknown.append(name) }
            }
            return (indices.isEmpty ? nil : .classSet(from: indices), unknown)
        case .regression:
            guard let number = Double(trimmed), number.isFinite else { return (nil, [trimmed]) }
            return (.number(number), [])
        case .events, .segments:
            // Not written inline: a manifest names an annotation file (``AnnotationText``).
            return (nil, [trimmed])
        }
    }
}
