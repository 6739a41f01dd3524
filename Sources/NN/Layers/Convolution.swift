import Torch

/// 2-d convolution (`nn.Conv2d`), weight (out, in/groups, kh, kw).
public final class Conv2d: Module, UnaryLayer {
    @Param public var weight: Tensor
    @Param public var bias: Tensor?
    public let stride: [Int]
    public let padding: [Int]
    public let dilation: [Int]
    public let groups: Int

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
        try Tensor.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
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
