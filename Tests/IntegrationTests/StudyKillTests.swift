import Foundation
import Testing

/// `crescendo study` on a tiny grid, killed with SIGKILL once a cell has finished and run
/// again: the teacher and the finished cells are not redone, the rest run, and the results
/// table (JSON and CSV) covers every cell with mean and spread over seeds.
@Suite("Study kill and resume")
struct StudyKillTests {
    let config = """
        catalog: catalog.sqlite
        runs_directory: runs/study
        tasks: [register, layers]
        schedule: {teacher: resnet-xs, students: [resnet-xs]}
        teacher: {epochs: 1, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3}
        student: {epochs: 1, max_steps_per_epoch: 2, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3}
        inference: {batch_size: 4}
        student_noise: {dropout: 0.2, stochastic_depth: 0.1}
        augmentation:
          waveform: [{type: gain, gainDB: [-3, 3], probability: 0.5}]
        seed: 3
        study: {pool_fractions: [0, 0.5, 1], seeds: [0, 1]}
        """

    static let cells = ["pool000-resnet-xs-seed0", "pool000-resnet-xs-seed1", "pool050-resnet-xs-seed0",
                        "pool050-resnet-xs-seed1", "pool100-resnet-xs-seed0", "pool100-resnet-xs-seed1"]

    func cellState(_ dir: URL, _ cell: String) -> String? {
        try? String(contentsOf: dir.appendingPathComponent("runs/study/cells/\(cell)/pipeline.json"), encoding: .utf8)
    }

    func isDone(_ state: String?) -> Bool { state?.contains("\"status\" : \"done\"") ?? false }

    @Test("SIGKILL after a finished cell, then a rerun: finished cells and the teacher are kept, the rest run")
    func killAndResume() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 16, pool: 8)
        defer { set.remove() }
        let dir = set.directory
        let imported = try CrescendoBinary.run(["import", "manifest", "manifest.csv", "--tasks", "tasks.yaml", "--catalog", "catalog.sqlite"], in: dir)
        #expect(imported.status == 0, "\(imported.output)")
        try config.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)

        let process = try CrescendoBinary.start(["study", "--config", "study.yaml"], in: dir)
        let deadline = Date().addingTimeInterval(600)
        while process.isRunning && Date() < deadline && !isDone(cellState(dir, Self.cells[0])) {
            Thread.sleep(forTimeInterval: 0.02)
        }
        let killedWhileRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(killedWhileRunning, "the study finished before it could be killed")
        let teacherBefore = try Data(contentsOf: dir.appendingPathComponent("runs/study/teacher/checkpoints/best.safetensors"))
        let finishedBefore = Dictionary(uniqueKeysWithValues: Self.cells.compactMap { c in cellState(dir, c).flatMap { isDone($0) ? (c, $0) : nil } })
        #expect(finishedBefore[Self.cells[0]] != nil)
        #expect(finishedBefore.count < Self.cells.count)

        let resumed = try CrescendoBinary.run(["study", "--config", "study.yaml"], in: dir)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("teacher: done"), "the teacher was trained again:\n\(resumed.output)")
        for cell in Self.cells {
            if let before = finishedBefore[cell] {
                #expect(resumed.output.contains("\(cell): done, inputs unchanged, reusing"), "\(cell) was redone")
                #expect(cellState(dir, cell) == before, "\(cell)'s record changed")
            } else {
                #expect(!resumed.output.contains("\(cell): done, inputs unchanged, reusing"))
                #expect(isDone(cellState(dir, cell)), "\(cell) did not finish")
            }
        }
        #expect(try Data(contentsOf: dir.appendingPathComponent("runs/study/teacher/checkpoints/best.safetensors")) == teacherBefore)

        // The table: one row per (fraction, preset), both seeds done, a mean and a spread per metric.
        let csv = try String(contentsOf: dir.appendingPathComponent("runs/study/study-results.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 4, "\(csv)")
        #expect(lines.first?.contains("register/accuracy mean,register/accuracy sd") == true)
        for line in lines.dropFirst() { #expect(line.contains(",resnet-xs,") && line.contains(",2,2,"), "\(line)") }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("runs/study/study-results.json"))) as? [String: Any]
        let cells = json?["cells"] as? [[String: Any]] ?? []
        #expect(cells.count == 6 && cells.allSatisfy { $0["done"] as? Bool == true })
        // Pseudo-labelled tracks grow with the fraction: none at 0, the whole pool at 1.
        let rows = json?["rows"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["pseudoLabeledTracks"] as? Int ?? -1 } == [0, 4, 8])

        // The report of the study renders from what the study wrote.
        let report = try CrescendoBinary.run(["report", "runs/study", "--out", "study.html"], in: dir)
        #expect(report.status == 0, "\(report.output)")
        let html = try String(contentsOf: dir.appendingPathComponent("study.html"), encoding: .utf8)
        #expect(html.contains("data-chart=\"heatmap\"") && html.contains("data-table=\"study-results\""))
    }
}
