import Foundation
import Testing

/// A larger round-1 student grown from its teacher (Net2Net) through the whole pipeline: the
/// run says so, and the growth settings are part of the student's fingerprint.
@Suite("Pipeline growth")
struct PipelineGrowthTests {
    @Test("student_starts: [grown] grows resnet-xs into resnet-s; a changed growth noise reruns the student only")
    func grownStudent() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 4)
        defer { set.remove() }
        let dir = set.directory
        let config = """
            catalog: c.sqlite
            runs_directory: runs/g
            tasks: [register, layers]
            schedule: {teacher: resnet-xs, students: [resnet-s], student_starts: [grown], growth_noise: 0.01}
            teacher: {epochs: 1, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3}
            student: {epochs: 1, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3, max_steps_per_epoch: 2}
            inference: {batch_size: 4}
            labeled_only_control: false
            seed: 3
            """
        try set.prepare(catalog: "c.sqlite", config: config, as: "g.yaml")
        let first = try CrescendoBinary.run(["pipeline", "--config", "g.yaml"], in: dir)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("round1-student: grown from"), "\(first.output)")
        let again = try CrescendoBinary.run(["pipeline", "--config", "g.yaml", "--set", "schedule.growth_noise=0.02"], in: dir)
        #expect(again.status == 0 && again.output.contains("round1-student: rerunning (changed: growth)")
                && again.output.contains("teacher: done"), "\(again.output)")

        // A student cannot take the weights of a teacher of another preset.
        let bad = try CrescendoBinary.run(["pipeline", "--config", "g.yaml", "--set", "schedule.student_starts=[teacher]"], in: dir)
        #expect(bad.status != 0 && bad.output.contains("schedule.student_starts.0"), "\(bad.output)")
    }

    @Test("a study's student_starts are read per student: resnet-s grown from the teacher, resnet-xs from its weights")
    func grownStudyCells() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 4)
        defer { set.remove() }
        let dir = set.directory
        let config = """
            catalog: c.sqlite
            runs_directory: runs/study
            tasks: [register, layers]
            schedule: {teacher: resnet-xs, students: [resnet-xs, resnet-s], student_starts: [teacher, grown]}
            teacher: {epochs: 1, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3}
            student: {epochs: 1, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3, max_steps_per_epoch: 2}
            inference: {batch_size: 4}
            seed: 3
            study: {pool_fractions: [0.5], seeds: [0]}
            """
        try set.prepare(catalog: "c.sqlite", config: config, as: "s.yaml")
        let run = try CrescendoBinary.run(["study", "--config", "s.yaml"], in: dir)
        #expect(run.status == 0, "\(run.output)")
        let grown = run.output.components(separatedBy: "\n").filter { $0.contains("grown from") }
        #expect(grown.count == 1 && grown[0].hasPrefix("student: grown from"), "only the resnet-s cell grows:\n\(run.output)")
        // The resnet-xs cell's student starts from the teacher's checkpoint, the resnet-s one does
        // not (it is grown): their fingerprints' `start` components differ, and only resnet-s has `growth`.
        func components(_ cell: String) throws -> [String: String] {
            let url = dir.appendingPathComponent("runs/study/cells/\(cell)/pipeline.json")
            let state = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            let stages = try #require(state["stages"] as? [[String: Any]])
            let student = try #require(stages.first { $0["name"] as? String == "student" })
            let fingerprint = try #require(student["fingerprint"] as? [String: Any])
            return try #require(fingerprint["components"] as? [String: String])
        }
        let xs = try components("pool050-resnet-xs-seed0"), s = try components("pool050-resnet-s-seed0")
        #expect(xs["start"] != nil && xs["start"] != s["start"], "xs \(xs), s \(s)")
        #expect(xs["growth"] == nil && s["growth"] != nil, "xs \(xs), s \(s)")

        // resnet-s cannot take the resnet-xs teacher's weights: the key names the student.
        let bad = try CrescendoBinary.run(["study", "--config", "s.yaml", "--set", "schedule.student_starts=[teacher, teacher]"], in: dir)
        #expect(bad.status != 0 && bad.output.contains("schedule.student_starts.1"), "\(bad.output)")
    }
}
