import Models
import MusicTasks
import Torch

/// One training or evaluation batch: waveforms, dense targets and masks per task.
public struct Batch: Sendable {
    /// (batch, samples) float32 waveforms at the model's rate.
    public var waveforms: Tensor
    /// The rate of `waveforms` in Hz: the model's, at which the loader decoded them. Input noise
    /// that depends on the rate (filters, pitch shift, echo) takes it from here.
    public var sampleRate: Int
    /// Per task: (batch, outputs) float32 dense targets (zeros where masked); for a
    /// time-aligned task (batch, frames, outputs) (``FrameTargets``).
    public var targets: [String: Tensor]
    /// Per task: (batch) float32, 1 where the example has a label for the task; for a
    /// time-aligned task (batch, frames), 1 where the frame has one.
    public var masks: [String: Tensor]
    /// Per-example loss weights (batch).
    public var weights: Tensor
    /// Positions of the examples in the loader's track list.
    public var trackIndices: [Int]
    /// Examples whose audio could not be read (waveform zero, every mask 0), with the reason.
    public var failures: [(index: Int, message: String)]
    /// Semitones by which the model must transpose each example's pitch input
    /// (`AudioModel.inputTransposition`): set when a key transposition moved the labels but left
    /// the waveform to a model that transposes inside its front end. nil: nothing pending.
    public var pitchShifts: [Int]? = nil
    /// Per multi-label task whose examples leave classes out (``LabeledTrack/classMasks``):
    /// (batch, classes) float32, 1 where the class's target counts; absent: every class counts.
    public var classMasks: [String: Tensor] = [:]

    /// Assembles a batch from decoded clips and their tracks. Time-aligned tasks need the
    /// model's `frameRate` and each clip's offset in its track (seconds).
    static func make(clips: [[Float]], sampleRate: Int, tracks: [LabeledTrack], indices: [Int], tasks: [TaskSpec],
                     failures: [(Int, String)], frameRate: Int? = nil, offsets: [Double] = [],
                     timeScales: [Double] = []) throws -> Batch {
        let b = clips.count
        let samples = clips.first?.count ?? 0
        let failed = Set(failures.map(\.0))
        let waveforms = try Tensor(clips.flatMap { $0 }, shape: [b, samples])
        var targets: [String: Tensor] = [:], masks: [String: Tensor] = [:]
        for task in tasks where task.kind.isTimeAligned {
            guard let frameRate, frameRate > 0, sampleRate % frameRate == 0, offsets.count == b else {
                throw TrainingError.invalidConfig(key: "tasks", reason: "task \(task.name) is time-aligned: the model must give frames (a frame rate) and the loader the clip offsets")
            }
            let frames = samples / (sampleRate / frameRate) + 1
            let scales = timeScales.count == b ? timeScales : [Double](repeating: 1, count: b)
            var rows: [Float] = [], mask: [Float] = []
            rows.reserveCapacity(b * frames * task.outputCount)
            for (position, track) in tracks.enumerated() {
                if !failed.contains(indices[position]), let posteriors = track.softFrameTargets[task.name] {
                    let made = try posteriors.targets(task: task, offset: offsets[position], frames: frames,
                                                      frameRate: frameRate, trackDuration: track.duration,
                                                      timeScale: scales[position])
                    rows += made.target
                    mask += made.mask
                } else if !failed.contains(indices[position]), let value = track.targets[task.name] {
                    let made = try FrameTargets.make(value, task: task, offset: offsets[position], frames: frames,
                                                     frameRate: frameRate, trackDuration: track.duration,
                                                     timeScale: scales[position])
                    rows += made.target
                    mask += made.mask
                } else {
                    rows += [Float](repeating: 0, count: frames * task.outputCount)
                    mask += [Float](repeating: 0, count: frames)
                }
            }
            targets[task.name] = try Tensor(rows, shape: [b, frames, task.outputCount])
            masks[task.name] = try Tensor(mask, shape: [b, frames])
        }
        for task in tasks where !task.kind.isTimeAligned {
            var rows: [Float] = []
            var mask: [Float] = []
            rows.reserveCapacity(b * task.outputCount)
            for (position, track) in tracks.enumerated() {
                if !failed.contains(indices[position]), let target = track.targets[task.name] {
                    rows += try target.dense(for: task)
                    mask.append(1)
                } else {
                    rows += [Float](repeating: 0, count: task.outputCount)
                    mask.append(0)
                }
            }
            targets[task.name] = try Tensor(rows, shape: [b, task.outputCount])
            masks[task.name] = try Tensor(mask, shape: [b])
        }
        var classMasks: [String: Tensor] = [:]
        for task in tasks where task.kind == .multiLabel && tracks.contains(where: { $0.classMasks[task.name] != nil }) {
            let all = [Float](repeating: 1, count: task.outputCount)
            var rows: [Float] = []
            rows.reserveCapacity(b * task.outputCount)
            for track in tracks {
                let row = track.classMasks[task.name] ?? all
                guard row.count == task.outputCount else {
                    throw TrainingError.invalidConfig(key: "tasks", reason: "\(track.path): a class mask of \(row.count) entries for task \(task.name), which has \(task.outputCount) classes")
                }
                rows += row
            }
            classMasks[task.name] = try Tensor(rows, shape: [b, task.outputCount])
        }
        let weights = try Tensor(tracks.map(\.weight), shape: [b])
        var batch = Batch(waveforms: waveforms, sampleRate: sampleRate, targets: targets, masks: masks, weights: weights, trackIndices: indices,
                          failures: failures.map { (index: $0.0, message: $0.1) })
        batch.classMasks = classMasks
        return batch
    }
}
