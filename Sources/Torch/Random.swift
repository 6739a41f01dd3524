import CTorch

/// Seeds libtorch's default generators (CPU and, where present, CUDA).
public func manualSeed(_ seed: UInt64) {
    ct_manual_seed(seed)
}

/// An explicit CPU random-number generator (Philox/MT as libtorch's CPU generator), for
/// reproducible streams that do not depend on what else drew from the default one.
// @unchecked Sendable: the handle is immutable and libtorch locks its generators' mutex on every draw.
public final class Generator: @unchecked Sendable {
    let handle: ct_generator

    public init(seed: UInt64) throws {
        guard let h = ct_generator_new(seed) else { throw Tensor.lastError("generator") }
        handle = h
    }

    deinit { ct_generator_free(handle) }

    /// The generator's complete state, to store in a checkpoint.
    public func state() throws -> Tensor {
        try Tensor.wrap(ct_generator_get_state(handle), "generator state")
    }

    /// Restores a state obtained from `state()`.
    public func setState(_ state: Tensor) throws {
        try Tensor.check(ct_generator_set_state(handle, state.handle), "set generator state")
    }

    /// The default CPU generator's state (dropout and every call without a generator draw from it).
    public static func defaultState() throws -> Tensor {
        try Tensor.wrap(ct_generator_get_state(nil), "default generator state")
    }

    public static func setDefaultState(_ state: Tensor) throws {
        try Tensor.check(ct_generator_set_state(nil, state.handle), "set default generator state")
    }
}
