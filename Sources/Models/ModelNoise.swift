/// Model noise of noisy-student training: dropout before the heads (and inside Transformer
/// layers) and stochastic depth on residual branches, rising linearly with depth. Teachers
/// label in evaluation mode, where both are off whatever the setting.
public struct ModelNoise: Sendable, Codable, Equatable {
    public var dropout: Double
    public var stochasticDepth: Double

    public init(dropout: Double, stochasticDepth: Double = 0) {
        self.dropout = dropout
        self.stochasticDepth = stochasticDepth
    }
}
