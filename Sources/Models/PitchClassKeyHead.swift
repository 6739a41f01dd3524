import NN
import Torch

/// Key logits from time-pooled log-frequency features that rotate with transposition: a
/// learned one-octave template (major and minor) is matched at every semitone of the input, and
/// the template scores of the semitones that share a pitch class are averaged. Moving the input
/// up by k semitones (k × `binsPerSemitone` bins) moves every template position by k, so the
/// logits of key c become those of key c + k — exactly, as long as no energy crosses the edges
/// of the frequency range (the padding there is zero). The idea is a key profile (Krumhansl's
/// probe tones) correlated with a pitch-class distribution, with both the profile and the
/// features learned; the transposition symmetry is built in rather than learned.
public final class PitchClassKeyHead: Module, UnaryLayer {
    /// The template: 2 output maps (major, minor) over one octave, strided by one semitone.
    let template: Conv1d
    public let binsPerSemitone: Int
    /// Pitch class of the lowest bin (0 when the input starts at a C).
    public let lowestPitchClass: Int
    public let layout: KeyClassLayout
    /// Gather index from canonical order to the task's class order.
    private let order: Tensor

    public init(features: Int, binsPerSemitone: Int, lowestPitchClass: Int, layout: KeyClassLayout,
                generator: Generator? = nil) throws {
        guard binsPerSemitone >= 1, (0..<12).contains(lowestPitchClass) else {
            throw ModelError.invalidVariant("a key head needs at least one bin per semitone and a pitch class in 0...11")
        }
        template = try Conv1d(features, 2, kernel: 12 * binsPerSemitone, stride: binsPerSemitone, generator: generator)
        self.binsPerSemitone = binsPerSemitone
        self.lowestPitchClass = lowestPitchClass
        self.layout = layout
        var inverse = [Int64](repeating: 0, count: 24)
        for (canonical, taskClass) in layout.taskClass.enumerated() { inverse[taskClass] = Int64(canonical) }
        order = try Tensor(inverse, shape: [24])
        super.init()
    }

    /// (batch, features, bins) → (batch, 24) logits in the task's class order. `bins` must be a
    /// whole number of octaves.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let (batch, bins) = (try x.size(0), try x.size(2))
        let b = binsPerSemitone
        guard bins % (12 * b) == 0 else {
            throw ModelError.invalidVariant("the key head needs whole octaves of \(12 * b) bins; it got \(bins)")
        }
        // Window of tonic semitone n: bins [n·b − b/2, n·b − b/2 + 12·b), zero outside the input.
        let padded = try x.constantPad([b / 2, 11 * b - b / 2])
        let scores = try template(padded)  // (batch, 2, semitones)
        let semitones = bins / b
        let byPitchClass = try scores.reshape([batch, 2, semitones / 12, 12]).mean(dims: [2])
        // Column j is pitch class (j + lowest) mod 12: roll so that column 0 is C.
        let canonical = try byPitchClass.roll(lowestPitchClass, dim: 2).reshape([batch, 24])
        return try canonical.indexSelect(dim: 1, index: order.to(x.device))
    }
}
