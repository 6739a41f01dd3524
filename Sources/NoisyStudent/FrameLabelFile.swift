import Foundation
import MusicTasks
import Torch

/// The file that holds a teacher's frame probabilities of one pool track: safetensors, one
/// (frames × classes) float16 tensor per time-aligned task, named after the task, with the
/// frame rate, track and round in the metadata. Half precision keeps an hour of a 27-class
/// pool at about 10 MB; probabilities need no more than its three digits.
///
/// Written atomically (temporary file, fsync, rename) before the catalog row that names it is
/// committed, so a row never names a missing or half-written file; a file without a row (a
/// labeller killed in between) is rewritten when the track is labelled again.
public enum FrameLabelFile {
    /// Where track `trackId`'s frames go in `directory`.
    public static func url(directory: URL, trackId: Int64) -> URL {
        directory.appendingPathComponent("track-\(trackId).safetensors")
    }

    /// Writes `frames` (per task: frames × classes, row-major) at `frameRate` to `url`.
    public static func write(_ frames: [String: [Float]], classes: [String: Int], frameRate: Int, trackId: Int64,
                             round: Int, to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for (task, values) in frames {
            guard let count = classes[task], count > 0, values.count % count == 0 else {
                throw PipelineError.frameLabelFile(path: url.path, reason: "track \(trackId): \(values.count) frame values of task \(task) do not fill rows of \(classes[task] ?? 0) classes")
            }
            tensors[task] = try Tensor(values, shape: [values.count / count, count]).to(.float16)
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try TensorStore.save(tensors, metadata: ["frame_rate": String(frameRate), "track": String(trackId),
                                                 "round": String(round)], to: url)
    }

    /// The frames of `task` in the file at `path`: (frames × classes) row-major, and the frame rate.
    /// - Throws: ``PipelineError/frameLabelFile(path:reason:)`` when the file lacks the task, its
    ///   rate, or rows of `classes` values; the safetensors reader's errors name the file too.
    public static func read(path: String, task: String, classes: Int) throws -> (values: [Float], frameRate: Double) {
        func fail(_ reason: String) -> PipelineError { .frameLabelFile(path: path, reason: reason) }
        let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: path))
        guard let entry = file.entries.first(where: { $0.name == task }) else { throw fail("no frames of task \(task)") }
        guard entry.shape.count == 2, entry.shape[1] == classes else {
            throw fail("frames of task \(task) have shape \(entry.shape), expected (frames, \(classes))")
        }
        guard let rate = file.metadata["frame_rate"].flatMap(Double.init), rate > 0 else { throw fail("no frame rate") }
        let values = try TensorStore.tensor(file, entry).to(.float32).toArray(Float.self)
        return (values, rate)
    }
}
