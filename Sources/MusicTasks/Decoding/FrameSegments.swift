// Runs of equal frame classes as labelled time spans.

/// Turns a class per frame into ``TimedSegment``s: each run of equal classes becomes one
/// segment, frame `i` covering `[i / fps, (i + 1) / fps)`, so the last segment ends at
/// `frames / fps`.
public enum FrameSegments {
    /// The merged segments of `path`, labelled from `labels`.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if `fps` is not positive and finite
    ///   or a class has no label.
    public static func segments(path: [Int], labels: [String], fps: Double) throws(TaskError) -> [TimedSegment] {
        try DecodingChecks.frameRate(fps)
        if let bad = path.firstIndex(where: { !labels.indices.contains($0) }) {
            throw .invalidDecoding(reason: "frame \(bad) has class \(path[bad]), outside the \(labels.count) labels")
        }
        guard !path.isEmpty else { return [] }
        var segments: [TimedSegment] = []
        var runStart = 0
        for frame in 1...path.count where frame == path.count || path[frame] != path[runStart] {
            segments.append(TimedSegment(
                start: Double(runStart) / fps, end: Double(frame) / fps, label: labels[path[runStart]]))
            runStart = frame
        }
        return segments
    }
}
