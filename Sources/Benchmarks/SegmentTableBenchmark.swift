import Catalog
import Foundation
import MusicTasks

/// `crescendo bench segments`: the catalog's segment-label table filled to `rows` rows in
/// commits of `commitRows` (as a labeller commits), timed per tenth of the fill, then the
/// selections a student's data takes (by run, task, round and confidence) on the full table.
/// A table that slows down as it grows shows as a last tenth slower than the first.
public struct SegmentTableBenchmark {
    public var rows: Int
    public var commitRows: Int
    /// Segments per track (a 3-minute track in 15-s windows has 12).
    public var segmentsPerTrack: Int
    /// Where the scratch catalog goes (removed afterwards); a temporary folder when nil.
    public var directory: String?

    public init(rows: Int, commitRows: Int, segmentsPerTrack: Int, directory: String? = nil) {
        self.rows = rows
        self.commitRows = commitRows
        self.segmentsPerTrack = segmentsPerTrack
        self.directory = directory
    }

    public func run(output: BenchmarkOutput) throws {
        guard rows >= 10, commitRows > 0, segmentsPerTrack > 0 else {
            throw BenchmarkError.invalidOption("--rows must be at least 10, --commit-rows and --segments-per-track positive")
        }
        let base = URL(fileURLWithPath: directory ?? FileManager.default.temporaryDirectory.path)
            .appendingPathComponent("crescendo-segments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let catalog = try Catalog(path: base.appendingPathComponent("catalog.sqlite").path)
        let keys = MusicalKey.classNames
        try catalog.addTask(.multiClass("key", classes: keys))
        let trackCount = (rows + segmentsPerTrack - 1) / segmentsPerTrack
        let ids = try catalog.addTracks((0..<trackCount).map { i in
            TrackMetadata(path: "pool/track-\(i).flac", duration: 15 * Double(segmentsPerTrack), sampleRate: 44_100, channels: 2,
                          fileSize: 1000, modifiedAt: 0, contentHash: UInt64(i + 1))
        })
        let run = try catalog.createRun(kind: .pseudoLabel).id
        var generator = SystemRandomNumberGenerator()
        func label(_ n: Int) -> SegmentLabel {
            // Softmaxes of random logits at random sharpness: top probabilities spread over (0, 1).
            let sharpness = Float.random(in: 0...30, using: &generator)
            var p = (0..<keys.count).map { _ in Foundation.exp(sharpness * Float.random(in: 0...1, using: &generator)) }
            let total = p.reduce(0, +)
            p = p.map { $0 / total }
            return SegmentLabel(trackId: ids[n / segmentsPerTrack], task: "key", start: 15 * Double(n % segmentsPerTrack), duration: 15,
                                probabilities: p, confidence: TaskKind.multiClass.confidence(of: p),
                                entropy: TaskKind.multiClass.normalizedEntropy(of: p), round: 1 + n % 2)
        }
        let tenth = rows / 10
        var written = 0
        var tenths: [Double] = []
        var tenthStart = DispatchTime.now().uptimeNanoseconds
        let fillStart = tenthStart
        while written < rows {
            let count = Swift.min(commitRows, rows - written)
            try catalog.addSegmentLabels((written..<(written + count)).map(label), runId: run)
            written += count
            if written / tenth > tenths.count || written == rows {
                let now = DispatchTime.now().uptimeNanoseconds
                let done = written - tenths.count * tenth
                tenths.append(Double(done) / (Double(now - tenthStart) / 1e9))
                tenthStart = now
            }
        }
        let fillSeconds = Double(DispatchTime.now().uptimeNanoseconds - fillStart) / 1e9
        output.emit(["name": "segment_insert_rows_per_s", "value": round3(Double(rows) / fillSeconds), "rows": rows,
                     "commit_rows": commitRows])
        output.emit(["name": "segment_insert_rows_per_s_by_tenth", "value": tenths.map(round3)])
        if let first = tenths.first, let last = tenths.last, first > 0 {
            output.emit(["name": "segment_insert_last_vs_first_tenth", "value": round3(last / first),
                         "meaning": "insert speed of the last tenth of the table ÷ the first (1: no slowdown as it grows)"])
        }
        for (what, threshold, round) in [("all", -Double.infinity, nil), ("confidence_0.5", 0.5, nil),
                                         ("round_2_confidence_0.5", 0.5, 2)] as [(String, Double, Int?)] {
            let start = DispatchTime.now().uptimeNanoseconds
            let selected = try catalog.segmentLabels(runId: run, tasks: ["key"], minimumConfidence: threshold, round: round)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            output.emit(["name": "segment_select_seconds", "value": round3(seconds), "select": what, "rows": selected.count,
                         "rows_per_s": round3(Double(selected.count) / seconds)])
        }
    }
}
