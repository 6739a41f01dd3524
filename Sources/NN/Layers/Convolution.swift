import Torch

/// 2-d convolution (`nn.Conv2d`), weight (out, in/groups, kh, kw).
public final class Conv2d: Module, UnaryLayer {
    @Param public var weight: Tensor
    @Param public var bias: Tensor?
    public let stride: [Int]
    public let padding: [Int]
    public let dilation: [Int]
    public let groups: Int
    /// Weight and bias reordered for oneDNN-layout inputs (`prepareForOneDNNLayout()`); not
    /// part of the state dict.
    private var oneDNN: (weight: Tensor, bias: Tensor)?

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: Generator? = nil) throws {
        guard inChannels % groups == 0, outChannels % groups == 0 else {
            throw TorchError.invalidArgument("Conv2d: channels \(inChannels)→\(outChannels) are not divisible by \(groups) groups")
        }
        let shape = [outChannels, inChannels / groups, kernel, kernel]
        _weight = Param(wrappedValue: try Initialization.kaimingUniformDefault(shape, generator: generator).requiringGrad())
        _bias = Param(wrappedValue: bias ? try Initialization.defaultBias(outChannels, weightShape: shape, generator: generator).requiringGrad() : nil)
        self.stride = [stride, stride]
        self.padding = [padding, padding]
        self.dilation = [dilation, dilation]
        self.groups = groups
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        if let oneDNN, x.hasOneDNNLayout {
            return try Tensor.oneDNNConvolution2d(x, weight: oneDNN.weight, bias: oneDNN.bias, stride: stride,
                                                  padding: padding, dilation: dilation, groups: groups,
                                                  macsPerOutput: weight.count / Swift.max(1, weight.shape.first ?? 1))
        }
        return try Tensor.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// Reorders a snapshot of the weight and bias into oneDNN's layout, so that this
    /// convolution also accepts inputs in oneDNN layout (`Tensor.toOneDNNLayout()`) and returns
    /// its result in that layout. For inference: later changes to the weight are not seen
    /// until this is called again. Dense inputs still use the weight itself.
    public func prepareForOneDNNLayout() throws {
        try withNoGrad {
            let w = try weight.detached().contiguous().oneDNNConvolution2dWeight(
                stride: stride, padding: padding, dilation: dilation, groups: groups)
            let b = try (bias?.detached() ?? Tensor.zeros([weight.size(0)], dtype: weight.dtype)).contiguous()
            oneDNN = (w, try b.toOneDNNLayout())
        }
    }
}

/// 1-d convolution (`nn.Conv1d`), weight (out, in/groups, k).
public final class Conv1d: Module, UnaryLayer {
    @Param public var weight: Tensor
    @Param public var bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let dilation: Int
    public let groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: Generator? = nil) throws {
        guard inChannels % groups == 0, outChannels % groups == 0 else {
            throw TorchError.invalidArgument("Conv1d: channels \(inChannels)→\(outChannels) are not divisible by \(groups) groups")
        }
        let shape = [outChannels, inChannels / groups, kernel]
        _weight = Param(wrappedValue: try Initialization.kaimingUniformDefault(shape, generator: generator).requiringGrad())
        _bias = Param(wrappedValue: bias ? try Initialization.defaultBias(outChannels, weightShape: shape, generator: generator).requiringGrad() : nil)
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Tensor.conv1d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
