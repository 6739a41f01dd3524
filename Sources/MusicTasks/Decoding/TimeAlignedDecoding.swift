/// The one reading of a time-aligned task's frame probabilities as a label, used by the test
/// metrics and by `crescendo predict`: beats and downbeats by the bar-pointer DBN
/// (``DBNDownbeatDecoder``; ``DBNBeatDecoder`` for a task without a downbeat class), chords by HMM
/// smoothing over the task's classes (``ChordDecoder``).
public enum TimeAlignedDecoding {
    /// What a class of an `events` task marks.
    public enum EventRole: Sendable { case beat, downbeat }

    /// The role of each class of an `events` task: `beat` (every event) or `downbeat` (bar
    /// position 1); any other class name is refused.
    public static func eventRoles(_ task: TaskSpec) throws(TaskError) -> [EventRole] {
        var roles: [EventRole] = []
        for name in task.classes {
            switch name.lowercased() {
            case "beat", "beats": roles.append(.beat)
            case "downbeat", "downbeats": roles.append(.downbeat)
            default:
                throw .invalidTask(name: task.name, reason: "class \"\(name)\" of an events task must be beat or downbeat")
            }
        }
        return roles
    }

    /// The label `frames` (frames × classes, row-major, at `frameRate`) decode to.
    public static func decode(_ frames: [Float], task: TaskSpec, frameRate: Int) throws(TaskError) -> LabelValue {
        let classes = task.classes.count, fps = Double(frameRate)
        guard classes > 0, frames.count % classes == 0, frameRate > 0 else {
            throw .invalidDecoding(reason: "task \(task.name): \(frames.count) frame values for \(classes) classes at \(frameRate) fps")
        }
        func column(_ c: Int) -> [Float] { stride(from: c, to: frames.count, by: classes).map { frames[$0] } }
        switch task.kind {
        case .events:
            let roles = try eventRoles(task)
            if let b = roles.firstIndex(of: .beat), let d = roles.firstIndex(of: .downbeat) {
                // The `beat` class marks every event, downbeats included (FrameTargets).
                let decoder = try DBNDownbeatDecoder(fps: fps, options: .init(beatIncludesDownbeats: true))
                return .events(try decoder.decode(beat: column(b), downbeat: column(d)))
            }
            guard let b = roles.firstIndex(of: .beat) else {
                throw .invalidDecoding(reason: "task \(task.name) has no beat class to decode")
            }
            return .events(try DBNBeatDecoder(fps: fps).decode(column(b)))
        case .segments:
            return .segments(try ChordDecoder(fps: fps, labels: task.classes).decode(frames))
        case .multiLabel, .multiClass, .regression:
            throw .invalidDecoding(reason: "task \(task.name) is \(task.kind), not time-aligned")
        }
    }
}
