// The bar-pointer state space of a tempo-aware beat/downbeat HMM, with its sparse transitions.

/// The state space of Krebs, Böck & Widmer (2015) for `beatsPerBar` beats: for every beat of
/// the bar and every modelled beat period `k` (in frames), a chain of `k` states, one per
/// frame of the beat. Inside a chain the pointer moves one state per frame with probability 1
/// (the tempo cannot change within a beat); from the last state of a chain it enters the
/// first state of a chain of the next beat (wrapping from the last beat to the first), at
/// the same or another period as ``TempoTransitions`` allows. One beat per bar is the beat
/// tracker's beat-pointer space (madmom's `BeatStateSpace`); more is madmom's
/// `BarStateSpace`, whose tempo may change at every beat as its `BarTransitionModel` with
/// one λ for all beats.
///
/// States are numbered beat-major, then by period, then by position: state
/// `beat × beatStates + offsets[i] + j` is frame `j` of a beat at period `periods[i]`.
struct BarPointerModel: Sendable {
    /// Beats per bar (1 for the beat tracker).
    let beatsPerBar: Int
    /// Modelled beat periods in frames, ascending.
    let periods: [Int]
    /// First state of each period's chain inside one beat.
    let offsets: [Int]
    /// States per beat: the sum of the periods.
    let beatStates: Int
    /// For each period, how many of its first states are beat states: positions `j` with
    /// `j / k < 1 / observationLambda` (madmom's observation models), i.e. `j · λ < k`.
    let beatRange: [Int]
    /// Whether the beat states of the first beat observe the downbeat activation (the
    /// downbeat tracker) rather than the beat activation.
    let separateDownbeat: Bool
    /// Tempo changes at beat boundaries.
    let transitions: TempoTransitions

    init(beatsPerBar: Int, periods: [Int], transitionLambda: Double, observationLambda: Int, separateDownbeat: Bool) {
        self.beatsPerBar = beatsPerBar
        self.periods = periods
        var offsets: [Int] = []
        var total = 0
        for period in periods {
            offsets.append(total)
            total += period
        }
        self.offsets = offsets
        self.beatStates = total
        self.beatRange = periods.map { period in (0..<period).filter { $0 * observationLambda < period }.count }
        self.separateDownbeat = separateDownbeat
        self.transitions = TempoTransitions(periods: periods, lambda: transitionLambda)
    }

    /// All states of the bar.
    var stateCount: Int { beatsPerBar * beatStates }

    /// Beat, period index and position of `state`.
    func locate(_ state: Int) -> (beat: Int, period: Int, position: Int) {
        let beat = state / beatStates
        let inBeat = state - beat * beatStates
        // Binary search for the last offset at or before inBeat.
        var low = 0
        var high = offsets.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if offsets[middle] <= inBeat { low = middle } else { high = middle - 1 }
        }
        return (beat, low, inBeat - offsets[low])
    }
}
