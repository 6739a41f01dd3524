import MusicTasks

/// One audio file to import, with its split and labels.
public struct ImportEntry: Sendable, Hashable {
    /// The audio file: absolute, or relative to the catalog root.
    public var path: String
    /// The split to put the track in (within the plan's split set), if any.
    public var split: String?
    /// Human labels by task name. Tasks absent here are left as they are in the catalog.
    public var labels: [String: LabelValue]
    /// A duration known from the source (used only when probing is off).
    public var durationHint: Double?
    /// Where the entry comes from, for messages.
    public var origin: SourceLocation?

    /// Creates an entry.
    public init(path: String, split: String? = nil, labels: [String: LabelValue] = [:], durationHint: Double? = nil,
                origin: SourceLocation? = nil) {
        self.path = path
        self.split = split
        self.labels = labels
        self.durationHint = durationHint
        self.origin = origin
    }
}

/// Everything an importer read from its source, ready for ``Catalog/importTracks(_:prober:options:)``:
/// the tasks it needs, the entries, and the problems found while reading (unknown labels,
/// duplicate and invalid rows), which end up in the final report.
public struct ImportPlan: Sendable {
    /// Tasks the entries' labels belong to; created in the catalog if missing.
    public var tasks: [TaskSpec]
    /// The split set the entries' splits belong to.
    public var splitSet: String
    /// The files to import, in source order.
    public var entries: [ImportEntry]
    /// Problems found while reading the source.
    public var report: ImportReport

    /// Creates a plan.
    public init(tasks: [TaskSpec], splitSet: String = Catalog.defaultSplitSet, entries: [ImportEntry] = [],
                report: ImportReport = ImportReport()) {
        self.tasks = tasks
        self.splitSet = splitSet
        self.entries = entries
        self.report = report
    }
}

/// How ``Catalog/importTracks(_:prober:options:)`` treats files.
public struct ImportOptions: Sendable, Hashable {
    /// Files hashed and probed at once.
    public var maxConcurrency: Int
    /// Probe new and changed files. When `false`, tracks are recorded from the entries'
    /// ``ImportEntry/durationHint`` alone (sample rate and channels unknown): for data sets
    /// whose metadata is trusted and whose files are too many to open.
    public var probe: Bool
    /// Skip new files whose content hash equals that of a catalogued track (or of an earlier
    /// file of the same import), reporting them. When `false` they are imported as well.
    public var skipContentDuplicates: Bool
    /// Probe again files that failed before even if they did not change.
    public var retryFailed: Bool

    /// Creates options; the defaults probe 4 files at a time, skip duplicates and leave
    /// unchanged failures alone.
    public init(maxConcurrency: Int = 4, probe: Bool = true, skipContentDuplicates: Bool = true, retryFailed: Bool = false) {
        self.maxConcurrency = maxConcurrency
        self.probe = probe
        self.skipContentDuplicates = skipContentDuplicates
        self.retryFailed = retryFailed
    }
}

/// A place in an import source: a file and a 1-based line (0 when the source has no lines).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The manifest, annotation file or folder.
    public var file: String
    /// 1-based line number, or 0.
    public var line: Int

    /// Creates a location.
    public init(file: String, line: Int = 0) {
        self.file = file
        self.line = line
    }

    public var description: String { line > 0 ? "\(file):\(line)" : file }
}
