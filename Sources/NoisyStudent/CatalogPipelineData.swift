import Catalog
import Foundation
import Models
import MusicTasks
import Training

/// The pipeline's data in a catalog: labeled splits, the pool split, pseudo-labels stored as
/// per-track probabilities under the producing run, and runs with their lineage.
public struct CatalogPipelineData: PipelineDataSource, PseudoLabelStore {
    public let data: CatalogData
    public let poolSplit: String
    public let splitSet: String

    public init(catalogPath: String, poolSplit: String, splitSet: String) throws {
        data = try CatalogData(path: catalogPath)
        self.poolSplit = poolSplit
        self.splitSet = splitSet
    }

    public var pseudoLabelStore: any PseudoLabelStore { self }

    public func tasks(named names: [String]) throws -> [TaskSpec] { try data.tasks(named: names) }

    public func labeledTracks(split: String, splitSet: String, tasks: [TaskSpec]) throws -> [Training.LabeledTrack] {
        try data.labeledTracks(split: split, splitSet: splitSet, tasks: tasks)
    }

    public func poolTracks(split: String, splitSet: String) throws -> [PoolTrack] {
        try data.labeledTracks(split: split, splitSet: splitSet, tasks: [], includeUnlabeled: true).map {
            PoolTrack(id: $0.id, path: $0.path, duration: $0.duration)
        }
    }

    public func pseudoLabels(run: Int64, tasks: [TaskSpec]) throws -> [Int64: [String: PseudoLabel]] {
        let rows = try data.catalog.tracks(inSplit: poolSplit, splitSet: splitSet, tasks: tasks.map(\.name),
                                           labels: .pseudo(runId: run))
        var result: [Int64: [String: PseudoLabel]] = [:]
        for row in rows {
            for (task, label) in zip(tasks, row.labels) {
                guard let label, case .probabilities(let p) = label.value else { continue }
                result[row.id, default: [:]][task.name] = PseudoLabel(trackId: row.id, task: task.name, probabilities: p)
            }
        }
        return result
    }

    public func segmentPseudoLabels(run: Int64, tasks: [TaskSpec]) throws -> [PseudoLabel] {
        try data.catalog.segmentLabels(runId: run, tasks: tasks.map(\.name)).map {
            PseudoLabel(trackId: $0.trackId, task: $0.task, probabilities: $0.probabilities,
                        segment: TrackSegment(start: $0.start, duration: $0.duration), round: $0.round)
        }
    }

    public func framePseudoLabels(run: Int64, tasks: [TaskSpec]) throws -> [FrameLabel] {
        try data.catalog.frameLabels(runId: run, tasks: tasks.map(\.name))
    }

    /// Keyed on every task asked for (it used to be the catalog's first task, so a run resumed
    /// with more tasks skipped tracks that lacked the new ones) and on the run's own labels: in
    /// the track table or, for a segment-level run, the segment table (clip-level tasks), and
    /// in the frame table (time-aligned tasks).
    public func labeledTrackIDs(run: Int64, tasks: [TaskSpec]) throws -> Set<Int64> {
        let clipTasks = tasks.filter { !$0.kind.isTimeAligned }
        let frameNames = Set(tasks.filter(\.kind.isTimeAligned).map(\.name))
        var done: Set<Int64>
        if clipTasks.isEmpty {
            done = Set(try data.catalog.frameLabelledTasks(runId: run).keys)
        } else {
            let names = Set(clipTasks.map(\.name))
            let segmented = try data.catalog.segmentLabelledTasks(runId: run).filter { names.isSubset(of: $0.value) }.keys
            let rows = try data.catalog.tracks(inSplit: poolSplit, splitSet: splitSet, tasks: clipTasks.map(\.name),
                                               labels: .pseudo(runId: run), requireAllLabels: true)
            done = Set(rows.map(\.id)).union(segmented)
        }
        guard !frameNames.isEmpty else { return done }
        let framed = try data.catalog.frameLabelledTasks(runId: run)
        return done.filter { frameNames.isSubset(of: framed[$0] ?? []) }
    }

    /// Failures are not stored in the catalog: the stage's report lists them and a resumed run
    /// tries those tracks again.
    /// Clip-level labels, segment labels and frame rows go in one transaction per table; a commit
    /// cut short between them leaves a track without all its tasks, which resume labels again.
    public func store(_ labels: [PseudoLabel], frames: [FrameLabel], failures: [PseudoLabelFailure], run: Int64,
                      tasks: [TaskSpec]) throws {
        let kinds = Dictionary(uniqueKeysWithValues: tasks.map { ($0.name, $0.kind) })
        // Segment labels go to their own table, in the same commit granularity as track labels.
        let segments = labels.compactMap { label -> SegmentLabel? in
            guard let segment = label.segment, let kind = kinds[label.task] else { return nil }
            return SegmentLabel(trackId: label.trackId, task: label.task, start: segment.start, duration: segment.duration,
                                probabilities: label.probabilities, confidence: label.confidence(kind: kind),
                                entropy: label.normalizedEntropy(kind: kind), round: label.round ?? 1)
        }
        if !segments.isEmpty { try data.catalog.addSegmentLabels(segments, runId: run) }
        let inputs = labels.filter { $0.segment == nil }.map { label in
            LabelInput(trackId: label.trackId, task: label.task, value: .probabilities(label.probabilities),
                       confidence: kinds[label.task].map { label.confidence(kind: $0) })
        }
        if !inputs.isEmpty { _ = try data.catalog.addLabels(inputs, source: .pseudo(runId: run)) }
        // Frame rows last: a track counts as done only once they are in.
        if !frames.isEmpty { try data.catalog.addFrameLabels(frames, runId: run) }
    }

    public func createRun(kind: String, configJSON: String, parent: Int64?) throws -> Int64 {
        let runKind = RunKind(rawValue: kind)
        return try data.catalog.createRun(kind: runKind, configJSON: configJSON, parent: parent).id
    }

    public func finishRun(_ id: Int64, metrics: [String: Double]) throws {
        // A stage re-evaluated after its run finished (or resumed after a kill between finishing
        // the run and saving the pipeline state) replaces the run's metrics.
        _ = try data.catalog.recordMetrics(id, metrics: metrics)
    }

    public func audioFingerprints(ids: [Int64]) throws -> [Int64: UInt64] {
        try data.catalog.contentHashes(ids: ids).mapValues { ContentHash.fnv1a(withUnsafeBytes(of: $0.size.littleEndian, Array.init),
                                                                              continuing: $0.hash) }
    }
}
