// Log observation densities of beat, downbeat and non-beat states per frame.

import Foundation

/// The observation model of madmom's RNN beat and downbeat trackers (Böck, Krebs & Widmer
/// 2014 and 2016): a beat state observes the beat activation `a`, a downbeat state the
/// downbeat activation `d`, and every other state `(1 − a − d) / (λ − 1)`, the rest of the
/// mass spread over the `λ − 1` non-beat parts of a beat (λ = `observation_lambda`).
///
/// Probabilities are floored at ``floor`` before their logarithm is taken, so that an
/// activation of exactly 0 or 1 (or a beat and downbeat activation summing past 1) makes a
/// state unlikely but not impossible; madmom takes the logarithm of 0 there, and a stretch
/// of such frames longer than a beat leaves it no finite path and no beats.
struct BeatObservations: Sendable {
    /// The smallest probability used: 1e-12.
    static let floor = 1e-12

    /// log density of the non-beat states, per frame.
    let nonBeat: [Double]
    /// log density of the beat states, per frame.
    let beat: [Double]
    /// log density of the downbeat states, per frame (the beat density for the beat tracker).
    let downbeat: [Double]

    var frameCount: Int { beat.count }

    /// The beat tracker's densities: beat states observe `activation`.
    init(beatActivation activation: ArraySlice<Float>, observationLambda: Int) {
        let spread = Double(observationLambda - 1)
        beat = activation.map { log(max(Double($0), Self.floor)) }
        nonBeat = activation.map { log(max(1 - Double($0), Self.floor) / spread) }
        downbeat = beat
    }

    /// The downbeat tracker's densities: `beat` is the activation of beats that are not
    /// downbeats, `downbeat` that of downbeats (madmom's `RNNDownBeatProcessor` columns).
    init(beat: ArraySlice<Float>, downbeat: ArraySlice<Float>, observationLambda: Int) {
        let spread = Double(observationLambda - 1)
        self.beat = beat.map { log(max(Double($0), Self.floor)) }
        self.downbeat = downbeat.map { log(max(Double($0), Self.floor)) }
        nonBeat = zip(beat, downbeat).map { log(max(1 - Double($0) - Double($1), Self.floor) / spread) }
    }
}
