import MusicTasks

/// Reading label values written as text in manifests (``LabelValue/parse(text:task:classIndex:)``
/// says how each kind is written), counting what is not a class or a number in
/// ``ImportReport/unknownLabels`` under the task's name.
public enum LabelText {
    /// Parses `text` for `task` (whose name → index table is `classIndex`), noting unknown
    /// names in `report`. Returns `nil` for "no label".
    public static func parse(_ text: String, task: TaskSpec, classIndex: [String: Int],
                             report: inout ImportReport) -> LabelValue? {
        let (value, unknown) = LabelValue.parse(text: text, task: task, classIndex: classIndex)
        for label in unknown { report.noteUnknownLabel(task: task.name, label: label) }
        return value
    }
}
