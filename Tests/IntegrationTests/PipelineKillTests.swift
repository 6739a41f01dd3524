import Foundation
import Testing
import Models
import Torch
import Training

/// `crescendo pipeline` killed with SIGKILL mid-way and run again ends exactly where an
/// uninterrupted pipeline ends: same student weights, same test metrics.
@Suite("Pipeline kill and resume")
struct PipelineKillTests {
    func config(_ catalog: String, _ runs: String) -> String {
        """
        catalog: \(catalog)
        runs_directory: \(runs)
        tasks: [register, layers]
        schedule: {teacher: resnet-xs, students: [resnet-xs], variant: {frequency_coordinates: true, task_branch_blocks: 2}}
        initialize_students_from_teacher: true
        teacher: {epochs: 2, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3, checkpoint_every: 1}
        student: {epochs: 2, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3, checkpoint_every: 1}
        inference: {batch_size: 4}
        student_noise: {dropout: 0.2, stochastic_depth: 0.1}
        augmentation:
          waveform: [{type: gain, gainDB: [-3, 3], probability: 0.5}]
          spectrogram: [{type: mask, axis: time, count: 1, maxWidth: 10}]
        pseudo_ratio: 1.0
        seed: 3
        """
    }

    @Test("SIGKILL during the pipeline, then a rerun: identical final student and metrics")
    func killAndResume() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        var random = try KillSeed(test: "PipelineKillTests.killAndResume")
        let seed = random.note
        let set = try ToneDataSet(tracks: 16, pool: 6)
        defer { set.remove() }
        let dir = set.directory
        for catalog in ["a.sqlite", "b.sqlite"] {
            let r = try CrescendoBinary.run(["import", "manifest", "manifest.csv", "--tasks", "tasks.yaml", "--catalog", catalog], in: dir)
            #expect(r.status == 0, "\(seed): \(r.output)")
        }
        try config("a.sqlite", "runs/a").write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try config("b.sqlite", "runs/b").write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let straight = try CrescendoBinary.run(["pipeline", "--config", "a.yaml"], in: dir)
        #expect(straight.status == 0, "\(seed): \(straight.output)")

        // Kill at a random point: during the teacher, the pseudo-labels or the student.
        let stages = ["teacher", "round1-pseudo-labels", "round1-student"]
        let target = stages[random.integer(in: 0...(stages.count - 1))]
        let wait = random.seconds(in: 0...1.5)
        let process = try CrescendoBinary.start(["pipeline", "--config", "b.yaml"], in: dir)
        let state = dir.appendingPathComponent("runs/b/pipeline.json")
        let deadline = Date().addingTimeInterval(600)
        while process.isRunning && Date() < deadline {
            if let text = try? String(contentsOf: state, encoding: .utf8), text.contains("\"\(target)\"") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: wait)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let resumed = try CrescendoBinary.run(["pipeline", "--config", "b.yaml"], in: dir)
        #expect(resumed.status == 0, "killed in \(target) after \(wait) s, \(seed): \(resumed.output)")

        let a = try Checkpoint.load(from: dir.appendingPathComponent("runs/a/round1-student/checkpoints/best.safetensors"))
        let b = try Checkpoint.load(from: dir.appendingPathComponent("runs/b/round1-student/checkpoints/best.safetensors"))
        // Every stage's model has the schedule's variant: branches per task, two input channels.
        #expect(b.description.variant == ModelVariant(frequencyCoordinates: true, taskBranchBlocks: 2), "\(seed)")
        #expect(b.modelState["branches.layers.head.weight"] != nil && b.modelState["layers.0.conv_1.weight"]?.shape[1] == 2, "\(seed)")
        for (name, t) in a.modelState {
            let other = try #require(b.modelState[name], "\(name) is missing after a kill in \(target), \(seed)")
            #expect(try t.equals(other), "\(name) differs after a kill in \(target) after \(wait) s, \(seed)")
        }
        let resultsA = try String(contentsOf: dir.appendingPathComponent("runs/a/results.json"), encoding: .utf8)
        let resultsB = try String(contentsOf: dir.appendingPathComponent("runs/b/results.json"), encoding: .utf8)
        #expect(resultsA == resultsB, "results differ after a kill in \(target) after \(wait) s, \(seed)")
    }
}
