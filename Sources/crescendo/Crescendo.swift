import ArgumentParser

@main
struct Crescendo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crescendo",
        abstract: "Semi-supervised music-information-retrieval: teachers, pseudo-labels and noisy students.",
        subcommands: [Doctor.self, ModelsCommand.self, Bench.self]
    )
}
