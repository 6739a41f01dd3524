// The beat periods (in frames) that a tempo-tracking state space models.

import Foundation

/// The tempi of a beat- or bar-pointer state space, as beat periods in whole frames: one
/// state chain per period (Krebs, Böck & Widmer 2015, "An efficient state-space model for
/// joint tempo and meter tracking", ISMIR).
enum TempoIntervals {
    /// Periods from `round(60 fps / maxBPM)` to `round(60 fps / minBPM)` frames, every whole
    /// number between (madmom's `BeatStateSpace` without `num_intervals`); with `count`
    /// smaller than that, `count` periods spaced evenly on a log scale instead, the
    /// approach madmom takes: the log grid is rounded to whole frames and, where rounding
    /// merges neighbours, made one point denser until `count` distinct periods remain.
    /// Rounding is half-to-even, as `numpy.round`.
    /// - Throws: ``TaskError/invalidDecoding(reason:)`` if the fastest tempo is under one frame
    ///   per beat.
    static func make(fps: Double, minBPM: Double, maxBPM: Double, count: Int?) throws(TaskError) -> [Int] {
        let shortest = 60 * fps / maxBPM
        let longest = 60 * fps / minBPM
        let low = Int(shortest.rounded(.toNearestOrEven))
        let high = Int(longest.rounded(.toNearestOrEven))
        guard low >= 1 else {
            throw .invalidDecoding(reason: "\(maxBPM) bpm at \(fps) fps is \(shortest) frames per beat; a beat needs one frame at least")
        }
        guard high - low < Int(UInt16.max) else {
            throw .invalidDecoding(reason: "\(high - low + 1) beat periods are more than the decoder's 65 535")
        }
        let linear = Array(low...high)
        guard let count, count < linear.count else { return linear }
        var points = count
        var periods: [Int] = []
        while periods.count < count {
            periods = logSpaced(from: shortest, to: longest, points: points)
            points += 1
        }
        return periods
    }

    /// `numpy.unique(numpy.round(numpy.logspace(log2(a), log2(b), n, base=2)))`.
    private static func logSpaced(from a: Double, to b: Double, points: Int) -> [Int] {
        let start = log2(a)
        let stop = log2(b)
        guard points > 1 else { return [Int(pow(2, start).rounded(.toNearestOrEven))] }
        let step = (stop - start) / Double(points - 1)
        let values = (0..<points).map { index -> Int in
            let exponent = index == points - 1 ? stop : Double(index) * step + start
            return Int(pow(2, exponent).rounded(.toNearestOrEven))
        }
        return Array(Set(values)).sorted()
    }
}
