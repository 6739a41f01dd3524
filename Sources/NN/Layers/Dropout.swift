import Torch

/// Inverted dropout, active in training mode only (`nn.Dropout`). The rate can change between
/// steps (noise schedules); 0 makes it the identity.
public final class Dropout: Module, UnaryLayer, StochasticLayer {
    public var rate: Double
    public var generator: Generator?

    public init(_ rate: Double) throws {
        guard (0..<1).contains(rate) else { throw TorchError.invalidArgument("dropout rate \(rate) is outside [0, 1)") }
        self.rate = rate
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard isTraining, rate > 0 else { return x }
        return try x.dropout(rate, training: true, generator: generator)
    }
}

/// Stochastic depth ("drop path"): in training, zeroes a residual branch for a whole example
/// with probability `rate` and scales the kept ones by 1/(1−rate); the identity otherwise.
public final class DropPath: Module, UnaryLayer, StochasticLayer {
    public var rate: Double
    public var generator: Generator?

    public init(_ rate: Double) throws {
        guard (0..<1).contains(rate) else { throw TorchError.invalidArgument("drop-path rate \(rate) is outside [0, 1)") }
        self.rate = rate
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard isTraining, rate > 0 else { return x }
        var shape = [try x.size(0)]
        shape += Array(repeating: 1, count: x.rank - 1)
        // Drawn on the CPU, where an explicit generator draws, then moved to the input's device.
        let keep = try Tensor.full(shape, 1 - rate, dtype: x.dtype).bernoulli(generator: generator).to(x.device)
        return try x * (keep / (1 - rate))
    }

    /// Rates rising linearly from 0 at the first block to `maximum` at the last.
    public static func linearRates(maximum: Double, blocks: Int) -> [Double] {
        guard blocks > 1 else { return Array(repeating: maximum, count: Swift.max(0, blocks)) }
        return (0..<blocks).map { maximum * Double($0) / Double(blocks - 1) }
    }
}

/// A layer that draws random numbers in training (dropout, drop path, attention dropout).
public protocol StochasticLayer: AnyObject {
    /// Where it draws from; the default generator when nil.
    var generator: Generator? { get set }
}

extension Module {
    /// Makes every stochastic layer here and below draw from `generator` (nil: the default one).
    public func setNoiseGenerator(_ generator: Generator?) {
        for (_, module) in namedModules() {
            (module as? StochasticLayer)?.generator = generator
        }
    }
}
