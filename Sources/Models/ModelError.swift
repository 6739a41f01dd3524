/// What can go wrong when preparing or running a model outside of libtorch itself.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A model prepared for inference (batch norms folded into convolutions, converted
    /// precision) was asked to run in training mode, where folding is invalid.
    case preparedForInference(model: String)
    /// An operation that needs an unprepared model (copying, preparing again) met a prepared one.
    case alreadyPrepared(model: String)
    /// A track with no samples has nothing to predict.
    case emptyTrack
    /// A setting of full-track inference is out of range.
    case invalidInferenceSetting(String)
    /// An architecture option (`ModelVariant`) the model does not have or cannot take.
    case invalidVariant(String)

    public var description: String {
        switch self {
        case .preparedForInference(let model):
            return "\(model) was prepared for inference (batch norms folded, layout or precision converted) and cannot run in training mode; train an unprepared copy instead"
        case .alreadyPrepared(let model):
            return "\(model) is already prepared for inference; copy or prepare the original, unprepared model"
        case .emptyTrack:
            return "the track has no samples"
        case .invalidInferenceSetting(let message), .invalidVariant(let message):
            return message
        }
    }
}
