import CTorch

/// Adam (`decoupledWeightDecay: false`, L2 penalty added to the gradient, as `torch.optim.Adam`)
/// or AdamW (`true`, weights shrunk by lr·wd before the update, as `torch.optim.AdamW`).
public struct Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double
    public let decoupledWeightDecay: Bool
    private var expAvg: [Tensor]
    private var expAvgSq: [Tensor]
    private var steps: [Int64]

    public init(parameters: [Tensor], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false) throws {
        guard learningRate >= 0, epsilon >= 0, weightDecay >= 0, (0..<1).contains(beta1), (0..<1).contains(beta2) else {
            throw TorchError.invalidArgument("Adam: invalid hyper-parameters (lr \(learningRate), betas (\(beta1), \(beta2)), eps \(epsilon), wd \(weightDecay))")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        self.expAvg = try parameters.map { try Tensor.zeros(like: $0) }
        self.expAvgSq = try parameters.map { try Tensor.zeros(like: $0) }
        self.steps = Array(repeating: 0, count: parameters.count)
    }

    /// AdamW with PyTorch's defaults (weight decay 0.01).
    public static func adamW(parameters: [Tensor], learningRate: Double = 1e-3, beta1: Double = 0.9,
                             beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01) throws -> Adam {
        try Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                 weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public mutating func step() throws {
        let p: [ct_tensor?] = parameters.map { $0.handle }
        let m: [ct_tensor?] = expAvg.map { $0.handle }
        let v: [ct_tensor?] = expAvgSq.map { $0.handle }
        let status = withExtendedLifetime((parameters, expAvg, expAvgSq)) {
            steps.withUnsafeMutableBufferPointer { s in
                ct_adam_step(p, Int32(p.count), m, v, s.baseAddress, learningRate, beta1, beta2, epsilon, weightDecay,
                             decoupledWeightDecay ? 1 : 0)
            }
        }
        try Tensor.check(status, decoupledWeightDecay ? "AdamW step" : "Adam step")
    }

    public func state() throws -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for i in parameters.indices {
            s["\(i).exp_avg"] = expAvg[i]
            s["\(i).exp_avg_sq"] = expAvgSq[i]
            s["\(i).step"] = try Tensor([steps[i]], shape: [])
        }
        return s
    }

    public mutating func loadState(_ state: [String: Tensor]) throws {
        let name = decoupledWeightDecay ? "AdamW" : "Adam"
        for i in parameters.indices {
            let m = try requiredState(state, "\(i).exp_avg", optimizer: name)
            let v = try requiredState(state, "\(i).exp_avg_sq", optimizer: name)
            let step = try requiredState(state, "\(i).step", optimizer: name)
            guard m.shape == parameters[i].shape, v.shape == parameters[i].shape else {
                throw TorchError.invalidArgument("\(name) state: moments of parameter \(i) have shapes \(m.shape), \(v.shape); parameter has \(parameters[i].shape)")
            }
            try expAvg[i].copyFrom(m)
            try expAvgSq[i].copyFrom(v)
            steps[i] = Int64(try step.itemInt())
        }
    }
}
