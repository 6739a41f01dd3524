import Torch

/// y = x·Wᵀ + b (`nn.Linear`): weight (out, in), bias (out).
public final class Linear: Module, UnaryLayer {
    @Param public var weight: Tensor
    @Param public var bias: Tensor

    public init(_ inFeatures: Int, _ outFeatures: Int, generator: Generator? = nil) throws {
        let shape = [outFeatures, inFeatures]
        _weight = Param(wrappedValue: try Initialization.kaimingUniformDefault(shape, generator: generator).requiringGrad())
        _bias = Param(wrappedValue: try Initialization.defaultBias(outFeatures, weightShape: shape, generator: generator).requiringGrad())
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Tensor.linear(x, weight: weight, bias: bias)
    }
}
