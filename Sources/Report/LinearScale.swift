import Foundation

/// A linear map from a data interval (the domain) to a pixel interval (the range; it may run
/// backwards, as a y axis does), with round-number ticks: steps of 1, 2 or 5 times a power of ten.
public struct LinearScale: Sendable, Equatable {
    public var domainStart: Double
    public var domainEnd: Double
    public var rangeStart: Double
    public var rangeEnd: Double

    /// A degenerate domain (start equal to end) is widened to a unit interval around it, so that
    /// a constant series still draws.
    public init(domain: (Double, Double), range: (Double, Double)) {
        var (a, b) = domain
        if !a.isFinite || !b.isFinite { (a, b) = (0, 1) }
        if a == b {
            let pad = a == 0 ? 0.5 : Swift.abs(a) * 0.1
            (a, b) = (a - pad, b + pad)
        }
        domainStart = a
        domainEnd = b
        (rangeStart, rangeEnd) = range
    }

    /// The pixel position of a data value (values outside the domain extrapolate).
    public func callAsFunction(_ value: Double) -> Double {
        rangeStart + (value - domainStart) / (domainEnd - domainStart) * (rangeEnd - rangeStart)
    }

    /// The tick step for about `count` ticks: 1, 2 or 5 × 10^k.
    public func tickStep(count: Int = 5) -> Double {
        let span = Swift.abs(domainEnd - domainStart)
        let raw = span / Double(Swift.max(1, count))
        let power = pow(10, floor(log10(raw)))
        let fraction = raw / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * power
    }

    /// Round-number tick values inside the domain, in increasing order.
    public func ticks(count: Int = 5) -> [Double] {
        let step = tickStep(count: count)
        let lo = Swift.min(domainStart, domainEnd), hi = Swift.max(domainStart, domainEnd)
        let first = (lo / step).rounded(.up), last = (hi / step).rounded(.down)
        guard first <= last else { return [] }
        // Multiplying integers by the step (not accumulating) keeps 0.1 × 3 from drifting.
        return stride(from: first, through: last, by: 1).map { ($0 * step * 1e12).rounded() / 1e12 }
    }

    /// The same scale with its domain widened outwards to whole tick steps.
    public func niced(count: Int = 5) -> LinearScale {
        let step = tickStep(count: count)
        let lo = Swift.min(domainStart, domainEnd), hi = Swift.max(domainStart, domainEnd)
        let a = (lo / step).rounded(.down) * step, b = (hi / step).rounded(.up) * step
        let ascending = domainStart <= domainEnd
        return LinearScale(domain: ascending ? (a, b) : (b, a), range: (rangeStart, rangeEnd))
    }

    /// A tick's label with as many decimals as the step needs.
    public func label(_ value: Double, count: Int = 5) -> String {
        let step = tickStep(count: count)
        let decimals = Swift.max(0, Int(-floor(log10(step))))
        let text = String(format: "%.\(decimals)f", value)
        return text == "-0" || text.hasPrefix("-0.") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
