import Foundation
import GRDB
import MusicTasks

/// A summary of a catalog, for `crescendo catalog stats`.
public struct CatalogStats: Sendable, Hashable, CustomStringConvertible {
    /// Label counts of one task.
    public struct TaskSummary: Sendable, Hashable {
        /// The task.
        public var spec: TaskSpec
        /// Tracks with a human label.
        public var humanLabels: Int
        /// Pseudo-labels, over all runs.
        public var pseudoLabels: Int
    }

    /// Split sizes of one split set.
    public struct SplitSetSummary: Sendable, Hashable {
        /// Split set name.
        public var name: String
        /// Split name and number of tracks (probed successfully), by split name.
        public var splits: [String: Int]
    }

    /// Database file.
    public var databasePath: String
    /// Catalog root.
    public var root: String
    /// Tracks probed successfully.
    public var tracks: Int
    /// Tracks whose probe failed.
    public var failedTracks: Int
    /// Total duration of the successfully probed tracks, in seconds.
    public var totalDuration: Double
    /// Per task, in creation order.
    public var tasks: [TaskSummary]
    /// Per split set, by name.
    public var splitSets: [SplitSetSummary]
    /// Number of runs per status.
    public var runs: [RunStatus: Int]

    public var description: String {
        var lines: [String] = []
        lines.append("catalog \(databasePath)")
        lines.append("root    \(root)")
        let hours = totalDuration / 3600
        lines.append("tracks  \(tracks) ok, \(failedTracks) failed, \(String(format: "%.1f", hours)) h of audio")
        if tasks.isEmpty {
            lines.append("tasks   none")
        }
        for task in tasks {
            let classes = task.spec.kind == .regression ? "" : ", \(task.spec.classes.count) classes"
            lines.append("task    \(task.spec.name) (\(task.spec.kind)\(classes)): \(task.humanLabels) human, \(task.pseudoLabels) pseudo labels")
        }
        for set in splitSets {
            let splits = set.splits.keys.sorted().map { "\($0) \(set.splits[$0] ?? 0)" }.joined(separator: ", ")
            lines.append("splits  \(set.name): \(splits.isEmpty ? "empty" : splits)")
        }
        let runText = RunStatus.allCases.compactMap { status in runs[status].map { "\($0) \(status.rawValue)" } }
        lines.append("runs    \(runText.isEmpty ? "none" : runText.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}

extension Catalog {
    /// Counts of tracks, labels, splits and runs.
    public func stats() throws(CatalogError) -> CatalogStats {
        try read("computing statistics") { db in
            let trackRow = try Row.fetchOne(db, sql: """
                SELECT count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE status = 'failed'),
                       total(duration) FILTER (WHERE status = 'ok')
                FROM track
                """)
            var tasks: [CatalogStats.TaskSummary] = []
            for task in try Row.fetchAll(db, sql: "SELECT id, name, kind, classes FROM task ORDER BY id").map(TaskTable.decode) {
                let counts = try Row.fetchOne(db, sql: """
                    SELECT count(*) FILTER (WHERE source = 'human'), count(*) FILTER (WHERE source = 'pseudo')
                    FROM label WHERE taskId = ?
                    """, arguments: [task.id])
                tasks.append(.init(spec: task.spec, humanLabels: counts?[0] ?? 0, pseudoLabels: counts?[1] ?? 0))
            }
            var sets: [CatalogStats.SplitSetSummary] = []
            for set in try Row.fetchAll(db, sql: "SELECT id, name FROM splitSet ORDER BY name") {
                var splits: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT s.name, count(*) FROM split s JOIN track t ON t.id = s.trackId
                    WHERE s.splitSetId = ? AND t.status = 'ok' GROUP BY s.name
                    """, arguments: [set[0] as Int64]) {
                    splits[row[0]] = row[1]
                }
                sets.append(.init(name: set[1], splits: splits))
            }
            var runs: [RunStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM run GROUP BY status") {
                if let status = RunStatus(rawValue: row[0]) { runs[status] = row[1] }
            }
            return CatalogStats(databasePath: databasePath, root: root, tracks: trackRow?[0] ?? 0,
                                failedTracks: trackRow?[1] ?? 0, totalDuration: trackRow?[2] ?? 0,
                                tasks: tasks, splitSets: sets, runs: runs)
        }
    }
}
