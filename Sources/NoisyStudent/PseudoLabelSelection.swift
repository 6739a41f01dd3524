import Models
import MusicTasks
import Training

/// Turns stored pseudo-labels into the student's pseudo-labeled examples: confidence filter,
/// soft or hard targets, and (for a multi-class task) class balancing.
public struct PseudoLabelSelection: Sendable {
    public var options: PseudoLabelOptions
    public var tasks: [TaskSpec]

    public init(options: PseudoLabelOptions, tasks: [TaskSpec]) {
        self.options = options
        self.tasks = tasks
    }

    /// What the selection kept and dropped, for the report.
    public struct Summary: Sendable, Equatable, Codable {
        public var candidates = 0
        public var belowThreshold = 0
        /// Tracks left with no task after `tasks` and `task_thresholds`.
        public var withoutTasks = 0
        /// Pseudo-labels kept per task (after the per-task filters, before balancing).
        public var taskCounts: [String: Int] = [:]
        public var selected = 0
        public var duplicated = 0
        public var droppedByBalancing = 0
        /// Selected examples per class of the balanced (or first multi-class) task.
        public var classCounts: [String: Int] = [:]
        /// Candidates dropped by `top_fraction_per_class`.
        public var droppedByFraction = 0
        /// Per class of the balancing task: the fraction of its candidates kept by the threshold
        /// and the top fraction (before balancing duplicates or drops any).
        public var keptFractionPerClass: [String: Double] = [:]
        /// Mean confidence of the kept candidates (before balancing).
        public var meanConfidence: Double?
        /// Per time-aligned task: the frame-level pseudo-labels read and the frames kept.
        public var frames: [String: FramePseudoTargets.Statistics] = [:]
        /// The selected key pseudo-labels against the pool renders' true keys
        /// (`splits.pool_truth`): what the student is taught, where it can be checked.
        public var trueKeys: PoolTruthScores?
        /// Per multi-label task with a class floor (`class_confidence`): the share of its
        /// (example, class) targets the student learns; the rest are left out of the loss.
        public var learntClassShare: [String: Double] = [:]

        public init() {}

        // Records written before a field existed decode with its default.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            candidates = try c.decodeIfPresent(Int.self, forKey: .candidates) ?? 0
            belowThreshold = try c.decodeIfPresent(Int.self, forKey: .belowThreshold) ?? 0
            withoutTasks = try c.decodeIfPresent(Int.self, forKey: .withoutTasks) ?? 0
            taskCounts = try c.decodeIfPresent([String: Int].self, forKey: .taskCounts) ?? [:]
            selected = try c.decodeIfPresent(Int.self, forKey: .selected) ?? 0
            duplicated = try c.decodeIfPresent(Int.self, forKey: .duplicated) ?? 0
            droppedByBalancing = try c.decodeIfPresent(Int.self, forKey: .droppedByBalancing) ?? 0
            classCounts = try c.decodeIfPresent([String: Int].self, forKey: .classCounts) ?? [:]
            droppedByFraction = try c.decodeIfPresent(Int.self, forKey: .droppedByFraction) ?? 0
            keptFractionPerClass = try c.decodeIfPresent([String: Double].self, forKey: .keptFractionPerClass) ?? [:]
            meanConfidence = try c.decodeIfPresent(Double.self, forKey: .meanConfidence)
            frames = try c.decodeIfPresent([String: FramePseudoTargets.Statistics].self, forKey: .frames) ?? [:]
            trueKeys = try c.decodeIfPresent(PoolTruthScores.self, forKey: .trueKeys)
            learntClassShare = try c.decodeIfPresent([String: Double].self, forKey: .learntClassShare) ?? [:]
        }
    }

    /// The pseudo-labels of one example, per task: a whole track, or one segment of it.
    public struct Group: Sendable, Equatable {
        public var trackId: Int64
        public var segment: TrackSegment?
        public var labels: [String: PseudoLabel]

        public init(trackId: Int64, segment: TrackSegment?, labels: [String: PseudoLabel]) {
            self.trackId = trackId
            self.segment = segment
            self.labels = labels
        }
    }

    /// Segment labels grouped into one example per (track, segment start), in track and time order.
    public static func groups(segments: [PseudoLabel]) -> [Group] {
        var order: [Int64: [Double]] = [:]
        var byKey: [Int64: [Double: Group]] = [:]
        for label in segments {
            guard let segment = label.segment else { continue }
            if byKey[label.trackId]?[segment.start] == nil {
                order[label.trackId, default: []].append(segment.start)
                byKey[label.trackId, default: [:]][segment.start] = Group(trackId: label.trackId, segment: segment, labels: [:])
            }
            byKey[label.trackId]?[segment.start]?.labels[label.task] = label
        }
        return order.keys.sorted().flatMap { id in (order[id] ?? []).sorted().compactMap { byKey[id]?[$0] } }
    }

    /// Selects examples from `labels` (per track: per task), given each track's path and duration.
    /// The balancing task is the first multi-class task; confidence is that task's, else the mean
    /// over tasks.
    public func select(_ labels: [Int64: [String: PseudoLabel]], tracks: [Int64: (path: String, duration: Double)])
        -> (examples: [LabeledTrack], summary: Summary) {
        select(groups: labels.keys.sorted().compactMap { id in labels[id].map { Group(trackId: id, segment: nil, labels: $0) } },
               tracks: tracks)
    }

    /// Selects examples from per-example label groups (tracks or segments); a segment's example
    /// is cropped inside its segment. `frames` are the tracks' frame-level targets: every
    /// example of a track carries them (a segment's crop takes the frames it covers), and a
    /// track with frame targets but no clip-level label becomes one whole-track example.
    public func select(groups: [Group], tracks: [Int64: (path: String, duration: Double)],
                       frames: [Int64: FramePseudoTargets] = [:]) -> (examples: [LabeledTrack], summary: Summary) {
        var summary = Summary()
        let grouped = Set(groups.map(\.trackId))
        let groups = groups + frames.keys.filter { !grouped.contains($0) }.sorted()
            .map { Group(trackId: $0, segment: nil, labels: [:]) }
        let balanceTask = tasks.first { $0.kind == .multiClass }
        var candidates: [(track: LabeledTrack, confidence: Double, topClass: Int?)] = []
        var classCandidates: [Int: Int] = [:]
        var classTally: [String: (learnt: Float, all: Int)] = [:]
        for group in groups {
            let id = group.trackId, perTask = group.labels
            guard let info = tracks[id] else { continue }
            summary.candidates += 1
            var targets: [String: LabelValue] = [:]
            var classMasks: [String: [Float]] = [:]
            var confidences: [Double] = []
            for task in tasks {
                guard let label = perTask[task.name] else { continue }
                let taskConfidence = label.confidence(kind: task.kind)
                guard options.uses(task: task.name, confidence: taskConfidence) else { continue }
                let mask = task.kind == .multiLabel ? options.classMask(task: task.name, probabilities: label.probabilities) : nil
                if let mask {
                    let learnt = mask.reduce(0, +)
                    classTally[task.name, default: (0, 0)].learnt += learnt
                    classTally[task.name, default: (0, 0)].all += mask.count
                    // Sure of no class: nothing of this task to learn from the example.
                    guard learnt > 0 else { continue }
                    if learnt < Float(mask.count) { classMasks[task.name] = mask }
                }
                confidences.append(taskConfidence)
                targets[task.name] = target(label, task: task)
            }
            let frameTargets = frames[id] ?? FramePseudoTargets()
            let clipOnlyTargets = targets.count
            targets.merge(frameTargets.decoded) { clip, _ in clip }
            guard !targets.isEmpty || !frameTargets.isEmpty else {
                summary.withoutTasks += 1
                continue
            }
            let confidence: Double
            if let b = balanceTask, targets[b.name] != nil, let l = perTask[b.name] { confidence = l.confidence(kind: .multiClass) }
            else if clipOnlyTargets > 0 { confidence = confidences.reduce(0, +) / Double(confidences.count) }
            else { confidence = frameTargets.confidence }
            let top = balanceTask.flatMap { targets[$0.name] != nil ? perTask[$0.name]?.topClass : nil }
            if let top { classCandidates[top, default: 0] += 1 }
            if confidence < options.confidenceThreshold {
                summary.belowThreshold += 1
                continue
            }
            candidates.append((LabeledTrack(id: id, path: info.path, duration: info.duration, targets: targets,
                                            weight: Float(options.weight), segment: group.segment,
                                            softFrameTargets: frameTargets.posteriors, classMasks: classMasks), confidence, top))
        }
        for (task, tally) in classTally where tally.all > 0 {
            summary.learntClassShare[task] = Double(tally.learnt) / Double(tally.all)
        }
        if let fraction = options.topFractionPerClass, let task = balanceTask {
            candidates = topFraction(candidates, fraction: fraction, classes: task.classes.count, summary: &summary)
        }
        for candidate in candidates {
            for name in Set(candidate.track.targets.keys).union(candidate.track.softFrameTargets.keys) {
                summary.taskCounts[name, default: 0] += 1
            }
        }
        if !candidates.isEmpty {
            summary.meanConfidence = candidates.reduce(0) { $0 + $1.confidence } / Double(candidates.count)
        }
        if let task = balanceTask {
            for (c, total) in classCandidates where total > 0 {
                summary.keptFractionPerClass[task.classes[c]] = Double(candidates.filter { $0.topClass == c }.count) / Double(total)
            }
        }
        var selected: [LabeledTrack]
        if let perClass = options.balancePerClass, let task = balanceTask, perClass > 0 {
            selected = []
            for c in task.classes.indices {
                let members = candidates.filter { $0.topClass == c }.sorted {
                    if $0.confidence != $1.confidence { return $0.confidence > $1.confidence }
                    if $0.track.id != $1.track.id { return $0.track.id < $1.track.id }
                    return ($0.track.segment?.start ?? 0) < ($1.track.segment?.start ?? 0)
                }
                guard !members.isEmpty else { continue }
                if members.count >= perClass {
                    selected += members.prefix(perClass).map(\.track)
                    summary.droppedByBalancing += members.count - perClass
                } else {
                    for i in 0..<perClass { selected.append(members[i % members.count].track) }
                    summary.duplicated += perClass - members.count
                }
            }
        } else {
            selected = candidates.map(\.track)
        }
        summary.selected = selected.count
        if let task = balanceTask {
            for t in selected {
                if let c = t.targets[task.name]?.argmax {
                    summary.classCounts[task.classes[c], default: 0] += 1
                }
            }
        }
        return (selected, summary)
    }

    /// The most confident `fraction` of each class's candidates (at least one per class that has
    /// any); candidates without the balancing task's label stay. Order is kept.
    func topFraction(_ candidates: [(track: LabeledTrack, confidence: Double, topClass: Int?)], fraction: Double, classes: Int,
                     summary: inout Summary) -> [(track: LabeledTrack, confidence: Double, topClass: Int?)] {
        var keep = Set(candidates.indices.filter { candidates[$0].topClass == nil })
        for c in 0..<classes {
            let members = candidates.indices.filter { candidates[$0].topClass == c }
                .sorted { candidates[$0].confidence != candidates[$1].confidence ? candidates[$0].confidence > candidates[$1].confidence : $0 < $1 }
            guard !members.isEmpty else { continue }
            let kept = Swift.max(1, Int((fraction * Double(members.count)).rounded(.up)))
            keep.formUnion(members.prefix(kept))
            summary.droppedByFraction += members.count - kept
        }
        return candidates.indices.filter { keep.contains($0) }.map { candidates[$0] }
    }

    func target(_ label: PseudoLabel, task: TaskSpec) -> LabelValue? {
        task.kind.label(fromPredictions: label.probabilities, soft: options.soft)
    }
}
