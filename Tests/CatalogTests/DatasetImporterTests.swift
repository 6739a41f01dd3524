import Foundation
import Testing
@testable import Catalog
import MusicTasks

@Suite("MTG-Jamendo importer")
struct MTGJamendoImporterTests {
    static let validation = Fixtures.path("mtg-jamendo/autotagging_top50tags-validation.tsv")
    static let test = Fixtures.path("mtg-jamendo/autotagging_top50tags-test.tsv")

    static func files() throws -> [MTGJamendoImporter.SplitFile] {
        [try #require(MTGJamendoImporter.SplitFile(path: validation)), try #require(MTGJamendoImporter.SplitFile(path: test))]
    }

    @Test("split names are read from file names")
    func splitNames() {
        #expect(MTGJamendoImporter.SplitFile(path: "/x/autotagging_top50tags-train.tsv")?.split == "train")
        #expect(MTGJamendoImporter.SplitFile(path: "autotagging-validation.tsv")?.split == "valid")
        #expect(MTGJamendoImporter.SplitFile(path: "autotagging_moodtheme-test.tsv")?.split == "test")
        #expect(MTGJamendoImporter.SplitFile(path: "autotagging.tsv") == nil)
    }

    @Test("the fixture files plan one multi-label tags task over the tags present")
    func singleTask() throws {
        let plan = try MTGJamendoImporter(splitFiles: Self.files(), audioRoot: "/audio").plan()
        #expect(plan.entries.count == 200)
        #expect(!plan.report.hasProblems, "\(plan.report)")
        let task = try #require(plan.tasks.first)
        #expect(plan.tasks.count == 1 && task.name == "tags" && task.kind == .multiLabel)
        #expect(task.classes.count == 34)
        #expect(task.classes == task.classes.sorted())
        #expect(task.classes.allSatisfy { !$0.hasSuffix("\r") && $0.contains("---") })
        let first = plan.entries[0]
        #expect(first.path == "/audio/73/773.mp3")
        #expect(first.split == "valid" && first.durationHint == 275.3)
        let electronic = try #require(task.classes.firstIndex(of: "genre---electronic"))
        #expect(first.labels["tags"] == .classSet([electronic]))
        let third = plan.entries[2]  // genre---easylistening, genre---electronic, genre---lounge
        guard case .classSet(let indices)? = third.labels["tags"] else {
            Issue.record("expected a class set")
            return
        }
        #expect(indices.map { task.classes[$0] } == ["genre---easylistening", "genre---electronic", "genre---lounge"])
        #expect(plan.entries[120].split == "test" && plan.entries[120].path == "/audio/15/215.mp3")
    }

    @Test("one task per category: only tracks with a tag of a category get a label of it")
    func perCategory() throws {
        let plan = try MTGJamendoImporter(splitFiles: Self.files(), audioRoot: "/audio", layout: .perCategory).plan()
        #expect(plan.tasks.map(\.name) == ["genre", "instrument", "mood/theme"])
        #expect(plan.tasks.map(\.classes.count) == [25, 4, 5])
        #expect(plan.tasks[0].classes.contains("electronic"))
        let withMood = plan.entries.filter { $0.labels["mood/theme"] != nil }
        #expect(withMood.count == 20)
        #expect(plan.entries[0].labels.keys.sorted() == ["genre"])
    }

    @Test("tags outside a given vocabulary are reported with counts; duplicate track ids are reported")
    func unknownAndDuplicates() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Repeat the validation file's first data row in a train file.
        let lines = try String(contentsOfFile: Self.validation, encoding: .utf8).components(separatedBy: "\r\n")
        try directory.write("x-train.tsv", lines[0] + "\r\n" + lines[1] + "\r\n" + lines[1] + "\r\n")
        let files = try Self.files() + [MTGJamendoImporter.SplitFile(path: directory.file("x-train.tsv"), split: "train")]
        let importer = MTGJamendoImporter(splitFiles: files, audioRoot: "/audio",
                                          classes: ["genre---electronic", "genre---rock", "genre---pop"])
        let plan = try importer.plan()
        #expect(plan.entries.count == 200)
        #expect(plan.report.duplicateRows.count == 2)
        #expect(plan.report.duplicateRows.allSatisfy { $0.key == "track_0000773" })
        #expect(plan.report.duplicateRows.first?.message.contains("autotagging_top50tags-validation.tsv:2") == true)
        let unknown = try #require(plan.report.unknownLabels["tags"])
        #expect(unknown["genre---electronic"] == nil)
        #expect((unknown["genre---easylistening"] ?? 0) > 0)
        #expect(unknown.keys.allSatisfy { !["genre---electronic", "genre---rock", "genre---pop"].contains($0) })
        // A track whose tags are all unknown has no label.
        #expect(plan.entries.contains { $0.labels.isEmpty })
    }

    @Test("importing reports missing audio; present files are imported with labels and splits")
    func importing() async throws {
        try await withCatalog { catalog, directory in
            try directory.write("mtg/73/773.mp3", "773")
            try directory.write("mtg/74/774.mp3", "774")
            try directory.write("mtg/15/215.low.mp3", "215")
            let importer = MTGJamendoImporter(splitFiles: try Self.files(), audioRoot: directory.file("mtg"), lowQuality: true)
            let prober = FakeProber()
            let report = try await importer.run(into: catalog, prober: prober)
            #expect(report.imported == 1, "only the .low.mp3 copy exists of the three")
            #expect(report.missingFiles.count == 199)
            #expect(report.missingFiles.contains(directory.file("mtg/73/773.low.mp3")))
            let normal = try await MTGJamendoImporter(splitFiles: try Self.files(), audioRoot: directory.file("mtg"))
                .run(into: catalog, prober: prober)
            #expect(normal.imported == 2 && normal.missingFiles.count == 198)
            let counts = try catalog.splitCounts()
            #expect(counts.map(\.split) == ["test", "valid"])
            #expect(counts.map(\.tracks) == [1, 2])
            #expect(counts.map { $0.labeled["tags"] } == [1, 2])
            let valid = try catalog.tracks(inSplit: "valid", tasks: ["tags"])
            #expect(valid.map(\.path) == [directory.file("mtg/73/773.mp3"), directory.file("mtg/74/774.mp3")])
            // A second import with the derived vocabulary reuses the catalogued task.
            let again = try await MTGJamendoImporter(splitFiles: try Self.files(), audioRoot: directory.file("mtg"))
                .run(into: catalog, prober: prober)
            #expect(again.unchanged == 2)
        }
    }

    @Test("a file with the wrong header is refused, naming the file")
    func badHeader() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("a-train.tsv", "ID\tPATH\n1\tx.mp3\n")
        let importer = MTGJamendoImporter(splitFiles: [.init(path: directory.file("a-train.tsv"), split: "train")], audioRoot: "/a")
        do {
            _ = try importer.plan()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("a-train.tsv"))
            #expect("\(error)".contains("TRACK_ID"))
        }
    }
}

@Suite("GiantSteps key importer")
struct GiantStepsKeyImporterTests {
    static let keys = Fixtures.path("giantsteps-key/key")

    @Test("every fixture annotation maps to one of the 24 classes, enharmonics included")
    func fixtures() throws {
        let plan = try GiantStepsKeyImporter(annotationDirectory: Self.keys, audioDirectory: "/audio", split: "test").plan()
        #expect(plan.entries.count == 28)
        #expect(plan.report.unknownLabels.isEmpty, "\(plan.report)")
        #expect(plan.tasks == [MusicalKey.taskSpec()])
        let byFile = Dictionary(uniqueKeysWithValues: plan.entries.map { (($0.path as NSString).lastPathComponent, $0) })
        #expect(byFile["10089.LOFI.mp3"]?.labels["key"] == .classIndex(2))          // D major
        #expect(byFile["1149778.LOFI.mp3"]?.labels["key"] == .classIndex(6 + 12))   // Gb minor = F# minor
        #expect(byFile["3833050.LOFI.mp3"]?.labels["key"] == .classIndex(1))        // Db major = C# major
        #expect(byFile["1009960.LOFI.mp3"]?.labels["key"] == .classIndex(3 + 12))   // Eb minor
        #expect(byFile["10089.LOFI.mp3"]?.split == "test")
        #expect(byFile["10089.LOFI.mp3"]?.path == "/audio/10089.LOFI.mp3")
        // Every distinct spelling in the data set is among the fixtures.
        let texts = try Set(FileManager.default.contentsOfDirectory(atPath: Self.keys).map {
            try String(contentsOfFile: Self.keys + "/" + $0, encoding: .utf8)
        })
        #expect(texts.count == 24)
    }

    @Test("unparseable and empty annotations are reported; the tracks are imported without a key")
    func unknownKeys() async throws {
        try await withCatalog { catalog, directory in
            try directory.write("keys/a.key", "C# dorian")
            try directory.write("keys/b.key", "")
            try directory.write("keys/c.key", "  f#   MINOR\r\n")
            try directory.write("keys/notes.txt", "ignored")
            for name in ["a", "b", "c"] { try directory.write("audio/\(name).wav", name) }
            let importer = GiantStepsKeyImporter(annotationDirectory: directory.file("keys"), audioDirectory: directory.file("audio"),
                                                 audioExtension: "wav")
            let report = try await importer.run(into: catalog, prober: FakeProber())
            #expect(report.imported == 3)
            #expect(report.unknownLabels == ["key": ["C# dorian": 1, "(empty)": 1]])
            let c = try #require(try catalog.track(path: directory.file("audio/c.wav")))
            #expect(try catalog.labels(ofTrack: c.id).map(\.value) == [.classIndex(18)])
            #expect(try catalog.unlabeledTracks(task: "key").count == 2)
        }
    }

    @Test("missing audio is reported")
    func missingAudio() async throws {
        try await withCatalog { catalog, directory in
            try directory.write("audio/10089.LOFI.mp3", "x")
            let report = try await GiantStepsKeyImporter(annotationDirectory: Self.keys, audioDirectory: directory.file("audio"))
                .run(into: catalog, prober: FakeProber())
            #expect(report.imported == 1 && report.missingFiles.count == 27)
        }
    }
}

@Suite("Folder-per-class importer")
struct FolderImporterTests {
    @Test("classes come from folder names; stray files and other extensions are reported")
    func folders() async throws {
        try await withCatalog { catalog, directory in
            try directory.write("gtzan/rock/rock.00000.wav", "r0")
            try directory.write("gtzan/rock/more/rock.00001.au", "r1")
            try directory.write("gtzan/blues/blues.00000.wav", "b0")
            try directory.write("gtzan/blues/.DS_Store", "hidden")
            try directory.write("gtzan/blues/cover.jpg", "jpg")
            try directory.write("gtzan/README.txt", "stray")
            let importer = FolderImporter(root: directory.file("gtzan"), taskName: "genre", split: "train")
            let plan = try importer.plan()
            #expect(plan.tasks == [.multiClass("genre", classes: ["blues", "rock"])])
            #expect(plan.report.invalidRows.map(\.key) == ["README.txt", "cover.jpg"])
            let report = try await importer.run(into: catalog, prober: FakeProber())
            #expect(report.imported == 3)
            let distribution = try catalog.labelDistribution(task: "genre")
            #expect(distribution.classes.map(\.count) == [1, 2])
        }
    }

    @Test("with a given class list, other folders are unknown labels and their files unlabelled")
    func givenClasses() async throws {
        try await withCatalog { catalog, directory in
            try directory.write("root/rock/a.wav", "a")
            try directory.write("root/polka/b.wav", "b")
            try directory.write("root/polka/c.wav", "c")
            let report = try await FolderImporter(root: directory.file("root"), taskName: "genre", classes: ["rock", "jazz"])
                .run(into: catalog, prober: FakeProber())
            #expect(report.imported == 3)
            #expect(report.unknownLabels == ["genre": ["polka": 2]])
            #expect(try catalog.unlabeledTracks(task: "genre").map(\.path) == [directory.file("root/polka/b.wav"),
                                                                             directory.file("root/polka/c.wav")])
        }
    }

    @Test("a missing root is an error naming it")
    func missingRoot() {
        #expect(throws: CatalogError.self) { try FolderImporter(root: "/nonexistent/gtzan", taskName: "genre").plan() }
    }
}
