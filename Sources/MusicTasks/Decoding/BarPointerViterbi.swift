// Viterbi decoding of the bar-pointer HMM, touching only the chains' ends each frame.

import Foundation

/// The most likely state sequence of a ``BarPointerModel`` given ``BeatObservations``.
///
/// The recursion is that of madmom's `HiddenMarkovModel.viterbi` on the same model (uniform
/// initial distribution, the transition applied from it at the first frame, the first best
/// predecessor and final state on ties), computed without visiting every state each frame:
///
/// * A state inside a chain has one predecessor, the state before it, with probability 1.
///   So the score of position `j` of a chain at frame `t` is the score with which the chain
///   was entered at frame `t − j` plus the observation densities of the frames since, which
///   prefix sums of the per-frame densities give in O(1). Only the chains' first states
///   choose among predecessors (the last states of the previous beat's chains).
/// * Each frame therefore reads, per chain, the entry score of `k` frames ago (to know its
///   last state's score) and writes its new entry score: a ring of `k` entry scores per
///   chain of period `k`, as many numbers as states, read and written at the same slot.
///   Entries before the first frame are the initial `log(1 / states)`.
/// * Back-pointers are kept for the first states only (a period index, 16 bits):
///   `frames × beatsPerBar × periods` instead of madmom's `frames × states` 32-bit pointers.
///
/// Work per frame is one step per tempo transition plus a few per chain, against one per
/// state and transition for a plain sparse Viterbi. Sums are in `Double`; they equal the
/// step-by-step recursion up to rounding (a few ulps of the path score), so a path may part
/// from madmom's only where two paths tie within that.
enum BarPointerViterbi {
    /// One frame of the decoded path.
    struct Step: Sendable, Equatable {
        /// Beat of the bar, from 0.
        var beat: Int
        /// Index into the model's periods.
        var period: Int
        /// Frames since the beat began.
        var position: Int
    }

    /// The best path and its log probability; nil for no frames.
    static func decode(_ model: BarPointerModel, _ observations: BeatObservations) -> (path: [Step], logProbability: Double)? {
        let frames = observations.frameCount
        guard frames > 0 else { return nil }
        let beats = model.beatsPerBar
        let periodCount = model.periods.count
        let chains = beats * periodCount
        let initial = log(1 / Double(model.stateCount))
        // Prefix sums: sum of densities over frames (u, t] = c[t + 1] − c[max(u + 1, 0)],
        // frames before 0 contributing nothing.
        let nonBeat = prefixSums(observations.nonBeat)
        let beat = prefixSums(observations.beat)
        let downbeat = model.separateDownbeat ? prefixSums(observations.downbeat) : beat
        // Ring of entry scores per chain, chain (b, i) at ring offset b × beatStates + offsets[i].
        var rings = [Double](repeating: initial, count: model.stateCount)
        var lastScores = [Double](repeating: 0, count: chains)
        var pointers = [UInt16](repeating: 0, count: frames * chains)

        model.periods.withUnsafeBufferPointer { periods in
        model.offsets.withUnsafeBufferPointer { offsets in
        model.beatRange.withUnsafeBufferPointer { beatRange in
        model.transitions.start.withUnsafeBufferPointer { start in
        model.transitions.from.withUnsafeBufferPointer { from in
        model.transitions.logProbability.withUnsafeBufferPointer { logProbability in
        nonBeat.withUnsafeBufferPointer { nonBeat in
        beat.withUnsafeBufferPointer { beatSums in
        downbeat.withUnsafeBufferPointer { downbeatSums in
        rings.withUnsafeMutableBufferPointer { rings in
        lastScores.withUnsafeMutableBufferPointer { lastScores in
        pointers.withUnsafeMutableBufferPointer { pointers in
            for frame in 0..<frames {
                // Scores of the last states at frame − 1 (for frame 0: the initial scores).
                for b in 0..<beats {
                    let onsetSums = model.separateDownbeat && b == 0 ? downbeatSums : beatSums
                    for i in 0..<periodCount {
                        let k = periods[i]
                        let chain = b * periodCount + i
                        let entered = frame - k
                        let entry = rings[b * model.beatStates + offsets[i] + frame % k]
                        guard frame > 0 else {
                            lastScores[chain] = initial
                            continue
                        }
                        // Positions 1 ..< beatRange observe the onset, the rest the non-beat density.
                        let onsetEnd = entered + beatRange[i]
                        lastScores[chain] = entry
                            + (onsetSums[clamp(onsetEnd, frame)] - onsetSums[clamp(entered + 1, frame)])
                            + (nonBeat[frame] - nonBeat[clamp(onsetEnd, frame)])
                    }
                }
                // New entries: the best last state of the previous beat, then the onset density.
                for b in 0..<beats {
                    let onsetSums = model.separateDownbeat && b == 0 ? downbeatSums : beatSums
                    let onset = onsetSums[frame + 1] - onsetSums[frame]
                    let sources = (b + beats - 1) % beats * periodCount
                    for i in 0..<periodCount {
                        var bestScore = -Double.infinity
                        var best = 0
                        for entry in start[i]..<start[i + 1] {
                            let score = lastScores[sources + from[entry]] + logProbability[entry]
                            if score > bestScore {
                                bestScore = score
                                best = from[entry]
                            }
                        }
                        let chain = b * periodCount + i
                        pointers[frame * chains + chain] = UInt16(truncatingIfNeeded: best)
                        rings[b * model.beatStates + offsets[i] + frame % periods[i]] = bestScore + onset
                    }
                }
            }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }

        // Scores of every state at the last frame, in state order; the first best wins.
        let last = frames - 1
        var bestState = (beat: 0, period: 0, position: 0)
        var bestScore = -Double.infinity
        for b in 0..<beats {
            let onsetSums = model.separateDownbeat && b == 0 ? downbeat : beat
            for i in 0..<periodCount {
                let k = model.periods[i]
                for position in 0..<k {
                    let entered = last - position
                    let entry = entered < 0 ? initial : rings[b * model.beatStates + model.offsets[i] + entered % k]
                    let onsetEnd = entered + min(position + 1, model.beatRange[i])
                    let score = entry
                        + (onsetSums[clamp(onsetEnd, last + 1)] - onsetSums[clamp(entered + 1, last + 1)])
                        + (nonBeat[last + 1] - nonBeat[clamp(onsetEnd, last + 1)])
                    if score > bestScore {
                        bestScore = score
                        bestState = (b, i, position)
                    }
                }
            }
        }
        guard bestScore > -Double.infinity else { return nil }
        var path = [Step](repeating: Step(beat: 0, period: 0, position: 0), count: frames)
        var (b, i, position) = bestState
        for frame in stride(from: last, through: 0, by: -1) {
            path[frame] = Step(beat: b, period: i, position: position)
            if position > 0 {
                position -= 1
            } else {
                i = Int(pointers[frame * chains + b * periodCount + i])
                b = (b + beats - 1) % beats
                position = model.periods[i] - 1
            }
        }
        return (path, bestScore)
    }

    /// `[0, d0, d0 + d1, …]`.
    static func prefixSums(_ values: [Double]) -> [Double] {
        var sums = [Double](repeating: 0, count: values.count + 1)
        for (index, value) in values.enumerated() { sums[index + 1] = sums[index] + value }
        return sums
    }

    /// A prefix-sum index for "after frame `index − 1`", kept within `0 ... upper`.
    @inline(__always)
    static func clamp(_ index: Int, _ upper: Int) -> Int { min(max(index, 0), upper) }
}
