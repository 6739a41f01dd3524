/// Whether a device can hold tensors in this process, said before any work starts.
extension Device {
    /// Throws `TorchError.deviceUnavailable` for a CUDA device when libtorch was built without
    /// CUDA, sees no device, or has fewer devices than the index asks for. The CPU is always
    /// available.
    public func checkAvailable() throws {
        guard case .cuda(let index) = self else { return }
        try Device.check(index: index, compiled: Runtime.isCUDACompiled, available: Runtime.isCUDAAvailable,
                         count: Runtime.cudaDeviceCount, version: Runtime.torchVersion)
    }

    /// The decision of `checkAvailable()` from the engine's facts (separate so that tests can
    /// give the facts of a machine they do not run on).
    static func check(index: Int, compiled: Bool, available: Bool, count: Int, version: String) throws {
        let asked = Device.cuda(index).description
        guard compiled else {
            throw TorchError.deviceUnavailable(asked, reason: "this libtorch (\(version)) was built without CUDA; build against a CUDA libtorch (LIBTORCH=/prefix, see README) or use --device cpu")
        }
        guard available, count > 0 else {
            throw TorchError.deviceUnavailable(asked, reason: "libtorch \(version) has CUDA but sees no CUDA device (no GPU, no driver, or CUDA_VISIBLE_DEVICES hides them); `crescendo doctor` lists what it sees")
        }
        guard index < count else {
            throw TorchError.deviceUnavailable(asked, reason: "libtorch sees \(count) CUDA device\(count == 1 ? "" : "s") (cuda:0\(count > 1 ? "…cuda:\(count - 1)" : ""))")
        }
    }
}

/// A device is written as `Device(parsing:)` reads it ("cpu", "cuda:0") in configurations.
extension Device: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Device(parsing: text)
        } catch let error as TorchError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
