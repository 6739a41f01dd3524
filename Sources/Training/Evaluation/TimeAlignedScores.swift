import MusicTasks

/// Whole-track scores of one time-aligned task, the mean over tracks: the frame posteriors are
/// decoded (``TimeAlignedDecoding``) and scored as mir_eval scores them: beat F-measure at ±70 ms, CMLt and
/// AMLt (`beat_f_measure`, `beat_cmlt`, `beat_amlt`) and the downbeat F-measure
/// (`downbeat_f_measure`), all after mir_eval's 5-s trimming; chords by the weighted overlap of
/// root, majmin and mirex (`chord_root`, `chord_majmin`, `chord_mirex`).
public struct TimeAlignedScores: Sendable {
    public let task: TaskSpec
    private var sums: [String: Double] = [:]
    private var counts: [String: Int] = [:]

    public init(task: TaskSpec) { self.task = task }

    /// Scores one track: its frames (frames × classes) at `frameRate` against its label.
    public mutating func add(frames: [Float], frameRate: Int, reference: LabelValue) throws {
        let decoded = try TimeAlignedDecoding.decode(frames, task: task, frameRate: frameRate)
        switch (task.kind, reference, decoded) {
        case (.events, .events(let events), .events(let estimate)):
            let beats = try BeatScores.evaluate(reference: events.map(\.time), estimate: estimate.map(\.time))
            note("beat_f_measure", beats.fMeasure)
            note("beat_cmlt", beats.continuity.cmlT)
            note("beat_amlt", beats.continuity.amlT)
            if try TimeAlignedDecoding.eventRoles(task).contains(.downbeat), events.contains(where: { $0.position != nil }) {
                let downbeats = try BeatScores.downbeatFMeasure(reference: events.filter(\.isDownbeat).map(\.time),
                                                                estimate: estimate.filter(\.isDownbeat).map(\.time))
                note("downbeat_f_measure", downbeats.fMeasure)
            }
        case (.segments, .segments(let segments), .segments(let estimate)):
            let scores = try ChordScores.evaluate(reference: try Self.chords(segments, task: task),
                                                  estimate: try Self.chords(estimate, task: task))
            note("chord_root", scores.root)
            note("chord_majmin", scores.majmin)
            note("chord_mirex", scores.mirex)
        default:
            throw TrainingError.invalidConfig(key: "tasks", reason: "task \(task.name) (\(task.kind)) has a \(reference) label")
        }
    }

    /// Mean per metric over the tracks scored, named `<task>/<metric>`.
    public var metrics: [String: Double] {
        var result: [String: Double] = [:]
        for (name, sum) in sums { result["\(task.name)/\(name)"] = sum / Double(counts[name] ?? 1) }
        return result
    }

    private mutating func note(_ name: String, _ value: Double) {
        sums[name, default: 0] += value
        counts[name, default: 0] += 1
    }

    static func chords(_ segments: [TimedSegment], task: TaskSpec) throws -> [ChordSegment] {
        try segments.map { segment in
            do {
                return ChordSegment(start: segment.start, end: segment.end, chord: try ChordSymbol(parsing: segment.label))
            } catch {
                throw TrainingError.invalidConfig(key: "tasks", reason: "task \(task.name): \"\(segment.label)\" at \(segment.start) s is not a chord symbol, and only chord tasks are scored (\(error))")
            }
        }
    }
}
