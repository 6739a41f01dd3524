import Torch

/// Targets that mixup interpolates along with the inputs.
public enum MixupTargets {
    /// (batch, classes) multi-label targets in [0, 1] (hard or soft); mixed targets are the
    /// same convex combination, i.e. soft labels.
    case multiLabel(Tensor)
    /// (batch, classes) one-hot or soft class distributions; rows keep summing to 1.
    case classProbabilities(Tensor)
    /// (batch) int64 class indices, turned into one-hot distributions over `classes` first.
    case classIndices(Tensor, classes: Int)
}

/// What ``Mixup`` returns: mixed inputs and targets plus the weights and partners used.
public struct MixupResult {
    /// `λ·x + (1 − λ)·x[permutation]`, the inputs' shape.
    public var inputs: Tensor
    /// `λ·y + (1 − λ)·y[permutation]`, float (batch, classes).
    public var targets: Tensor
    /// The weight λ of each example's own content, (batch) in the inputs' dtype.
    public var lambda: Tensor
    /// The partner of each example, (batch) int64.
    public var permutation: Tensor
}

/// Mixup (Zhang et al., 2018) as a batch operation: each example is blended with a partner
/// from the same batch (a random permutation), `x̃ = λ·x + (1 − λ)·x[π]`, and its targets
/// the same way, with `λ ~ Beta(α, α)`.
///
/// By default one λ serves the whole batch, as in the paper: every convex combination then
/// pairs with its mirror image, so the sum of the targets over the batch is conserved,
/// multi-label ones included. With ``lambdaPerExample`` each example draws its own λ; rows
/// of class distributions still sum to 1. An example not chosen (probability
/// 1 − ``probability``) keeps λ = 1. Small α (0.2–0.4) keeps most mixes near one of the two.
public struct Mixup: Sendable, Codable, Equatable {
    public static let name = "mixup"
    /// The Beta distribution's two equal parameters; positive.
    public var alpha: Double
    /// One λ per example instead of one per batch.
    public var lambdaPerExample: Bool
    public var probability: Double

    public init(alpha: Double = 0.4, lambdaPerExample: Bool = false, probability: Double = 1) {
        self.alpha = alpha
        self.lambdaPerExample = lambdaPerExample
        self.probability = probability
    }

    public func validate() throws {
        try AugmentationCheck.probability(probability, Self.name)
        guard alpha.isFinite, alpha > 0 else {
            throw AugmentationError.invalidParameter(transform: Self.name, message: "alpha \(alpha) must be positive")
        }
    }

    /// Mixes a batch: `inputs` (batch, …) floating point — waveforms or spectrograms — and
    /// its targets, with weights and partners drawn from `random`.
    public func callAsFunction(inputs: Tensor, targets: MixupTargets, random: AugmentationRandom) throws -> MixupResult {
        try validate()
        guard inputs.rank >= 1, inputs.dtype.isFloatingPoint else {
            throw AugmentationError.invalidShape(transform: Self.name, shape: inputs.shape, expected: "(batch, …) floating point")
        }
        let count = try inputs.size(0)
        let soft = try softTargets(targets, batch: count, device: inputs.device)

        let chosen = try random.bernoulli(count, probability: probability)
        let draws = try random.beta(lambdaPerExample ? count : 1, alpha: alpha, beta: alpha)
        let weights = (0..<count).map { chosen[$0] ? draws[lambdaPerExample ? $0 : 0] : 1 }
        let order = try random.permutation(count)

        let permutation = try Tensor(order.map(Int64.init)).to(inputs.device)
        let lambda = try Tensor(weights).to(inputs.device, inputs.dtype)
        let inputShape = [count] + Array(repeating: 1, count: inputs.rank - 1)
        let l = try lambda.reshape(inputShape)
        let mixedInputs = try inputs * l + inputs.indexSelect(dim: 0, index: permutation) * (1 - l)
        let t = try lambda.to(soft.dtype).reshape([count, 1])
        let mixedTargets = try soft * t + soft.indexSelect(dim: 0, index: permutation) * (1 - t)
        return MixupResult(inputs: mixedInputs, targets: mixedTargets, lambda: lambda, permutation: permutation)
    }

    /// The targets as a float (batch, classes) tensor on `device`.
    func softTargets(_ targets: MixupTargets, batch: Int, device: Device) throws -> Tensor {
        let soft: Tensor
        switch targets {
        case .multiLabel(let y), .classProbabilities(let y):
            guard y.rank == 2, try y.size(0) == batch else {
                throw AugmentationError.invalidShape(transform: Self.name, shape: y.shape, expected: "(\(batch), classes) targets")
            }
            soft = y.dtype.isFloatingPoint ? y : try y.to(.float32)
        case .classIndices(let y, let classes):
            guard y.rank == 1, try y.size(0) == batch, y.dtype == .int64, classes > 0 else {
                throw AugmentationError.invalidShape(transform: Self.name, shape: y.shape,
                                                     expected: "(\(batch)) int64 class indices and classes > 0")
            }
            soft = try y.oneHot(classes: classes).to(.float32)
        }
        return try soft.to(device)
    }

    enum CodingKeys: String, CodingKey { case alpha, lambdaPerExample, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? 0.4
        lambdaPerExample = try c.decodeIfPresent(Bool.self, forKey: .lambdaPerExample) ?? false
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 1
    }
}
