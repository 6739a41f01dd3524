import Foundation
import Torch

/// Multi-head self-attention with PyTorch's parameter layout (`nn.MultiheadAttention`,
/// `batch_first=True`): a packed input projection `in_proj_weight` (3E, E) and `in_proj_bias`,
/// then `out_proj`.
public final class MultiheadAttention: Module, StochasticLayer {
    @Param public var inProjWeight: Tensor
    @Param public var inProjBias: Tensor
    public let outProj: Linear
    public let heads: Int
    public let embedDim: Int
    /// Dropout on the attention weights (training only).
    public var dropout: Double
    public var generator: Generator?

    public init(embedDim: Int, heads: Int, dropout: Double = 0, generator: Generator? = nil) throws {
        guard heads > 0, embedDim % heads == 0 else {
            throw TorchError.invalidArgument("MultiheadAttention: embedding size \(embedDim) is not divisible by \(heads) heads")
        }
        _inProjWeight = Param(wrappedValue: try Initialization.xavierUniform([3 * embedDim, embedDim], generator: generator).requiringGrad())
        _inProjBias = Param(wrappedValue: try Tensor.zeros([3 * embedDim]).requiringGrad())
        let projection = try Linear(embedDim, embedDim, generator: generator)
        try withNoGrad { try projection.bias.zero() }
        outProj = projection
        self.heads = heads
        self.embedDim = embedDim
        self.dropout = dropout
        super.init()
    }

    /// Self-attention over (batch, tokens, embed) → (batch, tokens, embed).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let shape = x.shape
        guard shape.count == 3, shape[2] == embedDim else {
            throw TorchError.invalidArgument("MultiheadAttention: expected (batch, tokens, \(embedDim)), got \(shape)")
        }
        let (b, t) = (shape[0], shape[1])
        let headDim = embedDim / heads
        // (B, T, 3E) → (3, B, heads, T, hd)
        let qkv = try Tensor.linear(x, weight: inProjWeight, bias: inProjBias)
            .reshape([b, t, 3, heads, headDim]).permute([2, 0, 3, 1, 4])
        let q = try qkv.select(dim: 0, index: 0) / Foundation.sqrt(Double(headDim))
        let k = try qkv.select(dim: 0, index: 1)
        let v = try qkv.select(dim: 0, index: 2)
        var weights = try q.matmul(k.transpose(-2, -1)).softmax(dim: -1)
        if isTraining && dropout > 0 { weights = try weights.dropout(dropout, training: true, generator: generator) }
        let context = try weights.matmul(v).transpose(1, 2).reshape([b, t, embedDim])
        return try outProj(context)
    }
}
