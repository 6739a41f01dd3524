import Audio
import Foundation
import GRDB
import Testing
@testable import Catalog
import MusicTasks

@Suite("Importing files")
struct ImportTests {
    static let genre = TaskSpec.multiClass("genre", classes: ["rock", "jazz"])

    static func plan(_ entries: [ImportEntry]) -> ImportPlan {
        ImportPlan(tasks: [genre], entries: entries)
    }

    @Test("re-importing unchanged files changes nothing and probes nothing")
    func idempotent() async throws {
        try await withCatalog { catalog, directory in
            let a = try directory.write("audio/a.wav", String(repeating: "a", count: 3000))
            let b = try directory.write("audio/b.wav", String(repeating: "b", count: 2000))
            let entries = [ImportEntry(path: a, split: "train", labels: ["genre": .classIndex(0)]),
                           ImportEntry(path: b, split: "test", labels: ["genre": .classIndex(1)])]
            let prober = FakeProber()
            let first = try await catalog.importTracks(Self.plan(entries), prober: prober)
            #expect(first.imported == 2 && first.updated == 0 && first.unchanged == 0)
            #expect(first.labels.inserted == 2 && first.splitAssignments == 2)
            #expect(prober.probedPaths.count == 2)
            let before = try #require(try catalog.track(path: "audio/a.wav"))
            #expect(before.duration == 3 && before.sampleRate == 44_100 && before.status == .ok)
            #expect(before.path == "audio/a.wav" && before.absolutePath == a)

            let second = try await catalog.importTracks(Self.plan(entries), prober: prober)
            #expect(second.imported == 0 && second.updated == 0 && second.unchanged == 2)
            #expect(second.labels.unchanged == 2 && second.labels.inserted == 0 && second.labels.changed == 0)
            #expect(second.splitAssignments == 0)
            #expect(prober.probedPaths.count == 2, "unchanged files must not be probed again")
            #expect(try catalog.track(path: "audio/a.wav") == before)
            #expect(try catalog.trackCount() == 2)
        }
    }

    @Test("a changed file is re-probed and updated; a touched file is only re-hashed")
    func changedFiles() async throws {
        try await withCatalog { catalog, directory in
            let a = try directory.write("a.wav", String(repeating: "a", count: 1000))
            let b = try directory.write("b.wav", String(repeating: "b", count: 1000))
            let entries = [ImportEntry(path: a), ImportEntry(path: b)]
            let prober = FakeProber()
            _ = try await catalog.importTracks(Self.plan(entries), prober: prober)
            let original = try #require(try catalog.track(path: a))

            // Same size, new content and time: updated.
            try directory.write("a.wav", String(repeating: "z", count: 1000))
            try setModificationTime(a, secondsSince1970: 1_000_000)
            // Same content, new time: unchanged (only the recorded time moves).
            try setModificationTime(b, secondsSince1970: 2_000_000)
            let report = try await catalog.importTracks(Self.plan(entries), prober: prober)
            #expect(report.updated == 1 && report.unchanged == 1 && report.imported == 0)
            #expect(prober.probedPaths == [a, b, a])
            let updated = try #require(try catalog.track(path: a))
            #expect(updated.id == original.id && updated.addedAt == original.addedAt)
            #expect(updated.contentHash != original.contentHash)
            #expect(try catalog.track(path: b)?.modifiedAt == 2_000_000 * 1_000_000_000)

            // Growing the file changes its duration.
            try directory.write("a.wav", String(repeating: "z", count: 5000))
            _ = try await catalog.importTracks(Self.plan(entries), prober: prober)
            #expect(try catalog.track(path: a)?.duration == 5)
        }
    }

    @Test("probe failures are recorded with their message and their labels skipped")
    func failures() async throws {
        try await withCatalog { catalog, directory in
            let good = try directory.write("good.wav", "x")
            let bad = try directory.write("bad.wav", "not audio")
            let entries = [ImportEntry(path: good, split: "train", labels: ["genre": .classIndex(0)]),
                           ImportEntry(path: bad, split: "train", labels: ["genre": .classIndex(1)])]
            let prober = FakeProber()
            let report = try await catalog.importTracks(Self.plan(entries), prober: prober)
            #expect(report.imported == 1)
            #expect(report.failedProbes.map(\.path) == [bad])
            #expect(report.failedProbes.first?.message.contains("unknown format") == true)
            let failed = try catalog.failedTracks()
            #expect(failed.count == 1)
            #expect(failed.first?.status == .failed && failed.first?.error?.contains("bad.wav") == true)
            #expect(failed.first?.duration == nil)
            let failedId = try #require(failed.first?.id)
            #expect(try catalog.labels(ofTrack: failedId).isEmpty)
            #expect(try catalog.split(ofTrack: failedId) == nil)
            #expect(try catalog.trackCount() == 1 && catalog.trackCount(status: .failed) == 1)
            #expect(report.summary.contains("1 failed probe"))

            // Unchanged failures are not retried unless asked.
            let again = try await catalog.importTracks(Self.plan(entries), prober: prober)
            #expect(again.unchanged == 2 && again.failedProbes.isEmpty)
            #expect(prober.probedPaths.count == 2)
            let retried = try await catalog.importTracks(Self.plan(entries), prober: prober, options: ImportOptions(retryFailed: true))
            #expect(retried.failedProbes.count == 1 && retried.updated == 1)
            #expect(prober.probedPaths.count == 3)
        }
    }

    @Test("missing files are reported with their paths and not recorded")
    func missing() async throws {
        try await withCatalog { catalog, directory in
            let present = try directory.write("here.wav", "x")
            let absent = directory.file("gone/there.wav")
            let report = try await catalog.importTracks(Self.plan([ImportEntry(path: present), ImportEntry(path: absent)]),
                                                        prober: FakeProber())
            #expect(report.missingFiles == [absent])
            #expect(report.imported == 1)
            #expect(try catalog.track(path: absent) == nil)
            #expect(report.details().contains(absent))
        }
    }

    @Test("files with the same content are skipped as duplicates, within an import and across imports")
    func contentDuplicates() async throws {
        try await withCatalog { catalog, directory in
            let a = try directory.write("a.wav", "same bytes")
            let b = try directory.write("copy/b.wav", "same bytes")
            let c = try directory.write("c.wav", "other bytes")
            let first = try await catalog.importTracks(Self.plan([ImportEntry(path: a), ImportEntry(path: b)]), prober: FakeProber())
            #expect(first.imported == 1)
            #expect(first.skippedDuplicates == [ImportReport.DuplicateFile(path: b, duplicateOf: a)])
            let second = try await catalog.importTracks(Self.plan([ImportEntry(path: b), ImportEntry(path: c)]), prober: FakeProber())
            #expect(second.imported == 1)
            #expect(second.skippedDuplicates == [ImportReport.DuplicateFile(path: b, duplicateOf: a)])
            let kept = try await catalog.importTracks(Self.plan([ImportEntry(path: b)]), prober: FakeProber(),
                                                      options: ImportOptions(skipContentDuplicates: false))
            #expect(kept.imported == 1 && kept.skippedDuplicates.isEmpty)
            #expect(try catalog.trackCount() == 3)
        }
    }

    @Test("rows naming the same file twice are reported; the first wins")
    func duplicateRows() async throws {
        try await withCatalog { catalog, directory in
            let a = try directory.write("a.wav", "x")
            let entries = [ImportEntry(path: a, labels: ["genre": .classIndex(0)], origin: SourceLocation(file: "m.csv", line: 2)),
                           ImportEntry(path: directory.file("./sub/../a.wav"), labels: ["genre": .classIndex(1)],
                                       origin: SourceLocation(file: "m.csv", line: 3))]
            let report = try await catalog.importTracks(Self.plan(entries), prober: FakeProber())
            #expect(report.imported == 1)
            #expect(report.duplicateRows.count == 1)
            #expect(report.duplicateRows.first?.line == 3)
            #expect(report.duplicateRows.first?.message.contains("m.csv:2") == true)
            let id = try #require(try catalog.track(path: a)?.id)
            #expect(try catalog.labels(ofTrack: id).map(\.value) == [.classIndex(0)])
        }
    }

    @Test("an import that fails while writing leaves nothing behind")
    func rollback() async throws {
        try await withCatalog { catalog, directory in
            let a = try directory.write("a.wav", "aaa")
            let b = try directory.write("b.wav", "bbb")
            // A trigger makes the second track insert fail half-way through the transaction.
            try await catalog.writer.write { db in
                try db.execute(sql: """
                    CREATE TRIGGER refuse_b BEFORE INSERT ON track WHEN NEW.path = 'b.wav'
                    BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                    """)
            }
            let entries = [ImportEntry(path: a, split: "train", labels: ["genre": .classIndex(0)]),
                           ImportEntry(path: b, split: "train", labels: ["genre": .classIndex(1)])]
            do {
                _ = try await catalog.importTracks(Self.plan(entries), prober: FakeProber())
                Issue.record("expected the import to fail")
            } catch {
                #expect("\(error)".contains("refused for the test"))
                #expect("\(error)".contains("catalog.sqlite"))
            }
            #expect(try catalog.trackCount(status: nil) == 0)
            #expect(try catalog.tasks().isEmpty)
            #expect(try catalog.splitSets().isEmpty)
            let labelCount = try await catalog.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM label") }
            #expect(labelCount == 0)
        }
    }

    @Test("a task conflict or an invalid label is detected before any file is examined")
    func preflight() async throws {
        try await withCatalog { catalog, directory in
            let a = try directory.write("a.wav", "aaa")
            try catalog.addTask(.multiClass("genre", classes: ["rock"]))
            let prober = FakeProber()
            await #expect(throws: CatalogError.self) {
                try await catalog.importTracks(Self.plan([ImportEntry(path: a)]), prober: prober)
            }
            let plan = ImportPlan(tasks: [], entries: [ImportEntry(path: a, labels: ["genre": .classIndex(5)])])
            await #expect(throws: CatalogError.self) { try await catalog.importTracks(plan, prober: prober) }
            #expect(prober.probedPaths.isEmpty)
            #expect(try catalog.trackCount(status: nil) == 0)
        }
    }

    @Test("real WAV files are probed through libsndfile; a corrupt one is recorded as failed")
    func realAudio() async throws {
        try await withCatalog { catalog, directory in
            try writeTone(directory.file("audio/rock/one.wav"), seconds: 0.5, sampleRate: 8_000)
            try writeTone(directory.file("audio/jazz/two.wav"), seconds: 1.25, sampleRate: 16_000, channels: 2, frequency: 220)
            try directory.write("audio/jazz/broken.wav", "RIFF....WAVEfmt this is not a real header")
            let importer = FolderImporter(root: directory.file("audio"), taskName: "genre", split: "train")
            let report = try await importer.run(into: catalog)
            #expect(report.imported == 2)
            #expect(report.failedProbes.count == 1)
            #expect(report.failedProbes.first?.path.hasSuffix("broken.wav") == true)
            let one = try #require(try catalog.track(path: "audio/rock/one.wav"))
            #expect(one.sampleRate == 8_000 && one.channels == 1 && one.frames == 4_000)
            #expect(abs((one.duration ?? 0) - 0.5) < 1e-9)
            #expect(one.format == "WAV/PCM_16")
            let two = try #require(try catalog.track(path: "audio/jazz/two.wav"))
            #expect(two.sampleRate == 16_000 && two.channels == 2 && two.duration == 1.25)
            let tracks = try catalog.tracks(inSplit: "train", tasks: ["genre"])
            #expect(tracks.map(\.path) == [two.absolutePath, one.absolutePath])
            #expect(tracks.map { $0.labels[0]?.value } == [.classIndex(0), .classIndex(1)])  // jazz = 0, rock = 1
            let again = try await importer.run(into: catalog)
            #expect(again.unchanged == 3 && again.imported == 0)
        }
    }

    @Test("with probing off, the duration hint is recorded")
    func noProbe() async throws {
        try await withCatalog { catalog, directory in
            let a = try directory.write("a.mp3", "x")
            let prober = FakeProber()
            let report = try await catalog.importTracks(Self.plan([ImportEntry(path: a, durationHint: 29.1)]), prober: prober,
                                                        options: ImportOptions(probe: false))
            #expect(report.imported == 1 && prober.probedPaths.isEmpty)
            let track = try #require(try catalog.track(path: a))
            #expect(track.duration == 29.1 && track.sampleRate == nil)
        }
    }

    @Test("the content hash covers size, head and tail")
    func contentHash() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let window = ContentHash.windowSize
        var big = Data(repeating: 7, count: 3 * window)
        let base = try directory.write("big.bin", big)
        let baseHash = try ContentHash.of(path: base).contentHash
        big[window + 10] = 8  // the middle is not hashed
        #expect(try ContentHash.of(path: directory.write("middle.bin", big)).contentHash == baseHash)
        big[3 * window - 1] = 9  // the tail is
        #expect(try ContentHash.of(path: directory.write("tail.bin", big)).contentHash != baseHash)
        let small = try directory.write("small.bin", "hello")
        let facts = try ContentHash.of(path: small)
        #expect(facts.size == 5)
        var expected = ContentHash.fnv1a([5, 0, 0, 0, 0, 0, 0, 0] as [UInt8])
        expected = ContentHash.fnv1a(Array("hello".utf8), continuing: expected)
        #expect(facts.contentHash == expected)
        #expect(ContentHash.fnv1a([UInt8]()) == 0xcbf2_9ce4_8422_2325)
        #expect(ContentHash.fnv1a(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)  // published FNV-1a 64 test vector
        #expect(throws: FileFacts.Failure.self) { try ContentHash.of(path: directory.file("nope")) }
    }
}
