import Audio
import Models
import MusicTasks
import Torch
import Training

/// A noisy-student pipeline: teacher → (pseudo-label → student) × rounds, as YAML.
public struct PipelineConfig: Codable, Sendable, Equatable {
    /// The catalog holding tracks, labels, splits and runs.
    public var catalog: String
    /// Where stage directories (checkpoints, logs, results) go.
    public var runsDirectory: String
    /// Task names (defined in the catalog).
    public var tasks: [String]
    public var splits: Splits = Splits()
    public var schedule: KnowledgeExpansionSchedule
    public var teacher: TrainerConfig = TrainerConfig()
    public var student: TrainerConfig = TrainerConfig()
    /// Fine-tuning of each student on labeled data only after its noisy training (skipped when nil).
    public var fineTune: TrainerConfig?
    public var pseudoLabels: PseudoLabelOptions = PseudoLabelOptions()
    public var inference: FullTrackOptions = FullTrackOptions()
    /// Model noise of the students (teachers label in eval mode, without noise).
    public var studentNoise: ModelNoise = ModelNoise(dropout: 0.5, stochasticDepth: 0.1)
    public var teacherNoise: ModelNoise?
    /// Input noise of the students.
    public var augmentation: AugmentationPolicy = .none
    /// Whole-semitone transposition of the students' examples that moves the key task's labels
    /// (human and pseudo) with the audio; nil for none.
    public var keyTransposition: KeyTransposition?
    /// Whether the first teacher trains under the students' input noise (augmentation and key
    /// transposition), as Xie et al. 2020's Algorithm 1 has it; every teacher labels without noise.
    public var noisyTeacher: Bool = false
    /// Whether a student of the same preset as its teacher starts from the teacher's weights
    /// (Xie et al. 2020 train students from scratch and note that starting from the teacher is
    /// sometimes worse); a larger student always starts from scratch.
    public var initializeStudentsFromTeacher: Bool = false
    /// Whether the pipeline trains the round-1 student's labeled-only twin (`round1-control`):
    /// the control that says what the pool itself adds.
    public var labeledOnlyControl: Bool = true
    /// Pseudo-labeled examples per labeled example in a student's epoch.
    public var pseudoRatio: Double = 1
    /// Fraction of the pool used (the scaling study's data axis), drawn deterministically.
    public var poolFraction: Double = 1
    public var seed: UInt64 = 0
    /// Where every stage runs — training, pseudo-labelling, evaluation ("cpu", "cuda",
    /// "cuda:N"); the CPU when nil. `--device` overrides it. The trainer sections take no
    /// `device` of their own. Not part of any stage's fingerprint: a stage done on one device is
    /// reused (or resumed) on another.
    public var device: Device?

    public struct Splits: Codable, Sendable, Equatable {
        public var splitSet: String = "default"
        public var train: String = "train"
        public var valid: String = "valid"
        public var test: String = "test"
        /// A second test split of music unlike the training set (other styles, another
        /// soundfont); its metrics are reported beside the in-domain ones, prefixed `ood/`.
        public var outOfDomain: String?
        public var pool: String = "unlabeled"
        /// A CSV of the pool renders' true keys (`path,key`, e.g. the demo builder's
        /// `pool_truth.csv`), read only to measure the pseudo-labels' key accuracy; relative to
        /// the working directory.
        public var poolTruth: String?
        /// A CSV naming the pool renders' true beat and chord files (`path,<task>…`, e.g. the
        /// demo builder's `pool_frame_truth.csv`), read only to measure the frame pseudo-labels.
        public var poolFrameTruth: String?

        enum CodingKeys: String, CodingKey {
            case splitSet = "split_set", train, valid, test, outOfDomain = "out_of_domain", pool, poolTruth = "pool_truth"
            case poolFrameTruth = "pool_frame_truth"
        }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Splits()
            splitSet = try c.decodeIfPresent(String.self, forKey: .splitSet) ?? d.splitSet
            train = try c.decodeIfPresent(String.self, forKey: .train) ?? d.train
            valid = try c.decodeIfPresent(String.self, forKey: .valid) ?? d.valid
            test = try c.decodeIfPresent(String.self, forKey: .test) ?? d.test
            outOfDomain = try c.decodeIfPresent(String.self, forKey: .outOfDomain)
            pool = try c.decodeIfPresent(String.self, forKey: .pool) ?? d.pool
            poolTruth = try c.decodeIfPresent(String.self, forKey: .poolTruth)
            poolFrameTruth = try c.decodeIfPresent(String.self, forKey: .poolFrameTruth)
        }
    }

    enum CodingKeys: String, CodingKey {
        case catalog, runsDirectory = "runs_directory", tasks, splits, schedule, teacher, student
        case fineTune = "fine_tune", pseudoLabels = "pseudo_labels", inference, studentNoise = "student_noise"
        case teacherNoise = "teacher_noise", augmentation, keyTransposition = "key_transposition"
        case initializeStudentsFromTeacher = "initialize_students_from_teacher", noisyTeacher = "noisy_teacher", labeledOnlyControl = "labeled_only_control", pseudoRatio = "pseudo_ratio", poolFraction = "pool_fraction", seed
        case device
    }

    public init(catalog: String, runsDirectory: String, tasks: [String], schedule: KnowledgeExpansionSchedule) {
        self.catalog = catalog
        self.runsDirectory = runsDirectory
        self.tasks = tasks
        self.schedule = schedule
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        catalog = try c.decode(String.self, forKey: .catalog)
        runsDirectory = try c.decode(String.self, forKey: .runsDirectory)
        tasks = try c.decode([String].self, forKey: .tasks)
        schedule = try c.decode(KnowledgeExpansionSchedule.self, forKey: .schedule)
        splits = try c.decodeIfPresent(Splits.self, forKey: .splits) ?? Splits()
        teacher = try c.decodeIfPresent(TrainerConfig.self, forKey: .teacher) ?? TrainerConfig()
        student = try c.decodeIfPresent(TrainerConfig.self, forKey: .student) ?? TrainerConfig()
        fineTune = try c.decodeIfPresent(TrainerConfig.self, forKey: .fineTune)
        pseudoLabels = try c.decodeIfPresent(PseudoLabelOptions.self, forKey: .pseudoLabels) ?? PseudoLabelOptions()
        inference = try c.decodeIfPresent(FullTrackOptions.self, forKey: .inference) ?? FullTrackOptions()
        studentNoise = try c.decodeIfPresent(ModelNoise.self, forKey: .studentNoise) ?? ModelNoise(dropout: 0.5, stochasticDepth: 0.1)
        teacherNoise = try c.decodeIfPresent(ModelNoise.self, forKey: .teacherNoise)
        augmentation = try c.decodeIfPresent(AugmentationPolicy.self, forKey: .augmentation) ?? .none
        keyTransposition = try c.decodeIfPresent(KeyTransposition.self, forKey: .keyTransposition)
        initializeStudentsFromTeacher = try c.decodeIfPresent(Bool.self, forKey: .initializeStudentsFromTeacher) ?? false
        noisyTeacher = try c.decodeIfPresent(Bool.self, forKey: .noisyTeacher) ?? false
        labeledOnlyControl = try c.decodeIfPresent(Bool.self, forKey: .labeledOnlyControl) ?? true
        pseudoRatio = try c.decodeIfPresent(Double.self, forKey: .pseudoRatio) ?? 1
        poolFraction = try c.decodeIfPresent(Double.self, forKey: .poolFraction) ?? 1
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        device = try c.decodeIfPresent(Device.self, forKey: .device)
    }

    /// Checks what decoding cannot, naming the key.
    public func validate() throws {
        guard !tasks.isEmpty else { throw PipelineError.invalidConfig(key: "tasks", reason: "name at least one task") }
        guard pseudoRatio >= 0 else { throw PipelineError.invalidConfig(key: "pseudo_ratio", reason: "must be non-negative") }
        guard poolFraction > 0, poolFraction <= 1 else { throw PipelineError.invalidConfig(key: "pool_fraction", reason: "must be in (0, 1]") }
        guard pseudoLabels.temperature > 0 else { throw PipelineError.invalidConfig(key: "pseudo_labels.temperature", reason: "must be positive") }
        if let check = pseudoLabels.keyConsistency {
            guard tasks.contains(check.task) else {
                throw PipelineError.invalidConfig(key: "pseudo_labels.key_consistency.task", reason: "\(check.task) is not among the tasks \(tasks)")
            }
            guard check.semitones.contains(where: { $0 != 0 }), check.semitones.allSatisfy({ (-6...6).contains($0) }) else {
                throw PipelineError.invalidConfig(key: "pseudo_labels.key_consistency.semitones", reason: "name transpositions in -6…6 other than 0")
            }
        }
        guard (0...1).contains(pseudoLabels.frameConfidenceThreshold) else {
            throw PipelineError.invalidConfig(key: "pseudo_labels.frame_confidence_threshold", reason: "must be in [0, 1]")
        }
        for (name, floor) in pseudoLabels.classConfidence.sorted(by: { $0.key < $1.key }) where !(floor > 0.5 && floor <= 1) {
            throw PipelineError.invalidConfig(key: "pseudo_labels.class_confidence", reason: "\(name): \(floor) must be in (0.5, 1] (a class is sure at p ≥ c or p ≤ 1 − c)")
        }
        for name in (pseudoLabels.tasks ?? []) + pseudoLabels.taskThresholds.keys.sorted() + pseudoLabels.classConfidence.keys.sorted()
            where !tasks.contains(name) {
            throw PipelineError.invalidConfig(key: "pseudo_labels", reason: "task \(name) is not one of the pipeline's tasks (\(tasks.joined(separator: ", ")))")
        }
        if let fraction = pseudoLabels.topFractionPerClass, !(fraction > 0 && fraction <= 1) {
            throw PipelineError.invalidConfig(key: "pseudo_labels.top_fraction_per_class", reason: "must be in (0, 1]")
        }
        if let used = pseudoLabels.tasks, used.isEmpty {
            throw PipelineError.invalidConfig(key: "pseudo_labels.tasks", reason: "name at least one task (leave the key out for all)")
        }
        for (key, trainer) in [("teacher", teacher), ("student", student), ("fine_tune", fineTune)] where trainer?.device != nil {
            throw PipelineError.invalidConfig(key: "\(key).device", reason: "the pipeline runs every stage on one device: set the top-level device (or pass --device)")
        }
        try teacher.validate(section: "teacher")
        try student.validate(section: "student")
        try fineTune?.validate(section: "fine_tune")
        try augmentation.validate()
        if let keyTransposition {
            try keyTransposition.validate()
            guard tasks.contains(keyTransposition.task) else {
                throw PipelineError.invalidConfig(key: "key_transposition.task",
                                                  reason: "task \(keyTransposition.task) is not one of the pipeline's tasks (\(tasks.joined(separator: ", ")))")
            }
        }
    }

    /// The students' input noise: the augmentation policy and the key transposition.
    public func studentInputNoise(tasks specs: [TaskSpec]) throws -> StudentNoise {
        try StudentNoise(policy: augmentation, transposition: keyTransposition, tasks: specs)
    }

    /// The first teacher's input noise: the students' with `noisy_teacher`, else none.
    public func teacherInputNoise(tasks specs: [TaskSpec]) throws -> StudentNoise? {
        noisyTeacher ? try studentInputNoise(tasks: specs) : nil
    }
}
