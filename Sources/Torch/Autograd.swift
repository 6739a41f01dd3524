import CTorch

extension Tensor {
    /// Whether operations on this tensor are recorded for differentiation.
    public var requiresGrad: Bool {
        get { ct_requires_grad(handle) == 1 }
    }

    /// Marks a leaf tensor as a parameter whose gradient is wanted (or not); returns self.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) throws -> Tensor {
        try Tensor.check(ct_set_requires_grad(handle, flag ? 1 : 0), "requires_grad_")
        return self
    }

    public var isLeaf: Bool { ct_is_leaf(handle) == 1 }

    /// Back-propagates from this tensor (a scalar, or any shape with `gradient`) into the
    /// `.grad` of every leaf that requires it; gradients accumulate.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        try Tensor.check(ct_backward(handle, gradient?.handle, retainGraph ? 1 : 0), "backward")
    }

    /// The accumulated gradient, or nil before any backward pass (or after `zeroGrad`).
    public var grad: Tensor? {
        var out: ct_tensor?
        guard ct_grad(handle, &out) == 0, let out else { return nil }
        return Tensor(handle: out)
    }

    /// Replaces the gradient (nil clears it, as `optimizer.zero_grad(set_to_none=True)`).
    public func setGrad(_ gradient: Tensor?) throws {
        try Tensor.check(ct_set_grad(handle, gradient?.handle), "set grad")
    }

    /// Clears the gradient.
    public func zeroGrad() throws { try setGrad(nil) }

    /// Replaces this tensor's storage, dtype and layout with `source`'s while keeping its
    /// identity (every holder of this `Tensor` sees the change) and its `requiresGrad` flag,
    /// as PyTorch's `tensor.data = source`. Converts parameters in place (dtype, memory format);
    /// any gradient of the old shape or dtype should be cleared first.
    public func setData(_ source: Tensor) throws {
        try Tensor.check(ct_set_data(handle, source.handle), "set_data")
    }

    /// The same values, cut from the autograd graph.
    public func detached() throws -> Tensor {
        try Tensor.wrap(ct_detach(handle), "detach")
    }
}

/// Whether autograd records operations on the current thread.
public var isGradEnabled: Bool { ct_is_grad_enabled() == 1 }

/// Runs `body` with gradient recording off on this thread (inference, optimizer updates),
/// restoring the previous mode afterwards, even when `body` throws.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    let previous = ct_set_grad_enabled(0)
    defer { _ = ct_set_grad_enabled(previous) }
    return try body()
}

/// Runs `body` with gradient recording on (inside a no-grad scope, for example).
public func withGrad<R>(_ body: () throws -> R) rethrows -> R {
    let previous = ct_set_grad_enabled(1)
    defer { _ = ct_set_grad_enabled(previous) }
    return try body()
}
