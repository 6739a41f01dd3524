import Foundation
import GRDB
import MusicTasks

extension Catalog {
    /// The tracks of one split with their labels for `tasks`: the data loader's query.
    ///
    /// Only tracks whose probe succeeded are returned, in row-id order. Each track's
    /// ``SplitTrack/labels`` has one entry per task of `tasks`.
    ///
    /// - Parameters:
    ///   - split: The split name (`train`, `valid`...).
    ///   - splitSet: The split set.
    ///   - tasks: Task names.
    ///   - labels: Which labels to read (human, one run's pseudo-labels, or both with human
    ///     labels preferred).
    ///   - requireAllLabels: Drop tracks that lack a label for any of `tasks`.
    /// - Throws: ``CatalogError/unknownTask(_:)``, ``CatalogError/invalidSplit(name:reason:)``
    ///   for an unknown split set.
    public func tracks(inSplit split: String, splitSet: String = Catalog.defaultSplitSet, tasks: [String],
                       labels: LabelSelection = .human, requireAllLabels: Bool = false) throws(CatalogError) -> [SplitTrack] {
        try read("listing split \(split) of \(splitSet)") { db in
            let setId = try QuerySupport.requireSplitSet(splitSet, in: db)
            let resolved = try tasks.map { try TaskTable.fetchRequired(named: $0, in: db) }
            // One pass in track order: each (task, source) pair is a LEFT JOIN on the label
            // table's unique index, so SQLite walks split_by_name once.
            let sources = labels.sources
            var columns = "t.id, t.path, t.duration"
            var joins = ""
            var arguments: StatementArguments = []
            for (slot, task) in resolved.enumerated() {
                for (rank, source) in sources.enumerated() {
                    let alias = "l\(slot)_\(rank)"
                    columns += ", \(alias).form, \(alias).value, \(alias).confidence"
                    joins += """
                         LEFT JOIN label \(alias) ON \(alias).trackId = s.trackId AND \(alias).taskId = ? \
                        AND \(alias).source = ? AND coalesce(\(alias).runId, 0) = ?
                        """
                    arguments += [task.id, source.sourceName, source.runKey]
                }
            }
            arguments += [setId, split]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(columns) FROM split s JOIN track t ON t.id = s.trackId\(joins)
                WHERE s.splitSetId = ? AND s.name = ? AND t.status = 'ok'
                ORDER BY s.trackId
                """, arguments: arguments)
            var result: [SplitTrack] = []
            while let row = try rows.next() {
                let id: Int64 = row[0]
                let duration: Double? = row[2]
                var trackLabels = [TrackLabel?](repeating: nil, count: resolved.count)
                var complete = true
                for slot in resolved.indices {
                    for (rank, source) in sources.enumerated() {
                        let column = 3 + 3 * (slot * sources.count + rank)
                        let decoded: LabelValue?
                        do {
                            decoded = try LabelStorage.decode(row, formColumn: column)
                        } catch {
                            throw LabelTable.corrupt(task: resolved[slot].name, trackId: id, catalog: self)
                        }
                        guard let value = decoded else { continue }
                        trackLabels[slot] = TrackLabel(value: value, source: source, confidence: row[column + 2])
                        break
                    }
                    if trackLabels[slot] == nil { complete = false }
                }
                if requireAllLabels && !complete { continue }
                result.append(SplitTrack(id: id, path: absolutePath(forStored: row[1]), duration: duration ?? 0,
                                           labels: trackLabels))
            }
            return result
        }
    }

    /// The unlabeled pool: tracks (probed successfully) with no label of `task` among the
    /// selected sources, in row-id order; optionally only those of one split.
    /// - Throws: ``CatalogError/unknownTask(_:)``, ``CatalogError/invalidSplit(name:reason:)``.
    public func unlabeledTracks(task: String, labels: LabelSelection = .human, splitSet: String? = nil,
                                split: String? = nil) throws(CatalogError) -> [TrackReference] {
        try read("listing tracks without \(task) labels") { db in
            let stored = try TaskTable.fetchRequired(named: task, in: db)
            let scope = try QuerySupport.scope(splitSet: splitSet, split: split, trackColumn: "t.id", in: db)
            let (missing, missingArguments) = QuerySupport.noLabel(trackColumn: "t.id", taskId: stored.id, sources: labels.sources)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT t.id, t.path, t.duration FROM track t \(scope.join)
                WHERE t.status = 'ok' AND \(missing)
                ORDER BY t.id
                """, arguments: scope.arguments + missingArguments)
            var result: [TrackReference] = []
            while let row = try rows.next() {
                let duration: Double? = row[2]
                result.append(TrackReference(id: row[0], path: absolutePath(forStored: row[1]), duration: duration ?? 0))
            }
            return result
        }
    }

    /// Per split of `splitSet`: its size and, for every task, how many of its tracks are
    /// labelled among the selected sources.
    /// - Throws: ``CatalogError/invalidSplit(name:reason:)`` for an unknown split set.
    public func splitCounts(splitSet: String = Catalog.defaultSplitSet,
                            labels: LabelSelection = .human) throws(CatalogError) -> [SplitCount] {
        try read("counting split \(splitSet)") { db in
            let setId = try QuerySupport.requireSplitSet(splitSet, in: db)
            var counts: [String: SplitCount] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT s.name, count(*) FROM split s JOIN track t ON t.id = s.trackId
                WHERE s.splitSetId = ? AND t.status = 'ok' GROUP BY s.name
                """, arguments: [setId]) {
                let name: String = row[0]
                counts[name] = SplitCount(split: name, tracks: row[1], labeled: [:])
            }
            let tasks = try Row.fetchAll(db, sql: "SELECT id, name, kind, classes FROM task ORDER BY id").map(TaskTable.decode)
            for task in tasks {
                let (has, hasArguments) = QuerySupport.hasLabel(trackColumn: "s.trackId", taskId: task.id, sources: labels.sources)
                for row in try Row.fetchAll(db, sql: """
                    SELECT s.name, count(*) FROM split s JOIN track t ON t.id = s.trackId
                    WHERE s.splitSetId = ? AND t.status = 'ok' AND \(has) GROUP BY s.name
                    """, arguments: [setId] + hasArguments) {
                    let name: String = row[0]
                    counts[name]?.labeled[task.name] = row[1]
                }
            }
            return counts.keys.sorted().compactMap { counts[$0] }
        }
    }

    /// The distribution of `task`'s labels among the selected sources, over all tracks or
    /// over one split. With ``LabelSelection/humanOrPseudo(runId:)`` each track counts once,
    /// with its human label where it has one.
    /// - Throws: ``CatalogError/unknownTask(_:)``, ``CatalogError/invalidSplit(name:reason:)``.
    public func labelDistribution(task: String, labels: LabelSelection = .human, splitSet: String? = nil,
                                  split: String? = nil) throws(CatalogError) -> LabelDistribution {
        try read("computing the label distribution of \(task)") { db in
            let stored = try TaskTable.fetchRequired(named: task, in: db)
            let scope = try QuerySupport.scope(splitSet: splitSet, split: split, trackColumn: "l.trackId", in: db)
            var tally = DistributionTally(task: stored)
            var preferred: [LabelSource] = []
            for source in labels.sources {
                // Labels of this source for tracks without a label of a preferred source.
                var filter = "l.taskId = ? AND l.source = ? AND coalesce(l.runId, 0) = ? AND t.status = 'ok'"
                var arguments: StatementArguments = [stored.id, source.sourceName, source.runKey]
                if !preferred.isEmpty {
                    let (missing, missingArguments) = QuerySupport.noLabel(trackColumn: "l.trackId", taskId: stored.id, sources: preferred)
                    filter += " AND " + missing
                    arguments += missingArguments
                }
                let from = "FROM label l JOIN track t ON t.id = l.trackId \(scope.join)"
                // Hard multi-class labels: counted by SQLite.
                for row in try Row.fetchAll(db, sql: "SELECT l.value, count(*) \(from) WHERE \(filter) AND l.form = 0 GROUP BY l.value",
                                            arguments: scope.arguments + arguments) {
                    tally.addHard(classIndex: row[0], count: row[1])
                }
                // Regression values: aggregated by SQLite.
                if let row = try Row.fetchOne(db, sql: """
                    SELECT count(*), min(l.value), max(l.value), total(l.value), total(l.value * l.value)
                    \(from) WHERE \(filter) AND l.form = 2
                    """, arguments: scope.arguments + arguments) {
                    tally.addNumbers(count: row[0], minimum: row[1], maximum: row[2], sum: row[3], sumOfSquares: row[4])
                }
                // Class sets and probability vectors: decoded here.
                let blobs = try Row.fetchCursor(db, sql: "SELECT l.trackId, l.form, l.value \(from) WHERE \(filter) AND l.form IN (1, 3)",
                                                arguments: scope.arguments + arguments)
                while let row = try blobs.next() {
                    let decoded: LabelValue?
                    do {
                        decoded = try LabelStorage.decode(row, formColumn: 1)
                    } catch {
                        throw LabelTable.corrupt(task: stored.name, trackId: row[0], catalog: self)
                    }
                    if let value = decoded { tally.add(value) }
                }
                preferred.append(source)
            }
            return tally.distribution
        }
    }
}

/// SQL fragments shared by the queries.
enum QuerySupport {
    /// The id of split set `name`.
    /// - Throws: ``CatalogError/invalidSplit(name:reason:)`` when there is none.
    static func requireSplitSet(_ name: String, in db: Database) throws -> Int64 {
        guard let id = try SplitTable.setId(named: name, in: db) else {
            throw CatalogError.invalidSplit(name: name, reason: "no split set of that name")
        }
        return id
    }

    /// A join restricting `trackColumn` to one split, or nothing.
    static func scope(splitSet: String?, split: String?, trackColumn: String,
                      in db: Database) throws -> (join: String, arguments: StatementArguments) {
        guard let split else { return ("", []) }
        let setId = try requireSplitSet(splitSet ?? Catalog.defaultSplitSet, in: db)
        return ("JOIN split s ON s.trackId = \(trackColumn) AND s.splitSetId = ? AND s.name = ?", [setId, split])
    }

    /// `NOT EXISTS` conditions: the track has no label of the task from any of `sources`.
    static func noLabel(trackColumn: String, taskId: Int64, sources: [LabelSource]) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        for source in sources {
            clauses.append("""
                NOT EXISTS (SELECT 1 FROM label x WHERE x.trackId = \(trackColumn) AND x.taskId = ? \
                AND x.source = ? AND coalesce(x.runId, 0) = ?)
                """)
            arguments += [taskId, source.sourceName, source.runKey]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    /// The negation of ``noLabel(trackColumn:taskId:sources:)``.
    static func hasLabel(trackColumn: String, taskId: Int64, sources: [LabelSource]) -> (String, StatementArguments) {
        let (missing, arguments) = noLabel(trackColumn: trackColumn, taskId: taskId, sources: sources)
        return ("NOT (\(missing))", arguments)
    }
}

/// Accumulates a ``LabelDistribution``.
struct DistributionTally {
    let task: CatalogTask
    var counts: [Int]
    var mass: [Double]
    var labeled = 0
    var soft = 0
    var numberCount = 0
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var sum = 0.0
    var sumOfSquares = 0.0

    init(task: CatalogTask) {
        self.task = task
        counts = [Int](repeating: 0, count: task.classes.count)
        mass = [Double](repeating: 0, count: task.classes.count)
    }

    mutating func addHard(classIndex: Int, count: Int) {
        labeled += count
        guard counts.indices.contains(classIndex) else { return }
        counts[classIndex] += count
        mass[classIndex] += Double(count)
    }

    mutating func addNumbers(count: Int, minimum: Double?, maximum: Double?, sum: Double, sumOfSquares: Double) {
        guard count > 0, let minimum, let maximum else { return }
        labeled += count
        numberCount += count
        self.minimum = Swift.min(self.minimum, minimum)
        self.maximum = Swift.max(self.maximum, maximum)
        self.sum += sum
        self.sumOfSquares += sumOfSquares
    }

    mutating func add(_ value: LabelValue) {
        labeled += 1
        switch value {
        case .classSet(let indices):
            for index in indices where counts.indices.contains(index) {
                counts[index] += 1
                mass[index] += 1
            }
        case .probabilities(let probabilities):
            soft += 1
            for (index, probability) in probabilities.enumerated() where mass.indices.contains(index) {
                mass[index] += Double(probability)
                if task.kind == .multiLabel && probability >= 0.5 { counts[index] += 1 }
            }
            if task.kind == .multiClass, let best = value.argmax, counts.indices.contains(best) {
                counts[best] += 1
            }
        case .classIndex(let index):
            addHard(classIndex: index, count: 1)
            labeled -= 1
        case .number(let number):
            addNumbers(count: 1, minimum: number, maximum: number, sum: number, sumOfSquares: number * number)
            labeled -= 1
        case .events, .segments:
            // Counted as labelled tracks; their classes are not per-track counts.
            break
        }
    }

    var distribution: LabelDistribution {
        let classes = task.classes.enumerated().map { index, name in
            ClassCount(index: index, name: name, count: counts[index], mass: mass[index])
        }
        var numeric: NumericSummary?
        if numberCount > 0 {
            let mean = sum / Double(numberCount)
            let variance = Swift.max(0, sumOfSquares / Double(numberCount) - mean * mean)
            numeric = NumericSummary(count: numberCount, minimum: minimum, maximum: maximum, mean: mean,
                                     standardDeviation: variance.squareRoot())
        }
        return LabelDistribution(task: task.name, kind: task.kind, labeledTracks: labeled, softLabels: soft,
                                 classes: classes, numeric: numeric)
    }
}
