import MusicTasks

/// Reading label values written as text in manifests.
///
/// | task kind    | text                                                   |
/// |--------------|--------------------------------------------------------|
/// | `multiClass` | a class name                                           |
/// | `multiLabel` | class names joined by `;` or `|` (both accepted)       |
/// | `regression` | a decimal number (`Double` syntax), finite             |
///
/// Surrounding whitespace is ignored, and an empty (or all-blank) text means "no label".
/// Class names must match exactly (case-sensitive). Names that are not classes, and
/// texts that are not numbers, are counted in ``ImportReport/unknownLabels`` under the
/// task's name and skipped; a multi-label text keeps its known names, and yields no label
/// when none is known.
public enum LabelText {
    /// Separators of multi-label class names.
    public static let multiLabelSeparators: Set<Character> = [";", "|"]

    /// Parses `text` for `task` (whose name → index table is `classIndex`), noting unknown
    /// names in `report`. Returns `nil` for "no label".
    public static func parse(_ text: String, task: TaskSpec, classIndex: [String: Int],
                             report: inout ImportReport) -> LabelValue? {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { return nil }
        switch task.kind {
        case .multiClass:
            guard let index = classIndex[trimmed] else {
                report.noteUnknownLabel(task: task.name, label: trimmed)
                return nil
            }
            return .classIndex(index)
        case .multiLabel:
            var indices = Set<Int>()
            for part in trimmed.split(whereSeparator: { multiLabelSeparators.contains($0) }) {
                let name = part.trimmingWhitespace
                guard !name.isEmpty else { continue }
                if let index = classIndex[name] {
                    indices.insert(index)
                } else {
                    report.noteUnknownLabel(task: task.name, label: name)
                }
            }
            return indices.isEmpty ? nil : .classSet(from: indices)
        case .regression:
            guard let number = Double(trimmed), number.isFinite else {
                report.noteUnknownLabel(task: task.name, label: trimmed)
                return nil
            }
            return .number(number)
        }
    }
}
