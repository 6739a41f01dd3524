import Models
import NN
import Torch

extension Checkpoint.Contents {
    /// The checkpoint's model grown to `preset` (same family, tasks, variant and noise) so that
    /// it computes the checkpoint's function before any training (`ModelGrowth`), with the
    /// description to train and save it under. Growing to the checkpoint's own preset copies it.
    public func grownModel(to preset: ModelPreset, options: GrowthOptions = GrowthOptions(),
                           device: Device = .cpu) throws -> (model: any AudioModel, description: ModelDescription) {
        guard preset.family == description.preset.family else {
            throw ModelGrowthError.differentArchitecture(
                "the checkpoint holds \(description.preset.rawValue), of another family than \(preset.rawValue)")
        }
        var grown = description
        grown.preset = preset
        let target = try grown.build(device: device)
        try ModelGrowth.grow(model(device: device), into: target, options: options)
        return (target, grown)
    }
}
