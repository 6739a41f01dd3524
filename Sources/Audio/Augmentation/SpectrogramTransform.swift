import Torch

/// A random transformation of spectrogram-like features (log-mel), applied independently to
/// each example: with probability ``probability`` and parameters of its own.
///
/// Conformers implement ``transform(batch:random:)`` on (batch, bins, frames); callers use
/// ``callAsFunction(_:random:)``, which also accepts a single (bins, frames) example.
public protocol SpectrogramTransform: Sendable, Codable, Equatable {
    /// The name used in configurations and error messages.
    static var name: String { get }
    /// Chance, in [0, 1], that an example is transformed.
    var probability: Double { get set }
    /// Throws ``AugmentationError/invalidParameter(transform:message:)`` for settings out of range.
    func validate() throws
    /// Transforms a (batch, bins, frames) floating-point tensor.
    func transform(batch: Tensor, random: AugmentationRandom) throws -> Tensor
}

extension SpectrogramTransform {
    /// Applies the transform to (batch, bins, frames) or (bins, frames), returning the same rank.
    public func callAsFunction(_ features: Tensor, random: AugmentationRandom) throws -> Tensor {
        try validate()
        guard features.dtype.isFloatingPoint, features.rank == 2 || features.rank == 3 else {
            throw AugmentationError.invalidShape(transform: Self.name, shape: features.shape,
                                                 expected: "(bins, frames) or (batch, bins, frames) floating point")
        }
        if features.rank == 2 {
            return try transform(batch: features.unsqueeze(0), random: random).squeeze(0)
        }
        return try transform(batch: features, random: random)
    }
}
