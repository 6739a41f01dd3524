/// What can be wrong with a constant-Q configuration or with the tensors handed to it.
public enum ConstantQError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Sample rate, fmin, bins per octave, bins, hop or filter scale is not positive (or
    /// not finite), or the margin is negative.
    case nonPositiveParameter(name: String, value: Double)
    /// The highest bin's filter reaches past Nyquist: `highestHz` (bin centre plus half its
    /// bandwidth) is above `nyquistHz`.
    case aboveNyquist(highestHz: Double, nyquistHz: Double)
    /// amin or the reference level is not positive, or top_db is negative.
    case invalidCompression(String)
    /// Transposition needs a whole number of bins per semitone: bins per octave must be a
    /// multiple of 12.
    case binsPerOctaveNotMultipleOf12(Int)
    /// A shift of `semitones` needs `neededBins` of margin; the transform has `marginBins`.
    case shiftBeyondMargin(semitones: Int, neededBins: Int, marginBins: Int)
    /// One shift per example is needed: `shifts` given for a batch of `batch`.
    case shiftCountMismatch(shifts: Int, batch: Int)
    /// A tensor has the wrong rank or size; `expected` says what was wanted.
    case badShape(expected: String, got: [Int])
    /// Fewer samples than one hop.
    case tooFewSamples(Int, needed: Int)

    public var description: String {
        switch self {
        case .nonPositiveParameter(let name, let value):
            return "constant-Q: \(name) must be positive (and finite), got \(value)"
        case .aboveNyquist(let highest, let nyquist):
            return "constant-Q: the highest bin's filter reaches \(highest) Hz, above Nyquist (\(nyquist) Hz); lower fmin, bins or margin"
        case .invalidCompression(let message):
            return "constant-Q: \(message)"
        case .binsPerOctaveNotMultipleOf12(let bpo):
            return "constant-Q: transposing by semitones needs bins per octave to be a multiple of 12, got \(bpo)"
        case .shiftBeyondMargin(let semitones, let needed, let margin):
            return "constant-Q: a shift of \(semitones) semitones needs \(needed) bins of margin, the transform has \(margin)"
        case .shiftCountMismatch(let shifts, let batch):
            return "constant-Q: \(shifts) shifts for a batch of \(batch)"
        case .badShape(let expected, let got):
            return "constant-Q: expected \(expected), got \(got)"
        case .tooFewSamples(let samples, let needed):
            return "constant-Q: \(samples) samples, at least \(needed) needed"
        }
    }
}
