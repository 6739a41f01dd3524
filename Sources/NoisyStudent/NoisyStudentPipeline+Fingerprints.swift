import Audio
import Foundation
import Models
import MusicTasks
import Training

extension NoisyStudentPipeline {
    /// The tracks a stage reads, in order (order matters to training), with their labels
    /// (human or pseudo) and the hash of each audio file where the data source has one.
    struct TrackDigest: Encodable {
        var tracks: [LabeledTrack]
        var audio: [UInt64?]
    }

    /// The parent a stage starts from: its catalog run (a re-run is a new run, so everything
    /// downstream of a rerun stage reruns) and its identity.
    struct ParentDigest: Encodable {
        var runId: Int64
        var identity: String?
    }

    /// A student's or noisy teacher's input noise, as configured (it runs at the model's rate,
    /// which the model description covers).
    struct InputNoiseDigest: Encodable {
        var policy: AugmentationPolicy
        var transposition: KeyTransposition?
    }

    func trackDigest(_ tracks: [LabeledTrack]) throws -> TrackDigest {
        let hashes = try data.audioFingerprints(ids: Array(Set(tracks.map(\.id))))
        return TrackDigest(tracks: tracks, audio: tracks.map { hashes[$0.id] })
    }

    func parentDigest(_ parent: StageRecord?) -> ParentDigest? {
        parent.map { ParentDigest(runId: $0.runId, identity: $0.fingerprint?.identity) }
    }

    /// A trained stage: model, trainer, noise, seed, training and validation data, parent and
    /// start; its evaluation (test splits, inference options) as `evaluation.*` components.
    func trainedFingerprint(description: ModelDescription, trainer: TrainerConfig, inputNoise: StudentNoise?,
                            train: [LabeledTrack], valid: [LabeledTrack], test: [LabeledTrack],
                            parent: StageRecord?, initialCheckpoint: String?) throws -> StageFingerprint {
        var f = StageFingerprint()
        try f.add("code", StageFingerprint.codeVersion)
        try f.add("model", description)
        try f.add("trainer", trainer)
        try f.add("input_noise", inputNoise.map {
            InputNoiseDigest(policy: $0.policy, transposition: $0.transposition?.0)
        })
        try f.add("seed", config.seed)
        try f.add("data.train", trackDigest(train))
        try f.add("data.valid", trackDigest(valid))
        try f.add("parent", parentDigest(parent))
        // Whether it starts from a checkpoint; which one (the teacher's, or the student's for a
        // fine-tune) the parent's run fixes, so the fingerprint does not depend on where runs live.
        try f.add("start", initialCheckpoint != nil)
        try f.add("evaluation.test", trackDigest(test))
        try f.add("evaluation.out_of_domain", trackDigest(outOfDomain))
        try f.add("evaluation.inference", config.inference)
        return f
    }

    /// A pseudo-label stage: the teacher, the labelling options, the tasks and the pool.
    func pseudoLabelFingerprint(teacher: StageRecord, options: FullTrackOptions, tasks: [TaskSpec],
                                pool: [PoolTrack]) throws -> StageFingerprint {
        var f = StageFingerprint()
        try f.add("code", StageFingerprint.codeVersion)
        try f.add("teacher", parentDigest(teacher))
        try f.add("inference", options)
        try f.add("granularity", config.pseudoLabels.granularity)
        if let check = config.pseudoLabels.keyConsistency { try f.add("key_consistency", check) }
        try f.add("tasks", tasks)
        let hashes = try data.audioFingerprints(ids: pool.map(\.id))
        try f.add("pool", PoolDigest(tracks: pool, audio: pool.map { hashes[$0.id] }))
        if let truth = config.splits.poolTruth {
            // Measurement only, but recorded with the stage: a changed truth file re-measures.
            try f.add("pool_truth", [truth: try Data(contentsOf: URL(fileURLWithPath: truth)).count])
        }
        if let truth = config.splits.poolFrameTruth {
            try f.add("pool_frame_truth", [truth: try Data(contentsOf: URL(fileURLWithPath: truth)).count])
        }
        return f
    }

    /// A student grown from its teacher's checkpoint (the parent's run fixes which) with this noise.
    struct GrowthDigest: Encodable {
        var noise: Double
    }

    struct PoolDigest: Encodable {
        var tracks: [PoolTrack]
        var audio: [UInt64?]
    }

    /// The stage names of this pipeline's configuration, in order (for `--force`).
    public static func stageNames(_ config: PipelineConfig) -> [String] {
        let fineTuned = config.fineTune != nil
        var names = ["teacher"]
        for round in 1...Swift.max(1, config.schedule.rounds) {
            names += ["round\(round)-pseudo-labels", "round\(round)-student"]
            if fineTuned { names.append("round\(round)-finetune") }
            if round == 1, config.labeledOnlyControl {
                names.append(controlStage)
                if fineTuned { names.append(controlStage + "-finetune") }
            }
        }
        return names
    }
}
