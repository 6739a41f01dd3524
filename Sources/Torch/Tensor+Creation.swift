import CTorch

extension Tensor {
    /// A tensor holding a copy of `values`, laid out row-major in `shape`.
    public convenience init<T: TensorScalar>(_ values: [T], shape: [Int]? = nil, device: Device = .cpu) throws {
        let shape = shape ?? [values.count]
        let expected = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), expected == values.count else {
            throw TorchError.invalidArgument("\(values.count) values do not fill shape \(shape)")
        }
        let d = device.code
        let handle = values.withUnsafeBytes { bytes in
            withInt64Buffer(shape) { dims, n in
                ct_from_data(bytes.baseAddress, dims, n, T.dtype.rawValue, d.type, d.index)
            }
        }
        guard let handle else { throw Tensor.lastError("tensor from array") }
        self.init(handle: handle)
    }

    /// A tensor of `dtype` whose elements are copied from raw little-endian bytes.
    public convenience init(bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, device: Device = .cpu) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TorchError.invalidArgument("negative dimension in shape \(shape)")
        }
        let (elements, overflow) = shape.reduce((1, false)) { acc, dim in
            let (product, o) = acc.0.multipliedReportingOverflow(by: dim)
            return (product, acc.1 || o)
        }
        guard !overflow, elements.multipliedReportingOverflow(by: dtype.elementSize) == (bytes.count, false) else {
            throw TorchError.invalidArgument(
                "\(bytes.count) bytes do not hold shape \(shape) of \(dtype) (\(dtype.elementSize) bytes each)")
        }
        let d = device.code
        let handle = withInt64Buffer(shape) { dims, n in
            ct_from_data(bytes.baseAddress, dims, n, dtype.rawValue, d.type, d.index)
        }
        guard let handle else { throw Tensor.lastError("tensor from bytes") }
        self.init(handle: handle)
    }

    /// A 0-dimensional tensor.
    public static func scalar(_ value: Double, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let d = device.code
        return try wrap(ct_scalar_tensor(value, dtype.rawValue, d.type, d.index), "scalar")
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let d = device.code
        return try wrap(withInt64Buffer(shape) { ct_zeros($0, $1, dtype.rawValue, d.type, d.index) }, "zeros \(shape)")
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let d = device.code
        return try wrap(withInt64Buffer(shape) { ct_ones($0, $1, dtype.rawValue, d.type, d.index) }, "ones \(shape)")
    }

    /// Zeros with `other`'s shape, dtype, device and memory layout (strides), outside autograd:
    /// optimizer state for parameters stored channels-last stays channels-last.
    public static func zeros(like other: Tensor) throws -> Tensor {
        let result = try other.detached().clone(.preserve)
        try result.zero()
        return result
    }

    /// Uninitialised memory: for outputs that are overwritten entirely.
    public static func empty(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let d = device.code
        return try wrap(withInt64Buffer(shape) { ct_empty($0, $1, dtype.rawValue, d.type, d.index) }, "empty \(shape)")
    }

    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, device: Device = .cpu) throws -> Tensor {
        let d = device.code
        return try wrap(withInt64Buffer(shape) { ct_full($0, $1, value, dtype.rawValue, d.type, d.index) }, "full \(shape)")
    }

    /// Values from `start` up to (not including) `end` by `step`.
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType = .float32,
                              device: Device = .cpu) throws -> Tensor {
        let d = device.code
        return try wrap(ct_arange(start, end, step, dtype.rawValue, d.type, d.index), "arange")
    }

    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .float32,
                                device: Device = .cpu) throws -> Tensor {
        let d = device.code
        return try wrap(ct_linspace(start, end, Int64(steps), dtype.rawValue, d.type, d.index), "linspace")
    }

    /// The Hann window (periodic by default, as `torch.hann_window` and librosa's STFT use).
    public static func hannWindow(_ length: Int, periodic: Bool = true, dtype: DType = .float32,
                                  device: Device = .cpu) throws -> Tensor {
        let d = device.code
        return try wrap(ct_hann_window(Int64(length), periodic ? 1 : 0, dtype.rawValue, d.type, d.index), "hann_window")
    }

    /// Uniform samples in [0, 1).
    public static func rand(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu,
                            generator: Generator? = nil) throws -> Tensor {
        let d = device.code
        return try wrap(withInt64Buffer(shape) { ct_rand($0, $1, dtype.rawValue, d.type, d.index, generator?.handle) }, "rand")
    }

    /// Standard normal samples.
    public static func randn(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu,
                             generator: Generator? = nil) throws -> Tensor {
        let d = device.code
        return try wrap(withInt64Buffer(shape) { ct_randn($0, $1, dtype.rawValue, d.type, d.index, generator?.handle) }, "randn")
    }

    /// Integers uniform in [low, high), int64.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], device: Device = .cpu,
                               generator: Generator? = nil) throws -> Tensor {
        let d = device.code
        return try wrap(withInt64Buffer(shape) {
            ct_randint(Int64(low), Int64(high), $0, $1, d.type, d.index, generator?.handle)
        }, "randint")
    }

    /// A random permutation of 0..<n, int64.
    public static func randperm(_ n: Int, device: Device = .cpu, generator: Generator? = nil) throws -> Tensor {
        let d = device.code
        return try wrap(ct_randperm(Int64(n), d.type, d.index, generator?.handle), "randperm")
    }
}
