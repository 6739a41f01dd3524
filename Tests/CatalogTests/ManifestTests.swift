import Foundation
import Testing
@testable import Catalog
import MusicTasks

@Suite("Delimited text")
struct DelimitedTextTests {
    func parse(_ text: String, _ delimiter: Character = ",", quoting: Bool = true) throws -> [[String]] {
        try DelimitedText.parse(Data(text.utf8), path: "test.csv", delimiter: delimiter, quoting: quoting).map(\.fields)
    }

    @Test("RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes")
    func quoting() throws {
        let text = "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\"\",plain \"quote\",end"
        #expect(try parse(text) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["", "plain \"quote\"", "end"]])
        let records = try DelimitedText.parse(Data(text.utf8), path: "t", delimiter: ",")
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test("a byte-order mark is skipped and CRLF, CR and a missing final newline are handled")
    func bomAndLineEnds() throws {
        var data = Data([0xef, 0xbb, 0xbf])
        data.append(Data("path,split\r\na.wav,train\rb.wav,test\n\nc.wav,".utf8))
        let records = try DelimitedText.parse(data, path: "t", delimiter: ",")
        #expect(records.map(\.fields) == [["path", "split"], ["a.wav", "train"], ["b.wav", "test"], ["c.wav", ""]])
        #expect(records.map(\.line) == [1, 2, 3, 5])
    }

    @Test("an unterminated quote names its line; invalid UTF-8 is refused")
    func malformed() throws {
        #expect(throws: CatalogError.malformedManifest(path: "test.csv", line: 2,
                                                       reason: "quoted field opened on this line is never closed")) {
            try parse("a,b\n\"open,b\nmore")
        }
        #expect(throws: CatalogError.self) {
            try DelimitedText.parse(Data([0x61, 0xff, 0x0a]), path: "t", delimiter: ",")
        }
    }

    @Test("with quoting off, quotes are ordinary characters (TSV)")
    func noQuoting() throws {
        #expect(try parse("\"a\"\tb\tc\n", "\t", quoting: false) == [["\"a\"", "b", "c"]])
    }
}

@Suite("CSV/TSV manifests")
struct ManifestImporterTests {
    static let tasks: [TaskSpec] = [
        .multiClass("genre", classes: ["rock", "jazz", "pop"]),
        .multiLabel("tags", classes: ["guitar", "drums", "piano", "bass"]),
        .regression("tempo"),
    ]

    @Test("labels, splits, quoted paths, BOM, `;` and `|` separators, and relative paths")
    func manifest() async throws {
        try await withCatalog { catalog, directory in
            for name in ["a.wav", "with, comma.wav", "c.wav", "d.wav"] {
                try directory.write("data/audio/\(name)", name)
            }
            var manifest = Data([0xef, 0xbb, 0xbf])
            manifest.append(Data("""
                path,split,genre,tags,tempo
                audio/a.wav,train,rock,guitar;drums,120.5
                "audio/with, comma.wav",valid,jazz,piano|bass,
                audio/c.wav,train,,guitar | piano ; bass,90
                audio/d.wav,,pop,,

                """.utf8))
            try directory.write("data/manifest.csv", manifest)
            let importer = ManifestImporter(manifest: directory.file("data/manifest.csv"), tasks: Self.tasks)
            let report = try await importer.run(into: catalog, prober: FakeProber())
            #expect(report.imported == 4, "\(report)")
            #expect(!report.hasProblems, "\(report)")
            #expect(report.labels.inserted == 8)

            let train = try catalog.tracks(inSplit: "train", tasks: ["genre", "tags", "tempo"])
            #expect(train.map(\.path) == [directory.file("data/audio/a.wav"), directory.file("data/audio/c.wav")])
            #expect(train[0].labels.map { $0?.value } == [.classIndex(0), .classSet([0, 1]), .number(120.5)])
            #expect(train[1].labels.map { $0?.value } == [nil, .classSet([0, 2, 3]), .number(90)])
            let valid = try catalog.tracks(inSplit: "valid", tasks: ["tags"])
            #expect(valid.map(\.path) == [directory.file("data/audio/with, comma.wav")])
            #expect(valid.first?.labels.first??.value == .classSet([2, 3]))
            let d = try #require(try catalog.track(path: directory.file("data/audio/d.wav")))
            #expect(try catalog.split(ofTrack: d.id) == nil)
        }
    }

    @Test("unknown class names and bad numbers are counted per label, and the rest of the row is used")
    func unknownLabels() async throws {
        try await withCatalog { catalog, directory in
            for name in ["a", "b", "c"] { try directory.write("\(name).wav", name) }
            try directory.write("m.tsv", """
                path\tgenre\ttags\ttempo
                a.wav\tpolka\tguitar;kazoo\tfast
                b.wav\tpolka\tkazoo|Guitar\t100
                c.wav\tRock\tdrums\t1e999

                """)
            let report = try await ManifestImporter(manifest: directory.file("m.tsv"), tasks: Self.tasks)
                .run(into: catalog, prober: FakeProber())
            #expect(report.imported == 3)
            #expect(report.unknownLabels == [
                "genre": ["polka": 2, "Rock": 1],
                "tags": ["kazoo": 2, "Guitar": 1],
                "tempo": ["fast": 1, "1e999": 1],
            ])
            #expect(report.unknownLabelCount == 8)
            #expect(report.details().contains("\"polka\" × 2"))
            let a = try #require(try catalog.track(path: "a.wav"))
            #expect(try catalog.labels(ofTrack: a.id).map(\.value) == [.classSet([0])])
            let b = try #require(try catalog.track(path: "b.wav"))
            #expect(try catalog.labels(ofTrack: b.id).map(\.value) == [.number(100)])
        }
    }

    @Test("ragged rows and empty paths are reported; duplicate paths are reported as duplicate rows")
    func invalidRows() async throws {
        try await withCatalog { catalog, directory in
            try directory.write("a.wav", "a")
            try directory.write("m.csv", "path,genre\na.wav,rock\nb.wav,rock,extra\n,jazz\n./a.wav,jazz\n")
            let report = try await ManifestImporter(manifest: directory.file("m.csv"), tasks: Self.tasks)
                .run(into: catalog, prober: FakeProber())
            #expect(report.imported == 1)
            #expect(report.invalidRows.map(\.line) == [3, 4])
            #expect(report.duplicateRows.map(\.line) == [5])
            #expect(report.duplicateRows.first?.file == directory.file("m.csv"))
        }
    }

    @Test("headers without path, with unknown or repeated columns, and empty files are refused")
    func badHeaders() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cases: [(String, CatalogError)] = [
            ("file,genre\n", .missingColumn(path: directory.file("m.csv"), column: "path")),
            ("path,genre,mood\n", .unknownColumn(path: directory.file("m.csv"), column: "mood")),
            ("", .malformedManifest(path: directory.file("m.csv"), line: 1,
                                    reason: "the manifest is empty; expected a header such as path,split,<task>...")),
            ("path,genre,genre\n", .malformedManifest(path: directory.file("m.csv"), line: 1,
                                                      reason: "column \"genre\" appears twice in the header")),
        ]
        for (text, expected) in cases {
            try directory.write("m.csv", text)
            #expect(throws: expected) { try ManifestImporter(manifest: directory.file("m.csv"), tasks: Self.tasks).plan() }
        }
        #expect(throws: CatalogError.self) { try ManifestImporter(manifest: directory.file("none.csv"), tasks: Self.tasks).plan() }
    }

    @Test("editing a label in the manifest changes only that label on re-import")
    func editedManifest() async throws {
        try await withCatalog { catalog, directory in
            try directory.write("a.wav", "a")
            try directory.write("b.wav", "b")
            try directory.write("m.csv", "path,genre\na.wav,rock\nb.wav,jazz\n")
            let importer = ManifestImporter(manifest: directory.file("m.csv"), tasks: Self.tasks)
            _ = try await importer.run(into: catalog, prober: FakeProber())
            try directory.write("m.csv", "path,genre\na.wav,rock\nb.wav,pop\n")
            let report = try await importer.run(into: catalog, prober: FakeProber())
            #expect(report.unchanged == 2 && report.labels.changed == 1 && report.labels.unchanged == 1)
        }
    }
}
