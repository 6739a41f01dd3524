import Foundation
import Models
import MusicTasks
import NN
import Testing
import Torch
@testable import NoisyStudent
@testable import Training

/// A key "detector" whose key is a function of the clip's level: a major key 0, 2, … 8 for the
/// pool's five levels. `equivariant`: transposing its input by k moves its key by k semitones (as
/// a model that hears key does); otherwise its answer ignores the transposition (as a model that
/// reads something else does).
final class TransposingKeyModel: Module, AudioModel {
    let clipSamples = 800
    let sampleRate = 16000
    let equivariant: Bool
    var spectrogramAugmentation: SpectrogramAugmentationHook?
    var inputTransposition: [Int]?
    var evaluationTransposition: Int?
    var transposesInput: Bool { true }
    var inferenceOptimizations: InferenceOptimizations? { nil }
    static let key = MusicalKey.taskSpec(name: "key")
    let tasks = [TransposingKeyModel.key, MeanModel.inst]

    init(equivariant: Bool) { self.equivariant = equivariant }

    func prepareForInference(_ optimizations: InferenceOptimizations) throws {}
    func setConvolutionMemoryFormat(_ format: MemoryFormat) throws {}
    func copy() throws -> any AudioModel { TransposingKeyModel(equivariant: equivariant) }
    func setNoise(_ noise: ModelNoise) {}

    func callAsFunction(_ waveform: Tensor) throws -> [String: Tensor] {
        let means = try waveform.mean(dims: [1]).toArray(Float.self)
        let shift = isTraining ? 0 : (evaluationTransposition ?? 0)
        var logits: [Float] = []
        for m in means {
            let base = Int(((m + 0.2) * 20).rounded())
            let key = equivariant ? ((base + shift) % 12 + 12) % 12 : base
            logits += (0..<24).map { $0 == key ? 8 : 0 }
        }
        let m = try waveform.mean(dims: [1], keepDim: true) * 10
        return ["key": try Tensor(logits, shape: [means.count, 24]), "inst": try Tensor.cat([m, m - 1], dim: 1)]
    }
}

@Suite("Key pseudo-labels: the transposition-consistency check")
struct KeyConsistencyTests {
    @Test("a teacher whose key moves with the transposition keeps every key label; one that ignores it keeps none; other tasks stay",
          arguments: [true, false])
    func keepsConsistentKeys(equivariant: Bool) async throws {
        let (dir, pool) = try PseudoLabelTests.makePool(6)
        defer { try? FileManager.default.removeItem(at: dir) }
        let check = KeyConsistencyCheck(task: "key", semitones: [-2, 0, 3])
        let labeler = try PseudoLabeler(teacher: TransposingKeyModel(equivariant: equivariant), options: FullTrackOptions(),
                                        keyConsistency: check)
        let store = MemoryStore()
        let report = try await labeler.label(pool: pool, run: 1, store: store)
        #expect(report.labeled == pool.count && report.consistencyChecked == pool.count)
        #expect(report.consistencyKept == (equivariant ? pool.count : 0))
        #expect(store.labels.values.allSatisfy { $0["inst"] != nil })
        #expect(store.labels.values.filter { $0["key"] != nil }.count == (equivariant ? pool.count : 0))
        // The check leaves the model as it found it.
        #expect(labeler.predictor.model.evaluationTransposition == nil)
    }

    @Test("segment labels are checked chunk by chunk")
    func segments() async throws {
        let (dir, pool) = try PseudoLabelTests.makePool(3)
        defer { try? FileManager.default.removeItem(at: dir) }
        let labeler = try PseudoLabeler(teacher: TransposingKeyModel(equivariant: true), options: FullTrackOptions(hopFraction: 1),
                                        granularity: .segment, keyConsistency: KeyConsistencyCheck(task: "key", semitones: [1]))
        let store = SegmentMemoryStore()
        let report = try await labeler.label(pool: pool, run: 1, store: store)
        let keys = store.labels.filter { $0.task == "key" }
        #expect(report.consistencyChecked == keys.count && report.consistencyKept == keys.count && keys.count > pool.count)
    }

    @Test("a teacher that cannot transpose its input, a missing task or no transposition is refused")
    func refusals() throws {
        #expect(throws: PipelineError.self) {
            try PseudoLabeler(teacher: MeanModel(), options: FullTrackOptions(), keyConsistency: KeyConsistencyCheck(task: "key", semitones: [1]))
        }
        #expect(throws: PipelineError.self) {
            try PseudoLabeler(teacher: TransposingKeyModel(equivariant: true), options: FullTrackOptions(),
                              keyConsistency: KeyConsistencyCheck(task: "tonality", semitones: [1]))
        }
        #expect(throws: PipelineError.self) {
            try PseudoLabeler(teacher: TransposingKeyModel(equivariant: true), options: FullTrackOptions(),
                              keyConsistency: KeyConsistencyCheck(task: "key", semitones: [0]))
        }
        var config = PipelineConfig(catalog: "c", runsDirectory: "r", tasks: ["key"],
                                    schedule: KnowledgeExpansionSchedule(teacher: .resnetXS, students: [.resnetXS]))
        config.pseudoLabels.keyConsistency = KeyConsistencyCheck(task: "mode", semitones: [2])
        #expect(throws: PipelineError.self) { try config.validate() }
        config.pseudoLabels.keyConsistency = KeyConsistencyCheck(task: "key", semitones: [9])
        #expect(throws: PipelineError.self) { try config.validate() }
    }
}
