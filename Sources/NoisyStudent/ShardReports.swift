import Foundation

/// The labelling report of each rank of a distributed pipeline, `report-<rank>-of-<count>.json`
/// beside the shard files, read by rank 0 to report the whole pool.
struct ShardReports {
    let directory: URL

    func url(rank: Int, count: Int) -> URL { directory.appendingPathComponent("report-\(rank)-of-\(count).json") }

    /// Written atomically (a rank killed while writing leaves the previous report or none).
    func save(_ report: PseudoLabelReport, rank: Int, count: Int) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(report).write(to: url(rank: rank, count: count), options: .atomic)
    }

    /// Every rank's report; a missing or unreadable one is an error naming its file.
    func load(count: Int) throws -> [PseudoLabelReport] {
        try (0..<count).map { rank in
            let file = url(rank: rank, count: count)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw PipelineError.ranks("rank \(rank) left no labelling report at \(file.path)")
            }
            do {
                return try JSONDecoder().decode(PseudoLabelReport.self, from: data)
            } catch {
                throw PipelineError.ranks("the labelling report \(file.path) cannot be read: \(error)")
            }
        }
    }
}
