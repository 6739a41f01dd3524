import Models
import Testing
import Training
@testable import NoisyStudent
import MusicTasks

/// What the pipeline records for the report: per-class results and pool agreement.
@Suite("Report records")
struct ReportRecordTests {
    let key = TaskSpec(name: "key", kind: .multiClass, classes: ["a", "b", "c"])
    let tags = TaskSpec(name: "tags", kind: .multiLabel, classes: ["p", "q"])

    @Test("per-class F1 leaves out classes without support; per-tag ROC-AUC")
    func classResults() {
        var k = TaskPredictions(task: key)
        // Truth a, a, b; predictions a, b, b: F1(a) = 2/3, F1(b) = 2/3; c has no support.
        k.append(output: [0.9, 0.1, 0], target: [1, 0, 0])
        k.append(output: [0.2, 0.7, 0.1], target: [1, 0, 0])
        k.append(output: [0.1, 0.8, 0.1], target: [0, 1, 0])
        k.append(output: [0.5, 0.5, 0], target: nil)
        var t = TaskPredictions(task: tags)
        // Tag p ranked perfectly (AUC 1); tag q ranked backwards (AUC 0).
        t.append(output: [0.9, 0.1], target: [1, 1])
        t.append(output: [0.1, 0.9], target: [0, 0])
        let r = ClassResults.compute([k, t])
        #expect(Set(r["key"]!.keys) == ["a", "b"])
        #expect(abs(r["key"]!["a"]! - 2.0 / 3) < 1e-12 && abs(r["key"]!["b"]! - 2.0 / 3) < 1e-12)
        #expect(r["tags"]! == ["p": 1, "q": 0])
    }

    @Test("agreement: top-class accuracy and tag decisions against pool tracks with labels")
    func agreement() {
        let labels: [Int64: [String: PseudoLabel]] = [
            1: ["key": PseudoLabel(trackId: 1, task: "key", probabilities: [0.7, 0.2, 0.1]),
                "tags": PseudoLabel(trackId: 1, task: "tags", probabilities: [0.9, 0.2])],
            2: ["key": PseudoLabel(trackId: 2, task: "key", probabilities: [0.6, 0.3, 0.1]),
                "tags": PseudoLabel(trackId: 2, task: "tags", probabilities: [0.1, 0.8])],
        ]
        let truth = [
            LabeledTrack(id: 1, path: "x", duration: 1, targets: ["key": .classIndex(0), "tags": .classSet([0])]),
            LabeledTrack(id: 2, path: "y", duration: 1, targets: ["key": .classIndex(2), "tags": .classSet([0, 1])]),
            LabeledTrack(id: 3, path: "z", duration: 1, targets: ["key": .classIndex(1)]),
        ]
        let a = PseudoLabelAgreement.measure(labels, truth: truth, tasks: [key, tags])
        #expect(a["key"] == PseudoLabelAgreement(tracks: 2, agreement: 0.5, measure: "top-class accuracy"))
        // Decisions: track 1 (p yes/yes, q no/no), track 2 (p no/yes, q yes/yes): 3 of 4.
        // ROC-AUC: tag p has no negative (left out); tag q ranks its positive (0.8) above its negative (0.2).
        // PR-AUC over the same tags: q's one positive is ranked first.
        #expect(a["tags"] == PseudoLabelAgreement(tracks: 2, agreement: 0.75, measure: "tag decision accuracy", rocAUC: 1, prAUC: 1))
        #expect(a["key"]?.rocAUC == nil)
        // A teacher that predicts the prior for every track agrees on most decisions but ranks at chance.
        let prior: [Int64: [String: PseudoLabel]] = Dictionary(uniqueKeysWithValues: (1...4).map { i in
            (Int64(i), ["tags": PseudoLabel(trackId: Int64(i), task: "tags", probabilities: [0.2, 0.2])])
        })
        let sparse = (1...4).map { i in
            LabeledTrack(id: Int64(i), path: "t\(i)", duration: 1, targets: ["tags": .classSet(i == 1 ? [0] : i == 2 ? [1] : [])])
        }
        let p = PseudoLabelAgreement.measure(prior, truth: sparse, tasks: [tags])["tags"]
        #expect(p?.agreement == 0.75)
        #expect(p?.rocAUC == 0.5)
        // …and its PR-AUC is the positives' share (scikit-learn's average precision for tied scores).
        #expect(abs((p?.prAUC ?? 0) - 0.25) < 1e-12)
    }
}
