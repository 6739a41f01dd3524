import Foundation
import Training

/// How far a paired difference between two stages could move with another draw of test clips:
/// a percentile bootstrap over clips of the per-clip difference (stage − baseline), each clip's
/// difference first averaged over the paired seeds. The seeds' spread says how much training
/// luck moves a result; this says how much the test split's size does — with 76 clips, one clip
/// is 0.013 of a key accuracy, and a +0.03 that the interval spans 0 with is not yet a finding.
public struct ClipInterval: Codable, Sendable, Equatable {
    /// Clips scored by both stages in every paired seed (the others are left out).
    public var clips: Int
    /// The mean over those clips of the seed-averaged difference.
    public var mean: Double
    /// The 2.5th and 97.5th percentiles of the resampled means.
    public var low: Double
    public var high: Double

    public init(clips: Int, mean: Double, low: Double, high: Double) {
        self.clips = clips
        self.mean = mean
        self.low = low
        self.high = high
    }
}

public enum ClipBootstrap {
    /// Resamples of the clips; the percentiles move by well under 0.001 beyond this for splits
    /// of a hundred clips or more.
    public static let resamples = 4000

    /// The interval of one metric's paired difference, or nil when fewer than two clips were
    /// scored by both sides of every pair. `pairs` holds per seed (stage scores, baseline
    /// scores), each clip path → score. Deterministic: the resampling generator has a fixed seed.
    public static func interval(pairs: [(stage: [String: Double], baseline: [String: Double])],
                                resamples: Int = resamples) -> ClipInterval? {
        guard let first = pairs.first else { return nil }
        var clips = Set(first.stage.keys)
        for pair in pairs { clips.formIntersection(pair.stage.keys); clips.formIntersection(pair.baseline.keys) }
        let ordered = clips.sorted()
        guard ordered.count > 1 else { return nil }
        let differences = ordered.map { clip in
            pairs.reduce(0.0) { $0 + ($1.stage[clip] ?? 0) - ($1.baseline[clip] ?? 0) } / Double(pairs.count)
        }
        let n = differences.count
        var generator = SplitMix64(seed: 0x0B00_757A_5EED)
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sum = 0.0
            for _ in 0..<n { sum += differences[Int(generator.next() % UInt64(n))] }
            means[r] = sum / Double(n)
        }
        means.sort()
        return ClipInterval(clips: n, mean: differences.reduce(0, +) / Double(n),
                            low: percentile(means, 0.025), high: percentile(means, 0.975))
    }

    /// Linear interpolation between closest ranks (NumPy's default).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
