/// Why a model cannot be grown into another while keeping its function.
public enum ModelGrowthError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The two models differ in something growth does not change: family, tasks, variant,
    /// front end, routing.
    case differentArchitecture(String)
    /// A layer of the target has fewer units than the source's (growth only widens).
    case narrower(layer: String, from: Int, to: Int)
    /// A model or change that growth does not cover.
    case unsupported(String)

    public var description: String {
        switch self {
        case .differentArchitecture(let message):
            return "cannot grow across architectures: \(message)"
        case let .narrower(layer, from, to):
            return "cannot grow \(layer) from \(from) to \(to) units: growth only widens"
        case .unsupported(let message):
            return "cannot grow: \(message)"
        }
    }
}
