import ArgumentParser

@main
struct Crescendo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crescendo",
        abstract: "Semi-supervised music-information-retrieval: teachers, pseudo-labels and noisy students.",
        subcommands: [Doctor.self, ModelsCommand.self, ImportCommand.self, CatalogCommand.self, TrainCommand.self,
                      EvaluateCommand.self, PipelineCommand.self, StudyCommand.self, ReportCommand.self,
                      PseudoLabelCommand.self, LaunchCommand.self,
                      Predict.self, AudioCommand.self, Bench.self]
    )
}
