import Catalog
import Foundation
import Models
import MusicTasks
import Torch
import Training

/// An unlabeled track of the pool.
public struct PoolTrack: Sendable, Equatable, Codable {
    public var id: Int64
    public var path: String
    public var duration: Double

    public init(id: Int64, path: String, duration: Double) {
        self.id = id
        self.path = path
        self.duration = duration
    }
}

/// A pool track that could not be labelled (unreadable or undecodable audio), with the reason.
public struct PseudoLabelFailure: Sendable, Equatable, Codable {
    public var trackId: Int64
    public var path: String
    public var error: String

    public init(trackId: Int64, path: String, error: String) {
        self.trackId = trackId
        self.path = path
        self.error = error
    }
}

/// Where a labelling run keeps its labels. Writes are transactions: a batch of tracks is
/// stored completely or not at all, and storing a track twice replaces it (idempotent).
public protocol PseudoLabelStore: Sendable {
    /// Tracks that `run` has labelled for every one of `tasks`. Resume asks with the tasks being
    /// labelled now, so a track missing any of them (a task added since) is labelled again, and
    /// labels of another run never count.
    func labeledTrackIDs(run: Int64, tasks: [TaskSpec]) throws -> Set<Int64>
    /// Stores the labels of some tracks, the rows naming their frame files (time-aligned
    /// tasks), and the tracks that failed, in one transaction. Failures are a record for the
    /// merge and the report; a failed track is not done and is retried.
    func store(_ labels: [PseudoLabel], frames: [FrameLabel], failures: [PseudoLabelFailure], run: Int64,
               tasks: [TaskSpec]) throws
}

/// Statistics of a labelling run, for the report.
public struct PseudoLabelReport: Sendable, Codable, Equatable {
    public var tracksInPool = 0
    public var alreadyLabeled = 0
    public var labeled = 0
    public var failed: [String: String] = [:]
    public var audioSeconds = 0.0
    public var wallSeconds = 0.0
    /// Per task and class: tracks whose top class it is (multi-class) or whose probability is ≥ 0.5 (multi-label).
    public var classCounts: [String: [String: Int]] = [:]
    /// Per task: counts of confidences in ten bins over [0, 1] (frames for time-aligned tasks).
    public var confidenceHistogram: [String: [Int]] = [:]
    /// Per time-aligned task: the mean confidence of its frames over the labelled tracks.
    public var frameConfidence: [String: Double] = [:]
    /// Per time-aligned task: the frames labelled.
    public var frames: [String: Int] = [:]
    /// The transposition-consistency check: key labels checked, and kept because every
    /// transposed copy agreed.
    public var consistencyChecked = 0
    public var consistencyKept = 0

    public init() {}

    // Records written before a field existed decode with its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tracksInPool = try c.decodeIfPresent(Int.self, forKey: .tracksInPool) ?? 0
        alreadyLabeled = try c.decodeIfPresent(Int.self, forKey: .alreadyLabeled) ?? 0
        labeled = try c.decodeIfPresent(Int.self, forKey: .labeled) ?? 0
        failed = try c.decodeIfPresent([String: String].self, forKey: .failed) ?? [:]
        audioSeconds = try c.decodeIfPresent(Double.self, forKey: .audioSeconds) ?? 0
        wallSeconds = try c.decodeIfPresent(Double.self, forKey: .wallSeconds) ?? 0
        classCounts = try c.decodeIfPresent([String: [String: Int]].self, forKey: .classCounts) ?? [:]
        confidenceHistogram = try c.decodeIfPresent([String: [Int]].self, forKey: .confidenceHistogram) ?? [:]
        frameConfidence = try c.decodeIfPresent([String: Double].self, forKey: .frameConfidence) ?? [:]
        frames = try c.decodeIfPresent([String: Int].self, forKey: .frames) ?? [:]
        consistencyChecked = try c.decodeIfPresent(Int.self, forKey: .consistencyChecked) ?? 0
        consistencyKept = try c.decodeIfPresent(Int.self, forKey: .consistencyKept) ?? 0
    }

    /// Hours of audio labelled per hour of wall time.
    public var realtimeFactor: Double { wallSeconds > 0 ? audioSeconds / wallSeconds : 0 }

    mutating func add(_ labels: [PseudoLabel], tasks: [TaskSpec]) {
        for label in labels {
            guard let task = tasks.first(where: { $0.name == label.task }) else { continue }
            var counts = classCounts[task.name] ?? [:]
            for c in task.kind.presentClasses(in: label.probabilities) { counts[task.classes[c], default: 0] += 1 }
            classCounts[task.name] = counts
            var histogram = confidenceHistogram[task.name] ?? [Int](repeating: 0, count: 10)
            histogram[Swift.min(9, Int(label.confidence(kind: task.kind) * 10))] += 1
            confidenceHistogram[task.name] = histogram
        }
    }

    /// Adds one track's frames of a time-aligned task: frame class counts (a frame's classes,
    /// ``TaskKind/presentClasses(in:)``), the confidence histogram over frames and the mean.
    /// Returns the track's mean frame confidence.
    @discardableResult
    mutating func addFrames(_ values: [Float], task: TaskSpec) -> Double {
        let classes = task.classes.count
        guard classes > 0, values.count >= classes else { return 0 }
        var counts = classCounts[task.name] ?? [:]
        var histogram = confidenceHistogram[task.name] ?? [Int](repeating: 0, count: 10)
        var sum = 0.0
        let n = values.count / classes
        for f in 0..<n {
            let row = Array(values[f * classes..<(f + 1) * classes])
            for c in task.kind.presentClasses(in: row) { counts[task.classes[c], default: 0] += 1 }
            let confidence = task.kind.confidence(of: row)
            histogram[Swift.min(9, Swift.max(0, Int(confidence * 10)))] += 1
            sum += confidence
        }
        classCounts[task.name] = counts
        confidenceHistogram[task.name] = histogram
        let before = frames[task.name] ?? 0
        frames[task.name] = before + n
        frameConfidence[task.name] = ((frameConfidence[task.name] ?? 0) * Double(before) + sum) / Double(before + n)
        return sum / Double(n)
    }
}

/// A teacher labelling an unlabeled pool: eval mode, no noise, full-track chunked inference,
/// per-task probabilities stored with the producing run. With a frame directory, time-aligned
/// tasks are labelled too: each track's frame probabilities go to a file there
/// (``FrameLabelFile``) and the store records a row naming it. Resumable: tracks already stored for
/// the run for every task of the teacher are skipped, so a killed run restarted ends with exactly
/// the labels of an uninterrupted one. One unreadable track is reported, recorded in the store
/// and skipped.
public struct PseudoLabeler: Sendable {
    public let predictor: FullTrackPredictor
    /// Tracks per write transaction.
    public var commitEvery: Int
    /// Only tracks with `id % shardCount == shardIndex` (sharded labelling across ranks).
    public var shardIndex: Int
    public var shardCount: Int
    /// Track labels, or one label per inference chunk (its window recorded in the label).
    public let granularity: PseudoLabelGranularity
    /// The noisy-student round, recorded with segment and frame labels.
    public var round: Int
    /// Where frame files of time-aligned tasks go; nil: time-aligned tasks are not labelled.
    public let frameDirectory: URL?
    /// The key task whose labels are checked for transposition consistency, with the class map
    /// of each transposition (class c of the original is class `map[c]` of the transposed copy).
    /// A track whose key label the check dropped lacks that task, so a resumed run labels it
    /// again (and drops it again): resume costs a little, the labels are the same.
    public let keyConsistency: (task: TaskSpec, maps: [Int: [Int]])?

    /// `optimizations`, when given, makes the teacher's predictions run on a copy prepared for
    /// inference (`AudioModel.inferenceCopy(_:)`); the teacher itself is left as it is.
    public init(teacher: any AudioModel, options: FullTrackOptions, optimizations: InferenceOptimizations? = nil,
                commitEvery: Int = 16, shardIndex: Int = 0, shardCount: Int = 1,
                granularity: PseudoLabelGranularity = .track, round: Int = 1, frameDirectory: URL? = nil,
                keyConsistency: KeyConsistencyCheck? = nil) throws {
        teacher.eval()
        self.frameDirectory = frameDirectory
        if let check = keyConsistency {
            guard let spec = teacher.tasks.first(where: { $0.name == check.task }) else {
                throw PipelineError.invalidConfig(key: "pseudo_labels.key_consistency.task", reason: "the teacher has no task \(check.task)")
            }
            guard teacher.transposesInput else {
                throw PipelineError.invalidConfig(key: "pseudo_labels.key_consistency", reason: "the teacher cannot transpose its pitch input (it needs a constant-Q key network: schedule.variant front_ends key: constant_q)")
            }
            let shifts = check.semitones.filter { $0 != 0 }
            guard let low = shifts.min(), let high = shifts.max() else {
                throw PipelineError.invalidConfig(key: "pseudo_labels.key_consistency.semitones", reason: "name at least one transposition other than 0")
            }
            let all = try KeyTransposition(task: check.task, semitones: low...high, probability: 1).classMaps(for: spec)
            self.keyConsistency = (spec, all.filter { shifts.contains($0.key) })
        } else {
            self.keyConsistency = nil
        }
        var options = options
        if granularity == .segment { options.keepChunkPredictions = true }
        self.granularity = granularity
        self.round = round
        predictor = try FullTrackPredictor(model: teacher, options: options, optimizations: optimizations)
        self.commitEvery = Swift.max(1, commitEvery)
        self.shardIndex = shardIndex
        self.shardCount = Swift.max(1, shardCount)
    }

    /// The tracks of `pool` this labeler is responsible for.
    public func shard(of pool: [PoolTrack]) -> [PoolTrack] {
        pool.filter { Int(($0.id % Int64(shardCount) + Int64(shardCount)) % Int64(shardCount)) == shardIndex }
    }

    /// Labels the pool for `run` into `store`; `progress` is called after each track.
    public func label(pool: [PoolTrack], run: Int64, store: any PseudoLabelStore,
                      progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> PseudoLabelReport {
        // Time-aligned tasks are labelled only where their frames have somewhere to go.
        let tasks = predictor.model.tasks.filter { !$0.kind.isTimeAligned || frameDirectory != nil }
        let clipTasks = tasks.filter { !$0.kind.isTimeAligned }
        let frameTasks = tasks.filter(\.kind.isTimeAligned)
        let mine = shard(of: pool)
        let done = try store.labeledTrackIDs(run: run, tasks: tasks)
        var report = PseudoLabelReport()
        report.tracksInPool = mine.count
        report.alreadyLabeled = mine.filter { done.contains($0.id) }.count
        let todo = mine.filter { !done.contains($0.id) }
        let start = DispatchTime.now().uptimeNanoseconds
        let transposed = try await transposedKeyRows(todo)
        var pending: [PseudoLabel] = []
        var pendingFrames: [FrameLabel] = []
        var pendingFailures: [PseudoLabelFailure] = []
        // Decoding runs ahead of the model across tracks (`FullTrackPredictor.predict(paths:)`).
        try await predictor.predict(paths: todo.map(\.path)) { i, outcome in
            let track = todo[i]
            do {
                let prediction = try outcome.get()
                var checked = 0, kept = 0
                // Whether a key row (chunk `index`, or 0 for the track) survives the consistency check.
                func keep(_ task: TaskSpec, _ index: Int, _ row: [Float]) -> Bool {
                    guard let (spec, maps) = keyConsistency, spec.name == task.name else { return true }
                    checked += 1
                    let agrees = Self.agrees(row, maps: maps, transposed: transposed, track: track.id, index: index)
                    if agrees { kept += 1 }
                    return agrees
                }
                let labels = granularity == .segment ? segmentLabels(prediction, track: track.id, tasks: clipTasks, keep: keep)
                    : clipTasks.compactMap { task in
                        prediction.values[task.name].flatMap { row in
                            keep(task, 0, row) ? PseudoLabel(trackId: track.id, task: task.name, probabilities: row) : nil
                        }
                    }
                report.consistencyChecked += checked
                report.consistencyKept += kept
                var trackReport = report
                let frames = try frameLabels(prediction, track: track.id, tasks: frameTasks, report: &trackReport)
                report = trackReport
                pending += labels
                pendingFrames += frames
                report.labeled += 1
                report.audioSeconds += prediction.duration
                report.add(labels, tasks: clipTasks)
            } catch {
                report.failed[track.path] = "\(error)"
                pendingFailures.append(PseudoLabelFailure(trackId: track.id, path: track.path, error: "\(error)"))
            }
            if (i + 1) % commitEvery == 0 || i + 1 == todo.count {
                if !pending.isEmpty || !pendingFrames.isEmpty || !pendingFailures.isEmpty {
                    try store.store(pending, frames: pendingFrames, failures: pendingFailures, run: run, tasks: tasks)
                }
                pending.removeAll(keepingCapacity: true)
                pendingFrames.removeAll(keepingCapacity: true)
                pendingFailures.removeAll()
            }
            progress?(i + 1, todo.count)
        }
        report.wallSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return report
    }

    /// Writes the track's frames of `tasks` to its file and returns the rows naming it (none when
    /// there are no time-aligned tasks).
    func frameLabels(_ prediction: TrackPrediction, track: Int64, tasks: [TaskSpec],
                     report: inout PseudoLabelReport) throws -> [FrameLabel] {
        guard let frameDirectory, !tasks.isEmpty else { return [] }
        guard let all = prediction.frames, let rate = prediction.frameRate else {
            throw PipelineError.invalidConfig(key: "pseudo_labels", reason: "the teacher gave no frames for \(tasks.map(\.name))")
        }
        let url = FrameLabelFile.url(directory: frameDirectory, trackId: track)
        var frames: [String: [Float]] = [:]
        var labels: [FrameLabel] = []
        for task in tasks {
            guard let values = all[task.name] else {
                throw PipelineError.invalidConfig(key: "pseudo_labels", reason: "the teacher gave no frames for task \(task.name)")
            }
            frames[task.name] = values
            let confidence = report.addFrames(values, task: task)
            labels.append(FrameLabel(trackId: track, task: task.name, path: url.path, frameRate: Double(rate),
                                     frameCount: values.count / Swift.max(1, task.classes.count), confidence: confidence, round: round))
        }
        try FrameLabelFile.write(frames, classes: Dictionary(uniqueKeysWithValues: tasks.map { ($0.name, $0.classes.count) }),
                                 frameRate: rate, trackId: track, round: round, to: url)
        return labels
    }

    /// The key task's rows (per chunk with segment granularity, else the track's one row) of the
    /// teacher on each transposed copy of `tracks`: transposition → track → rows. Empty without
    /// the check. A track that fails here has no rows, so none of its key labels is kept.
    func transposedKeyRows(_ tracks: [PoolTrack]) async throws -> [Int: [Int64: [[Float]]]] {
        guard let (spec, maps) = keyConsistency, !tracks.isEmpty else { return [:] }
        var result: [Int: [Int64: [[Float]]]] = [:]
        let model = predictor.model
        defer { model.evaluationTransposition = nil }
        for shift in maps.keys.sorted() {
            model.evaluationTransposition = shift
            var rows: [Int64: [[Float]]] = [:]
            try await predictor.predict(paths: tracks.map(\.path)) { i, outcome in
                guard let prediction = try? outcome.get() else { return }
                rows[tracks[i].id] = granularity == .segment ? prediction.chunkValues[spec.name] ?? []
                    : prediction.values[spec.name].map { [$0] } ?? []
            }
            result[shift] = rows
        }
        return result
    }

    /// Whether every transposed copy's top key, moved back, is `row`'s top key.
    static func agrees(_ row: [Float], maps: [Int: [Int]], transposed: [Int: [Int64: [[Float]]]], track: Int64,
                       index: Int) -> Bool {
        guard let top = LabelValue.probabilities(row).argmax else { return false }
        for (shift, map) in maps {
            guard let rows = transposed[shift]?[track], index < rows.count, map.count == row.count,
                  let moved = LabelValue.probabilities(rows[index]).argmax else { return false }
            if moved != map[top] { return false }
        }
        return true
    }

    /// One label per chunk and task, with the chunk's window (its audio, without padding); rows
    /// that `keep` refuses (the consistency check) are left out.
    func segmentLabels(_ prediction: TrackPrediction, track: Int64, tasks: [TaskSpec],
                       keep: (TaskSpec, Int, [Float]) -> Bool = { _, _, _ in true }) -> [PseudoLabel] {
        let rate = Double(prediction.sampleRate)
        var labels: [PseudoLabel] = []
        for (i, chunk) in prediction.chunks.enumerated() where chunk.audioSamples > 0 {
            let segment = TrackSegment(start: Double(chunk.start) / rate, duration: Double(chunk.audioSamples) / rate)
            for task in tasks {
                guard let rows = prediction.chunkValues[task.name], i < rows.count, keep(task, i, rows[i]) else { continue }
                labels.append(PseudoLabel(trackId: track, task: task.name, probabilities: rows[i], segment: segment, round: round))
            }
        }
        return labels
    }
}
