import ArgumentParser
import Benchmarks
import Foundation
import Models
import MusicTasks
import Torch

/// `crescendo models`: the model presets with their sizes (`list`, the default) and growing a
/// trained model to a larger preset (`grow`).
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Model presets: list them, or grow a checkpoint to a larger one.",
        subcommands: [ModelsList.self, ModelsGrow.self],
        defaultSubcommand: ModelsList.self)
}

/// `crescendo models [list]`: the model presets with their parameter counts.
struct ModelsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the model presets with their parameter counts.")

    @Option(help: "Classes of the tagging head the parameter count assumes.")
    var classes = 50

    @Flag(help: "One JSON object per preset instead of a table.")
    var json = false

    func validate() throws {
        guard classes > 1 else { throw ValidationError("--classes must be at least 2") }
    }

    func run() throws {
        let tasks = [TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<classes).map { "tag\($0)" })]
        if !json {
            print("preset       family  parameters  clip")
        }
        for preset in ModelPreset.allCases {
            let parameters = try preset.build(tasks: tasks).parameterCount
            let seconds = Double(preset.clipSamples) / 16000
            if json {
                emitInOrder(["preset": preset.rawValue, "family": preset.family.rawValue, "params": parameters,
                             "classes": classes, "clip_samples": preset.clipSamples, "clip_seconds": round3(seconds)])
            } else {
                let name = preset.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                let family = preset.family.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
                let count = String(parameters.formatted(.number)).leftPadded(to: 11)
                print("\(name) \(family) \(count)  \(preset.clipSamples) samples (\(String(format: "%.2f", seconds)) s)")
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
