// Checks of the options shared by the beat and downbeat decoders.

extension DecodingChecks {
    /// Tempo range, λs and tempo count of a DBN decoder.
    static func dbn(
        fps: Double, minBPM: Double, maxBPM: Double, tempoCount: Int?, transitionLambda: Double,
        observationLambda: Int
    ) throws(TaskError) {
        try frameRate(fps)
        guard minBPM.isFinite, maxBPM.isFinite, minBPM > 0, minBPM < maxBPM else {
            throw .invalidDecoding(reason: "the tempo range must be positive with min < max, not \(minBPM)–\(maxBPM) bpm")
        }
        guard transitionLambda.isFinite, transitionLambda > 0 else {
            throw .invalidDecoding(reason: "transition λ must be positive and finite, not \(transitionLambda)")
        }
        guard observationLambda >= 2 else {
            throw .invalidDecoding(reason: "observation λ must be 2 or more (a beat part and a non-beat part), not \(observationLambda)")
        }
        if let tempoCount, tempoCount < 2 {
            throw .invalidDecoding(reason: "a tempo count must be 2 or more, not \(tempoCount)")
        }
    }
}
