import Foundation
import Testing

/// `crescendo pipeline` re-run after a config edit reruns exactly the stages the edit affects
/// (and says why), re-evaluates where only the evaluation changed, and `--force` reruns from a
/// stage on.
@Suite("Pipeline stage fingerprints")
struct PipelineFingerprintTests {
    let config = """
        catalog: c.sqlite
        runs_directory: runs/f
        tasks: [register, layers]
        schedule: {teacher: resnet-xs, students: [resnet-xs]}
        teacher: {epochs: 1, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3}
        student: {epochs: 1, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3}
        inference: {batch_size: 4, hop_fraction: 0.5, aggregation: max}
        seed: 3
        """

    /// Stage name → what the run said of it: reused, re-evaluated, rerun (with its reason), or trained fresh.
    func actions(_ output: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in output.split(separator: "\n").map(String.init) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let stage = String(line[..<colon]), rest = line[colon...]
            guard ["teacher", "round1-pseudo-labels", "round1-student", "round1-control"].contains(stage), result[stage] == nil || result[stage] == "fresh" else { continue }
            if rest.contains("reusing") { result[stage] = "reused" }
            else if rest.contains("re-evaluating") { result[stage] = "re-evaluated" }
            else if let r = rest.range(of: "rerunning ") { result[stage] = "rerun " + rest[r.upperBound...] }
            else if result[stage] == nil { result[stage] = "fresh" }
        }
        return result
    }

    @Test("edit one value, re-run: exactly the affected stages rerun; --force reruns from a stage")
    func editAndRerun() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        // The pool's tracks carry labels: the labelling stage's agreement with them is measured.
        let set = try ToneDataSet(tracks: 12, pool: 4, poolLabels: true)
        defer { set.remove() }
        let dir = set.directory
        try set.prepare(catalog: "c.sqlite", config: config, as: "f.yaml")
        var output = ""
        func pipeline(_ extra: [String]) throws -> [String: String] {
            let r = try CrescendoBinary.run(["pipeline", "--config", "f.yaml"] + extra, in: dir)
            #expect(r.status == 0, "\(extra): \(r.output)")
            output = r.output
            return actions(r.output)
        }

        let first = try pipeline([])
        #expect(output.contains("round1-pseudo-labels: register against the pool's own labels (4 labels): top-class accuracy "), "\(output)")
        // Layers: "noise" has positive and negative pool tracks ("tone" is on all of them): its ROC- and PR-AUC.
        #expect(output.contains("round1-pseudo-labels: layers against the pool's own labels (4 labels): tag decision accuracy ")
                && output.contains(", macro ROC-AUC ") && output.contains(", macro PR-AUC "), "\(output)")
        #expect(first == ["teacher": "fresh", "round1-pseudo-labels": "fresh", "round1-student": "fresh", "round1-control": "fresh"],
                "\(first)")
        // The labeled-only control: the student's twin, as many examples per epoch, human labels only.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("runs/f/pipeline.json"))) as? [String: Any]
        let stages = (json?["stages"] as? [[String: Any]] ?? []).reduce(into: [String: [String: Any]]()) { $0[$1["name"] as? String ?? ""] = $1 }
        #expect(stages["round1-control"]?["kind"] as? String == "control")
        #expect(stages["round1-control"]?["trainingExamples"] as? Int == stages["round1-student"]?["trainingExamples"] as? Int)
        #expect((stages["round1-control"]?["trainingExamples"] as? Int ?? 0) > 9, "the control's epoch was not the student's length")
        // Each trained stage is a run that `crescendo evaluate` opens like one of `crescendo train`.
        let opened = try CrescendoBinary.run(["evaluate", "runs/f/round1-student", "--split", "test", "--json", "--threads", "1"], in: dir)
        #expect(opened.status == 0, "\(opened.output)")
        #expect(opened.output.contains("\"tracks\""), "\(opened.output)")
        // With the pipeline's inference options (recorded in the stage's run.json): its figures.
        let reopened = try JSONSerialization.jsonObject(with: Data(opened.output.utf8)) as? [String: Any] ?? [:]
        let reported = stages["round1-student"]?["testMetrics"] as? [String: Double] ?? [:]
        #expect(reopened["aggregation"] as? String == "max" && reopened["hop"] as? Double == 0.5, "\(opened.output)")
        #expect(!reported.isEmpty)
        for (metric, value) in reported where !metric.hasPrefix("ood/") {
            #expect(reopened[metric] as? Double == value, "\(metric): evaluate \(reopened[metric] ?? "none"), pipeline \(value)")
        }
        let same = try pipeline([])
        #expect(same == ["teacher": "reused", "round1-pseudo-labels": "reused", "round1-student": "reused", "round1-control": "reused"],
                "\(same)")

        // The student's trainer changes: only the student reruns, and the run says why.
        var sets = ["--set", "student.epochs=2"]
        let student = try pipeline(sets)
        #expect(student["teacher"] == "reused" && student["round1-pseudo-labels"] == "reused", "\(student)")
        #expect(student["round1-student"] == "rerun (changed: trainer)", "\(student)")
        #expect(student["round1-control"] == "rerun (changed: trainer)", "the control shares the student's trainer: \(student)")

        // The labelling temperature changes: the labels rerun, and the student because its parent and data did.
        sets += ["--set", "pseudo_labels.temperature=2"]
        let labels = try pipeline(sets)
        #expect(labels["teacher"] == "reused" && labels["round1-control"] == "reused", "\(labels)")
        #expect(labels["round1-pseudo-labels"] == "rerun (changed: inference)", "\(labels)")
        #expect(labels["round1-student"]?.hasPrefix("rerun (changed: data.train") == true
                || labels["round1-student"]?.hasPrefix("rerun (changed: parent") == true, "\(labels)")

        // Only the evaluation changes (an out-of-domain split added): re-evaluated, not retrained.
        sets += ["--set", "splits.out_of_domain=valid"]
        let evaluation = try pipeline(sets)
        #expect(evaluation == ["teacher": "re-evaluated", "round1-pseudo-labels": "reused", "round1-student": "re-evaluated",
                               "round1-control": "re-evaluated"],
                "\(evaluation)")
        let state = try String(contentsOf: dir.appendingPathComponent("runs/f/pipeline.json"), encoding: .utf8)
        #expect(state.contains("\"ood\\/register\\/accuracy\"") || state.contains("\"ood/register/accuracy\""))
        #expect(state.contains("\"n_clips\""))
        // Each evaluated stage keeps every clip's score, per split, for paired comparisons over clips.
        let evaluated = try JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any]
        let trained = (evaluated?["stages"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String != "pseudo-label" }
        #expect(trained.count == 3)
        for stage in trained {
            let scores = stage["clipScores"] as? [String: [String: Double]] ?? [:]
            let clips = stage["evaluatedClips"] as? [String: [String: Int]] ?? [:]
            let test = try #require(clips["test"]?["n_clips"]), ood = try #require(clips["out_of_domain"]?["n_clips"])
            #expect(scores["register/accuracy"]?.count == test, "\(stage["name"] ?? "?"): \(scores.keys)")
            #expect(scores["ood/register/accuracy"]?.count == ood, "\(stage["name"] ?? "?")")
            #expect(scores["ood/register/accuracy"]?.values.allSatisfy { $0 == 0 || $0 == 1 } == true)
            // Per-class results for both splits (each lists the classes its clips have).
            let classes = stage["testClassResults"] as? [String: [String: Double]] ?? [:]
            #expect(classes["register"]?.isEmpty == false && classes["ood/register"]?.isEmpty == false,
                    "\(stage["name"] ?? "?"): \(classes)")
        }

        // --force a middle stage: it and everything after it rerun; the superseded runs are kept.
        let forced = try pipeline(sets + ["--force", "round1-pseudo-labels"])
        #expect(forced["teacher"] == "reused" && forced["round1-pseudo-labels"] == "rerun (forced (--force))", "\(forced)")
        #expect(forced["round1-student"]?.hasPrefix("rerun (changed: ") == true && forced["round1-control"] == "reused", "\(forced)")
        let superseded = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("runs/f/superseded").path)
        #expect(superseded.filter { $0.hasPrefix("round1-student-run") }.count == 3, "\(superseded)")

        let bad = try CrescendoBinary.run(["pipeline", "--config", "f.yaml", "--force", "round9-student"], in: dir)
        #expect(bad.status != 0 && bad.output.contains("no stage round9-student") && bad.output.contains("round1-pseudo-labels"), "\(bad.output)")
        // Class floors are for multi-label tasks: one on the multi-class register is refused before anything runs.
        let floor = try CrescendoBinary.run(["pipeline", "--config", "f.yaml", "--set", "pseudo_labels.class_confidence={register: 0.8}"], in: dir)
        #expect(floor.status != 0 && floor.output.contains("pseudo_labels.class_confidence") && floor.output.contains("register is multiClass"),
                "\(floor.output)")
    }

    @Test("a seed's committed results file survives a fresh machine and guards against another configuration")
    func seedResultFiles() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 4)
        defer { set.remove() }
        let dir = set.directory
        // Segment-level pseudo-labels: each 4.5-s pool track is two 3.69-s windows (the last aligned to the end).
        try set.prepare(catalog: "c.sqlite", config: config + "\nlabeled_only_control: false\npseudo_labels: {granularity: segment}\n", as: "f.yaml")
        let args = ["pipeline", "--config", "f.yaml", "--seeds", "5", "--cell-results", "results/exp"]
        let first = try CrescendoBinary.run(args, in: dir)
        #expect(first.status == 0 && first.output.contains("round1-student: training"), "\(first.output)")
        let file = dir.appendingPathComponent("results/exp/seed-5.json")
        let recorded = try String(contentsOf: file, encoding: .utf8)
        #expect(recorded.contains("\"configuration\"") && recorded.contains("\"round1-student\""))
        let parsed = try JSONSerialization.jsonObject(with: Data(recorded.utf8)) as? [String: Any]
        let student = (parsed?["stages"] as? [[String: Any]])?.first { $0["name"] as? String == "round1-student" }
        let selection = student?["selection"] as? [String: Any]
        #expect(selection?["candidates"] as? Int == 8, "4 pool tracks × 2 windows: \(selection ?? [:])")

        // A fresh machine: no runs directory, only the committed file. Nothing is trained again.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("runs"))
        let again = try CrescendoBinary.run(args, in: dir)
        #expect(again.status == 0 && again.output.contains("not rerun") && !again.output.contains("training"), "\(again.output)")
        #expect(again.output.contains("round1-student"), "the summary lists the recorded stages: \(again.output)")
        #expect(try String(contentsOf: file, encoding: .utf8) == recorded)

        // Another configuration must not overwrite (or be mistaken for) the recorded seed.
        let other = try CrescendoBinary.run(args + ["--set", "student.epochs=2"], in: dir)
        #expect(other.status != 0 && other.output.contains("seed-5.json") && other.output.contains("another configuration"), "\(other.output)")
    }
}
