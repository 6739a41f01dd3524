import Foundation
import Models
import Testing
import Training
@testable import NoisyStudent

@Suite("Scaling study")
struct StudyTests {
    let yaml = """
        catalog: c.sqlite
        runs_directory: runs/s
        tasks: [key]
        schedule: {teacher: resnet-xs, students: [resnet-xs, resnet-s]}
        study: {pool_fractions: [0, 0.25, 1], seeds: [4, 5]}
        """

    @Test("the configuration reads the axes beside every pipeline key, and cells come fractions first")
    func config() throws {
        let c = try ConfigLoader.load(StudyConfig.self, yaml: yaml)
        try c.validate()
        #expect(c.poolFractions == [0, 0.25, 1] && c.seeds == [4, 5] && c.students == [.resnetXS, .resnetS])
        #expect(c.cells.count == 12)
        #expect(c.cells.first?.name == "pool000-resnet-xs-seed4" && c.cells.last?.name == "pool100-resnet-s-seed5")
        #expect(StudyCell(poolFraction: 0.125, student: .resnetM, seed: 0).name == "pool12.5-resnet-m-seed0")
        #expect(throws: (any Error).self) { try ConfigLoader.load(StudyConfig.self, yaml: yaml + "\nextra: 1") }
        var bad = c
        bad.poolFractions = [0.5, 1.5]
        #expect(throws: PipelineError.invalidConfig(key: "study.pool_fractions.1", reason: "1.5 is not in [0, 1]")) { try bad.validate() }
        // Per-round epochs mean nothing to a study's cells: refused, not ignored.
        var rounds = c
        rounds.pipeline.schedule.studentEpochs = [4, 2]
        #expect(throws: PipelineError.self) { try rounds.validate() }
    }

    @Test("pool subsets are nested: a smaller fraction's tracks are inside every larger one's")
    func nestedSubsets() {
        let pool = (0..<50).map { PoolTrack(id: Int64($0 * 3 + 1), path: "p\($0)", duration: 1) }
        let quarter = Set(NoisyStudentPipeline.subsample(pool, fraction: 0.25, seed: 7).map(\.id))
        let half = Set(NoisyStudentPipeline.subsample(pool, fraction: 0.5, seed: 7).map(\.id))
        #expect(quarter.count == 13 && half.count == 25 && quarter.isSubset(of: half))
        #expect(NoisyStudentPipeline.subsample(pool, fraction: 1, seed: 7).count == 50)
    }

    @Test("rows hold the mean and the sample standard deviation over finished seeds")
    func aggregation() throws {
        func cell(_ f: Double, _ seed: UInt64, _ accuracy: Double?, done: Bool = true) -> StudyResults.CellResult {
            StudyResults.CellResult(cell: StudyCell(poolFraction: f, student: .resnetXS, seed: seed), done: done, directory: "d",
                                    parameters: 10, testMetrics: accuracy.map { ["key/accuracy": $0] } ?? [:])
        }
        let results = StudyResults(teacher: nil, pseudoLabels: nil, poolFractions: [0, 1], students: [.resnetXS], seeds: [0, 1, 2],
                                   cells: [cell(0, 0, 0.2), cell(0, 1, 0.4), cell(0, 2, 0.6), cell(1, 0, 0.5), cell(1, 1, nil, done: false)])
        #expect(results.rows.count == 2)
        #expect(abs(results.rows[0].mean["key/accuracy"]! - 0.4) < 1e-12)
        #expect(abs(results.rows[0].spread["key/accuracy"]! - 0.2) < 1e-12)
        #expect(results.rows[1].seedsDone == 1 && results.rows[1].spread["key/accuracy"] == 0)
        let csv = results.csv().split(separator: "\n")
        #expect(csv[0] == "pool_fraction,student,parameters,pseudo_labeled_tracks,seeds_done,seeds_planned,key/accuracy mean,key/accuracy sd")
        #expect(csv[2].hasPrefix("1.0,resnet-xs,10,0,1,3,0.5,0.0"))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-study-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try results.write(to: dir)
        #expect(try StudyResults.load(from: dir) == results)
    }
}
