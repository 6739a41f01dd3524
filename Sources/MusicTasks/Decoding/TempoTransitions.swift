// Sparse tempo changes at beat boundaries with an exponential distribution.

import Foundation

/// Where a beat's first state can be entered from: the last state of the previous beat at
/// any tempo whose change is likely enough, weighted by the exponential distribution of
/// Krebs, Böck & Widmer (2015): from period `a` to period `b`,
/// `p ∝ exp(−λ · |b / a − 1|)`, normalised over `b` for each `a`; probabilities at or below
/// `2.22e-16` (`numpy.spacing(1)`, madmom's threshold) are dropped before normalising, which
/// keeps the table sparse (at λ = 100 a beat cannot change tempo by 36 % or more).
struct TempoTransitions: Sendable {
    /// For destination period `to`, its entries are `start[to] ..< start[to + 1]`.
    let start: [Int]
    /// Source period index of each entry, ascending within a destination.
    let from: [Int]
    /// Natural log of each entry's probability.
    let logProbability: [Double]

    /// - Parameter lambda: larger values favour a steady tempo (madmom's `transition_lambda`).
    init(periods: [Int], lambda: Double) {
        let count = periods.count
        let threshold = 2.220446049250313e-16
        // Row-normalised probabilities, from × to, zeros where below the threshold.
        var probabilities = [Double](repeating: 0, count: count * count)
        for a in 0..<count {
            var sum = 0.0
            for b in 0..<count {
                let ratio = Double(periods[b]) / Double(periods[a])
                let p = exp(-lambda * abs(ratio - 1))
                if p > threshold {
                    probabilities[a * count + b] = p
                    sum += p
                }
            }
            for b in 0..<count { probabilities[a * count + b] /= sum }
        }
        var start = [0]
        var from: [Int] = []
        var logProbability: [Double] = []
        for b in 0..<count {
            for a in 0..<count where probabilities[a * count + b] > 0 {
                from.append(a)
                logProbability.append(log(probabilities[a * count + b]))
            }
            start.append(from.count)
        }
        self.start = start
        self.from = from
        self.logProbability = logProbability
    }
}
