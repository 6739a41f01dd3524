import Foundation
import Testing
@testable import Training

@Suite("YAML configuration")
struct ConfigLoaderTests {
    struct Root: Codable, Equatable {
        var trainer: TrainerConfig
        var name: String
    }

    @Test("values, defaults and overrides")
    func values() throws {
        let yaml = """
        name: teacher
        trainer:
          epochs: 4
          learning_rate: 0.002
        """
        let c = try ConfigLoader.load(Root.self, yaml: yaml, overrides: ["trainer.batch_size=3", "name=student"])
        #expect(c.trainer.epochs == 4 && c.trainer.batchSize == 3 && c.trainer.learningRate == 0.002)
        #expect(c.name == "student")
        #expect(c.trainer.weightDecay == TrainerConfig().weightDecay)
    }

    @Test("a selection metric given as a list selects on the mean of its metrics")
    func selectionMetricList() throws {
        let list = try ConfigLoader.load(Root.self, yaml: "name: x\ntrainer:\n  selection_metric: [key/weighted_score, inst/roc_auc_macro]\n")
        #expect(list.trainer.selectionMetric == "key/weighted_score + inst/roc_auc_macro")
        let overridden = try ConfigLoader.load(Root.self, yaml: "name: x\ntrainer: {}\n",
                                               overrides: ["trainer.selection_metric=[a, b]"])
        #expect(overridden.trainer.selectionMetric == "a + b")
        #expect(list.trainer.selectionMetricNames(list.trainer.selectionMetric ?? "") == ["key/weighted_score", "inst/roc_auc_macro"])
        var c = TrainerConfig()
        c.selectionMetric = " + "
        #expect(throws: TrainingError.self) { try c.validate() }
    }

    @Test("an unknown key is an error naming it", arguments: [
        ("name: x\ntrainer:\n  epochz: 3\n", "trainer.epochz"),
        ("name: x\ntrainer: {}\nextra: 1\n", "extra"),
    ])
    func unknownKey(_ yaml: String, _ key: String) {
        #expect(throws: TrainingError.invalidConfig(key: key, reason: "unknown key")) {
            try ConfigLoader.load(Root.self, yaml: yaml)
        }
    }

    @Test("a wrong type is an error naming the key")
    func wrongType() {
        do {
            _ = try ConfigLoader.load(Root.self, yaml: "name: x\ntrainer:\n  epochs: many\n")
            Issue.record("no error")
        } catch let TrainingError.invalidConfig(key, reason) {
            #expect(key == "trainer.epochs")
            #expect(reason.contains("integer"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: TrainingError.self) { try ConfigLoader.load(Root.self, yaml: "name: x\ntrainer: {}\n", overrides: ["bad"]) }
        #expect(throws: TrainingError.self) { try ConfigLoader.load(Root.self, yaml: "- a\n- b\n") }
        #expect(throws: TrainingError.self) { try ConfigLoader.load(Root.self, yaml: "trainer: {}\n") }  // name missing
    }
}
