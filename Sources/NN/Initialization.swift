import Foundation
import Torch

/// PyTorch's default initialisers, drawing from an optional explicit generator.
public enum Initialization {
    /// Fan-in of a weight laid out as PyTorch lays it out (out, in, kernel...).
    public static func fanIn(_ shape: [Int]) -> Int {
        guard shape.count >= 2 else { return shape.first ?? 1 }
        return shape[1] * shape.dropFirst(2).reduce(1, *)
    }

    public static func fanOut(_ shape: [Int]) -> Int {
        guard shape.count >= 2 else { return shape.first ?? 1 }
        return shape[0] * shape.dropFirst(2).reduce(1, *)
    }

    /// `kaiming_uniform_(a=√5)`, the default of `nn.Linear` and `nn.ConvNd`: U(−1/√fan_in, 1/√fan_in).
    public static func kaimingUniformDefault(_ shape: [Int], generator: Generator? = nil) throws -> Tensor {
        let bound = 1.0 / Foundation.sqrt(Double(Swift.max(1, fanIn(shape))))
        return try uniform(shape, bound: bound, generator: generator)
    }

    /// Bias of `nn.Linear`/`nn.ConvNd`: U(−1/√fan_in, 1/√fan_in) with the weight's fan-in.
    public static func defaultBias(_ count: Int, weightShape: [Int], generator: Generator? = nil) throws -> Tensor {
        let bound = 1.0 / Foundation.sqrt(Double(Swift.max(1, fanIn(weightShape))))
        return try uniform([count], bound: bound, generator: generator)
    }

    /// `xavier_uniform_`: U(−a, a) with a = √(6 / (fan_in + fan_out)).
    public static func xavierUniform(_ shape: [Int], generator: Generator? = nil) throws -> Tensor {
        let bound = Foundation.sqrt(6.0 / Double(Swift.max(1, fanIn(shape) + fanOut(shape))))
        return try uniform(shape, bound: bound, generator: generator)
    }

    static func uniform(_ shape: [Int], bound: Double, generator: Generator?) throws -> Tensor {
        let t = try Tensor.empty(shape)
        try t.uniform(-bound, bound, generator: generator)
        return t
    }
}
