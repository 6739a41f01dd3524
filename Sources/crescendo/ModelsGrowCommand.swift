import ArgumentParser
import Foundation
import Models
import Training

/// `crescendo models grow`: a checkpoint's model grown to a larger preset of its family that
/// computes the same function before training (Net2Net), saved as a checkpoint to start from.
struct ModelsGrow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grow",
        abstract: "Grow a checkpoint's model to a larger preset that computes the same function (Net2Net).")

    @Option(help: "The checkpoint to grow, or a run directory (its best checkpoint).")
    var from: String

    @Option(help: "The preset to grow to (same family, at least as wide).")
    var to: String

    @Option(help: "Where to write the grown model (a checkpoint without optimizer state).")
    var out: String

    @Option(help: "Symmetry-breaking noise as a fraction of each weight's standard deviation; 0 keeps the function exact, but copies then train as one.")
    var noise = 0.0

    @Option(help: "Seed of which units the new ones copy, and of the noise.")
    var seed: UInt64 = 0

    func run() throws {
        let preset = try ModelPreset(parsing: to)
        let source = try RunLocation.checkpoint(from)
        let contents = try Checkpoint.load(from: source)
        let (model, description) = try contents.grownModel(to: preset, options: GrowthOptions(seed: seed, noise: noise))
        try Checkpoint.save(to: URL(fileURLWithPath: out), model: model, description: description, optimizer: nil,
                            state: TrainingState(), extra: ["grown_from": source.path])
        print("\(contents.description.preset.rawValue) (\(try contents.model().parameterCount) parameters) → \(preset.rawValue) (\(model.parameterCount) parameters): \(out)")
    }
}
