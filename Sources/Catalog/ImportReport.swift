/// What an import did, and every row or file it could not use.
///
/// Problems with single rows or files never stop an import; they end up here. Only errors
/// that make the whole import meaningless (unreadable manifest, unknown column, task
/// conflict, database failure) are thrown, and then nothing is written.
public struct ImportReport: Sendable, Hashable, CustomStringConvertible {
    /// A file skipped because another catalogued file has the same ``ContentHash``.
    public struct DuplicateFile: Sendable, Hashable {
        /// The skipped file (absolute).
        public var path: String
        /// The file already in the catalog, or earlier in the same import, with the same content (absolute).
        public var duplicateOf: String
    }

    /// A file that exists but could not be probed (recorded in the catalog with status
    /// `failed`), or could not even be examined (not recorded).
    public struct FailedFile: Sendable, Hashable {
        /// The file (absolute).
        public var path: String
        /// Why.
        public var message: String
    }

    /// A manifest row that was not (fully) used.
    public struct RowProblem: Sendable, Hashable, CustomStringConvertible {
        /// The manifest or annotation file.
        public var file: String
        /// 1-based line number (0 when the source has no lines, such as a folder).
        public var line: Int
        /// What the row is about: its path or track id.
        public var key: String
        /// What is wrong.
        public var message: String

        /// Creates a row problem.
        public init(file: String, line: Int, key: String, message: String) {
            self.file = file
            self.line = line
            self.key = key
            self.message = message
        }

        public var description: String {
            line > 0 ? "\(file):\(line): \(key): \(message)" : "\(file): \(key): \(message)"
        }
    }

    /// New tracks added (probed successfully).
    public var imported = 0
    /// Catalogued tracks whose file changed and was probed again (including ones that now fail).
    public var updated = 0
    /// Catalogued tracks whose file did not change (same size and modification time, or
    /// same content): their rows were left alone.
    public var unchanged = 0
    /// New files skipped because their content duplicates another track.
    public var skippedDuplicates: [DuplicateFile] = []
    /// Audio files that do not exist (absolute paths). Nothing is recorded for them.
    public var missingFiles: [String] = []
    /// Files whose probe failed (recorded with status `failed`; their labels and splits are not written).
    public var failedProbes: [FailedFile] = []
    /// Per task, per label text that is not a class of the task (or not a number, for
    /// regression), how many rows used it. Those labels are skipped; the rest of the row is used.
    public var unknownLabels: [String: [String: Int]] = [:]
    /// Rows naming a track already named by an earlier row of the same import (the first wins).
    public var duplicateRows: [RowProblem] = []
    /// Rows that could not be used at all (wrong number of fields, empty path...).
    public var invalidRows: [RowProblem] = []
    /// Annotation files of time-aligned tasks (beats, chord `.lab` files) that are missing or
    /// malformed: the file, the first bad line and the track it belongs to. That label is
    /// skipped; the rest of the row is used.
    public var invalidAnnotations: [RowProblem] = []
    /// What happened to the labels of the imported, updated and unchanged tracks.
    public var labels = LabelWriteCounts()
    /// Split assignments that changed.
    public var splitAssignments = 0

    /// An empty report.
    public init() {}

    /// Total number of unknown-label occurrences.
    public var unknownLabelCount: Int {
        unknownLabels.values.reduce(0) { $0 + $1.values.reduce(0, +) }
    }

    /// Whether anything at all needs attention.
    public var hasProblems: Bool {
        !skippedDuplicates.isEmpty || !missingFiles.isEmpty || !failedProbes.isEmpty || !unknownLabels.isEmpty
            || !duplicateRows.isEmpty || !invalidRows.isEmpty || !invalidAnnotations.isEmpty
    }

    mutating func noteUnknownLabel(task: String, label: String) {
        unknownLabels[task, default: [:]][label, default: 0] += 1
    }

    /// Adds the counts and problems of `other` (e.g. the parse-time problems of a plan).
    public mutating func merge(_ other: ImportReport) {
        imported += other.imported
        updated += other.updated
        unchanged += other.unchanged
        skippedDuplicates += other.skippedDuplicates
        missingFiles += other.missingFiles
        failedProbes += other.failedProbes
        for (task, labels) in other.unknownLabels {
            for (label, count) in labels { unknownLabels[task, default: [:]][label, default: 0] += count }
        }
        duplicateRows += other.duplicateRows
        invalidRows += other.invalidRows
        invalidAnnotations += other.invalidAnnotations
        labels.inserted += other.labels.inserted
        labels.changed += other.labels.changed
        labels.unchanged += other.labels.unchanged
        splitAssignments += other.splitAssignments
    }

    /// A one-line count summary.
    public var summary: String {
        var parts = ["\(imported) imported", "\(updated) updated", "\(unchanged) unchanged"]
        parts.append(Self.plural(skippedDuplicates.count, "duplicate file") + " skipped")
        parts.append(Self.plural(missingFiles.count, "missing file"))
        parts.append(Self.plural(failedProbes.count, "failed probe"))
        parts.append(Self.plural(unknownLabelCount, "unknown label"))
        parts.append(Self.plural(duplicateRows.count, "duplicate row"))
        parts.append(Self.plural(invalidRows.count, "invalid row"))
        if !invalidAnnotations.isEmpty { parts.append(Self.plural(invalidAnnotations.count, "invalid annotation file")) }
        parts.append("labels: \(labels)")
        return parts.joined(separator: ", ")
    }

    /// The summary followed by the problems, at most `limit` of each kind.
    public func details(limit: Int = 10) -> String {
        var lines = [summary]
        func section<T>(_ title: String, _ items: [T], _ render: (T) -> String) {
            guard !items.isEmpty else { return }
            lines.append("\(title):")
            for item in items.prefix(limit) { lines.append("  " + render(item)) }
            if items.count > limit { lines.append("  ... and \(items.count - limit) more") }
        }
        section("missing audio files", missingFiles) { $0 }
        section("failed probes", failedProbes) { "\($0.path): \($0.message)" }
        section("duplicate files skipped", skippedDuplicates) { "\($0.path) (same content as \($0.duplicateOf))" }
        for task in unknownLabels.keys.sorted() {
            let counts = unknownLabels[task] ?? [:]
            let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            section("unknown labels of task \(task)", sorted) { "\"\($0.key)\" × \($0.value)" }
        }
        section("duplicate rows", duplicateRows) { $0.description }
        section("invalid annotation files", invalidAnnotations) { $0.description }
        section("invalid rows", invalidRows) { $0.description }
        return lines.joined(separator: "\n")
    }

    public var description: String { details() }

    private static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
