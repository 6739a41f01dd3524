import CTorch

extension Tensor {
    /// The elements, row-major, as Swift values; the tensor is converted to `T`'s dtype and
    /// copied to the CPU first when needed.
    public func toArray<T: TensorScalar>(_ type: T.Type = T.self) throws -> [T] {
        let source = dtype == T.dtype ? self : try to(T.dtype)
        let n = source.count
        return try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            let status = ct_copy_to_buffer(source.handle, buffer.baseAddress, n * MemoryLayout<T>.stride)
            try Tensor.check(status, "copy to array")
            initialized = n
        }
    }

    /// The raw bytes of the elements (row-major, little-endian, this tensor's dtype).
    public func rawBytes() throws -> [UInt8] {
        let n = byteCount
        return try [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
            try Tensor.check(ct_copy_to_buffer(handle, buffer.baseAddress, n), "copy to bytes")
            initialized = n
        }
    }

    /// The value of a one-element tensor.
    public func item() throws -> Double {
        var value = 0.0
        try Tensor.check(ct_item_double(handle, &value), "item")
        return value
    }

    /// The value of a one-element integer tensor.
    public func itemInt() throws -> Int {
        var value: Int64 = 0
        try Tensor.check(ct_item_int64(handle, &value), "item")
        return Int(value)
    }

    /// Converts the element type.
    public func to(_ dtype: DType) throws -> Tensor {
        let d = device.code
        return try Tensor.wrap(ct_to(handle, dtype.rawValue, d.type, d.index, 0), "to \(dtype)")
    }

    /// Moves to a device (no copy when already there).
    public func to(_ device: Device) throws -> Tensor {
        let d = device.code
        return try Tensor.wrap(ct_to(handle, dtype.rawValue, d.type, d.index, 0), "to \(device)")
    }

    public func to(_ device: Device, _ dtype: DType) throws -> Tensor {
        let d = device.code
        return try Tensor.wrap(ct_to(handle, dtype.rawValue, d.type, d.index, 0), "to \(device) \(dtype)")
    }

    /// A tensor with the same values laid out in `format` (itself if already so).
    public func contiguous(_ format: MemoryFormat = .contiguous) throws -> Tensor {
        try Tensor.wrap(ct_contiguous(handle, format.rawValue), "contiguous")
    }

    /// A copy with its own storage (autograd records the copy).
    public func clone(_ format: MemoryFormat = .preserve) throws -> Tensor {
        try Tensor.wrap(ct_clone(handle, format.rawValue), "clone")
    }

    /// A second handle to this very tensor (same storage, same autograd identity).
    public func alias() throws -> Tensor {
        try Tensor.wrap(ct_shallow_clone(handle), "alias")
    }

    /// True when shapes and all elements are equal.
    public func equals(_ other: Tensor) throws -> Bool {
        let r = ct_equal(handle, other.handle)
        try Tensor.check(r, "equal")
        return r == 1
    }

    /// `torch.allclose`: |a - b| <= atol + rtol * |b| everywhere.
    public func allClose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8) throws -> Bool {
        let r = ct_allclose(handle, other.handle, rtol, atol)
        try Tensor.check(r, "allclose")
        return r == 1
    }
}
