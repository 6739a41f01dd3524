import MusicTasks
import Testing
@testable import Training

/// A clip's share of a split's metric: the mean of these over clips is the split's metric.
@Suite struct ClipScoreTests {
    static let keyTask = TaskSpec(name: "key", kind: .multiClass, classes: MusicalKey.allKeys.map(\.description))

    func oneHot(_ index: Int, _ n: Int) -> [Float] { (0..<n).map { $0 == index ? 1 : 0 } }

    @Test func keyClipsScoreAsMirEvalWeightedScore() throws {
        // mir_eval.key.weighted_score: same key 1, a fifth above 0.5, relative 0.3, parallel 0.2, else 0.
        let c = MusicalKey.allKeys.firstIndex { $0.description == "C major" }!
        let cases: [(String, Double)] = [("C major", 1), ("G major", 0.5), ("A minor", 0.3), ("C minor", 0.2), ("F# major", 0)]
        for (estimate, expected) in cases {
            let e = MusicalKey.allKeys.firstIndex { $0.description == estimate }!
            let s = TaskMetrics.clipScores(task: Self.keyTask, output: oneHot(e, 24), target: oneHot(c, 24))
            #expect(s == ["key/weighted_score": expected], "\(estimate)")
        }
        #expect(TaskMetrics.clipScores(task: Self.keyTask, output: oneHot(c, 24), target: nil).isEmpty, "no label, no score")
    }

    @Test func otherClassesScoreAccuracyAndTheMeanIsTheSplitsMetric() throws {
        let task = TaskSpec(name: "genre", kind: .multiClass, classes: ["a", "b", "c"])
        var predictions = TaskPredictions(task: task)
        var scores: [Double] = []
        for (output, target) in [([0.7, 0.2, 0.1], 0), ([0.1, 0.2, 0.7], 1), ([0.2, 0.5, 0.3], 1)] as [([Float], Int)] {
            predictions.append(output: output, target: oneHot(target, 3))
            scores += TaskMetrics.clipScores(task: task, output: output, target: oneHot(target, 3)).map(\.value)
        }
        #expect(scores == [1, 0, 1])
        let accuracy = try #require(try TaskMetrics.compute(predictions)["genre/accuracy"])
        #expect(abs(accuracy - scores.reduce(0, +) / 3) < 1e-12)
        let tags = TaskSpec(name: "inst", kind: .multiLabel, classes: ["x", "y"])
        #expect(TaskMetrics.clipScores(task: tags, output: [0.2, 0.9], target: [0, 1]).isEmpty, "ROC-AUC is not a mean over clips")
    }
}
