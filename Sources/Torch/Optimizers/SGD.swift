import CTorch

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight
/// decay, updating exactly as `torch.optim.SGD`.
public struct SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Double
    public var momentum: Double
    public var dampening: Double
    public var weightDecay: Double
    public var nesterov: Bool
    private var momentumBuffers: [Tensor?]

    public init(parameters: [Tensor], learningRate: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws {
        guard learningRate >= 0, momentum >= 0, weightDecay >= 0 else {
            throw TorchError.invalidArgument("SGD: learning rate, momentum and weight decay must be non-negative")
        }
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            throw TorchError.invalidArgument("SGD: Nesterov momentum requires a momentum and zero dampening")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.momentumBuffers = Array(repeating: nil, count: parameters.count)
    }

    public mutating func step() throws {
        let params: [ct_tensor?] = parameters.map { $0.handle }
        var buffers: [ct_tensor?] = momentumBuffers.map { $0?.handle }
        let status = params.withUnsafeBufferPointer { p in
            buffers.withUnsafeMutableBufferPointer { b in
                ct_sgd_step(p.baseAddress, Int32(p.count), b.baseAddress, learningRate, momentum, dampening,
                            weightDecay, nesterov ? 1 : 0)
            }
        }
        // Buffers created by this step are new handles that we now own.
        for i in buffers.indices where momentumBuffers[i] == nil {
            if let h = buffers[i] { momentumBuffers[i] = Tensor(handle: h) }
        }
        try Tensor.check(status, "SGD step")
    }

    public func state() throws -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for (i, b) in momentumBuffers.enumerated() {
            if let b { s["\(i).momentum_buffer"] = b }
        }
        return s
    }

    public mutating func loadState(_ state: [String: Tensor]) throws {
        for i in parameters.indices {
            if let b = state["\(i).momentum_buffer"] {
                guard b.shape == parameters[i].shape else {
                    throw TorchError.invalidArgument("SGD state: momentum buffer \(i) has shape \(b.shape), parameter has \(parameters[i].shape)")
                }
                momentumBuffers[i] = try b.to(parameters[i].device, parameters[i].dtype).clone(.preserve)
            } else {
                momentumBuffers[i] = nil
            }
        }
    }
}
