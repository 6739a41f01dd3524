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

    enum CodingKeys: String, CodingKey { case dropout, stochasticDepth = "stochastic_depth" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? 0
        stochasticDepth = try c.decodeIfPresent(Double.self, forKey: .stochasticDepth) ?? 0
    }
}
