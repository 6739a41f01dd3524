import Foundation
import Models
import Testing
@testable import NoisyStudent

@Suite struct SeedSummaryTests {
    func stage(_ name: String, _ kind: StageRecord.Kind, _ metrics: [String: Double], status: StageRecord.Status = .done) -> StageRecord {
        var r = StageRecord(name: name, kind: kind, status: status, runId: 1, preset: .resnetXS)
        r.testMetrics = metrics
        return r
    }

    @Test func meanAndSampleStandardDeviationPerStage() {
        var a = PipelineState(), b = PipelineState(), c = PipelineState()
        a.stages = [stage("teacher", .teacher, ["acc": 0.2]), stage("round1-pseudo-labels", .pseudoLabel, [:]),
                    stage("round1-student", .student, ["acc": 0.5])]
        b.stages = [stage("teacher", .teacher, ["acc": 0.4]), stage("round1-student", .student, ["acc": 0.7])]
        c.stages = [stage("teacher", .teacher, ["acc": 0.6]), stage("round1-student", .student, ["acc": 0.9], status: .running)]
        let s = SeedSummary(states: [(0, a), (1, b), (2, c)])
        #expect(s.stages.map(\.name) == ["teacher", "round1-student"])
        let teacher = s.stages[0]
        #expect(teacher.seeds == [0, 1, 2])
        #expect(abs(teacher.mean["acc"]! - 0.4) < 1e-12)
        // numpy.std([0.2, 0.4, 0.6], ddof=1) = 0.2
        #expect(abs(teacher.standardDeviation["acc"]! - 0.2) < 1e-12)
        let student = s.stages[1]
        #expect(student.seeds == [0, 1], "an unfinished stage does not count")
        #expect(abs(student.mean["acc"]! - 0.6) < 1e-12)
        #expect(abs(student.standardDeviation["acc"]! - 0.1414213562373095) < 1e-12)
    }

    @Test func oneSeedHasZeroSpreadAndSeededConfigsSeparateDirectories() throws {
        var a = PipelineState()
        a.stages = [stage("teacher", .teacher, ["acc": 0.3])]
        #expect(SeedSummary(states: [(7, a)]).stages[0].standardDeviation["acc"] == 0)
        var config = PipelineConfig(catalog: "c.sqlite", runsDirectory: "runs/x", tasks: ["key"],
                                    schedule: KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetS]))
        config.fineTune = .init()
        let seeded = config.seeded(3)
        #expect(seeded.runsDirectory.hasSuffix("runs/x/seed-3"))
        #expect(seeded.seed == 3 && seeded.teacher.seed == 3 && seeded.student.seed == 3 && seeded.fineTune?.seed == 3)
    }
}
