import CTorch

extension Tensor {
    /// Matrix product with NumPy broadcasting rules (`torch.matmul`).
    public func matmul(_ other: Tensor) throws -> Tensor {
        let result = try Tensor.wrap(ct_matmul(handle, other.handle), "matmul")
        FLOPCounter.recordMatrixProduct(inner: shape.last ?? 1, output: result)
        return result
    }

    /// x · Wᵀ + b.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let result = try wrap(ct_linear(x.handle, weight.handle, bias?.handle), "linear")
        FLOPCounter.recordMatrixProduct(inner: weight.shape.last ?? 1, output: result)
        return result
    }

    /// 1-d or 2-d convolution, chosen by the number of spatial dimensions in `stride`.
    public static func convolution(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int],
                                   dilation: [Int], groups: Int = 1) throws -> Tensor {
        let n = stride.count
        guard padding.count == n, dilation.count == n, n == 1 || n == 2 else {
            throw TorchError.invalidArgument("convolution: stride \(stride), padding \(padding), dilation \(dilation) must all have 1 or 2 entries")
        }
        let s = stride.map(Int64.init), p = padding.map(Int64.init), d = dilation.map(Int64.init)
        let result = try wrap(ct_conv(x.handle, weight.handle, bias?.handle, s, p, d, Int32(n), Int64(groups)),
                              "conv\(n)d (input \(x.shape), weight \(weight.shape))")
        FLOPCounter.recordConvolution(weight: weight, output: result)
        return result
    }

    public static func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                              dilation: Int = 1, groups: Int = 1) throws -> Tensor {
        try convolution(x, weight: weight, bias: bias, stride: [stride], padding: [padding], dilation: [dilation], groups: groups)
    }

    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1],
                              padding: [Int] = [0, 0], dilation: [Int] = [1, 1], groups: Int = 1) throws -> Tensor {
        try convolution(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// Max pooling over 1 or 2 trailing dimensions (by the length of `kernel`); stride defaults to the kernel.
    public func maxPool(kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil, ceilMode: Bool = false) throws -> Tensor {
        let n = kernel.count
        let s = (stride ?? kernel).map(Int64.init), p = (padding ?? Array(repeating: 0, count: n)).map(Int64.init)
        guard s.count == n, p.count == n, n == 1 || n == 2 else {
            throw TorchError.invalidArgument("max pool: kernel \(kernel) needs 1 or 2 entries, matching stride and padding")
        }
        return try Tensor.wrap(ct_max_pool(handle, kernel.map(Int64.init), s, p, Int32(n), ceilMode ? 1 : 0), "max_pool\(n)d")
    }

    /// Average pooling over 1 or 2 trailing dimensions; stride defaults to the kernel.
    public func avgPool(kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil, ceilMode: Bool = false,
                        countIncludePad: Bool = true) throws -> Tensor {
        let n = kernel.count
        let s = (stride ?? kernel).map(Int64.init), p = (padding ?? Array(repeating: 0, count: n)).map(Int64.init)
        guard s.count == n, p.count == n, n == 1 || n == 2 else {
            throw TorchError.invalidArgument("avg pool: kernel \(kernel) needs 1 or 2 entries, matching stride and padding")
        }
        return try Tensor.wrap(ct_avg_pool(handle, kernel.map(Int64.init), s, p, Int32(n), ceilMode ? 1 : 0,
                                           countIncludePad ? 1 : 0), "avg_pool\(n)d")
    }

    /// Batch normalisation over dimension 1. In training mode, batch statistics normalise and
    /// the running statistics are updated in place (PyTorch's momentum convention).
    public static func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                                 training: Bool, momentum: Double = 0.1, eps: Double = 1e-5) throws -> Tensor {
        try wrap(ct_batch_norm(x.handle, weight?.handle, bias?.handle, runningMean?.handle, runningVar?.handle,
                               training ? 1 : 0, momentum, eps), "batch_norm (input \(x.shape))")
    }

    /// Layer normalisation over the trailing `normalizedShape` dimensions.
    public static func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?,
                                 eps: Double = 1e-5) throws -> Tensor {
        try wrap(withInt64Buffer(normalizedShape) { ct_layer_norm(x.handle, $0, $1, weight?.handle, bias?.handle, eps) },
                 "layer_norm (input \(x.shape), normalized \(normalizedShape))")
    }

    /// Inverted dropout: zeroes elements with probability `p` and scales the rest by 1/(1-p)
    /// in training mode; the identity otherwise. Draws from the default generator.
    public func dropout(_ p: Double, training: Bool) throws -> Tensor {
        guard (0...1).contains(p) else { throw TorchError.invalidArgument("dropout probability \(p) is outside [0, 1]") }
        return try Tensor.wrap(ct_dropout(handle, p, training ? 1 : 0), "dropout")
    }

    /// Inverted dropout drawing its mask from `generator` (the default generator when nil),
    /// so that a training run's noise does not depend on what else draws random numbers. The
    /// generator is a CPU one: the mask is drawn on the CPU and moved to this tensor's device,
    /// so a seed gives the same mask on every device.
    public func dropout(_ p: Double, training: Bool, generator: Generator?) throws -> Tensor {
        guard let generator else { return try dropout(p, training: training) }
        guard (0...1).contains(p) else { throw TorchError.invalidArgument("dropout probability \(p) is outside [0, 1]") }
        guard training, p > 0 else { return self }
        guard p < 1 else { return try self * 0 }
        let keep = try Tensor.full(shape, 1 - p, dtype: dtype).bernoulli(generator: generator).to(device)
        return try self * (keep / (1 - p))
    }

    /// Samples 0/1 with the probabilities in this tensor.
    public func bernoulli(generator: Generator? = nil) throws -> Tensor {
        try Tensor.wrap(ct_bernoulli(handle, generator?.handle), "bernoulli")
    }

    /// Reflection padding of the last dimension of a 2-d or 3-d tensor.
    public func reflectionPad1d(left: Int, right: Int) throws -> Tensor {
        try Tensor.wrap(ct_reflection_pad1d(handle, Int64(left), Int64(right)), "reflection_pad1d")
    }

    /// Constant padding; `pad` lists (before, after) pairs starting from the last dimension.
    public func constantPad(_ pad: [Int], value: Double = 0) throws -> Tensor {
        try Tensor.wrap(withInt64Buffer(pad) { ct_constant_pad(handle, $0, $1, value) }, "constant_pad")
    }

    /// Short-time Fourier transform of (batch, samples) without centring; the result is
    /// (batch, frequencies, frames, 2) holding real and imaginary parts.
    public func stft(nFFT: Int, hop: Int, window: Tensor?, winLength: Int? = nil, normalized: Bool = false,
                     onesided: Bool = true) throws -> Tensor {
        try Tensor.wrap(ct_stft(handle, Int64(nFFT), Int64(hop), Int64(winLength ?? nFFT), window?.handle,
                                normalized ? 1 : 0, onesided ? 1 : 0), "stft (input \(shape), n_fft \(nFFT))")
    }
}
