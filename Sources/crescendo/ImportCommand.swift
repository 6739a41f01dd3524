import ArgumentParser
import Catalog
import Foundation
import MusicTasks
import Training

/// Imports data sets into a catalog: incremental and idempotent; bad files are reported, not fatal.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import audio and labels into a catalog (incremental, idempotent).",
        subcommands: [Manifest.self, MTGJamendo.self, GiantSteps.self, Folders.self])

    struct Common: ParsableArguments {
        @Option(help: "The catalog (SQLite), created if absent.")
        var catalog: String

        @Option(help: "Concurrent probes.")
        var jobs = 4

        @Flag(help: "Print the report as JSON.")
        var json = false

        func open() throws -> Catalog { try Catalog(path: catalog) }

        func finish(_ report: ImportReport) throws {
            if json {
                let summary: [String: Any] = [
                    "imported": report.imported, "updated": report.updated, "unchanged": report.unchanged,
                    "failed": report.failedProbes.count, "missing": report.missingFiles.count,
                    "duplicate_files": report.skippedDuplicates.count, "duplicate_rows": report.duplicateRows.count,
                    "invalid_rows": report.invalidRows.count, "summary": report.description,
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(report.description)
            }
        }

        var options: ImportOptions { ImportOptions(maxConcurrency: jobs) }
    }

    /// Task definitions for a manifest, as YAML.
    struct TaskFile: Codable {
        var tasks: [TaskSpec]
    }

    struct Manifest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A CSV/TSV manifest: path, split and one column per task.")

        @Argument(help: "The manifest (paths relative to its folder).")
        var manifest: String

        @Option(help: "YAML with `tasks:` (name, kind: multiLabel|multiClass|regression|events|segments, classes). An events or segments column names each track's beat or .lab file.")
        var tasks: String

        @Option(help: "The split set the split column assigns to.")
        var splitSet = "default"

        @OptionGroup var common: Common

        func run() async throws {
            let specs = try ConfigLoader.load(TaskFile.self, from: URL(fileURLWithPath: tasks)).tasks
            let importer = ManifestImporter(manifest: manifest, tasks: specs, splitSet: splitSet)
            try common.finish(try await importer.run(into: common.open(), options: common.options))
        }
    }

    struct MTGJamendo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mtg-jamendo", abstract: "MTG-Jamendo split files (TSV) with an audio root.")

        @Argument(help: "Split files, e.g. autotagging_top50tags-train.tsv (split read from the name).")
        var splitFiles: [String]

        @Option(help: "The folder the PATH column is relative to.")
        var audioRoot: String

        @OptionGroup var common: Common

        func run() async throws {
            let files = try splitFiles.map { path -> MTGJamendoImporter.SplitFile in
                guard let file = MTGJamendoImporter.SplitFile(path: path) else {
                    throw ValidationError("\(path): cannot tell the split from the file name (expected …-train.tsv, …-validation.tsv or …-test.tsv)")
                }
                return file
            }
            let importer = MTGJamendoImporter(splitFiles: files, audioRoot: audioRoot)
            try common.finish(try await importer.run(into: common.open(), options: common.options))
        }
    }

    struct GiantSteps: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "giantsteps", abstract: "GiantSteps-style key files (one .key per track).")

        @Option(help: "Folder of .key annotation files.")
        var annotations: String

        @Option(help: "Folder of the audio files.")
        var audio: String

        @Option(help: "Audio file extension.")
        var audioExtension = "mp3"

        @Option(help: "Split to assign to every track.")
        var split: String?

        @OptionGroup var common: Common

        func run() async throws {
            let importer = GiantStepsKeyImporter(annotationDirectory: annotations, audioDirectory: audio,
                                                 audioExtension: audioExtension, split: split)
            try common.finish(try await importer.run(into: common.open(), options: common.options))
        }
    }

    struct Folders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A folder per class (GTZAN style): ROOT/<class>/<file>.")

        @Argument(help: "The root folder.")
        var root: String

        @Option(help: "Name of the multi-class task.")
        var task: String

        @Option(help: "Split to assign to every track.")
        var split: String?

        @OptionGroup var common: Common

        func run() async throws {
            let importer = FolderImporter(root: root, taskName: task, split: split)
            try common.finish(try await importer.run(into: common.open(), options: common.options))
        }
    }
}

/// Looks at a catalog.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Inspect a catalog.", subcommands: [Stats.self])

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tracks, tasks, labels, splits and runs.")

        @Option(help: "The catalog (SQLite).")
        var catalog: String

        func run() throws {
            guard FileManager.default.fileExists(atPath: catalog) else {
                throw ValidationError("\(catalog): no such catalog")
            }
            print(try Catalog(path: catalog).stats().description)
        }
    }
}
