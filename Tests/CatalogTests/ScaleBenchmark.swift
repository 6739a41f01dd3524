import Foundation
import Testing
@testable import Catalog
import MusicTasks

/// A million-track catalog: bulk-insert time and the time of the main queries.
///
/// Opt-in: `CRESCENDO_CATALOG_SCALE=1 swift test --filter CatalogScale` (add `-c release`
/// for representative figures). `CRESCENDO_CATALOG_SCALE_TRACKS` changes the size
/// (default 1 000 000). The layout mimics a noisy-student set-up: 6 % train, 1 % valid,
/// 1 % test with human labels for a 10-class `genre` and a 50-class `tags` task, the other
/// 92 % in `unlabeled` with soft 10-class pseudo-labels of one run. Timings are printed.
@Suite("Catalog at scale", .serialized)
struct CatalogScale {
    static let enabled = ProcessInfo.processInfo.environment["CRESCENDO_CATALOG_SCALE"] == "1"
    static let trackCount = ProcessInfo.processInfo.environment["CRESCENDO_CATALOG_SCALE_TRACKS"].flatMap(Int.init) ?? 1_000_000

    @discardableResult
    static func time<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try body()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print(String(format: "[catalog scale] %-58@ %8.3f s", label as NSString, seconds))
        return result
    }

    @Test("million-track catalog", .enabled(if: CatalogScale.enabled))
    func millionTracks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let catalog = try Catalog(path: directory.file("scale.sqlite"))
        let genres = (0..<10).map { "genre\($0)" }
        let tags = (0..<50).map { "tag\($0)" }
        try catalog.addTask(.multiClass("genre", classes: genres))
        try catalog.addTask(.multiLabel("tags", classes: tags))
        let n = Self.trackCount
        let train = n * 6 / 100, valid = n / 100, test = n / 100
        let labelled = train + valid + test
        func split(_ index: Int) -> String {
            index < train ? "train" : index < train + valid ? "valid" : index < labelled ? "test" : "unlabeled"
        }
        print("[catalog scale] \(n) tracks: \(train) train, \(valid) valid, \(test) test, \(n - labelled) unlabeled")

        var ids: [Int64] = []
        ids.reserveCapacity(n)
        let batch = 100_000
        try Self.time("insert tracks (batches of \(batch), one transaction each)") {
            var start = 0
            while start < n {
                let end = min(n, start + batch)
                let tracks = (start..<end).map { index in
                    TrackMetadata(path: String(format: "audio/%03d/%07d.mp3", index % 1000, index), duration: 30,
                                  sampleRate: 44_100, channels: 2, frames: 1_323_000, format: "MP3/MPEG_LAYER_III",
                                  fileSize: 480_000 + Int64(index % 977), modifiedAt: 1_700_000_000_000_000_000,
                                  contentHash: UInt64(index) &* 0x9e37_79b9_7f4a_7c15)
                }
                ids += try catalog.addTracks(tracks)
                start = end
            }
        }
        try Self.time("assign splits (one transaction)") {
            try catalog.assignSplits(ids.enumerated().map { SplitAssignment(trackId: $1, split: split($0)) })
        }
        try Self.time("add \(2 * labelled) human labels (one transaction)") {
            var labels: [LabelInput] = []
            labels.reserveCapacity(2 * labelled)
            for index in 0..<labelled {
                labels.append(LabelInput(trackId: ids[index], task: "genre", value: .classIndex(index % 10)))
                labels.append(LabelInput(trackId: ids[index], task: "tags",
                                         value: .classSet(from: [index % 50, (index * 7) % 50, (index * 13) % 50])))
            }
            try catalog.addLabels(labels)
        }
        let run = try catalog.createRun(kind: .pseudoLabel)
        try Self.time("add \(n - labelled) soft pseudo-labels (one transaction)") {
            var labels: [LabelInput] = []
            labels.reserveCapacity(n - labelled)
            for index in labelled..<n {
                var probabilities = [Float](repeating: 0.02, count: 10)
                probabilities[index % 10] = 0.82
                labels.append(LabelInput(trackId: ids[index], task: "genre", value: .probabilities(probabilities), confidence: 0.82))
            }
            try catalog.addLabels(labels, source: .pseudo(runId: run.id))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: directory.file("scale.sqlite"))[.size] as? Int) ?? 0
        print(String(format: "[catalog scale] database file: %.1f MiB", Double(size) / 1_048_576))

        let trainTracks = try Self.time("tracks(inSplit: train, tasks: [genre, tags])") {
            try catalog.tracks(inSplit: "train", tasks: ["genre", "tags"])
        }
        #expect(trainTracks.count == train)
        #expect(trainTracks.allSatisfy { $0.labels[0] != nil && $0.labels[1] != nil })
        let unlabeledWithPseudo = try Self.time("tracks(inSplit: unlabeled, tasks: [genre], .pseudo)") {
            try catalog.tracks(inSplit: "unlabeled", tasks: ["genre"], labels: .pseudo(runId: run.id))
        }
        #expect(unlabeledWithPseudo.count == n - labelled)
        let pool = try Self.time("unlabeledTracks(task: genre)  [whole catalog]") {
            try catalog.unlabeledTracks(task: "genre")
        }
        #expect(pool.count == n - labelled)
        let poolInSplit = try Self.time("unlabeledTracks(task: genre, split: unlabeled)") {
            try catalog.unlabeledTracks(task: "genre", split: "unlabeled")
        }
        #expect(poolInSplit.count == n - labelled)
        let counts = try Self.time("splitCounts()") { try catalog.splitCounts() }
        #expect(counts.first { $0.split == "train" }?.labeled["genre"] == train)
        let distribution = try Self.time("labelDistribution(genre, human)") { try catalog.labelDistribution(task: "genre") }
        #expect(distribution.labeledTracks == labelled)
        let tagDistribution = try Self.time("labelDistribution(tags, human)  [blob decoding]") {
            try catalog.labelDistribution(task: "tags")
        }
        #expect(tagDistribution.labeledTracks == labelled)
        let soft = try Self.time("labelDistribution(genre, pseudo)  [float16 decoding]") {
            try catalog.labelDistribution(task: "genre", labels: .pseudo(runId: run.id))
        }
        #expect(soft.softLabels == n - labelled)
        let stats = try Self.time("stats()") { try catalog.stats() }
        #expect(stats.tracks == n)
        print(stats.description.split(separator: "\n").map { "[catalog scale] " + $0 }.joined(separator: "\n"))
    }
}
