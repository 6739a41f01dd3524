import CTorch
import Foundation

/// Process-wide settings and facts of the tensor engine.
public enum Runtime {
    /// Intra-op threads (libtorch may start with 1 on these machines: set it explicitly).
    public static var threads: Int {
        get { Int(ct_get_num_threads()) }
        set { ct_set_num_threads(Int32(Swift.max(1, newValue))) }
    }

    /// Inter-op threads; settable once, before any parallel work.
    public static func setInteropThreads(_ n: Int) throws {
        ct_clear_error()
        ct_set_num_interop_threads(Int32(n))
        let message = String(cString: ct_last_error())
        if !message.isEmpty { throw Tensor.lastError("set_num_interop_threads") }
    }

    /// libtorch's version, e.g. "1.13.0".
    public static var torchVersion: String { String(cString: ct_torch_version()) }

    /// Whether oneDNN (MKL-DNN) kernels are compiled in.
    public static var hasOneDNN: Bool { ct_has_mkldnn() == 1 }

    /// Whether libtorch parallelises with OpenMP.
    public static var hasOpenMP: Bool { ct_has_openmp() == 1 }

    /// Number of CUDA devices visible (0 for a CPU build).
    public static var cudaDeviceCount: Int { Int(ct_cuda_device_count()) }

    /// Whether this libtorch was built with CUDA (whether or not a device is present).
    public static var isCUDACompiled: Bool { ct_cuda_compiled() == 1 }

    /// Whether CUDA tensors can be made now: a CUDA build, a driver and at least one device.
    public static var isCUDAAvailable: Bool { ct_cuda_is_available() == 1 }

    /// libtorch's own account of how it was built.
    public static var buildConfiguration: String {
        guard let s = ct_build_config() else { return "" }
        defer { ct_free_string(s) }
        return String(cString: s)
    }
}
