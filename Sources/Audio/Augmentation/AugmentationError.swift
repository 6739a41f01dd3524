/// Why an augmentation could not be applied: a parameter out of range, a tensor of the wrong
/// shape, or a failure of the tensor engine underneath (its message kept).
public enum AugmentationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A transform's setting is outside what it accepts, e.g. a probability above 1.
    case invalidParameter(transform: String, message: String)
    /// The input tensor does not have a shape the transform works on.
    case invalidShape(transform: String, shape: [Int], expected: String)

    public var description: String {
        switch self {
        case .invalidParameter(let transform, let message):
            return "augmentation \(transform): \(message)"
        case .invalidShape(let transform, let shape, let expected):
            return "augmentation \(transform): input of shape \(shape), expected \(expected)"
        }
    }
}

/// Checks shared by every transform.
enum AugmentationCheck {
    static func probability(_ p: Double, _ transform: String) throws(AugmentationError) {
        guard p.isFinite, (0...1).contains(p) else {
            throw .invalidParameter(transform: transform, message: "probability \(p) is outside [0, 1]")
        }
    }

    static func finite(_ range: ClosedRange<Double>, _ name: String, _ transform: String) throws(AugmentationError) {
        guard range.lowerBound.isFinite, range.upperBound.isFinite else {
            throw .invalidParameter(transform: transform, message: "\(name) range \(range) is not finite")
        }
    }

    static func sampleRate(_ rate: Int, _ transform: String) throws(AugmentationError) {
        guard rate > 0 else {
            throw .invalidParameter(transform: transform, message: "sample rate \(rate) Hz must be positive")
        }
    }
}
