// Beats from a frame-wise beat activation by a tempo-aware dynamic Bayesian network.

/// Beat tracking with the dynamic Bayesian network of madmom's `DBNBeatTrackingProcessor`:
/// the beat-pointer state space of Krebs, Böck & Widmer (2015, "An efficient state-space
/// model for joint tempo and meter tracking", ISMIR), one chain of states per tempo, the
/// tempo changing only at beat boundaries; the observation model of Böck, Krebs & Widmer
/// (2014, "A multi-model approach to beat tracking considering heterogeneous music
/// styles", ISMIR); Viterbi decoding in log space (``BarPointerViterbi``).
///
/// Input: one beat activation (a probability) per frame at ``fps`` frames per second, such
/// as a temporal head's sigmoid output. Output: beat times in seconds, `position` nil.
public struct DBNBeatDecoder: Sendable {
    /// The decoder's settings; every default is madmom's (`DBNBeatTrackingProcessor`).
    public typealias Options = TempoModelOptions

    /// Frames per second of the activations.
    public let fps: Double
    /// The settings.
    public let options: Options
    let model: BarPointerModel

    /// Builds the state space (about 5 600 states at 100 fps with the defaults).
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if `fps` is not positive and finite,
    ///   the tempo range is empty or not positive, a λ is out of range (transition λ ≤ 0,
    ///   observation λ < 2), `tempoCount` is under 2, or the fastest tempo is shorter than
    ///   a frame.
    public init(fps: Double, options: Options = Options()) throws(TaskError) {
        let periods = try options.periods(fps: fps)
        self.fps = fps
        self.options = options
        self.model = BarPointerModel(
            beatsPerBar: 1, periods: periods, transitionLambda: options.transitionLambda,
            observationLambda: options.observationLambda, separateDownbeat: false)
    }

    /// The beat periods modelled, in frames.
    public var periods: [Int] { model.periods }

    /// Beat times in seconds (ascending, `position` nil). No frames, or an activation that
    /// is the same value in every decoded frame (all zeros included), give no beats.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if an activation is NaN, infinite or
    ///   outside 0…1.
    public func decode(_ activations: [Float]) throws(TaskError) -> [TimedEvent] {
        try DecodingChecks.probabilities(activations, what: "the beat activation")
        let span = BeatPicking.span(count: activations.count, threshold: options.threshold) {
            activations[$0] >= options.threshold
        }
        let decoded = activations[span]
        guard !BeatPicking.isFlat(decoded) else { return [] }
        let observations = BeatObservations(beatActivation: decoded, observationLambda: options.observationLambda)
        guard let best = BarPointerViterbi.decode(model, observations) else { return [] }
        let beats = BeatPicking.beats(path: best.path, model: model, correct: options.correctToPeaks) {
            decoded[span.lowerBound + $0]
        }
        return beats.map { TimedEvent(time: Double(span.lowerBound + $0.frame) / fps) }
    }
}
