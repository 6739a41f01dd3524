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

@Suite struct PairedDifferenceTests {
    func state(teacher: Double, student: Double, control: Double?) -> PipelineState {
        var s = PipelineState()
        var t = StageRecord(name: "teacher", kind: .teacher, status: .done, runId: 1)
        t.testMetrics = ["m": teacher]
        var st = StageRecord(name: "round1-student", kind: .student, status: .done, runId: 2)
        st.testMetrics = ["m": student]
        s.stages = [t, st]
        if let control {
            var c = StageRecord(name: "round1-control", kind: .control, status: .done, runId: 3)
            c.testMetrics = ["m": control]
            s.stages.append(c)
        }
        return s
    }

    @Test func studentMinusControlSeedBySeed() throws {
        // Seed 2 has no control: it drops out of that pair but not of student − teacher.
        let summary = SeedSummary(states: [(0, state(teacher: 0.5, student: 0.7, control: 0.6)),
                                           (1, state(teacher: 0.4, student: 0.5, control: 0.2)),
                                           (2, state(teacher: 0.1, student: 0.9, control: nil))])
        let pairs = summary.differences ?? []
        let control = try #require(pairs.first { $0.baseline == "round1-control" })
        #expect(control.stage == "round1-student" && control.seeds == [0, 1])
        #expect(abs((control.mean["m"] ?? 0) - 0.2) < 1e-12)
        // Differences 0.1 and 0.3: sample sd 0.1414.
        #expect(abs((control.standardDeviation["m"] ?? 0) - 0.02.squareRoot()) < 1e-12)
        let teacher = try #require(pairs.first { $0.baseline == "teacher" })
        #expect(teacher.seeds == [0, 1, 2])
        #expect(abs((teacher.mean["m"] ?? 0) - (0.2 + 0.1 + 0.8) / 3) < 1e-12)
        #expect(!pairs.contains { $0.stage == "round1-control" }, "the control is a baseline, not a student")
    }

    @Test func bestLabeledOnlyIsChosenOnValidationSeedBySeed() throws {
        func state(teacherValid: Double, controlValid: Double, teacher: Double, control: Double, student: Double) -> PipelineState {
            var s = self.state(teacher: teacher, student: student, control: control)
            // Selection "a + b": the mean of the two validation metrics; the test metric "m" never decides.
            s.stages[0].validMetrics = ["a": teacherValid, "b": 0.5]
            s.stages[2].validMetrics = ["a": controlValid, "b": 0.5]
            return s
        }
        let summary = SeedSummary(states: [(0, state(teacherValid: 0.9, controlValid: 0.7, teacher: 0.3, control: 0.8, student: 0.6)),
                                           (1, state(teacherValid: 0.6, controlValid: 0.8, teacher: 0.9, control: 0.4, student: 0.5))],
                                  selectionMetric: "a + b")
        let best = try #require(summary.stages.first { $0.name == SeedSummary.bestLabeledOnlyStage })
        #expect(best.chosen == ["teacher", "round1-control"])
        // Seed 0 takes the teacher's 0.3 (not the control's better test 0.8), seed 1 the control's 0.4.
        #expect(best.values["m"] == [0.3, 0.4])
        let pair = try #require(summary.differences?.first { $0.baseline == SeedSummary.bestLabeledOnlyStage })
        #expect(pair.stage == "round1-student" && pair.seeds == [0, 1])
        #expect(abs((pair.mean["m"] ?? 0) - (0.3 + 0.1) / 2) < 1e-12)
        // A candidate without the selection's metrics is left out, and with none left there is no row.
        var bare = self.state(teacher: 0.1, student: 0.2, control: 0.3)
        bare.stages[0].validMetrics = ["a": 1]
        #expect(!SeedSummary(states: [(0, bare)], selectionMetric: "a + b").stages.contains { $0.name == SeedSummary.bestLabeledOnlyStage })
        #expect(SeedSummaryTable(summary: summary).text.contains("seed 0 teacher, seed 1 round1-control"))
    }
}

@Suite struct ClipBootstrapTests {
    func scores(_ values: [Double]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: values.enumerated().map { ("clip-\($0.offset)", $0.element) })
    }

    @Test func aConstantDifferenceHasNoWidth() throws {
        let i = try #require(ClipBootstrap.interval(pairs: [(scores([1, 0.5, 0.3]), scores([0.8, 0.3, 0.1]))]))
        #expect(i.clips == 3)
        #expect(abs(i.mean - 0.2) < 1e-12 && abs(i.low - 0.2) < 1e-12 && abs(i.high - 0.2) < 1e-12)
    }

    @Test func theIntervalMatchesTheNormalApproximation() throws {
        // 400 clips, the stage right where the baseline is wrong on a quarter of them: mean 0.25,
        // standard error sqrt(0.25 · 0.75 / 400) = 0.02165, so about 0.25 ± 1.96 · 0.02165.
        let n = 400
        let stage = scores((0..<n).map { $0 % 4 == 0 ? 1 : 0 }), baseline = scores([Double](repeating: 0, count: n))
        let i = try #require(ClipBootstrap.interval(pairs: [(stage, baseline)]))
        let se = (0.25 * 0.75 / Double(n)).squareRoot()
        #expect(abs(i.mean - 0.25) < 1e-12)
        #expect(abs(i.low - (0.25 - 1.96 * se)) < 0.006 && abs(i.high - (0.25 + 1.96 * se)) < 0.006,
                "\(i.low) … \(i.high) against ±\(1.96 * se)")
    }

    @Test func seedsAreAveragedPerClipAndOnlyClipsScoredEverywhereCount() throws {
        // Seed 0 says +1 on clip-0, seed 1 says −1: the clip's difference is 0. clip-2 is missing
        // from seed 1's baseline, so it is left out.
        let pairs: [(stage: [String: Double], baseline: [String: Double])] = [
            (["clip-0": 1, "clip-1": 1, "clip-2": 1], ["clip-0": 0, "clip-1": 0, "clip-2": 0]),
            (["clip-0": 0, "clip-1": 1, "clip-2": 1], ["clip-0": 1, "clip-1": 0]),
        ]
        let i = try #require(ClipBootstrap.interval(pairs: pairs))
        #expect(i.clips == 2)
        #expect(abs(i.mean - 0.5) < 1e-12 && i.low >= 0 && i.high <= 1)
        #expect(ClipBootstrap.interval(pairs: [(["a": 1], ["a": 0])]) == nil, "one clip has no interval")
    }

    @Test func pairedDifferencesCarryTheIntervalAndTheTablePrintsIt() throws {
        func state(student: [Double], control: [Double]) -> PipelineState {
            var s = PipelineState()
            var st = StageRecord(name: "round1-student", kind: .student, status: .done, runId: 2)
            st.testMetrics = ["key/weighted_score": student.reduce(0, +) / Double(student.count)]
            st.clipScores = ["key/weighted_score": scores(student)]
            var c = StageRecord(name: "round1-control", kind: .control, status: .done, runId: 3)
            c.testMetrics = ["key/weighted_score": control.reduce(0, +) / Double(control.count)]
            c.clipScores = ["key/weighted_score": scores(control)]
            s.stages = [st, c]
            return s
        }
        let summary = SeedSummary(states: [(0, state(student: [1, 1, 0, 0.5], control: [1, 0, 0, 0.5])),
                                           (1, state(student: [1, 0.3, 1, 0.5], control: [1, 0, 0, 0.5]))])
        let pair = try #require(summary.differences?.first { $0.baseline == "round1-control" })
        let i = try #require(pair.clipIntervals?["key/weighted_score"])
        #expect(abs(i.mean - (pair.mean["key/weighted_score"] ?? .nan)) < 1e-12, "all clips in every seed: the same mean")
        #expect(i.low <= i.mean && i.mean <= i.high && i.low < i.high)
        #expect(SeedSummaryTable(summary: summary).text.contains("95 % interval over clips"))
        // A result recorded without per-clip scores has no interval (and prints none).
        var bare = state(student: [1], control: [0])
        for k in bare.stages.indices { bare.stages[k].clipScores = nil }
        #expect(SeedSummary(states: [(0, bare)]).differences?.first?.clipIntervals == nil)
    }
}
