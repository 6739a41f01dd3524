import Torch

extension Batch {
    /// This batch with its waveforms, targets, masks and weights on `device` (itself when they
    /// are there already); the loader assembles batches on the CPU.
    public func moved(to device: Device) throws -> Batch {
        guard waveforms.device != device else { return self }
        var batch = self
        batch.waveforms = try waveforms.to(device)
        batch.targets = try targets.mapValues { try $0.to(device) }
        batch.masks = try masks.mapValues { try $0.to(device) }
        batch.classMasks = try classMasks.mapValues { try $0.to(device) }
        batch.weights = try weights.to(device)
        return batch
    }
}
