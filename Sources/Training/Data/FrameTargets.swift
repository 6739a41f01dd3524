import MusicTasks

/// The frame-level targets of a time-aligned label for the window a model sees: a
/// (frames × classes) row-major target and a (frames) mask, frame i centred at
/// `offset + i · timeScale / frameRate` seconds of the track (`timeScale` ≠ 1: a clip whose
/// tempo the loader changed, ``TempoAugmentation``).
///
/// - `events` tasks: the classes name event types — `beat` (every event) and `downbeat`
///   (events at bar position 1). The frame nearest an event gets 1 and its two neighbours 0.5
///   unless an event of their own gives them 1 (the widened targets of Böck et al.'s beat
///   trackers, which tolerate the annotation's ±20 ms). A `downbeat` class needs bar positions:
///   a label without any is masked out entirely rather than taught "no downbeat anywhere".
/// - `segments` tasks: a frame takes the class of the span that covers its centre: the chord
///   vocabulary's reduction (``MajorMinorChords``) when the task's classes are that vocabulary,
///   otherwise the class named exactly like the label. Frames no span covers, or whose label
///   has no class (`X`, `C:dim` in the major/minor vocabulary), are masked out.
/// - Frames past the end of the track (the loader's zero padding) are masked out.
public enum FrameTargets {
    public static func make(_ value: LabelValue, task: TaskSpec, offset: Double, frames: Int, frameRate: Int,
                            trackDuration: Double, timeScale: Double = 1) throws -> (target: [Float], mask: [Float]) {
        let classes = task.classes.count
        var target = [Float](repeating: 0, count: frames * classes)
        var mask = [Float](repeating: 1, count: frames)
        // Clip frames per track second: the frame rate, slowed or sped up by the tempo change.
        let rate = Double(frameRate) / timeScale
        for f in 0..<frames where offset + Double(f) / rate > trackDuration { mask[f] = 0 }
        switch (task.kind, value) {
        case (.events, .events(let events)):
            let roles = try TimeAlignedDecoding.eventRoles(task)
            if roles.contains(.downbeat), !events.contains(where: { $0.position != nil }) {
                return (target, [Float](repeating: 0, count: frames))
            }
            for (c, role) in roles.enumerated() {
                for event in events where role == .beat || event.isDownbeat {
                    let centre = Int(((event.time - offset) * rate).rounded())
                    for (f, weight) in [(centre - 1, Float(0.5)), (centre, 1), (centre + 1, 0.5)] where (0..<frames).contains(f) {
                        target[f * classes + c] = Swift.max(target[f * classes + c], weight)
                    }
                }
            }
        case (.segments, .segments(let segments)):
            let vocabulary = task.classes == MajorMinorChords.classNames
            let index = task.classIndex
            // Each span's class once, not once per frame it covers.
            let spanClasses = segments.map { vocabulary ? (try? MajorMinorChords.classIndex(label: $0.label)) ?? nil : index[$0.label] }
            var s = 0
            for f in 0..<frames {
                let time = offset + Double(f) / rate
                while s < segments.count, segments[s].end <= time { s += 1 }
                guard s < segments.count, segments[s].start <= time else { mask[f] = 0; continue }
                guard let c = spanClasses[s] else { mask[f] = 0; continue }
                target[f * classes + c] = 1
            }
        default:
            throw TaskError.targetKind(task: task.name, kind: task.kind, value: "\(value)")
        }
        return (target, mask)
    }
}
