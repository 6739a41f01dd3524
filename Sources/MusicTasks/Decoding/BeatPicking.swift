// From a decoded bar-pointer path to beat frames, and the activation span worth decoding.

enum BeatPicking {
    /// Frames and bar beats (from 0) of the beats on `path`.
    ///
    /// With `correct` (madmom's `correct=True`, its default), each run of consecutive frames
    /// in beat states yields one beat at the frame of the highest `strength` in the run (the
    /// first on ties); a run is also cut where a new beat starts (possible only at a one-frame
    /// period, where every state is a beat state). Without it, a beat is every frame that
    /// enters a beat's first state.
    static func beats(
        path: [BarPointerViterbi.Step], model: BarPointerModel, correct: Bool, strength: (Int) -> Float
    ) -> [(frame: Int, beat: Int)] {
        guard correct else {
            return path.indices.filter { path[$0].position == 0 }.map { ($0, path[$0].beat) }
        }
        var beats: [(frame: Int, beat: Int)] = []
        var frame = 0
        while frame < path.count {
            guard path[frame].position < model.beatRange[path[frame].period] else {
                frame += 1
                continue
            }
            var peak = frame
            var next = frame + 1
            while next < path.count, path[next].position > 0,
                  path[next].position < model.beatRange[path[next].period] {
                if strength(next) > strength(peak) { peak = next }
                next += 1
            }
            beats.append((peak, path[peak].beat))
            frame = next
        }
        return beats
    }

    /// The frames from the first to the last whose activation reaches `threshold` (madmom's
    /// `threshold_activations`); all frames for a threshold of 0 or less. Empty when no frame
    /// reaches it.
    static func span(count: Int, threshold: Float, reaches: (Int) -> Bool) -> Range<Int> {
        guard threshold > 0 else { return 0..<count }
        guard let first = (0..<count).first(where: reaches),
              let last = (0..<count).last(where: reaches) else { return 0..<0 }
        return first..<(last + 1)
    }

    /// Whether `values` carry no beat information: empty, or one value throughout (all zeros
    /// included, which madmom also answers with no beats).
    static func isFlat(_ values: ArraySlice<Float>) -> Bool {
        guard let first = values.first else { return true }
        return values.allSatisfy { $0 == first }
    }
}
