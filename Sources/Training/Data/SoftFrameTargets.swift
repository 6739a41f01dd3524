import Catalog
import MusicTasks

/// A teacher's frame probabilities for one time-aligned task over a whole track, as soft
/// training targets (frame-level pseudo-labels): ``FramePosteriors`` with a frame rate (frame i
/// centred at `i / frameRate` seconds) and the frames that selection keeps. A student crop takes, for each of its frames, the teacher's
/// frame nearest in time (at most half a teacher frame away), so a crop anywhere in the track
/// is taught what the teacher heard there; frames the selection dropped, and frames outside
/// the teacher's, are masked out of the loss.
///
/// Equality and the stage fingerprint use ``source`` and a checksum of the values, not the
/// values themselves (a pool of hours holds millions of them).
public struct SoftFrameTargets: Sendable, Encodable {
    /// Frames per second of ``values``.
    public let frameRate: Double
    public let posteriors: FramePosteriors
    /// Per frame: whether selection keeps it.
    public let kept: [Bool]
    /// Where the values came from (a file and task), for errors and the fingerprint.
    public let source: String
    /// FNV-1a 64 (``ContentHash``) over the values' bytes and the selection.
    public let checksum: UInt64

    public var frameCount: Int { kept.count }
    public var classCount: Int { posteriors.classCount }

    /// - Throws: ``TrainingError/invalidConfig(key:reason:)`` naming `source` when the sizes
    ///   disagree or a value is not a probability.
    public init(frameRate: Double, posteriors: FramePosteriors, kept: [Bool], source: String) throws {
        guard frameRate > 0, frameRate.isFinite, posteriors.frameCount == kept.count else {
            throw TrainingError.invalidConfig(key: "frame pseudo-labels", reason: "\(source): \(posteriors.frameCount) frames of posteriors, \(kept.count) selected or not, at \(frameRate) fps")
        }
        self.frameRate = frameRate
        self.posteriors = posteriors
        self.kept = kept
        self.source = source
        let values = posteriors.values.withUnsafeBytes { ContentHash.fnv1a($0) }
        checksum = ContentHash.fnv1a(kept.map { $0 ? UInt8(1) : 0 }, continuing: values)
    }

    /// The fraction of frames kept.
    public var keptFraction: Double {
        kept.isEmpty ? 0 : Double(kept.lazy.filter { $0 }.count) / Double(kept.count)
    }

    enum CodingKeys: String, CodingKey { case frameRate = "frame_rate", classCount = "classes", frameCount = "frames", source, checksum }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(frameRate, forKey: .frameRate)
        try c.encode(classCount, forKey: .classCount)
        try c.encode(frameCount, forKey: .frameCount)
        try c.encode(source, forKey: .source)
        try c.encode(checksum, forKey: .checksum)
    }

    /// The (frames × classes) target and (frames) mask of a crop whose frame f is centred at
    /// `offset + f · timeScale / frameRate` seconds of the track (`timeScale` > 1: a clip that
    /// plays its excerpt faster); frames past `trackDuration` are masked too.
    public func targets(task: TaskSpec, offset: Double, frames: Int, frameRate rate: Int,
                        trackDuration: Double, timeScale: Double = 1) throws -> (target: [Float], mask: [Float]) {
        guard classCount == task.outputCount else {
            throw TaskError.targetSize(task: task.name, expected: task.outputCount, found: classCount)
        }
        let classCount = posteriors.classCount, values = posteriors.values
        var target = [Float](repeating: 0, count: frames * classCount)
        var mask = [Float](repeating: 0, count: frames)
        for f in 0..<frames {
            let time = offset + Double(f) * timeScale / Double(rate)
            guard time <= trackDuration else { continue }
            let j = Int((time * frameRate).rounded())
            guard j >= 0, j < frameCount, kept[j] else { continue }
            mask[f] = 1
            for c in 0..<classCount { target[f * classCount + c] = values[j * classCount + c] }
        }
        return (target, mask)
    }
}

extension SoftFrameTargets: Equatable {
    public static func == (a: SoftFrameTargets, b: SoftFrameTargets) -> Bool {
        a.checksum == b.checksum && a.frameRate == b.frameRate && a.classCount == b.classCount
            && a.frameCount == b.frameCount && a.source == b.source
    }
}
