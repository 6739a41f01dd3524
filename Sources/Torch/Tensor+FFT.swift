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
