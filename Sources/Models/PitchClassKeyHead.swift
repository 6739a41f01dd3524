import NN
import Torch

/// Key logits from time-pooled log-frequency features that rotate with transposition. Two
/// stages, both shared across pitch:
/// 1. `hidden` learned one-octave templates are matched at every semitone of the input (a
///    convolution of one octave's width, strided by a semitone), rectified, and the matches of
///    the semitones that share a pitch class are averaged: (batch, hidden, 12 pitch classes).
/// 2. A circular convolution over the 12 pitch classes turns them into major and minor scores
///    for each tonic, so every tonic's score can weigh what happens on every other pitch class.
/// Moving the input up by k semitones (k × `binsPerSemitone` bins) moves every template position
/// by k and rotates the pitch-class axis by k, so the logits of key c become those of key c + k
/// — exactly, as long as no energy crosses the edges of the frequency range (the padding there
/// is zero, and a template reads one octave above its tonic). The idea is a key profile
/// (Krumhansl's probe tones) matched against a pitch-class distribution, with profile and
/// features learned; the transposition symmetry is built in rather than learned.
public final class PitchClassKeyHead: Module, UnaryLayer {
    /// The templates: `hidden` maps over one octave, strided by one semitone.
    let template: Conv1d
    @Child var norm: BatchNorm
    /// Major and minor scores from all 12 pitch classes (applied circularly).
    let circle: Conv1d
    public let binsPerSemitone: Int
    /// Pitch class of the lowest bin (0 when the input starts at a C).
    public let lowestPitchClass: Int
    public let layout: KeyClassLayout
    /// Gather index from canonical order to the task's class order.
    private let order: Tensor

    public init(features: Int, hidden: Int = 32, binsPerSemitone: Int, lowestPitchClass: Int, layout: KeyClassLayout,
                generator: Generator? = nil) throws {
        guard binsPerSemitone >= 1, (0..<12).contains(lowestPitchClass), hidden >= 1 else {
            throw ModelError.invalidVariant("a key head needs at least one bin per semitone, a pitch class in 0...11 and a hidden width")
        }
        template = try Conv1d(features, hidden, kernel: 12 * binsPerSemitone, stride: binsPerSemitone, generator: generator)
        _norm = Child(wrappedValue: try BatchNorm.oneD(hidden), "norm")
        circle = try Conv1d(hidden, 2, kernel: 12, generator: generator)
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
        let matches = try norm(template(padded)).relu()  // (batch, hidden, semitones)
        let (hidden, semitones) = (try matches.size(1), bins / b)
        let byPitchClass = try matches.reshape([batch, hidden, semitones / 12, 12]).mean(dims: [2])
        // Column j is pitch class (j + lowest) mod 12: roll so that column 0 is C.
        let pitchClasses = try byPitchClass.roll(lowestPitchClass, dim: 2)
        // Circular padding: the score of tonic t reads pitch classes t, t+1, …, t+11 (mod 12).
        let wrapped = try Tensor.cat([pitchClasses, pitchClasses.slice(dim: 2, start: 0, end: 11)], dim: 2)
        let canonical = try circle(wrapped).reshape([batch, 24])
        return try canonical.indexSelect(dim: 1, index: order.to(x.device))
    }
}
