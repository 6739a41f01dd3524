// The bar-pointer Viterbi (chain ends and prefix sums) against a plain state-by-state
// recursion in madmom's order, on small models and random activations.

import Foundation
@testable import MusicTasks
import Testing

/// madmom's `HiddenMarkovModel.viterbi` written out over every state of `model`: each state's
/// predecessors (the state before it in its chain, or the last states of the previous beat's
/// chains through the tempo transitions), `(previous + log transition) + density`, the first
/// best on ties, full back-pointers.
private func referenceViterbi(_ model: BarPointerModel, _ observations: BeatObservations) -> (path: [BarPointerViterbi.Step], logProbability: Double) {
    let states = model.stateCount
    var steps: [BarPointerViterbi.Step] = []
    for beat in 0..<model.beatsPerBar {
        for (period, length) in model.periods.enumerated() {
            for position in 0..<length { steps.append(.init(beat: beat, period: period, position: position)) }
        }
    }
    func index(_ beat: Int, _ period: Int, _ position: Int) -> Int {
        beat * model.beatStates + model.offsets[period] + position
    }
    var previous = [Double](repeating: log(1 / Double(states)), count: states)
    var pointers: [[Int]] = []
    for frame in 0..<observations.frameCount {
        var current = [Double](repeating: -.infinity, count: states)
        var back = [Int](repeating: 0, count: states)
        for (state, step) in steps.enumerated() {
            let onset = step.position < model.beatRange[step.period]
            let density = !onset ? observations.nonBeat[frame]
                : (model.separateDownbeat && step.beat == 0 ? observations.downbeat[frame] : observations.beat[frame])
            if step.position > 0 {
                current[state] = previous[state - 1] + 0 + density
                back[state] = state - 1
                continue
            }
            let source = (step.beat + model.beatsPerBar - 1) % model.beatsPerBar
            let transitions = model.transitions
            for entry in transitions.start[step.period]..<transitions.start[step.period + 1] {
                let from = transitions.from[entry]
                let last = index(source, from, model.periods[from] - 1)
                let score = previous[last] + transitions.logProbability[entry] + density
                if score > current[state] {
                    current[state] = score
                    back[state] = last
                }
            }
        }
        pointers.append(back)
        previous = current
    }
    var state = previous.indices.max { previous[$0] < previous[$1] || (previous[$0] == previous[$1] && $0 > $1) }!
    let logProbability = previous[state]
    var path = [BarPointerViterbi.Step](repeating: steps[0], count: observations.frameCount)
    for frame in stride(from: observations.frameCount - 1, through: 0, by: -1) {
        path[frame] = steps[state]
        state = pointers[frame][state]
    }
    return (path, logProbability)
}

private struct Noise: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}

@Suite struct BarPointerViterbiTests {
    @Test(arguments: [(1, false, 11 as UInt64), (1, false, 12), (3, true, 13), (4, true, 14), (2, true, 15)])
    func equalsTheStateByStateRecursion(beatsPerBar: Int, downbeat: Bool, seed: UInt64) throws {
        var noise = Noise(state: seed)
        let periods = try TempoIntervals.make(fps: 20, minBPM: 55, maxBPM: 215, count: downbeat ? 10 : nil)
        let model = BarPointerModel(
            beatsPerBar: beatsPerBar, periods: periods, transitionLambda: 30, observationLambda: 4,
            separateDownbeat: downbeat)
        let frames = 400
        // A pulse every 9 frames (133 bpm at 20 fps) under noise, every third pulse a downbeat.
        let beat = (0..<frames).map { $0 % 9 == 0 && $0 % 27 != 0 ? 0.4 + 0.4 * noise.unit() : 0.3 * noise.unit() }
        let downbeat = (0..<frames).map { $0 % 27 == 0 ? 0.5 + 0.4 * noise.unit() : 0.1 * noise.unit() }
        let observations = model.separateDownbeat
            ? BeatObservations(beat: beat[...], downbeat: downbeat[...], observationLambda: 4)
            : BeatObservations(beatActivation: beat[...], observationLambda: 4)
        let fast = try #require(BarPointerViterbi.decode(model, observations))
        let reference = referenceViterbi(model, observations)
        #expect(fast.path == reference.path)
        #expect(abs(fast.logProbability - reference.logProbability) <= 1e-9 * abs(reference.logProbability))
    }

    @Test func pureNoiseAndShortInputs() throws {
        var noise = Noise(state: 99)
        let periods = try TempoIntervals.make(fps: 10, minBPM: 55, maxBPM: 215, count: nil)
        let model = BarPointerModel(beatsPerBar: 3, periods: periods, transitionLambda: 100, observationLambda: 16, separateDownbeat: true)
        for frames in [1, 2, 5, 40, 200] {
            let beat = (0..<frames).map { _ in 0.5 * noise.unit() }
            let downbeat = (0..<frames).map { _ in 0.4 * noise.unit() }
            let observations = BeatObservations(beat: beat[...], downbeat: downbeat[...], observationLambda: 16)
            let fast = try #require(BarPointerViterbi.decode(model, observations))
            let reference = referenceViterbi(model, observations)
            #expect(fast.path == reference.path, "\(frames) frames")
            #expect(abs(fast.logProbability - reference.logProbability) <= 1e-9 * abs(reference.logProbability))
        }
    }
}
