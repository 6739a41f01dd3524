import Torch

/// Pre-norm Transformer encoder layer with PyTorch's names (`nn.TransformerEncoderLayer` with
/// `norm_first=True, batch_first=True, activation="gelu"`), plus stochastic depth on both
/// residual branches (no parameters, identity at rate 0 and in evaluation).
public final class TransformerEncoderLayer: Module, UnaryLayer {
    public let selfAttn: MultiheadAttention
    public let linear1: Linear
    public let dropout: Dropout
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let dropout1: Dropout
    public let dropout2: Dropout
    public let dropPath: DropPath

    public init(dModel: Int, heads: Int, feedForward: Int, dropout: Double = 0.1, dropPath: Double = 0,
                generator: Generator? = nil) throws {
        selfAttn = try MultiheadAttention(embedDim: dModel, heads: heads, dropout: dropout, generator: generator)
        linear1 = try Linear(dModel, feedForward, generator: generator)
        self.dropout = try Dropout(dropout)
        linear2 = try Linear(feedForward, dModel, generator: generator)
        norm1 = try LayerNorm(dModel)
        norm2 = try LayerNorm(dModel)
        dropout1 = try Dropout(dropout)
        dropout2 = try Dropout(dropout)
        self.dropPath = try DropPath(dropPath)
        super.init()
    }

    /// Sets every dropout of the layer (attention weights, feed-forward, residual branches).
    public func setDropout(_ rate: Double) {
        selfAttn.dropout = rate
        dropout.rate = rate
        dropout1.rate = rate
        dropout2.rate = rate
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let attended = try dropout1(selfAttn(norm1(x)))
        let h = try x + dropPath(attended)
        let fed = try dropout2(linear2(dropout(linear1(norm2(h)).gelu())))
        return try h + dropPath(fed)
    }
}
