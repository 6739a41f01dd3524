import Foundation
import Testing
@testable import NoisyStudent

/// The reuse rule of pipeline stages: reuse on a match, resume an unfinished stage, re-evaluate
/// when only the evaluation changed, rerun otherwise — and say why.
@Suite struct StageFingerprintTests {
    func fingerprint(trainer: Int = 1, test: String = "t", parent: Int64 = 1) throws -> StageFingerprint {
        var f = StageFingerprint()
        try f.add("trainer", ["epochs": trainer])
        try f.add("parent", parent)
        try f.add("evaluation.test", test)
        return f
    }

    func record(_ status: StageRecord.Status, _ fingerprint: StageFingerprint?, checkpoint: String? = "best") -> StageRecord {
        var r = StageRecord(name: "teacher", kind: .teacher, status: status, runId: 1, checkpoint: checkpoint)
        r.fingerprint = fingerprint
        return r
    }

    @Test func equalInputsHashEqualAndAnyChangeIsNamed() throws {
        #expect(try fingerprint() == fingerprint())
        #expect(try fingerprint().value == fingerprint().value)
        #expect(try fingerprint(trainer: 2).changes(from: fingerprint()) == ["trainer"])
        #expect(try fingerprint(trainer: 2, parent: 3).changes(from: fingerprint()) == ["parent", "trainer"])
        // The identity children inherit ignores the evaluation.
        #expect(try fingerprint(test: "u").identity == fingerprint().identity)
        #expect(try fingerprint(test: "u").value != fingerprint().value)
        #expect(try fingerprint(parent: 2).identity != fingerprint().identity)
    }

    @Test func decisions() throws {
        let now = try fingerprint()
        #expect(StageReuse.decide(recorded: record(.done, now), now: now, forced: false) == .reuse)
        #expect(StageReuse.decide(recorded: record(.running, now), now: now, forced: false) == .resume)
        #expect(StageReuse.decide(recorded: record(.done, now), now: now, forced: true) == .rerun(reason: "forced (--force)"))
        #expect(StageReuse.decide(recorded: record(.done, try fingerprint(trainer: 9)), now: now, forced: false)
            == .rerun(reason: "changed: trainer"))
        #expect(StageReuse.decide(recorded: record(.done, try fingerprint(test: "old")), now: now, forced: false)
            == .reevaluate(changed: ["evaluation.test"]))
        #expect(StageReuse.decide(recorded: record(.running, try fingerprint(trainer: 9)), now: now, forced: false)
            == .rerun(reason: "changed: trainer"))
        #expect(StageReuse.decide(recorded: record(.done, nil), now: now, forced: false)
            == .rerun(reason: "no fingerprint recorded (made by an older version)"))
        #expect(StageReuse.decide(recorded: nil, now: now, forced: false) == .rerun(reason: "not run yet"))
    }

    @Test func stateWithoutFingerprintsStillLoads() throws {
        let json = #"{"stages": [{"name": "teacher", "kind": "teacher", "status": "done", "runId": 1, "validMetrics": {}, "testMetrics": {}}]}"#
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try json.write(to: url, atomically: true, encoding: .utf8)
        let state = try PipelineState.load(from: url)
        #expect(state.stage("teacher")?.fingerprint == nil)
        #expect(state.superseded == nil)
    }
}
