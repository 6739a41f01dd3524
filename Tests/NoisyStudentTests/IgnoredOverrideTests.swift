import Testing
import Training
@testable import NoisyStudent

@Suite("Overrides that would change nothing are named")
struct IgnoredOverrideTests {
    static let yaml = """
    catalog: c.sqlite
    runs_directory: runs/x
    tasks: [key]
    schedule: {teacher: resnet-xs, students: [resnet-xs, resnet-s], student_epochs: [8, 4]}
    """

    /// `--set student.epochs=18` under a schedule that fixes the students' epochs once ran the
    /// students at 8 epochs without a word (session 14).
    @Test("student.epochs under schedule.student_epochs, and the budget rule beside it")
    func shadowed() throws {
        let overrides = ["student.epochs=18", "schedule.budget_exponent=0.5", "teacher.epochs=24"]
        let config = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: overrides)
        let ignored = config.ignoredOverrides(overrides)
        #expect(ignored.count == 2)
        #expect(ignored.first?.contains("student.epochs=18") == true)
        #expect(ignored.first?.contains("[8, 4]") == true)
        #expect(ignored.last?.contains("schedule.budget_exponent=0.5") == true)
        // Where the schedule leaves a round's epochs open, student.epochs counts.
        let open = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: ["schedule.student_epochs=[8]"])
        #expect(open.ignoredOverrides(["student.epochs=18"]).isEmpty)
        let free = try ConfigLoader.load(PipelineConfig.self, yaml: "catalog: c.sqlite\nruns_directory: r\ntasks: [key]\nschedule: {teacher: resnet-xs, students: [resnet-xs]}\n")
        #expect(free.ignoredOverrides(overrides).isEmpty)
    }
}
