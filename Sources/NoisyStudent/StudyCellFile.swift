import Foundation

/// One finished cell of a scaling study as a small file meant to be committed
/// (`crescendo study --cell-results DIR`: `DIR/<cell name>.json`), and the study's shared stages
/// (teacher and pseudo-labels) beside them in `DIR/shared.json`. A grid longer than one working
/// stretch survives a fresh machine: a cell whose file is there, for the same configuration, is
/// read back instead of trained; when every cell is there, nothing is trained at all.
public struct StudyCellFile: Codable, Sendable, Equatable {
    public var cell: StudyCell
    /// ``StudyCellFile/configurationFingerprint(_:cell:)`` of the study that produced it.
    public var configuration: String
    public var codeVersion: String
    public var result: StudyResults.CellResult
    /// The cell's stage records (the student, and the fine-tuned student when there is one).
    public var stages: [StageRecord]
    public var finishedAt: Date

    public init(cell: StudyCell, configuration: String, result: StudyResults.CellResult, stages: [StageRecord],
                finishedAt: Date) {
        self.cell = cell
        self.configuration = configuration
        codeVersion = StageFingerprint.codeVersion
        self.result = result
        self.stages = stages
        self.finishedAt = finishedAt
    }

    /// What one cell computes, independent of where it ran and of the grid around it: the
    /// study's pipeline configuration with the cell's student alone on the size axis (with its
    /// start), the cell's seed and fraction, and the code version. Adding a seed, a fraction or a
    /// size to the grid leaves the other cells' files valid.
    public static func configurationFingerprint(_ study: StudyConfig, cell: StudyCell) throws -> String {
        var c = study.pipeline.resultDefining
        let round = study.students.firstIndex(of: cell.student) ?? 0
        let start = c.schedule.start(ofRound: round + 1, teacherPreset: c.schedule.teacher,
                                     initializeFromTeacher: c.initializeStudentsFromTeacher)
        c.schedule.students = [cell.student]
        c.schedule.studentStarts = [start]
        c.student.seed = cell.seed
        c.fineTune?.seed = cell.seed
        var f = StageFingerprint()
        try f.add("config", c)
        try f.add("cell", cell)
        try f.add("code", StageFingerprint.codeVersion)
        return f.value
    }

    /// The file of `cell` under `directory`.
    public static func url(directory: URL, cell: StudyCell) -> URL { directory.appendingPathComponent("\(cell.name).json") }

    /// The recorded cell when its file exists for this configuration; nil when there is none; an
    /// error naming the file when it holds another configuration's cell (never overwritten silently).
    public static func load(directory: URL, cell: StudyCell, configuration: String) throws -> StudyCellFile? {
        guard let file = try CommittedJSON.load(StudyCellFile.self, url: url(directory: directory, cell: cell),
                                                what: "study cell file") else { return nil }
        guard file.configuration == configuration, file.cell == cell else {
            throw PipelineError.invalidConfig(
                key: "--cell-results",
                reason: "\(url(directory: directory, cell: cell).path) holds cell \(file.cell.name) of another configuration (\(file.configuration), now \(configuration)); move it away or choose another directory")
        }
        return file
    }

    public func save(directory: URL) throws {
        try CommittedJSON.save(self, url: Self.url(directory: directory, cell: cell))
    }
}

/// The stages every cell of a study shares, committed beside the cells (`shared.json`) so that a
/// study whose cells are all committed can write its table without training its teacher again.
public struct StudySharedFile: Codable, Sendable, Equatable {
    /// ``StudySharedFile/configurationFingerprint(_:)`` of the study that produced it.
    public var configuration: String
    public var codeVersion: String
    public var teacher: StageRecord
    public var pseudoLabels: StageRecord?

    public init(configuration: String, teacher: StageRecord, pseudoLabels: StageRecord?) {
        self.configuration = configuration
        codeVersion = StageFingerprint.codeVersion
        self.teacher = teacher
        self.pseudoLabels = pseudoLabels
    }

    /// The study's pipeline configuration without where it ran and without the student axes:
    /// what the teacher and the labels of the largest fraction depend on.
    public static func configurationFingerprint(_ study: StudyConfig) throws -> String {
        var c = study.pipeline.resultDefining
        c.schedule.students = []
        c.schedule.studentStarts = nil
        var f = StageFingerprint()
        try f.add("config", c)
        try f.add("largest fraction", study.poolFractions.max() ?? 0)
        try f.add("code", StageFingerprint.codeVersion)
        return f.value
    }

    public static func url(directory: URL) -> URL { directory.appendingPathComponent("shared.json") }

    /// The shared stages when their file holds this configuration; nil otherwise (they are then
    /// trained, or reused from the runs directory, and the file is rewritten).
    public static func load(directory: URL, configuration: String) throws -> StudySharedFile? {
        guard let file = try CommittedJSON.load(StudySharedFile.self, url: url(directory: directory),
                                                what: "study shared-stages file") else { return nil }
        return file.configuration == configuration ? file : nil
    }

    public func save(directory: URL) throws {
        try CommittedJSON.save(self, url: Self.url(directory: directory))
    }
}

/// Reading and writing the small committed result files: pretty-printed, sorted keys (diffs stay
/// small), ISO 8601 dates, atomic writes; a file that does not decode is an error naming it.
enum CommittedJSON {
    static func load<T: Decodable>(_ type: T.Type, url: URL, what: String) throws -> T? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(type, from: data) } catch {
            throw PipelineError.invalidConfig(key: "--cell-results", reason: "\(url.path) is not a \(what): \(error)")
        }
    }

    static func save<T: Encodable>(_ value: T, url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(value).write(to: url, options: .atomic)
    }
}
