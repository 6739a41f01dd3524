import Torch

extension Module {
    /// Where this module's tensors live: the device of its first parameter (or, without
    /// parameters, its first buffer); the CPU for a module that holds no tensors.
    public var device: Device {
        (parameters().first ?? namedBuffers().first?.1)?.device ?? .cpu
    }

    /// Moves every parameter and buffer here and below to `device`, in place, as PyTorch's
    /// `module.to(device)`: tensors keep their identity, so holders of them see the move
    /// (create optimizers afterwards, so that their state is made beside the parameters).
    /// Gradients of moved tensors are cleared. Throws `TorchError.deviceUnavailable` for a
    /// device this process cannot use. Tensors a module keeps outside its parameters and
    /// buffers do not move: models (whose front ends keep such tensors) are built on their
    /// device instead, and call this at the end of their initialiser for their layers.
    public func move(to device: Device) throws {
        try device.checkAvailable()
        try withNoGrad {
            for (_, tensor) in namedParameters() + namedBuffers() where tensor.device != device {
                try tensor.zeroGrad()
                try tensor.setData(tensor.to(device))
            }
        }
    }
}
