import CTorch

extension Tensor {
    /// Linear convolution along the last dimension computed with real FFTs
    /// (`scipy.signal.fftconvolve`'s `mode="full"`, truncated to `length`):
    /// `y[k] = Σⱼ signal[k − j] · kernel[j]`.
    ///
    /// Leading dimensions broadcast, so a (batch, n) signal convolves with one (n′) kernel or
    /// with one (batch, m) kernel per row. The cost is O((n + m) log(n + m)) whatever the
    /// kernel's length, which makes second-long kernels (room impulse responses) affordable
    /// where ``conv1d(_:weight:bias:stride:padding:dilation:groups:)`` is not. The FFT length is
    /// the next 2·3·5-smooth size ≥ n + m − 1, so nothing wraps around. Differentiable.
    ///
    /// - Parameter length: how many leading output samples to keep; `nil` keeps all n + m − 1.
    public static func fftConvolve(_ signal: Tensor, _ kernel: Tensor, length: Int? = nil) throws -> Tensor {
        if let length, length < 0 {
            throw TorchError.invalidArgument("fft_convolve: output length \(length) is negative")
        }
        return try wrap(ct_fft_convolve(signal.handle, kernel.handle, Int64(length ?? -1)),
                        "fft_convolve (signal \(signal.shape), kernel \(kernel.shape))")
    }
}

extension Tensor {
    /// `weights @ (re² + im²)` for a spectrum held as its real view `(…, bins, frames, 2)`
    /// (``stft(nFFT:hop:window:winLength:normalized:onesided:)``'s output) and `weights` of
    /// shape `(filters, bins)`: the power spectrum projected onto a filterbank,
    /// `(…, filters, frames)`, rounded to `dtype`.
    ///
    /// On the CPU without autograd this is one fused pass over the spectrum: the power is never
    /// materialised, each weight row is summed only between its first and last non-zero (a mel
    /// filter covers a few bins), and everything accumulates in float64 whatever the input's
    /// precision, so `dtype` only decides how the result is rounded. Elsewhere (another device,
    /// or gradients wanted) it runs as tensor operations in the spectrum's precision and is
    /// differentiable.
    ///
    /// ``FLOPCounter`` counts it as the matrix product it is (weights @ power), whatever the
    /// zeros skipped.
    ///
    /// - Parameter dtype: `.float32` or `.float64`.
    public static func powerProject(_ weights: Tensor, spectrum: Tensor, dtype: DType) throws -> Tensor {
        guard dtype == .float32 || dtype == .float64 else {
            throw TorchError.invalidArgument("power_project: result type must be float32 or float64, not \(dtype)")
        }
        let result = try wrap(ct_power_project(weights.handle, spectrum.handle, dtype.rawValue),
                              "power_project (weights \(weights.shape), spectrum \(spectrum.shape))")
        FLOPCounter.recordMatrixProduct(inner: weights.shape.last ?? 1, output: result)
        return result
    }
}
