import CTorch

extension Tensor {
    @inline(__always)
    func reduce(_ op: ct_reduce_op, _ dims: [Int], keepDim: Bool, _ name: String) throws -> Tensor {
        try Tensor.wrap(withInt64Buffer(dims) { ct_reduce(Int32(op.rawValue), handle, $0, $1, keepDim ? 1 : 0) }, name)
    }

    /// Sum over `dims` (every element when empty).
    public func sum(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_R_SUM, dims, keepDim: keepDim, "sum") }
    public func mean(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_R_MEAN, dims, keepDim: keepDim, "mean") }
    public func amax(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_R_AMAX, dims, keepDim: keepDim, "amax") }
    public func amin(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_R_AMIN, dims, keepDim: keepDim, "amin") }
    public func logSumExp(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor {
        try reduce(CT_R_LOGSUMEXP, dims, keepDim: keepDim, "logsumexp")
    }
    /// Product over one dimension (or all elements).
    public func prod(dim: Int? = nil, keepDim: Bool = false) throws -> Tensor {
        try reduce(CT_R_PROD, dim.map { [$0] } ?? [], keepDim: keepDim, "prod")
    }
    /// Unbiased variance.
    public func variance(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_R_VAR, dims, keepDim: keepDim, "var") }
    /// Unbiased standard deviation.
    public func std(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_R_STD, dims, keepDim: keepDim, "std") }
    /// L2 norm.
    public func norm(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try reduce(CT_R_NORM, dims, keepDim: keepDim, "norm") }

    public func argmax(dim: Int, keepDim: Bool = false) throws -> Tensor {
        try Tensor.wrap(ct_argmax(handle, Int64(dim), keepDim ? 1 : 0), "argmax")
    }
    public func argmin(dim: Int, keepDim: Bool = false) throws -> Tensor {
        try Tensor.wrap(ct_argmin(handle, Int64(dim), keepDim ? 1 : 0), "argmin")
    }

    /// Maximum values along `dim` with their indices.
    public func max(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepDim: keepDim, isMax: true)
    }
    /// Minimum values along `dim` with their indices.
    public func min(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepDim: keepDim, isMax: false)
    }
    /// The largest element.
    public func max() throws -> Tensor { try amax() }
    /// The smallest element.
    public func min() throws -> Tensor { try amin() }

    private func extremum(dim: Int, keepDim: Bool, isMax: Bool) throws -> (values: Tensor, indices: Tensor) {
        var v: ct_tensor?
        var i: ct_tensor?
        try Tensor.check(ct_max_dim(handle, Int64(dim), keepDim ? 1 : 0, isMax ? 1 : 0, &v, &i), isMax ? "max" : "min")
        return (try Tensor.wrap(v, "max"), try Tensor.wrap(i, "max"))
    }

    /// The k largest (or smallest) elements along `dim`, sorted.
    public func topK(_ k: Int, dim: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        var v: ct_tensor?
        var i: ct_tensor?
        try Tensor.check(ct_topk(handle, Int64(k), Int64(dim), largest ? 1 : 0, &v, &i), "topk")
        return (try Tensor.wrap(v, "topk"), try Tensor.wrap(i, "topk"))
    }

    /// Indices that sort along `dim` (stable).
    public func argsort(dim: Int = -1, descending: Bool = false) throws -> Tensor {
        try Tensor.wrap(ct_sort_indices(handle, Int64(dim), descending ? 1 : 0), "argsort")
    }

    public func softmax(dim: Int) throws -> Tensor { try Tensor.wrap(ct_softmax(handle, Int64(dim), 0), "softmax") }
    public func logSoftmax(dim: Int) throws -> Tensor { try Tensor.wrap(ct_softmax(handle, Int64(dim), 1), "log_softmax") }
    public func cumsum(dim: Int) throws -> Tensor { try Tensor.wrap(ct_cumsum(handle, Int64(dim)), "cumsum") }
}
