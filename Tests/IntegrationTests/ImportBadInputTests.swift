import Foundation
import Testing

@Suite("Import of a manifest with bad rows")
struct ImportBadInputTests {
    @Test("missing files, corrupt audio, unknown labels and duplicate rows: the good rows import, the rest is reported")
    func badManifest() throws {
        guard CrescendoBinary.url != nil else { Issue.record("the crescendo executable was not built"); return }
        let set = try ToneDataSet(tracks: 6)
        defer { set.remove() }
        let dir = set.directory
        try Data("this is not audio".utf8).write(to: dir.appendingPathComponent("audio/corrupt.wav"))
        let manifest = """
        path,split,register,layers
        audio/tone0.wav,train,low,tone
        audio/tone1.wav,train,high,tone
        audio/tone2.wav,train,soprano,tone
        audio/tone3.wav,valid,high,tone;noise
        audio/tone3.wav,valid,high,tone;noise
        audio/missing.wav,train,low,tone
        audio/corrupt.wav,train,low,tone
        """
        try manifest.write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let r = try CrescendoBinary.run(["import", "manifest", "bad.csv", "--tasks", "tasks.yaml", "--catalog", "c.sqlite", "--json"], in: dir)
        #expect(r.status == 0, "\(r.output)")
        let line = r.output.split(separator: "\n").last.map(String.init) ?? ""
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(r.output)")
        #expect(report["imported"] as? Int == 4, "\(report)")  // tone0-3 (tone2 without its unknown label)
        #expect(report["missing"] as? Int == 1)
        #expect(report["failed"] as? Int == 1)
        #expect(report["duplicate_rows"] as? Int == 1)
        #expect((report["summary"] as? String)?.contains("1 unknown label") == true, "\(report)")
        let stats = try CrescendoBinary.run(["catalog", "stats", "--catalog", "c.sqlite"], in: dir)
        #expect(stats.output.contains("4 ok, 1 failed"), "\(stats.output)")
    }
}
