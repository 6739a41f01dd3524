import CTorch

extension Tensor {
    /// Same elements in a new shape (one dimension may be -1); copies only when it must.
    public func reshape(_ shape: [Int]) throws -> Tensor {
        try Tensor.wrap(withInt64Buffer(shape) { ct_reshape(handle, $0, $1) }, "reshape to \(shape)")
    }
    /// Like `reshape`, but never copies: fails if the strides do not allow a view.
    public func view(_ shape: [Int]) throws -> Tensor {
        try Tensor.wrap(withInt64Buffer(shape) { ct_view(handle, $0, $1) }, "view as \(shape)")
    }
    public func permute(_ dims: [Int]) throws -> Tensor {
        try Tensor.wrap(withInt64Buffer(dims) { ct_permute(handle, $0, $1) }, "permute \(dims)")
    }
    public func transpose(_ d0: Int, _ d1: Int) throws -> Tensor {
        try Tensor.wrap(ct_transpose(handle, Int64(d0), Int64(d1)), "transpose")
    }
    /// Removes `dim` if its size is 1, or every size-1 dimension when `dim` is nil.
    public func squeeze(_ dim: Int? = nil) throws -> Tensor {
        try Tensor.wrap(ct_squeeze(handle, Int64(dim ?? 0), dim == nil ? 1 : 0), "squeeze")
    }
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        try Tensor.wrap(ct_unsqueeze(handle, Int64(dim)), "unsqueeze")
    }
    /// Broadcasts size-1 dimensions to `shape` without copying (-1 keeps a size).
    public func expand(_ shape: [Int]) throws -> Tensor {
        try Tensor.wrap(withInt64Buffer(shape) { ct_expand(handle, $0, $1) }, "expand to \(shape)")
    }
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        try Tensor.wrap(ct_flatten(handle, Int64(startDim), Int64(endDim)), "flatten")
    }
    /// Elements start..<end (by step) along `dim`; a view.
    public func slice(dim: Int, start: Int = 0, end: Int? = nil, step: Int = 1) throws -> Tensor {
        try Tensor.wrap(ct_slice(handle, Int64(dim), Int64(start), Int64(end ?? Int(Int64.max)), Int64(step)), "slice")
    }
    /// The sub-tensor at `index` of `dim`, which is removed; a view.
    public func select(dim: Int, index: Int) throws -> Tensor {
        try Tensor.wrap(ct_select(handle, Int64(dim), Int64(index)), "select")
    }
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        try Tensor.wrap(ct_index_select(handle, Int64(dim), index.handle), "index_select")
    }
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        try Tensor.wrap(ct_gather(handle, Int64(dim), index.handle), "gather")
    }
    public func repeated(_ repeats: [Int]) throws -> Tensor {
        try Tensor.wrap(withInt64Buffer(repeats) { ct_repeat(handle, $0, $1) }, "repeat")
    }
    public func flip(_ dims: [Int]) throws -> Tensor {
        try Tensor.wrap(withInt64Buffer(dims) { ct_flip(handle, $0, $1) }, "flip")
    }
    public func roll(_ shift: Int, dim: Int) throws -> Tensor {
        try Tensor.wrap(ct_roll(handle, Int64(shift), Int64(dim)), "roll")
    }
    /// A view of the windows of `size` elements, `step` apart, along `dim`, as a new last
    /// dimension (ATen's `Tensor.unfold`; no copy).
    public func unfold(dim: Int, size: Int, step: Int) throws -> Tensor {
        try Tensor.wrap(ct_unfold(handle, Int64(dim), Int64(size), Int64(step)), "unfold(dim \(dim), size \(size), step \(step)) of \(shape)")
    }
    /// Lower triangle (elements above `diagonal` zeroed).
    public func tril(diagonal: Int = 0) throws -> Tensor {
        try Tensor.wrap(ct_tril(handle, Int64(diagonal)), "tril")
    }
    /// One-hot encoding of an int64 tensor of class indices.
    public func oneHot(classes: Int) throws -> Tensor {
        try Tensor.wrap(ct_one_hot(handle, Int64(classes)), "one_hot")
    }

    /// Joins tensors along an existing dimension.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard !tensors.isEmpty else { throw TorchError.invalidArgument("cat: no tensors") }
        let handles: [ct_tensor?] = tensors.map { $0.handle }
        return try withExtendedLifetime(tensors) {
            try wrap(handles.withUnsafeBufferPointer { ct_cat($0.baseAddress, Int32($0.count), Int64(dim)) }, "cat")
        }
    }

    /// Joins tensors along a new dimension.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard !tensors.isEmpty else { throw TorchError.invalidArgument("stack: no tensors") }
        let handles: [ct_tensor?] = tensors.map { $0.handle }
        return try withExtendedLifetime(tensors) {
            try wrap(handles.withUnsafeBufferPointer { ct_stack($0.baseAddress, Int32($0.count), Int64(dim)) }, "stack")
        }
    }
}
