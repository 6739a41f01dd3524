import ArgumentParser

/// `crescendo audio …`: look at audio files and compute features from them.
struct AudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Inspect audio files and compute their log-mel or constant-Q spectrograms.",
        subcommands: [AudioInfoCommand.self, AudioMelCommand.self, AudioCQTCommand.self])
}
