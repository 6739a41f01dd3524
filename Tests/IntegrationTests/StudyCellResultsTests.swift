import Foundation
import Testing

/// `crescendo study --cell-results DIR`: each finished cell is committed as a small file, and a
/// study on a machine without the runs (a fresh clone) reads committed cells back instead of
/// training them; a file of another configuration is refused, naming it.
@Suite("Study committed cells")
struct StudyCellResultsTests {
    let config = """
        catalog: catalog.sqlite
        runs_directory: runs/study
        tasks: [register, layers]
        schedule: {teacher: resnet-xs, students: [resnet-xs]}
        teacher: {epochs: 1, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3}
        student: {epochs: 1, max_steps_per_epoch: 2, batch_size: 6, learning_rate: 0.003, warmup_steps: 1, threads: 1, seed: 3}
        inference: {batch_size: 4}
        student_noise: {dropout: 0.2, stochastic_depth: 0.1}
        seed: 3
        study: {pool_fractions: [0, 1], seeds: [0]}
        """

    static let cells = ["pool000-resnet-xs-seed0", "pool100-resnet-xs-seed0"]

    func cellFile(_ dir: URL, _ cell: String) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent("results/\(cell).json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func metrics(_ file: [String: Any]) -> [String: Double] {
        (file["result"] as? [String: Any])?["testMetrics"] as? [String: Double] ?? [:]
    }

    @Test("cells are committed; without the runs they are read back; a lost cell alone is trained again; another configuration is refused")
    func commitAndReadBack() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 12, pool: 4)
        defer { set.remove() }
        let dir = set.directory
        let imported = try CrescendoBinary.run(["import", "manifest", "manifest.csv", "--tasks", "tasks.yaml", "--catalog", "catalog.sqlite"], in: dir)
        #expect(imported.status == 0, "\(imported.output)")
        try config.write(to: dir.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let study = ["study", "--config", "study.yaml", "--cell-results", "results"]

        let first = try CrescendoBinary.run(study, in: dir)
        #expect(first.status == 0, "\(first.output)")
        for cell in Self.cells {
            let file = try cellFile(dir, cell)
            #expect((file["result"] as? [String: Any])?["done"] as? Bool == true, "\(cell): \(file)")
            #expect(!metrics(file).isEmpty, "\(cell) has no metrics")
            #expect((file["stages"] as? [[String: Any]])?.contains { $0["name"] as? String == "student" } == true)
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/shared.json").path))
        let table = try String(contentsOf: dir.appendingPathComponent("runs/study/study-results.csv"), encoding: .utf8)

        // A fresh clone: the committed files, no runs. Nothing is trained; the table is the same.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("runs"))
        let readBack = try CrescendoBinary.run(study, in: dir)
        #expect(readBack.status == 0, "\(readBack.output)")
        #expect(readBack.output.contains("every cell is committed"), "\(readBack.output)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs/study/teacher").path),
                "the teacher was trained again")
        #expect(try String(contentsOf: dir.appendingPathComponent("runs/study/study-results.csv"), encoding: .utf8) == table)

        // One cell's file lost: the teacher and that cell are trained, the other is read back.
        let lost = try cellFile(dir, Self.cells[1])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("results/\(Self.cells[1]).json"))
        let partial = try CrescendoBinary.run(study, in: dir)
        #expect(partial.status == 0, "\(partial.output)")
        #expect(partial.output.contains("\(Self.cells[0]): committed in"), "\(partial.output)")
        #expect(!partial.output.contains("\(Self.cells[1]): committed in"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs/study/cells/\(Self.cells[0])").path),
                "the committed cell was trained")
        // Same configuration, same seeds, one thread: the retrained cell computes the same figures.
        #expect(metrics(try cellFile(dir, Self.cells[1])) == metrics(lost))

        // Another configuration over the same directory is refused with the file named.
        let changed = try CrescendoBinary.run(study + ["--set", "student.learning_rate=0.002"], in: dir)
        #expect(changed.status != 0)
        #expect(changed.output.contains("results/\(Self.cells[0]).json") && changed.output.contains("another configuration"),
                "\(changed.output)")
    }
}
