import Foundation
import MusicTasks

/// Imports GiantSteps-style key annotations: one `<name>.key` file per track holding a key
/// such as `Eb minor` (no final newline needed), next to audio called `<name>.<extension>`
/// in ``audioDirectory`` (`10089.LOFI.key` ↔ `10089.LOFI.mp3`).
///
/// Keys are normalised by ``KeyName`` into the 24-class multi-class task ``taskName``
/// (enharmonic spellings such as `Gb`/`F#` fall into one class). A key that does not parse is
/// reported as an unknown label and the track is imported without one; an unreadable
/// annotation file is reported as an invalid row. Files are taken in name order; names
/// starting with `.` are ignored.
public struct GiantStepsKeyImporter: CatalogImporter {
    /// The folder of `.key` files.
    public var annotationDirectory: String
    /// The folder of audio files.
    public var audioDirectory: String
    /// The audio files' extension, without the dot.
    public var audioExtension: String
    /// The key task's name.
    public var taskName: String
    /// The split to put the tracks in, if any.
    public var split: String?
    /// The split set of ``split``.
    public var splitSet: String

    /// Creates an importer.
    public init(annotationDirectory: String, audioDirectory: String, audioExtension: String = "mp3",
                taskName: String = "key", split: String? = nil, splitSet: String = Catalog.defaultSplitSet) {
        self.annotationDirectory = annotationDirectory
        self.audioDirectory = audioDirectory
        self.audioExtension = audioExtension
        self.taskName = taskName
        self.split = split
        self.splitSet = splitSet
    }

    /// The extension of annotation files.
    public static let annotationExtension = "key"

    public func plan(existingTasks: [TaskSpec]) throws(CatalogError) -> ImportPlan {
        let cwd = FileManager.default.currentDirectoryPath
        let annotations = PathRules.normalize(annotationDirectory, relativeTo: cwd)
        let audio = PathRules.normalize(audioDirectory, relativeTo: cwd)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: annotations)
        } catch {
            throw .unreadable(path: annotations, message: error.localizedDescription)
        }
        let spec = MusicalKey.taskSpec(name: taskName)
        var plan = ImportPlan(tasks: [spec], splitSet: splitSet)
        let suffix = "." + Self.annotationExtension
        for name in names.sorted() where name.hasSuffix(suffix) && !name.hasPrefix(".") {
            let file = annotations + "/" + name
            let stem = String(name.dropLast(suffix.count))
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                plan.report.invalidRows.append(.init(file: file, line: 0, key: stem,
                                                     message: "cannot read the annotation: \(error.localizedDescription)"))
                continue
            }
            var labels: [String: LabelValue] = [:]
            let key = text.trimmingWhitespace
            if let index = MusicalKey(name: key)?.index {
                labels[taskName] = .classIndex(index)
            } else {
                plan.report.noteUnknownLabel(task: taskName, label: key.isEmpty ? "(empty)" : key)
            }
            plan.entries.append(ImportEntry(path: audio + "/" + stem + "." + audioExtension, split: split, labels: labels,
                                            origin: SourceLocation(file: file, line: 1)))
        }
        return plan
    }
}
