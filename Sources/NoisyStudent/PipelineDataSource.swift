import Catalog
import Models
import MusicTasks
import Training

/// What the pipeline reads and writes: tasks, labeled splits, the pool, pseudo-labels and
/// runs. The catalog implements it; tests can use memory.
public protocol PipelineDataSource: Sendable {
    func tasks(named names: [String]) throws -> [TaskSpec]
    /// Tracks of a split with their human labels for `tasks`.
    func labeledTracks(split: String, splitSet: String, tasks: [TaskSpec]) throws -> [LabeledTrack]
    /// Tracks of the unlabeled pool.
    func poolTracks(split: String, splitSet: String) throws -> [PoolTrack]
    /// The pseudo-labels a run stored, per track and task.
    func pseudoLabels(run: Int64, tasks: [TaskSpec]) throws -> [Int64: [String: PseudoLabel]]
    /// The segment pseudo-labels a run stored for `tasks`, ordered by track, start and task.
    func segmentPseudoLabels(run: Int64, tasks: [TaskSpec]) throws -> [PseudoLabel]
    /// The rows naming a run's frame files for `tasks` (time-aligned), ordered by track and task.
    func framePseudoLabels(run: Int64, tasks: [TaskSpec]) throws -> [FrameLabel]
    var pseudoLabelStore: any PseudoLabelStore { get }
    /// Records a run (teacher, pseudo-label, student) with its configuration and parent.
    func createRun(kind: String, configJSON: String, parent: Int64?) throws -> Int64
    func finishRun(_ id: Int64, metrics: [String: Double]) throws
    /// A hash of each track's audio file (content and size), by id, for stage fingerprints;
    /// tracks it cannot vouch for are left out (the fingerprint then covers paths and labels only).
    func audioFingerprints(ids: [Int64]) throws -> [Int64: UInt64]
}

extension PipelineDataSource {
    /// In-memory sources have no stored file hashes: fingerprints cover paths and labels.
    public func audioFingerprints(ids: [Int64]) throws -> [Int64: UInt64] { [:] }
    /// Sources that keep no frame labels have none.
    public func framePseudoLabels(run: Int64, tasks: [TaskSpec]) throws -> [FrameLabel] { [] }
}
