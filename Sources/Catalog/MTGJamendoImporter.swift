import Foundation
import MusicTasks

/// Imports MTG-Jamendo autotagging split files (`autotagging*-train.tsv`,
/// `-validation.tsv`, `-test.tsv`).
///
/// Each file is tab-separated (no quoting) with the header
/// `TRACK_ID ARTIST_ID ALBUM_ID PATH DURATION TAGS`; every row lists its tags from the sixth
/// column on, one per column, as `category---name` (`genre---rock`, `mood/theme---happy`,
/// `instrument---piano`). Line ends may be `\r\n`, as in the published files.
///
/// ## Tasks
/// - ``TaskLayout/single(name:)`` (default, `tags`): one multi-label task whose classes are
///   the full tag strings (`genre---rock`), as in the usual top-50 autotagging benchmark.
/// - ``TaskLayout/perCategory``: one multi-label task per category, named after it (`genre`,
///   `instrument`, `mood/theme`), whose classes are the names after `---`.
///
/// The class list is ``classes`` when given (full tag strings, for both layouts); otherwise
/// the existing task's classes when the catalog has the task; otherwise the sorted set of
/// tags in the files being imported. Tags outside the class list are reported as unknown
/// labels. A track gets a label of a task only when it has at least one known tag of it (in
/// the per-category layout, a track without mood tags has no `mood/theme` label rather than
/// an empty one).
///
/// ## Audio
/// Audio paths are ``audioRoot`` + `PATH` (`00/1000.mp3`), or with `.low.mp3` for the
/// low-quality copies when ``lowQuality`` is set. Missing audio is reported by the import;
/// the `DURATION` column is passed on as the duration hint.
public struct MTGJamendoImporter: CatalogImporter {
    /// How tags map to tasks.
    public enum TaskLayout: Sendable, Hashable {
        /// One multi-label task of full tag strings.
        case single(name: String)
        /// One multi-label task per tag category.
        case perCategory
    }

    /// A split file and the split its tracks go to.
    public struct SplitFile: Sendable, Hashable {
        /// The TSV file.
        public var path: String
        /// The split name.
        public var split: String

        /// A split file with an explicit split name.
        public init(path: String, split: String) {
            self.path = path
            self.split = split
        }

        /// A split file whose split is read from its name: `…-train.tsv` → `train`,
        /// `…-validation.tsv` → `valid`, `…-test.tsv` → `test`; `nil` otherwise.
        public init?(path: String) {
            let name = (path as NSString).lastPathComponent.lowercased()
            let splits = ["-train.tsv": "train", "-validation.tsv": "valid", "-valid.tsv": "valid", "-test.tsv": "test"]
            guard let match = splits.first(where: { name.hasSuffix($0.key) }) else { return nil }
            self.init(path: path, split: match.value)
        }
    }

    /// Separator between a tag's category and name.
    public static let categorySeparator = "---"
    /// Columns the header must start with.
    public static let headerColumns = ["TRACK_ID", "ARTIST_ID", "ALBUM_ID", "PATH", "DURATION"]

    /// The split files, read in order.
    public var splitFiles: [SplitFile]
    /// The directory the `PATH` column is relative to.
    public var audioRoot: String
    /// How tags map to tasks.
    public var layout: TaskLayout
    /// The tag vocabulary (full tag strings), or `nil` to use the existing task's or derive it.
    public var classes: [String]?
    /// Use the `.low.mp3` copies.
    public var lowQuality: Bool
    /// The split set the files' splits belong to.
    public var splitSet: String

    /// Creates an importer.
    public init(splitFiles: [SplitFile], audioRoot: String, layout: TaskLayout = .single(name: "tags"),
                classes: [String]? = nil, lowQuality: Bool = false, splitSet: String = Catalog.defaultSplitSet) {
        self.splitFiles = splitFiles
        self.audioRoot = audioRoot
        self.layout = layout
        self.classes = classes
        self.lowQuality = lowQuality
        self.splitSet = splitSet
    }

    private struct Row {
        var location: SourceLocation
        var trackId: String
        var path: String
        var duration: Double?
        var tags: [String]
        var split: String
    }

    public func plan(existingTasks: [TaskSpec]) throws(CatalogError) -> ImportPlan {
        let cwd = FileManager.default.currentDirectoryPath
        let root = PathRules.normalize(audioRoot, relativeTo: cwd)
        var report = ImportReport()
        var rows: [Row] = []
        for file in splitFiles {
            let path = PathRules.normalize(file.path, relativeTo: cwd)
            let records = try DelimitedText.read(path: path, delimiter: "\t", quoting: false)
            guard let header = records.first else {
                throw .malformedManifest(path: path, line: 1, reason: "the file is empty; expected the header TRACK_ID, ARTIST_ID, ALBUM_ID, PATH, DURATION, TAGS")
            }
            let names = header.fields.map { $0.trimmingWhitespace.uppercased() }
            guard names.starts(with: Self.headerColumns) else {
                throw .malformedManifest(path: path, line: header.line,
                                         reason: "the header must start with \(Self.headerColumns.joined(separator: ", ")), found \(names.prefix(5).joined(separator: ", "))")
            }
            for record in records.dropFirst() {
                let fields = record.fields.map(\.trimmingWhitespace)
                let key = fields.first ?? ""
                guard fields.count >= 5, !fields[0].isEmpty, !fields[3].isEmpty else {
                    report.invalidRows.append(.init(file: path, line: record.line, key: key,
                                                    message: "expected at least TRACK_ID, ARTIST_ID, ALBUM_ID, PATH and DURATION; row skipped"))
                    continue
                }
                let duration = Double(fields[4])
                if duration == nil {
                    report.invalidRows.append(.init(file: path, line: record.line, key: key,
                                                    message: "DURATION \"\(fields[4])\" is not a number; duration unknown"))
                }
                rows.append(Row(location: SourceLocation(file: path, line: record.line), trackId: fields[0],
                                path: fields[3], duration: duration, tags: fields.dropFirst(5).filter { !$0.isEmpty },
                                split: file.split))
            }
        }

        // Duplicate track ids (the same track in two split files, or twice in one).
        var firstRow: [String: SourceLocation] = [:]
        var unique: [Row] = []
        for row in rows {
            if let first = firstRow[row.trackId] {
                report.duplicateRows.append(.init(file: row.location.file, line: row.location.line, key: row.trackId,
                                                  message: "track already listed at \(first); row ignored"))
                continue
            }
            firstRow[row.trackId] = row.location
            unique.append(row)
        }

        let specs = taskSpecs(tags: unique.flatMap(\.tags), existing: existingTasks)
        let tables = specs.map { ($0, $0.classIndex) }
        var entries: [ImportEntry] = []
        for row in unique {
            var labels: [String: LabelValue] = [:]
            var known: [String: Set<Int>] = [:]
            for tag in row.tags {
                switch layout {
                case .single(let name):
                    guard let index = tables.first?.1[tag] else {
                        report.noteUnknownLabel(task: name, label: tag)
                        continue
                    }
                    known[name, default: []].insert(index)
                case .perCategory:
                    guard let (category, tagName) = Self.split(tag),
                          let (spec, table) = tables.first(where: { $0.0.name == category }),
                          let index = table[tagName] else {
                        report.noteUnknownLabel(task: Self.split(tag)?.category ?? "(no category)", label: tag)
                        continue
                    }
                    known[spec.name, default: []].insert(index)
                }
            }
            for (task, indices) in known { labels[task] = .classSet(from: indices) }
            var audio = row.path
            if lowQuality, audio.hasSuffix(".mp3"), !audio.hasSuffix(".low.mp3") {
                audio = String(audio.dropLast(4)) + ".low.mp3"
            }
            entries.append(ImportEntry(path: PathRules.normalize(audio, relativeTo: root), split: row.split, labels: labels,
                                       durationHint: row.duration, origin: row.location))
        }
        return ImportPlan(tasks: specs, splitSet: splitSet, entries: entries, report: report)
    }

    /// `("genre", "rock")` for `genre---rock`.
    static func split(_ tag: String) -> (category: String, name: String)? {
        guard let range = tag.range(of: categorySeparator) else { return nil }
        let category = String(tag[..<range.lowerBound])
        let name = String(tag[range.upperBound...])
        guard !category.isEmpty, !name.isEmpty else { return nil }
        return (category, name)
    }

    /// The tasks of the layout, with their class lists (see the type's documentation).
    private func taskSpecs(tags: [String], existing: [TaskSpec]) -> [TaskSpec] {
        let existingByName = Dictionary(existing.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let vocabulary = classes ?? Array(Set(tags)).sorted()
        switch layout {
        case .single(let name):
            if classes == nil, let task = existingByName[name] { return [task] }
            return [.multiLabel(name, classes: classes ?? vocabulary)]
        case .perCategory:
            var byCategory: [String: [String]] = [:]
            var order: [String] = []
            for tag in vocabulary {
                guard let (category, name) = Self.split(tag) else { continue }
                if byCategory[category] == nil { order.append(category) }
                if !(byCategory[category]?.contains(name) ?? false) { byCategory[category, default: []].append(name) }
            }
            return order.sorted().map { category in
                if classes == nil, let task = existingByName[category] { return task }
                return .multiLabel(category, classes: byCategory[category] ?? [])
            }
        }
    }
}
