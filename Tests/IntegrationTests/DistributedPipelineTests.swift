import Catalog
import Foundation
import Testing
import Torch
import Training

/// `crescendo launch --nproc 2 -- pipeline`: data-parallel teacher and student, the pool labelled
/// in two shards and merged into the catalog by rank 0, against the same pipeline in one process.
@Suite("Distributed pipeline from the command line", .serialized)
struct DistributedPipelineTests {
    /// SGD and synchronised batch norm without model noise or augmentation, as in the training
    /// equivalence test: any two summation orders then stay within float rounding.
    let config = """
        catalog: c.sqlite
        runs_directory: runs/one
        tasks: [register, layers]
        schedule: {teacher: resnet-xs, students: [resnet-xs]}
        teacher: {epochs: 1, batch_size: 8, learning_rate: 0.001, optimizer: sgd, momentum: 0.9, warmup_steps: 1, threads: 1, seed: 3,
                  sync_batch_norm: true}
        student: {epochs: 1, batch_size: 8, learning_rate: 0.001, optimizer: sgd, momentum: 0.9, warmup_steps: 1, threads: 1, seed: 3,
                  sync_batch_norm: true}
        teacher_noise: {dropout: 0, stochastic_depth: 0}
        student_noise: {dropout: 0, stochastic_depth: 0}
        pseudo_labels: {granularity: segment}
        inference: {batch_size: 4, hop_fraction: 0.5}
        labeled_only_control: false
        seed: 3
        """

    /// The stored segment labels of a pipeline's labelling run: (track, task, start) → probabilities.
    func segmentLabels(_ dir: URL, runs: String) throws -> [String: [Double]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("\(runs)/pipeline.json"))) as? [String: Any]
        let stages = json?["stages"] as? [[String: Any]] ?? []
        let run = try #require(stages.first { $0["name"] as? String == "round1-pseudo-labels" }?["runId"] as? Int)
        var labels: [String: [Double]] = [:]
        for label in try Catalog(path: dir.appendingPathComponent("c.sqlite").path).segmentLabels(runId: Int64(run)) {
            labels["\(label.trackId)/\(label.task)/\(label.start)"] = label.probabilities.map(Double.init)
        }
        return labels
    }

    @Test("2 ranks: the same pseudo-labels as 1 process, a student within 1e-5, rank 0 alone writing; resumed, every stage is reused")
    func equivalence() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 6)
        defer { if ProcessInfo.processInfo.environment["CRESCENDO_KEEP_TEST_DATA"] == nil { set.remove() } }
        let dir = set.directory
        try set.prepare(catalog: "c.sqlite", config: config, as: "p.yaml")
        // One pool file broken after the import: its shard records the failure and the merge goes on without it.
        try Data("not audio".utf8).write(to: dir.appendingPathComponent("audio/tone17.wav"))
        let single = try CrescendoBinary.run(["pipeline", "--config", "p.yaml"], in: dir)
        #expect(single.status == 0, "\(single.output)")
        let parallel = try CrescendoBinary.run(["launch", "--nproc", "2", "--", "pipeline", "--config", "p.yaml",
                                                "--set", "runs_directory=runs/two"], in: dir)
        #expect(parallel.status == 0, "\(parallel.output)")
        #expect(parallel.output.contains("pipeline: 2 ranks"), "\(parallel.output)")
        #expect(parallel.output.contains("merged") && parallel.output.contains("of 2 shards into the catalog"), "\(parallel.output)")
        #expect(parallel.output.contains("largest parameter difference from rank 0 over 2 ranks 0.0"), "\(parallel.output)")
        #expect(single.output.contains("5 tracks") && single.output.contains("1 failed"), "\(single.output)")
        #expect(parallel.output.contains("round1-pseudo-labels: 5 tracks") && parallel.output.contains("1 failed"), "\(parallel.output)")
        // One results table: rank 1 printed none.
        #expect(parallel.output.components(separatedBy: "results: ").count == 2, "\(parallel.output)")

        // Every stage records its time and its peak resident set (at least the model and libtorch).
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("runs/two/pipeline.json"))) as? [String: Any]
        for stage in state?["stages"] as? [[String: Any]] ?? [] {
            #expect((stage["peakResidentBytes"] as? Int ?? 0) > 50 << 20 && (stage["seconds"] as? Double ?? 0) > 0, "\(stage["name"] ?? "?")")
        }

        // Each rank labelled its shard of the pool.
        let shards = dir.appendingPathComponent("runs/two/round1-pseudo-labels/shards")
        for rank in 0..<2 {
            #expect(FileManager.default.fileExists(atPath: shards.appendingPathComponent("shard-\(rank)-of-2.jsonl").path))
        }
        let one = try segmentLabels(dir, runs: "runs/one"), two = try segmentLabels(dir, runs: "runs/two")
        #expect(!one.isEmpty && one.keys.sorted() == two.keys.sorted(), "\(one.keys.sorted()) vs \(two.keys.sorted())")
        var largestLabel = 0.0
        for (key, p) in one { for (a, b) in zip(p, two[key] ?? []) { largestLabel = max(largestLabel, abs(a - b)) } }
        #expect(largestLabel <= 1e-4, "largest pseudo-label difference between 1 process and 2 ranks: \(largestLabel)")

        /// The largest differences between the stage's latest checkpoints in the two runs, relative
        /// to each tensor's largest magnitude where that exceeds 1: of the parameters, and of the
        /// batch-norm running statistics (synchronised batch norm sums squares across ranks where
        /// one process takes a two-pass variance, so these round differently).
        func difference(_ stage: String) throws -> (parameters: Double, statistics: Double) {
            let a = try Checkpoint.load(from: dir.appendingPathComponent("runs/one/\(stage)/checkpoints/latest.safetensors"))
            let b = try Checkpoint.load(from: dir.appendingPathComponent("runs/two/\(stage)/checkpoints/latest.safetensors"))
            #expect(a.state.step > 0 && a.state.step == b.state.step, "\(stage): steps \(a.state.step) vs \(b.state.step)")
            var parameters = 0.0, statistics = 0.0
            for (name, t) in a.modelState where t.dtype == .float32 {
                guard let other = b.modelState[name] else { Issue.record("\(name) missing in the 2-rank \(stage)"); continue }
                let scale = max(1, try t.abs().max().item() as Double)
                let d = try (t - other).abs().max().item() / scale
                if name.contains("running_") { statistics = max(statistics, d) } else { parameters = max(parameters, d) }
            }
            return (parameters, statistics)
        }
        let teacher = try difference("teacher"), student = try difference("round1-student")
        let measured = "teacher \(teacher), student \(student); pseudo-labels \(largestLabel)"
        #expect(teacher.parameters <= 1e-5 && student.parameters <= 1e-5, "parameters differ: \(measured)")
        #expect(teacher.statistics <= 1e-4 && student.statistics <= 1e-4, "running statistics differ: \(measured)")
        // Run again under launch: rank 0's decisions hold for both, and every stage is reused.
        let again = try CrescendoBinary.run(["launch", "--nproc", "2", "--", "pipeline", "--config", "p.yaml",
                                             "--set", "runs_directory=runs/two"], in: dir)
        #expect(again.status == 0, "\(again.output)")
        for stage in ["teacher", "round1-pseudo-labels", "round1-student"] {
            #expect(again.output.contains("\(stage): done") && again.output.contains("reusing"), "\(stage): \(again.output)")
        }
    }
}
