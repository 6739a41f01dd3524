import Foundation

/// What the tensor engine runs on: libtorch version, BLAS, threads, oneDNN, devices and the
/// distributed backends compiled in.
public struct EngineReport: Codable, Sendable {
    /// The BLAS library that libtorch's matrix products go to.
    public enum BLASKind: String, Codable, Sendable {
        case openBLAS = "OpenBLAS"
        case referenceBLAS = "reference BLAS (netlib)"
        case mkl = "MKL"
        case blis = "BLIS"
        case atlas = "ATLAS"
        case unknown
    }

    public var torchVersion: String
    public var blas: BLASKind
    public var blasLibrary: String?
    public var threads: Int
    public var oneDNN: Bool
    public var openMP: Bool
    public var cudaDevices: Int
    /// Whether libtorch was built with CUDA.
    public var cudaCompiled: Bool
    /// Whether CUDA tensors can be made now (a CUDA build with a driver and a device).
    public var cudaAvailable: Bool
    /// The devices `--device` accepts here: "cpu", then "cuda:0", "cuda:1", ….
    public var devices: [String]
    /// Per distributed backend (gloo, nccl): whether this build can form process groups with it.
    public var distributedBackends: [String: Bool]
    public var cpuCores: Int
    public var warnings: [String]

    /// Inspects the running process (the BLAS is the one the dynamic loader mapped).
    public static func current() throws -> EngineReport {
        let library = loadedBLASLibrary()
        let kind = library.map(classify) ?? .unknown
        var warnings: [String] = []
        switch kind {
        case .referenceBLAS:
            warnings.append("libtorch's matrix products go to the netlib reference BLAS (\(library ?? "?")), about 30x slower than OpenBLAS here: install libopenblas0-pthread (scripts/setup does)")
        case .unknown:
            warnings.append("could not tell which BLAS libtorch uses (no libblas mapped yet)")
        default: break
        }
        if Runtime.threads == 1 && ProcessInfo.processInfo.activeProcessorCount > 1 {
            warnings.append("libtorch runs 1 intra-op thread on a \(ProcessInfo.processInfo.activeProcessorCount)-core machine: pass --threads")
        }
        let cudaAvailable = Runtime.isCUDAAvailable
        let cudaDevices = cudaAvailable ? Runtime.cudaDeviceCount : 0
        return EngineReport(
            torchVersion: Runtime.torchVersion, blas: kind, blasLibrary: library, threads: Runtime.threads,
            oneDNN: Runtime.hasOneDNN, openMP: Runtime.hasOpenMP, cudaDevices: cudaDevices,
            cudaCompiled: Runtime.isCUDACompiled, cudaAvailable: cudaAvailable,
            devices: ["cpu"] + (0..<cudaDevices).map { Device.cuda($0).description },
            distributedBackends: Dictionary(uniqueKeysWithValues: DistributedBackend.allCases.map { ($0.rawValue, $0.isAvailable) }),
            cpuCores: ProcessInfo.processInfo.activeProcessorCount, warnings: warnings)
    }

    /// One line on CUDA: how many devices, or why there are none.
    var cudaSummary: String {
        if !cudaCompiled { return "none (libtorch built without CUDA)" }
        if !cudaAvailable || cudaDevices == 0 { return "none visible (CUDA build, but no device or driver)" }
        return "\(cudaDevices) device\(cudaDevices == 1 ? "" : "s") (" + devices.dropFirst().joined(separator: ", ") + ")"
    }

    /// One line on the distributed backends: which are compiled in.
    var backendSummary: String {
        DistributedBackend.allCases.map { backend in
            let on = distributedBackends[backend.rawValue] ?? false
            switch backend {
            case .gloo: return "gloo \(on ? "yes" : "no")"
            case .nccl: return "nccl " + (on ? "yes" : "no (needs a CUDA libtorch with NCCL; the build defines CTORCH_WITH_NCCL then)")
            }
        }.joined(separator: ", ")
    }

    /// Human-readable lines.
    public var text: String {
        """
        libtorch      \(torchVersion)
        BLAS          \(blas.rawValue)\(blasLibrary.map { " (\($0))" } ?? "")
        threads       \(threads) of \(cpuCores) cores
        oneDNN        \(oneDNN ? "on" : "off")
        OpenMP        \(openMP ? "on" : "off")
        devices       \(devices.joined(separator: ", "))
        CUDA          \(cudaSummary)
        distributed   \(backendSummary)
        """
    }

    /// The resolved path of the BLAS shared object mapped into this process.
    static func loadedBLASLibrary() -> String? {
        // /proc files report size 0, so read them as a stream rather than by size.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps") else { return nil }
        defer { try? handle.close() }
        let maps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            let file = path.split(separator: "/").last.map(String.init) ?? ""
            if file.hasPrefix("libblas") || file.hasPrefix("libopenblas") || file.hasPrefix("libmkl_rt")
                || file.hasPrefix("libblis") {
                return path
            }
        }
        return nil
    }

    static func classify(_ path: String) -> BLASKind {
        let lower = path.lowercased()
        if lower.contains("openblas") { return .openBLAS }
        if lower.contains("mkl") { return .mkl }
        if lower.contains("blis") { return .blis }
        if lower.contains("atlas") { return .atlas }
        if lower.contains("/blas/") || lower.hasSuffix("/libblas.so.3") { return .referenceBLAS }
        return .unknown
    }
}
