import CTorch

/// An n-dimensional array on a device, with autograd.
///
/// A `Tensor` owns one libtorch handle and frees it when the last reference goes away.
/// Like PyTorch's tensors it has reference semantics: views share storage, and in-place
/// operations are visible through every handle to that storage.
// @unchecked Sendable: the handle is immutable and libtorch's tensor handles are thread-safe to read and free;
// writes to shared storage are ordered by the code that shares it, as in PyTorch.
public final class Tensor: @unchecked Sendable {
    let handle: ct_tensor

    init(handle: ct_tensor) { self.handle = handle }

    deinit { ct_free(handle) }

    /// Turns a handle returned by ctorch into a tensor, or the thread's error into a throw.
    @inline(__always)
    static func wrap(_ handle: ct_tensor?, _ op: @autoclosure () -> String) throws -> Tensor {
        guard let handle else { throw lastError(op()) }
        return Tensor(handle: handle)
    }

    /// The thread's ctorch error as a `TorchError`.
    static func lastError(_ op: String) -> TorchError {
        let message = String(cString: ct_last_error())
        ct_clear_error()
        return .operation(op, message: message.isEmpty ? "failed" : message)
    }

    @inline(__always)
    static func check(_ status: Int32, _ op: @autoclosure () -> String) throws {
        if status < 0 { throw lastError(op()) }
    }

    // MARK: Metadata

    public var rank: Int { Int(ct_ndim(handle)) }

    public var shape: [Int] {
        var dims = [Int64](repeating: 0, count: 16)
        let n = Int(ct_shape(handle, &dims, 16))
        if n >= 0 { return dims[0..<n].map(Int.init) }
        var large = [Int64](repeating: 0, count: 64)
        let m = Swift.max(0, Int(ct_shape(handle, &large, 64)))
        return large[0..<m].map(Int.init)
    }

    public var strides: [Int] {
        var dims = [Int64](repeating: 0, count: 64)
        let n = Swift.max(0, Int(ct_strides(handle, &dims, 64)))
        return dims[0..<n].map(Int.init)
    }

    /// Number of elements.
    public var count: Int { Int(ct_numel(handle)) }

    public var dtype: DType {
        DType(rawValue: ct_dtype_of(handle)) ?? .float32
    }

    public var device: Device {
        var index: Int32 = 0
        let type = ct_device_of(handle, &index)
        return type == Int32(CT_CUDA.rawValue) ? .cuda(Int(index)) : .cpu
    }

    public func isContiguous(_ format: MemoryFormat = .contiguous) -> Bool {
        ct_is_contiguous(handle, format.rawValue) == 1
    }

    /// Bytes per element times element count.
    public var byteCount: Int { count * dtype.elementSize }

    /// Size of dimension `dim` (negative counts from the end).
    public func size(_ dim: Int) throws -> Int {
        let s = shape
        let d = dim < 0 ? dim + s.count : dim
        guard d >= 0, d < s.count else {
            throw TorchError.invalidArgument("dimension \(dim) out of range for shape \(s)")
        }
        return s[d]
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        "Tensor(shape: \(shape), dtype: \(dtype), device: \(device))"
    }
}

@inline(__always)
func withInt64Buffer<R>(_ values: [Int], _ body: (UnsafePointer<Int64>, Int32) throws -> R) rethrows -> R {
    let converted = values.map(Int64.init)
    return try converted.withUnsafeBufferPointer { buffer in
        // An empty array may have a nil base address; ctorch never reads it then.
        try body(buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!, Int32(values.count))
    }
}
