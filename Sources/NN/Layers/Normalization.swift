import Torch

/// Batch normalisation over dimension 1 (`nn.BatchNorm1d`/`nn.BatchNorm2d`, which differ only
/// in the input rank they accept): affine weight and bias, running mean and variance with
/// PyTorch's momentum convention, and `num_batches_tracked`.
public final class BatchNorm: Module, UnaryLayer {
    @Param public var weight: Tensor
    @Param public var bias: Tensor
    @Buffer public var runningMean: Tensor
    @Buffer public var runningVar: Tensor
    @Buffer public var numBatchesTracked: Tensor
    public let momentum: Double
    public let eps: Double
    /// Accepted input ranks: [2, 3] for 1-d, [4] for 2-d.
    public let inputRanks: Set<Int>
    /// When set, training-mode statistics are computed over the whole group's batch
    /// (`nn.SyncBatchNorm`); each rank's own batch otherwise.
    public var synchronization: ProcessGroup?

    public init(_ features: Int, spatialDims: Int, momentum: Double = 0.1, eps: Double = 1e-5) throws {
        _weight = Param(wrappedValue: try Tensor.ones([features]).requiringGrad())
        _bias = Param(wrappedValue: try Tensor.zeros([features]).requiringGrad())
        _runningMean = Buffer(wrappedValue: try Tensor.zeros([features]))
        _runningVar = Buffer(wrappedValue: try Tensor.ones([features]))
        _numBatchesTracked = Buffer(wrappedValue: try Tensor.zeros([], dtype: .int64))
        self.momentum = momentum
        self.eps = eps
        self.inputRanks = spatialDims == 2 ? [4] : [2, 3]
        super.init()
    }

    /// `nn.BatchNorm1d`: input (N, C) or (N, C, L).
    public static func oneD(_ features: Int, momentum: Double = 0.1, eps: Double = 1e-5) throws -> BatchNorm {
        try BatchNorm(features, spatialDims: 1, momentum: momentum, eps: eps)
    }

    /// `nn.BatchNorm2d`: input (N, C, H, W).
    public static func twoD(_ features: Int, momentum: Double = 0.1, eps: Double = 1e-5) throws -> BatchNorm {
        try BatchNorm(features, spatialDims: 2, momentum: momentum, eps: eps)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard inputRanks.contains(x.rank) else {
            throw TorchError.invalidArgument("BatchNorm: expected a \(inputRanks.sorted().map(String.init).joined(separator: " or "))-d input, got shape \(x.shape)")
        }
        if isTraining { try withNoGrad { try numBatchesTracked.addInPlace(1) } }
        if isTraining, let group = synchronization, group.worldSize > 1 {
            return try synchronisedForward(x, group: group)
        }
        return try Tensor.batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                    training: isTraining, momentum: momentum, eps: eps)
    }
}

extension BatchNorm {
    /// Batch statistics over every rank's batch, two passes (mean, then the mean squared
    /// deviation), each a differentiable all-reduce; the running statistics are updated from them
    /// with the unbiased variance, as `nn.SyncBatchNorm` does.
    func synchronisedForward(_ x: Tensor, group: ProcessGroup) throws -> Tensor {
        let channels = x.shape[1]
        let dims = (0..<x.rank).filter { $0 != 1 }
        var broadcastShape = [Int](repeating: 1, count: x.rank)
        broadcastShape[1] = channels
        let count = Double(x.count / Swift.max(1, channels) * group.worldSize)
        let mean = try group.differentiableSum(x.sum(dims: dims)) * (1 / count)
        let centred = try x - mean.reshape(broadcastShape)
        let variance = try group.differentiableSum(centred.square().sum(dims: dims)) * (1 / count)
        try withNoGrad {
            let m = momentum
            try runningMean.mulInPlace(1 - m)
            try runningMean.addInPlace(mean.detached(), alpha: m)
            try runningVar.mulInPlace(1 - m)
            try runningVar.addInPlace(variance.detached(), alpha: m * count / Swift.max(1, count - 1))
        }
        let scale = try (variance + eps).rsqrt() * weight
        return try centred * scale.reshape(broadcastShape) + bias.reshape(broadcastShape)
    }
}

/// Layer normalisation over the trailing dimensions (`nn.LayerNorm`).
public final class LayerNorm: Module, UnaryLayer {
    @Param public var weight: Tensor
    @Param public var bias: Tensor
    public let normalizedShape: [Int]
    public let eps: Double

    public init(_ normalizedShape: [Int], eps: Double = 1e-5) throws {
        _weight = Param(wrappedValue: try Tensor.ones(normalizedShape).requiringGrad())
        _bias = Param(wrappedValue: try Tensor.zeros(normalizedShape).requiringGrad())
        self.normalizedShape = normalizedShape
        self.eps = eps
        super.init()
    }

    public convenience init(_ features: Int, eps: Double = 1e-5) throws {
        try self.init([features], eps: eps)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try Tensor.layerNorm(x, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }
}
