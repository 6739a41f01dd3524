// The DBN beat and downbeat decoders (MusicTasks/Decoding) on synthetic activations, scored
// with the mir_eval-equal beat metrics of Training/Metrics.

import Foundation
import MusicTasks
import Testing
import Training

/// A small deterministic generator (SplitMix64), so that every run sees the same noise.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}

/// A noisy activation: a floor of 0.02–0.10, a bump of height about `peak` (±20 %) two frames
/// wide around each event, a spurious off-beat bump of 0.25–0.45 every 1.3 s on average, and
/// a fraction `dropped` of the events left without a bump.
private func activation(
    events: [Double], heights: [Float]? = nil, frames: Int, fps: Double, dropped: Float = 0,
    rng: inout SplitMix
) -> [Float] {
    var values = (0..<frames).map { _ in 0.02 + 0.08 * rng.unit() }
    for (index, time) in events.enumerated() where rng.unit() >= dropped {
        let centre = time * fps
        let height = (heights?[index] ?? 0.8) * (0.8 + 0.2 * rng.unit())
        for frame in max(0, Int(centre) - 3)...min(frames - 1, Int(centre) + 3) {
            let distance = Double(frame) - centre
            values[frame] = max(values[frame], height * Float(exp(-distance * distance / 2)))
        }
    }
    for frame in 0..<frames where rng.unit() < Float(1 / (1.3 * fps)) {
        values[frame] = max(values[frame], 0.25 + 0.2 * rng.unit())
    }
    return values.map { min($0, 1) }
}

/// Beat times from `start` for `duration` seconds at a tempo that moves linearly from
/// `fromBPM` to `toBPM`.
private func beatTimes(start: Double, duration: Double, fromBPM: Double, toBPM: Double) -> [Double] {
    var times: [Double] = []
    var time = start
    while time < duration {
        times.append(time)
        let bpm = fromBPM + (toBPM - fromBPM) * time / duration
        time += 60 / bpm
    }
    return times
}

/// The error a throwing body raised, or nil (a plain `throws` closure: inside `#expect` the
/// typed-throws form is not inferred).
private func decodingError<T>(_ body: () throws -> T) -> TaskError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? TaskError
    }
}

private func isDecodingError(_ error: TaskError?) -> Bool {
    if case .invalidDecoding? = error { return true }
    return false
}

@Suite struct BeatDecoderTests {
    @Test func clickTrainAt120BPM() throws {
        var rng = SplitMix(state: 120)
        let fps = 100.0
        let truth = beatTimes(start: 0.31, duration: 60, fromBPM: 120, toBPM: 120)
        let act = activation(events: truth, frames: 6000, fps: fps, dropped: 0.1, rng: &rng)
        let beats = try DBNBeatDecoder(fps: fps).decode(act)
        #expect(beats.allSatisfy { $0.position == nil })
        let scores = try BeatScores.evaluate(reference: truth, estimate: beats.map(\.time))
        print("DBN beats, 120 bpm click train with noise: \(beats.count) beats for \(truth.count), F = \(scores.fMeasure), CMLt = \(scores.continuity.cmlT)")
        #expect(scores.fMeasure >= 0.95)
        // Peak picking on the same activation is fooled by the spurious bumps and the gaps.
        let picked = act.indices.dropFirst().dropLast().filter { act[$0] > 0.22 && act[$0] >= act[$0 - 1] && act[$0] > act[$0 + 1] }
        let naive = try BeatScores.evaluate(reference: truth, estimate: picked.map { Double($0) / fps })
        print("  peak picking above 0.22 on the same activation: F = \(naive.fMeasure)")
        #expect(scores.fMeasure > naive.fMeasure)
    }

    @Test func driftingTempo() throws {
        var rng = SplitMix(state: 7)
        let fps = 100.0
        let truth = beatTimes(start: 0.2, duration: 90, fromBPM: 96, toBPM: 144)
        let act = activation(events: truth, frames: 9000, fps: fps, dropped: 0.05, rng: &rng)
        let beats = try DBNBeatDecoder(fps: fps).decode(act)
        let scores = try BeatScores.evaluate(reference: truth, estimate: beats.map(\.time))
        print("DBN beats, tempo drifting 96 → 144 bpm over 90 s: \(beats.count) beats for \(truth.count), F = \(scores.fMeasure)")
        #expect(scores.fMeasure >= 0.95)
        // A 50 fps activation (log-spaced 40 tempi) decodes as well.
        let coarse = stride(from: 0, to: act.count - 1, by: 2).map { max(act[$0], act[$0 + 1]) }
        let beats50 = try DBNBeatDecoder(fps: 50, options: .init(tempoCount: 40)).decode(coarse)
        let scores50 = try BeatScores.evaluate(reference: truth, estimate: beats50.map(\.time))
        print("  at 50 fps with 40 log-spaced tempi: F = \(scores50.fMeasure)")
        #expect(scores50.fMeasure >= 0.95)
    }

    @Test func threeFourWithStrongerDownbeats() throws {
        var rng = SplitMix(state: 34)
        let fps = 100.0
        let truth = beatTimes(start: 0.45, duration: 60, fromBPM: 138, toBPM: 138)
        let positions = truth.indices.map { $0 % 3 + 1 }
        let downbeatTimes = truth.indices.filter { positions[$0] == 1 }.map { truth[$0] }
        // madmom's convention: one column for beats that are not downbeats, one for downbeats,
        // with some cross-talk between them.
        let beatColumn = activation(
            events: truth, heights: positions.map { $0 == 1 ? 0.2 : 0.6 }, frames: 6000, fps: fps, rng: &rng)
        let downbeatColumn = activation(
            events: truth, heights: positions.map { $0 == 1 ? 0.7 : 0.1 }, frames: 6000, fps: fps, rng: &rng)
            .map { $0 * 0.5 }
        let beats = try DBNDownbeatDecoder(fps: fps).decode(
            beat: zip(beatColumn, downbeatColumn).map { min($0, 1 - $1) }, downbeat: downbeatColumn)
        let scores = try BeatScores.evaluate(reference: truth, estimate: beats.map(\.time))
        let downbeats = try BeatScores.downbeatFMeasure(
            reference: downbeatTimes, estimate: beats.filter(\.isDownbeat).map(\.time))
        print("DBN downbeats, 3/4 at 138 bpm: \(beats.count) beats for \(truth.count), beat F = \(scores.fMeasure), downbeat F = \(downbeats.fMeasure), bar lengths \(Set(beats.compactMap(\.position)).sorted())")
        #expect(scores.fMeasure >= 0.95)
        #expect(downbeats.fMeasure >= 0.95)
        #expect(Set(beats.compactMap(\.position)) == [1, 2, 3])
        // Every estimate within 70 ms of a true beat has that beat's position in the bar.
        var matched = 0
        var right = 0
        for beat in beats {
            guard let index = truth.indices.min(by: { abs(truth[$0] - beat.time) < abs(truth[$1] - beat.time) }),
                  abs(truth[index] - beat.time) <= 0.07 else { continue }
            matched += 1
            if beat.position == positions[index] { right += 1 }
        }
        print("  positions right for \(right) of \(matched) matched beats")
        #expect(Double(right) >= 0.95 * Double(matched) && matched >= truth.count * 9 / 10)
    }

    @Test func fourFourIsTold() throws {
        var rng = SplitMix(state: 44)
        let fps = 100.0
        let truth = beatTimes(start: 1.0, duration: 45, fromBPM: 100, toBPM: 100)
        let positions = truth.indices.map { $0 % 4 + 1 }
        let downbeatColumn = activation(
            events: truth, heights: positions.map { $0 == 1 ? 0.8 : 0.05 }, frames: 4500, fps: fps, rng: &rng)
            .map { $0 * 0.6 }
        let beatColumn = activation(
            events: truth, heights: positions.map { $0 == 1 ? 0.1 : 0.7 }, frames: 4500, fps: fps, rng: &rng)
        let beats = try DBNDownbeatDecoder(fps: fps).decode(
            beat: zip(beatColumn, downbeatColumn).map { min($0, 1 - $1) }, downbeat: downbeatColumn)
        let downbeats = try BeatScores.downbeatFMeasure(
            reference: truth.indices.filter { positions[$0] == 1 }.map { truth[$0] },
            estimate: beats.filter(\.isDownbeat).map(\.time))
        print("DBN downbeats, 4/4 at 100 bpm: downbeat F = \(downbeats.fMeasure), positions \(Set(beats.compactMap(\.position)).sorted())")
        #expect(Set(beats.compactMap(\.position)) == [1, 2, 3, 4])
        #expect(downbeats.fMeasure >= 0.95)
    }

    @Test func beatActivationThatIncludesDownbeats() throws {
        // Independent sigmoid-like columns: "beat" high at every beat, "downbeat" at downbeats.
        var rng = SplitMix(state: 35)
        let fps = 100.0
        let truth = beatTimes(start: 0.45, duration: 60, fromBPM: 126, toBPM: 126)
        let positions = truth.indices.map { $0 % 3 + 1 }
        let beatColumn = activation(events: truth, frames: 6000, fps: fps, rng: &rng)
        let downbeatColumn = activation(
            events: truth, heights: positions.map { $0 == 1 ? 0.75 : 0.1 }, frames: 6000, fps: fps, rng: &rng)
        let reference = truth.indices.filter { positions[$0] == 1 }.map { truth[$0] }
        for includes in [true, false] {
            let decoder = try DBNDownbeatDecoder(fps: fps, options: .init(beatIncludesDownbeats: includes))
            let beats = try decoder.decode(beat: beatColumn, downbeat: downbeatColumn)
            let beatF = try BeatScores.evaluate(reference: truth, estimate: beats.map(\.time)).fMeasure
            let downbeatF = try BeatScores.downbeatFMeasure(
                reference: reference, estimate: beats.filter(\.isDownbeat).map(\.time)).fMeasure
            print("DBN downbeats, 3/4 at 126 bpm, beat column with downbeats, beatIncludesDownbeats \(includes): beat F = \(beatF), downbeat F = \(downbeatF)")
            if includes {
                #expect(beatF >= 0.95 && downbeatF >= 0.95)
                #expect(Set(beats.compactMap(\.position)) == [1, 2, 3])
            }
        }
    }

    @Test func emptyAndFlatActivationsGiveNoBeats() throws {
        let beat = try DBNBeatDecoder(fps: 100)
        let bar = try DBNDownbeatDecoder(fps: 100)
        #expect(try beat.decode([]).isEmpty)
        #expect(try beat.decode([Float](repeating: 0, count: 3000)).isEmpty)
        #expect(try beat.decode([Float](repeating: 0.3, count: 3000)).isEmpty)
        #expect(try beat.decode([Float](repeating: 1, count: 500)).isEmpty)
        #expect(try bar.decode(beat: [], downbeat: []).isEmpty)
        #expect(try bar.decode(beat: [Float](repeating: 0, count: 2000), downbeat: [Float](repeating: 0, count: 2000)).isEmpty)
        #expect(try bar.decode(beat: [Float](repeating: 0.2, count: 2000), downbeat: [Float](repeating: 0.1, count: 2000)).isEmpty)
        // Below the threshold everywhere: nothing to decode.
        #expect(try bar.decode(beat: [Float](repeating: 0.01, count: 500) + [0.02], downbeat: [Float](repeating: 0, count: 501)).isEmpty)
        // Exact zeros and ones (log 0 in madmom) still decode to a finite path.
        var ones = [Float](repeating: 0, count: 1000)
        for frame in stride(from: 50, to: 1000, by: 50) { ones[frame] = 1 }
        let decoded = try beat.decode(ones)
        #expect(decoded.map(\.time) == stride(from: 50, to: 1000, by: 50).map { Double($0) / 100 })
        // One frame, and a single short spike.
        #expect(try beat.decode([0.5]).count <= 1)
        #expect(try beat.decode([0, 0.9, 0]).count <= 1)
    }

    @Test func invalidInputsThrow() throws {
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 0) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: -100) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: .nan) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100, options: .init(minBPM: 120, maxBPM: 120)) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100, options: .init(minBPM: 200, maxBPM: 100)) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100, options: .init(minBPM: .nan)) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100, options: .init(transitionLambda: 0)) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100, options: .init(observationLambda: 1)) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100, options: .init(tempoCount: 1)) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 1, options: .init(maxBPM: 215)) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100).decode([0.1, .nan, 0.2]) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100).decode([0.1, 1.2]) }))
        #expect(isDecodingError(decodingError { try DBNBeatDecoder(fps: 100).decode([-0.1]) }))
        #expect(isDecodingError(decodingError { try DBNDownbeatDecoder(fps: 100, options: .init(beatsPerBar: [])) }))
        #expect(isDecodingError(decodingError { try DBNDownbeatDecoder(fps: 100, options: .init(beatsPerBar: [0, 4])) }))
        #expect(isDecodingError(decodingError { try DBNDownbeatDecoder(fps: 100).decode(beat: [0.1], downbeat: [0.1, 0.2]) }))
        #expect(isDecodingError(decodingError { try DBNDownbeatDecoder(fps: 100).decode(beat: [0.1], downbeat: [.infinity]) }))
        let error = decodingError { try DBNBeatDecoder(fps: 100, options: .init(minBPM: 200, maxBPM: 100)) }
        #expect(error?.description == "cannot decode: the tempo range must be positive with min < max, not 200.0–100.0 bpm")
    }

    @Test func tempoGridFollowsMadmom() throws {
        // madmom at 100 fps: intervals round(60·100/215) = 28 … round(60·100/55) = 109.
        let linear = try DBNBeatDecoder(fps: 100).periods
        #expect(linear == Array(28...109))
        // NUM_TEMPI = 60 of the downbeat tracker: 60 distinct log-spaced periods in 28…109.
        let logSpaced = try DBNDownbeatDecoder(fps: 100).periods
        #expect(logSpaced.count == 60 && logSpaced.first == 28 && logSpaced.last == 109)
    }

    @Test func fiveMinutesAt100FPS() throws {
        var rng = SplitMix(state: 300)
        let truth = beatTimes(start: 0.5, duration: 300, fromBPM: 112, toBPM: 112)
        let act = activation(events: truth, frames: 30_000, fps: 100, rng: &rng)
        let downbeat = act.indices.map { _ in Float(0) }
        let clock = ContinuousClock()
        let beatDecoder = try DBNBeatDecoder(fps: 100)
        var beats: [TimedEvent] = []
        let beatTime = clock.measure { beats = (try? beatDecoder.decode(act)) ?? [] }
        let barDecoder = try DBNDownbeatDecoder(fps: 100)
        var bars: [TimedEvent] = []
        let barTime = clock.measure {
            bars = (try? barDecoder.decode(beat: act.map { $0 * 0.7 }, downbeat: downbeat)) ?? []
        }
        let chordPosteriors = try FramePosteriors(
            values: (0..<(3000 * 25)).map { _ in rng.unit() / 25 }, classCount: 25)
        let chordTime = try clock.measure { _ = try ChordDecoder(fps: 10).decode(chordPosteriors) }
        print("5 min at 100 fps (this build): beat DBN \(beatTime), downbeat DBN [3, 4] \(barTime); chords 5 min at 10 fps \(chordTime)")
        #expect(try BeatScores.evaluate(reference: truth, estimate: beats.map(\.time)).fMeasure >= 0.95)
        #expect(!bars.isEmpty)
    }
}
