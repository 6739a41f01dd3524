import Torch

/// How a command picks the device it runs on: `--device` over the configuration's `device`
/// key over the CPU. Under a distributed launch (`crescendo launch`, torchrun, Slurm) a CUDA
/// device becomes `cuda:LOCAL_RANK`, one GPU per local rank, as torchrun jobs do; the CPU stays
/// the CPU. The device is checked before any work, so a CUDA device asked for where libtorch
/// has none is an error naming where it was asked for.
public enum DeviceSelection {
    /// The device to run on. `option` is `--device`; `configured` the configuration's value
    /// and `key` its dotted name (for the error).
    public static func resolve(option: Device?, configured: Device?, key: String,
                               environment: DistributedEnvironment = .single) throws -> Device {
        let source = option != nil ? "--device" : key
        var device = option ?? configured ?? .cpu
        if environment.isDistributed, case .cuda = device { device = .cuda(environment.localRank) }
        do {
            try device.checkAvailable()
        } catch let error as TorchError {
            throw TrainingError.unavailableDevice(requestedBy: source, message: error.description)
        }
        return device
    }

    /// The backend a data-parallel group of this device uses: NCCL for CUDA tensors when it is
    /// compiled in, Gloo otherwise (Gloo also carries CUDA tensors, more slowly).
    public static func distributedBackend(for device: Device) -> DistributedBackend {
        if case .cuda = device, DistributedBackend.nccl.isAvailable { return .nccl }
        return .gloo
    }
}
