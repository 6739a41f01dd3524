// swift-tools-version: 6.3
// Crescendo: semi-supervised music-information-retrieval in Swift on libtorch.
import Foundation
import PackageDescription

/// Where libtorch lives. Debian's `libtorch-dev` by default; `LIBTORCH=/prefix` selects another
/// build laid out as PyTorch ships it (`include/`, `include/torch/csrc/api/include/`, `lib/`),
/// for example a newer or a CUDA one.
struct LibTorchLocation {
    var includeDirectories: [String]
    var libraryDirectory: String?
    var libraries: [String]
    var usesCXX11ABI: Bool
    /// Whether the shim compiles its NCCL process groups (`-DCTORCH_WITH_NCCL`); see `NCCLSupport`.
    var nccl: NCCLSupport = .off
    /// libtorch 2.x headers require C++20 (ATen says so with an #error); 1.13 builds as C++17.
    var cxxStandard: CXXLanguageStandard = .cxx17

    static func resolve() -> LibTorchLocation {
        let environment = ProcessInfo.processInfo.environment
        guard let prefix = environment["LIBTORCH"], !prefix.isEmpty else {
            return LibTorchLocation(
                includeDirectories: ["/usr/include/torch/csrc/api/include"],
                libraryDirectory: nil,
                libraries: ["torch", "torch_cpu", "c10"],
                usesCXX11ABI: true)
        }
        let lib = "\(prefix)/lib"
        var libraries = ["torch", "torch_cpu", "c10"]
        // A CUDA build registers its kernels from these libraries; they must be linked even
        // though no symbol of theirs is referenced directly.
        for cuda in ["torch_cuda", "c10_cuda"]
        where FileManager.default.fileExists(atPath: "\(lib)/lib\(cuda).so") {
            libraries.append(cuda)
        }
        // PyTorch's CMake config records the C++ ABI the library was built with.
        let config = (try? String(contentsOfFile: "\(prefix)/share/cmake/Torch/TorchConfig.cmake",
                                  encoding: .utf8)) ?? ""
        let abiOverride = environment["LIBTORCH_CXX11_ABI"]
        let cxx11 = abiOverride.map { $0 != "0" } ?? !config.contains("_GLIBCXX_USE_CXX11_ABI=0")
        // The version macros moved to a header-only file in later 2.x releases.
        let major = ["include/torch/headeronly/version.h", "include/torch/csrc/api/include/torch/version.h"]
            .lazy.compactMap { path -> Int? in
                let text = (try? String(contentsOfFile: "\(prefix)/\(path)", encoding: .utf8)) ?? ""
                return text.split(separator: "\n").first { $0.hasPrefix("#define TORCH_VERSION_MAJOR ") }
                    .flatMap { Int($0.split(separator: " ").last ?? "") }
            }.first ?? 1
        return LibTorchLocation(
            includeDirectories: ["\(prefix)/include", "\(prefix)/include/torch/csrc/api/include"],
            libraryDirectory: lib,
            libraries: libraries,
            usesCXX11ABI: cxx11,
            nccl: NCCLSupport.resolve(prefix: prefix, hasCUDA: libraries.contains("torch_cuda"), environment: environment),
            cxxStandard: major >= 2 ? .cxx20 : .cxx17)
    }

    var compilerFlags: [String] {
        var flags = includeDirectories.flatMap { ["-isystem", $0] }
            + ["-D_GLIBCXX_USE_CXX11_ABI=\(usesCXX11ABI ? 1 : 0)", "-Wno-deprecated-declarations"]
        if case .on(let headers) = nccl {
            flags += headers.flatMap { ["-isystem", $0] } + ["-DCTORCH_WITH_NCCL=1", "-DUSE_C10D_NCCL=1"]
        }
        return flags
    }

    var linkerFlags: [String] {
        var flags: [String] = []
        if let dir = libraryDirectory {
            flags += ["-L\(dir)", "-Xlinker", "-rpath", "-Xlinker", dir]
        }
        flags += ["-Xlinker", "--no-as-needed"]
        flags += libraries.map { "-l\($0)" }
        flags += ["-Xlinker", "--as-needed"]
        return flags
    }
}

/// Whether the libtorch found can run NCCL process groups, and the headers that compiling
/// c10d's `ProcessGroupNCCL.hpp` needs beside libtorch's own: `nccl.h` and the CUDA runtime's.
/// On only for a CUDA libtorch (`libtorch_cuda.so`, which holds c10d's NCCL code) with `nccl.h`
/// findable: in `$NCCL_HOME/include`, `$CUDA_HOME/include`, the libtorch prefix, PyPI's
/// `nvidia/nccl/include` beside a wheel's `torch/`, `/usr/local/cuda/include` or `/usr/include`.
/// `CTORCH_WITH_NCCL=0` forces it off; `=1` asks for it and stops the build with a message when
/// it cannot be had. Debian's libtorch is CPU-only, so it stays off there.
enum NCCLSupport {
    case off
    case on(includeDirectories: [String])

    static func resolve(prefix: String, hasCUDA: Bool, environment: [String: String]) -> NCCLSupport {
        let request = environment["CTORCH_WITH_NCCL"]
        if request == "0" { return .off }
        let home = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : "\($0)/include" } }
        // A PyPI wheel's prefix is site-packages/torch; NVIDIA's wheels sit beside it.
        let site = (prefix as NSString).deletingLastPathComponent
        let ncclCandidates = [home("NCCL_HOME"), home("CUDA_HOME"), "\(prefix)/include", "\(site)/nvidia/nccl/include",
                              "/usr/local/cuda/include", "/usr/include"].compactMap { $0 }
        // PyPI's CUDA 12 wheels put the runtime headers in nvidia/cuda_runtime, CUDA 13's in nvidia/cu13.
        let cudaCandidates = [home("CUDA_HOME"), "\(prefix)/include", "\(site)/nvidia/cuda_runtime/include",
                              "\(site)/nvidia/cu13/include", "/usr/local/cuda/include", "/usr/include"].compactMap { $0 }
        let exists = { (dir: String, file: String) in FileManager.default.fileExists(atPath: "\(dir)/\(file)") }
        let ncclHeader = ncclCandidates.first { exists($0, "nccl.h") }
        let cudaHeader = cudaCandidates.first { exists($0, "cuda_runtime_api.h") }
        guard hasCUDA, let ncclHeader, let cudaHeader else {
            if request == "1" {
                fatalError("CTORCH_WITH_NCCL=1 but " + (!hasCUDA ? "the libtorch at \(prefix) has no libtorch_cuda.so"
                    : "nccl.h or cuda_runtime_api.h was not found (set NCCL_HOME / CUDA_HOME)"))
            }
            return .off
        }
        // CUDA 13's runtime wheel lacks the compiler's crt/ headers that cuda_runtime.h includes;
        // the triton wheel that torch depends on bundles them.
        var directories = [ncclHeader, cudaHeader]
        if !exists(cudaHeader, "crt/host_config.h"),
           let crt = ["\(site)/triton/backends/nvidia/include"].first(where: { exists($0, "crt/host_config.h") }) {
            directories.append(crt)
        }
        var seen = Set<String>()
        return .on(includeDirectories: directories.filter { seen.insert($0).inserted })
    }
}

let libtorch = LibTorchLocation.resolve()

let package = Package(
    name: "Crescendo",
    products: [
        .library(name: "Torch", targets: ["Torch"]),
        .library(name: "Audio", targets: ["Audio"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "MusicTasks", targets: ["MusicTasks"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Catalog", targets: ["Catalog"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "NoisyStudent", targets: ["NoisyStudent"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Benchmarks", targets: ["Benchmarks"]),
        .executable(name: "crescendo", targets: ["crescendo"]),
        .executable(name: "crescendo-audio", targets: ["AudioTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .target(
            name: "CTorch",
            path: "Sources/CTorch",
            cxxSettings: [.unsafeFlags(libtorch.compilerFlags + ["-O2"])],
            linkerSettings: [.unsafeFlags(libtorch.linkerFlags)]
        ),
        .target(name: "Torch", dependencies: ["CTorch"]),
        .systemLibrary(name: "CSndfile", path: "Sources/CSndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", path: "Sources/CSoxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(
            name: "CAVCodec", path: "Sources/CAVCodec",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev"])]),
        .target(name: "Audio", dependencies: ["Torch", "CSndfile", "CSoxr", "CAVCodec"]),
        .target(name: "NN", dependencies: ["Torch"]),
        // Task kinds, task specs, label values and key names: one definition below both the
        // catalog and the models.
        .target(name: "MusicTasks", dependencies: ["Torch"]),
        .target(name: "Models", dependencies: ["NN", "Audio", "MusicTasks"]),
        .target(name: "Catalog", dependencies: ["Audio", "MusicTasks", .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(name: "AudioTool", dependencies: ["Torch", "Audio"], path: "Sources/AudioTool"),
        .executableTarget(
            name: "crescendo",
            dependencies: [
                "Torch", "Audio", "NN", "MusicTasks", "Models", "Catalog", "Training", "NoisyStudent", "Report", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "Training", dependencies: ["Torch", "NN", "Audio", "MusicTasks", "Models", "Catalog", .product(name: "Yams", package: "Yams")]),
        .target(name: "NoisyStudent", dependencies: ["Training", "Catalog", "MusicTasks", "Models", "NN", "Audio", "Torch"]),
        // HTML reports of pipeline runs and scaling studies: reads what NoisyStudent writes.
        .target(name: "Report", dependencies: ["NoisyStudent", "MusicTasks", "Models"]),
        // Speed measurements and the Python references they run beside (`crescendo bench`).
        .target(name: "Benchmarks", dependencies: ["Torch", "NN", "Audio", "MusicTasks", "Models", "Catalog", "Training", "NoisyStudent"]),
        .systemLibrary(name: "CZlib", path: "Tests/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "NoisyStudent", "MusicTasks", "Models", "CZlib"]),
        .testTarget(name: "TorchTests", dependencies: ["Torch"], exclude: ["Fixtures"]),
        .testTarget(name: "AudioTests", dependencies: ["Audio"], exclude: ["Fixtures"]),
        .testTarget(name: "NNTests", dependencies: ["NN"]),
        .testTarget(name: "MusicTasksTests", dependencies: ["MusicTasks"], exclude: ["Fixtures"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "MusicTasks", "Audio", .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Fixtures"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "MusicTasks"], exclude: ["Fixtures"]),
        .testTarget(name: "NoisyStudentTests", dependencies: ["NoisyStudent", "Training", "MusicTasks", "Models", "Audio", "NN", "Torch", "Catalog"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Training", "Catalog", "MusicTasks", "Models", "Audio", "Torch"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "MusicTasks", "Models", "Audio", "NN", "Torch"], exclude: ["Fixtures"]),
    ],
    cxxLanguageStandard: libtorch.cxxStandard
)
