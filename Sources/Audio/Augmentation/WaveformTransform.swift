import Torch

/// A random transformation of waveforms, applied independently to each example of a batch.
///
/// Each example is transformed with probability ``probability`` (a coin flip per example)
/// and with its own parameters drawn from the transform's ranges; the others pass through
/// unchanged. All arithmetic is tensor operations on the input's device.
///
/// Conformers implement ``transform(batch:sampleRate:random:)`` on (batch, samples); callers
/// use ``callAsFunction(_:sampleRate:random:)``, which also accepts a single (samples) signal.
public protocol WaveformTransform: Sendable, Codable, Equatable {
    /// The name used in configurations and error messages, e.g. `"gain"`.
    static var name: String { get }
    /// Chance, in [0, 1], that an example is transformed.
    var probability: Double { get set }
    /// Throws ``AugmentationError/invalidParameter(transform:message:)`` for settings out of range.
    func validate() throws
    /// Transforms a (batch, samples) floating-point tensor; `sampleRate` converts the
    /// transform's physical units (Hz, seconds) to samples.
    func transform(batch: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor
}

extension WaveformTransform {
    /// Applies the transform to a (batch, samples) or (samples) floating-point waveform,
    /// returning the same rank. With probability 0 the input itself is returned.
    public func callAsFunction(_ waveform: Tensor, sampleRate: Int, random: AugmentationRandom) throws -> Tensor {
        try validate()
        try AugmentationCheck.sampleRate(sampleRate, Self.name)
        guard waveform.dtype.isFloatingPoint, waveform.rank == 1 || waveform.rank == 2 else {
            throw AugmentationError.invalidShape(transform: Self.name, shape: waveform.shape,
                                                 expected: "(samples) or (batch, samples) floating point")
        }
        if waveform.rank == 1 {
            return try transform(batch: waveform.unsqueeze(0), sampleRate: sampleRate, random: random).squeeze(0)
        }
        return try transform(batch: waveform, sampleRate: sampleRate, random: random)
    }
}

/// Helpers for transforms that draw one coin flip and one parameter set per example.
enum PerExample {
    /// A (count, 1) column of `values` with `like`'s dtype and device, to scale rows.
    static func column(_ values: [Double], like: Tensor) throws -> Tensor {
        try Tensor(values, shape: [values.count, 1]).to(like.device, like.dtype)
    }

    /// `transformed` where `chosen`, `original` elsewhere, row by row (any trailing shape).
    /// Returns one of the inputs outright when every flip agrees.
    static func select(_ chosen: [Bool], _ transformed: Tensor, _ original: Tensor) throws -> Tensor {
        if chosen.allSatisfy({ $0 }) { return transformed }
        if !chosen.contains(true) { return original }
        let shape = [chosen.count] + Array(repeating: 1, count: Swift.max(0, original.rank - 1))
        let mask = try Tensor(chosen, shape: shape).to(original.device)
        return try Tensor.where(mask, transformed, original)
    }
}
