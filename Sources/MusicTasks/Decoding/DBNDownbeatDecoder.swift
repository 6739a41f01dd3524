// Beats with their bar positions from beat and downbeat activations, by a bar-pointer DBN.

/// Joint beat and downbeat tracking with the dynamic Bayesian network of madmom's
/// `DBNDownBeatTrackingProcessor` (Böck, Krebs & Widmer 2016, "Joint beat and downbeat
/// tracking with recurrent neural networks", ISMIR): for each bar length in
/// ``Options/beatsPerBar`` a bar-pointer state space (Krebs, Böck & Widmer 2015) whose
/// tempo may change at every beat, decoded by Viterbi; the bar length whose best path is the
/// most likely wins, and the meter does not change within a piece.
///
/// Input, frame by frame at ``fps``: the activation of beats that are not downbeats and the
/// activation of downbeats, probabilities that should sum to 1 at most (the two beat
/// columns of a three-way softmax over none / beat / downbeat, as madmom's
/// `RNNDownBeatProcessor`). Output: beat times in seconds with their position in the bar
/// (1 = downbeat).
public struct DBNDownbeatDecoder: Sendable {
    /// The decoder's settings; every default is madmom's (0.16.1 and 0.17.dev0, `DBNDownBeatTrackingProcessor`).
    public struct Options: Sendable, Equatable {
        /// Bar lengths in beats to try. Default [3, 4] (madmom's `DBNDownBeatTrackingProcessor`
        /// has no default; [3, 4] is what its `DBNDownBeatTracker` program passes).
        public var beatsPerBar: [Int]
        /// The tempo model, one range for every bar length. Defaults as the beat decoder's but 60
        /// log-spaced tempi (madmom `NUM_TEMPI`) and a threshold of 0.05 (madmom `THRESHOLD`).
        public var tempo: TempoModelOptions
        /// Whether the beat activation marks every beat, downbeats included (independent
        /// sigmoids for "beat" and "downbeat", as Crescendo's frame targets), rather than
        /// madmom's beats that are not downbeats. When true, the beat activation is taken as
        /// `max(beat − downbeat, 0)` (a downbeat being a beat) before decoding. Default false
        /// (madmom's convention).
        public var beatIncludesDownbeats: Bool

        public init(beatsPerBar: [Int] = [3, 4], tempo: TempoModelOptions = TempoModelOptions(tempoCount: 60, threshold: 0.05),
                    beatIncludesDownbeats: Bool = false) {
            self.beatsPerBar = beatsPerBar
            self.tempo = tempo
            self.beatIncludesDownbeats = beatIncludesDownbeats
        }
    }

    /// Frames per second of the activations.
    public let fps: Double
    /// The settings.
    public let options: Options
    let models: [BarPointerModel]

    /// Builds one state space per bar length.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` as ``DBNBeatDecoder/init(fps:options:)``,
    ///   and if `beatsPerBar` is empty or holds a length under 1.
    public init(fps: Double, options: Options = Options()) throws(TaskError) {
        guard !options.beatsPerBar.isEmpty, options.beatsPerBar.allSatisfy({ $0 >= 1 }) else {
            throw .invalidDecoding(reason: "beats per bar must be one or more lengths of 1 beat or more, not \(options.beatsPerBar)")
        }
        let periods = try options.tempo.periods(fps: fps)
        self.fps = fps
        self.options = options
        self.models = options.beatsPerBar.map {
            BarPointerModel(
                beatsPerBar: $0, periods: periods, transitionLambda: options.tempo.transitionLambda,
                observationLambda: options.tempo.observationLambda, separateDownbeat: true)
        }
    }

    /// The beat periods modelled, in frames.
    public var periods: [Int] { models[0].periods }

    /// Beats in seconds with their bar positions (1 = downbeat). No frames, or activations
    /// that are constant in every decoded frame (all zeros included), give no beats.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if the two activations differ in
    ///   length or a value is NaN, infinite or outside 0…1.
    public func decode(beat: [Float], downbeat: [Float]) throws(TaskError) -> [TimedEvent] {
        guard beat.count == downbeat.count else {
            throw .invalidDecoding(reason: "\(beat.count) beat activations but \(downbeat.count) downbeat activations")
        }
        try DecodingChecks.probabilities(beat, what: "the beat activation")
        try DecodingChecks.probabilities(downbeat, what: "the downbeat activation")
        let span = BeatPicking.span(count: beat.count, threshold: options.tempo.threshold) {
            beat[$0] >= options.tempo.threshold || downbeat[$0] >= options.tempo.threshold
        }
        let downbeats = downbeat[span]
        let beats = options.beatIncludesDownbeats
            ? ArraySlice(zip(beat[span], downbeats).map { max($0 - $1, 0) }) : beat[span]
        guard !(BeatPicking.isFlat(beats) && BeatPicking.isFlat(downbeats)) else { return [] }
        let observations = BeatObservations(beat: beats, downbeat: downbeats, observationLambda: options.tempo.observationLambda)
        var winner: (model: BarPointerModel, path: [BarPointerViterbi.Step], logProbability: Double)?
        for model in models {
            guard let decoded = BarPointerViterbi.decode(model, observations) else { continue }
            if winner == nil || decoded.logProbability > winner!.logProbability {
                winner = (model, decoded.path, decoded.logProbability)
            }
        }
        guard let winner else { return [] }
        let picked = BeatPicking.beats(path: winner.path, model: winner.model, correct: options.tempo.correctToPeaks) {
            max(beat[span.lowerBound + $0], downbeat[span.lowerBound + $0])
        }
        return picked.map { TimedEvent(time: Double(span.lowerBound + $0.frame) / fps, position: $0.beat + 1) }
    }
}
