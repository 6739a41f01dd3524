import Foundation

/// A learning rate as a function of the optimizer step (0-based).
public protocol LearningRateSchedule: Sendable {
    func learningRate(atStep step: Int) -> Double
}

/// Linear warm-up from 0 to `peak` over `warmupSteps`, then half-cosine decay to `floor`
/// at `totalSteps` (held there afterwards).
public struct WarmupCosineSchedule: LearningRateSchedule {
    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    public var floor: Double

    public init(peak: Double, warmupSteps: Int, totalSteps: Int, floor: Double = 0) {
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = max(totalSteps, self.warmupSteps + 1)
        self.floor = floor
    }

    public func learningRate(atStep step: Int) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let progress = min(1, Double(step - warmupSteps) / Double(totalSteps - warmupSteps))
        return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * progress))
    }
}

/// Multiplies the rate by `gamma` every `stepSize` steps (`torch.optim.lr_scheduler.StepLR`).
public struct StepSchedule: LearningRateSchedule {
    public var initial: Double
    public var stepSize: Int
    public var gamma: Double

    public init(initial: Double, stepSize: Int, gamma: Double = 0.1) {
        self.initial = initial
        self.stepSize = max(1, stepSize)
        self.gamma = gamma
    }

    public func learningRate(atStep step: Int) -> Double {
        initial * pow(gamma, Double(step / stepSize))
    }
}
