import Testing
import Training
@testable import NoisyStudent

@Suite("Pipeline configuration errors name the section")
struct ConfigSectionErrorTests {
    static let yaml = """
    catalog: c.sqlite
    runs_directory: runs/x
    tasks: [key]
    schedule: {teacher: resnet-xs, students: [resnet-xs]}
    """

    /// A bad trainer value used to be reported as `trainer.epochs` whichever section held it.
    @Test("teacher, student and fine_tune values are named under their own section", arguments: [
        ("teacher.epochs=0", "teacher.epochs"), ("student.learning_rate=0", "student.learning_rate"),
        ("fine_tune.batch_size=0", "fine_tune.batch_size"),
    ])
    func section(_ override: String, _ key: String) throws {
        let config = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: [override])
        do {
            try config.validate()
            Issue.record("\(override) was accepted")
        } catch TrainingError.invalidConfig(let named, _) {
            #expect(named == key)
        }
        // A training run's own section is still `trainer`.
        var trainer = TrainerConfig()
        trainer.epochs = 0
        #expect(throws: TrainingError.invalidConfig(key: "trainer.epochs", reason: "must be at least 1")) { try trainer.validate() }
    }
}
