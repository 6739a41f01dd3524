import Foundation
import MusicTasks

/// Imports a generic CSV or TSV manifest.
///
/// ```text
/// path,split,genre,tags,tempo
/// audio/a.wav,train,rock,guitar;drums,120.5
/// "audio/with, comma.wav",valid,jazz,piano|bass,
/// ```
///
/// - The header must have a `path` column; a `split` column is optional (both names are
///   matched case-insensitively). Every other column must be the name of a task of the
///   specification passed in (``CatalogError/unknownColumn(path:column:)`` otherwise, which
///   catches typos); specified tasks without a column are still created.
/// - Paths are relative to the manifest's directory (or absolute).
/// - Values are read by ``LabelText``: class name, names joined by `;` or `|`, number, or
///   empty for "no label of that task". Unknown names are reported, not fatal.
/// - A time-aligned task's cell names its annotation file (relative to the manifest's
///   directory): a beat file for `events`, a `.lab` file for `segments` (``AnnotationFile``).
///   A missing or malformed file is reported with its path and line in
///   ``ImportReport/invalidAnnotations``, and the row's other labels are kept.
/// - Fields follow RFC 4180 quoting (in TSV too) and a UTF-8 byte-order mark is skipped;
///   see ``DelimitedText``.
/// - A row with a different number of fields than the header, or an empty path, is
///   reported in ``ImportReport/invalidRows`` and skipped. An empty split means none.
public struct ManifestImporter: CatalogImporter {
    /// The manifest file.
    public var manifestPath: String
    /// The tasks the manifest's label columns belong to.
    public var tasks: [TaskSpec]
    /// The split set the `split` column assigns to.
    public var splitSet: String
    /// The field delimiter; `nil` chooses a tab for `.tsv`/`.tab` files, a comma for `.csv`
    /// files, and otherwise a tab if the header line has one, else a comma.
    public var delimiter: Character?

    /// Creates an importer.
    public init(manifest: String, tasks: [TaskSpec], splitSet: String = Catalog.defaultSplitSet,
                delimiter: Character? = nil) {
        self.manifestPath = manifest
        self.tasks = tasks
        self.splitSet = splitSet
        self.delimiter = delimiter
    }

    public func plan(existingTasks: [TaskSpec]) throws(CatalogError) -> ImportPlan {
        let cwd = FileManager.default.currentDirectoryPath
        let manifest = PathRules.normalize(manifestPath, relativeTo: cwd)
        let base = PathRules.directory(of: manifest)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: manifest))
        } catch {
            throw .unreadable(path: manifest, message: error.localizedDescription)
        }
        let records = try DelimitedText.parse(data, path: manifest, delimiter: chooseDelimiter(manifest, data), quoting: true)
        guard let header = records.first else {
            throw .malformedManifest(path: manifest, line: 1, reason: "the manifest is empty; expected a header such as path,split,<task>...")
        }
        var pathColumn: Int?
        var splitColumn: Int?
        var taskColumns: [(column: Int, task: TaskSpec, classIndex: [String: Int])] = []
        var specs: [String: TaskSpec] = [:]
        for spec in tasks {
            try spec.validateForCatalog()
            specs[spec.name] = spec
        }
        var seen = Set<String>()
        var unknownColumn: String?
        for (column, rawName) in header.fields.enumerated() {
            let name = rawName.trimmingWhitespace
            guard seen.insert(name).inserted else {
                throw .malformedManifest(path: manifest, line: header.line, reason: "column \"\(name)\" appears twice in the header")
            }
            if name.lowercased() == "path" {
                pathColumn = column
            } else if name.lowercased() == "split" {
                splitColumn = column
            } else if let spec = specs[name] {
                taskColumns.append((column, spec, spec.classIndex))
            } else if unknownColumn == nil {
                unknownColumn = name
            }
        }
        guard let pathColumn else { throw .missingColumn(path: manifest, column: "path") }
        if let unknownColumn { throw .unknownColumn(path: manifest, column: unknownColumn) }

        var plan = ImportPlan(tasks: tasks, splitSet: splitSet)
        for record in records.dropFirst() {
            guard record.fields.count == header.fields.count else {
                plan.report.invalidRows.append(.init(
                    file: manifest, line: record.line, key: record.fields.first ?? "",
                    message: "\(record.fields.count) fields where the header has \(header.fields.count); row skipped"))
                continue
            }
            let path = record.fields[pathColumn].trimmingWhitespace
            guard !path.isEmpty else {
                plan.report.invalidRows.append(.init(file: manifest, line: record.line, key: "", message: "empty path; row skipped"))
                continue
            }
            var labels: [String: LabelValue] = [:]
            for (column, spec, classIndex) in taskColumns {
                if spec.kind.isTimeAligned {
                    let cell = record.fields[column].trimmingWhitespace
                    guard !cell.isEmpty else { continue }
                    let file = PathRules.normalize(cell, relativeTo: base)
                    switch AnnotationFile.read(file, kind: spec.kind) {
                    case .success(let value): labels[spec.name] = value
                    case .failure(let problem):
                        plan.report.invalidAnnotations.append(.init(file: file, line: problem.line, key: path,
                                                                    message: "task \(spec.name): \(problem.message)"))
                    }
                } else if let value = LabelText.parse(record.fields[column], task: spec, classIndex: classIndex,
                                                      report: &plan.report) {
                    labels[spec.name] = value
                }
            }
            let split = splitColumn.map { record.fields[$0].trimmingWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
            plan.entries.append(ImportEntry(path: PathRules.normalize(path, relativeTo: base), split: split, labels: labels,
                                            origin: SourceLocation(file: manifest, line: record.line)))
        }
        return plan
    }

    private func chooseDelimiter(_ path: String, _ data: Data) -> Character {
        if let delimiter { return delimiter }
        let lowered = path.lowercased()
        if lowered.hasSuffix(".tsv") || lowered.hasSuffix(".tab") { return "\t" }
        if lowered.hasSuffix(".csv") { return "," }
        let firstLine = data.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        return firstLine.contains(UInt8(ascii: "\t")) ? "\t" : ","
    }
}
