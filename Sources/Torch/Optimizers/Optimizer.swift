import CTorch

/// A first-order optimizer over a fixed list of parameters.
///
/// State (moments, momentum buffers, step counts) is exposed as named tensors so that a
/// checkpoint can store it and a resumed run continues with exactly the same updates.
public protocol Optimizer {
    /// The tensors updated by `step()`, in a fixed order (state names refer to positions).
    var parameters: [Tensor] { get }
    /// The learning rate used by the next `step()`; schedules set it before each step.
    var learningRate: Double { get set }
    /// Applies one update from the parameters' current gradients.
    mutating func step() throws
    /// Optimizer state as named tensors (`"<index>.<name>"`).
    func state() throws -> [String: Tensor]
    /// Restores state produced by `state()` for the same parameter list.
    mutating func loadState(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGrad() throws {
        for p in parameters { try p.zeroGrad() }
    }
}

/// Scales gradients in place so their global L2 norm is at most `maxNorm`
/// (`torch.nn.utils.clip_grad_norm_`); returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Double) throws -> Double {
    let handles: [ct_tensor?] = parameters.map { $0.handle }
    var total = 0.0
    try withExtendedLifetime(parameters) {
        try Tensor.check(handles.withUnsafeBufferPointer {
            ct_clip_grad_norm($0.baseAddress, Int32($0.count), maxNorm, &total)
        }, "clip_grad_norm")
    }
    return total
}

/// Looks up one named state tensor, with an error naming what is missing.
func requiredState(_ state: [String: Tensor], _ key: String, optimizer: String) throws -> Tensor {
    guard let t = state[key] else {
        throw TorchError.invalidArgument("\(optimizer) state is missing \"\(key)\"")
    }
    return t
}
