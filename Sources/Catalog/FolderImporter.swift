import Foundation
import MusicTasks

/// Imports a folder-per-class collection (GTZAN style): `root/<class>/<file>`, with files
/// found at any depth below each class folder.
///
/// The classes are ``classes`` when given, otherwise the sorted names of the class folders.
/// Files in a folder that is not a class are imported without a label and the folder's
/// name is reported as an unknown label (once per file). Files directly in the root, and
/// files whose extension is not in ``extensions``, are reported as invalid rows. Names
/// starting with `.` are ignored.
public struct FolderImporter: CatalogImporter {
    /// The collection's root folder.
    public var root: String
    /// The multi-class task's name (e.g. `genre`).
    public var taskName: String
    /// The class names, or `nil` for the folder names.
    public var classes: [String]?
    /// Audio file extensions, lower case, without the dot.
    public var extensions: Set<String>
    /// The split to put the tracks in, if any.
    public var split: String?
    /// The split set of ``split``.
    public var splitSet: String

    /// The extensions accepted by default.
    public static let defaultExtensions: Set<String> = ["wav", "flac", "mp3", "ogg", "opus", "au", "aif", "aiff"]

    /// Creates an importer.
    public init(root: String, taskName: String, classes: [String]? = nil, extensions: Set<String> = FolderImporter.defaultExtensions,
                split: String? = nil, splitSet: String = Catalog.defaultSplitSet) {
        self.root = root
        self.taskName = taskName
        self.classes = classes
        self.extensions = extensions
        self.split = split
        self.splitSet = splitSet
    }

    public func plan(existingTasks: [TaskSpec]) throws(CatalogError) -> ImportPlan {
        let fileManager = FileManager.default
        let base = PathRules.normalize(root, relativeTo: fileManager.currentDirectoryPath)
        let children: [String]
        do {
            children = try fileManager.contentsOfDirectory(atPath: base).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw .unreadable(path: base, message: error.localizedDescription)
        }
        var folders: [String] = []
        var report = ImportReport()
        for child in children {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: base + "/" + child, isDirectory: &isDirectory), isDirectory.boolValue {
                folders.append(child)
            } else {
                report.invalidRows.append(.init(file: base, line: 0, key: child, message: "not inside a class folder; skipped"))
            }
        }
        let spec = TaskSpec.multiClass(taskName, classes: classes ?? folders)
        let classIndex = spec.classIndex
        var entries: [ImportEntry] = []
        for folder in folders {
            let directory = base + "/" + folder
            guard let walker = fileManager.enumerator(atPath: directory) else {
                throw .unreadable(path: directory, message: "cannot list the folder")
            }
            var files: [String] = []
            while let relative = walker.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    walker.skipDescendants()
                    continue
                }
                var isDirectory: ObjCBool = false
                guard fileManager.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory),
                      !isDirectory.boolValue else { continue }
                files.append(relative)
            }
            for relative in files.sorted() {
                let path = directory + "/" + relative
                guard extensions.contains((relative as NSString).pathExtension.lowercased()) else {
                    report.invalidRows.append(.init(file: directory, line: 0, key: relative, message: "not an audio file extension; skipped"))
                    continue
                }
                var labels: [String: LabelValue] = [:]
                if let index = classIndex[folder] {
                    labels[taskName] = .classIndex(index)
                } else {
                    report.noteUnknownLabel(task: taskName, label: folder)
                }
                entries.append(ImportEntry(path: path, split: split, labels: labels, origin: SourceLocation(file: path)))
            }
        }
        return ImportPlan(tasks: [spec], splitSet: splitSet, entries: entries, report: report)
    }
}
