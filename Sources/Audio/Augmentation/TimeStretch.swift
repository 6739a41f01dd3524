import Foundation

/// Changes a signal's duration without changing its pitch, by waveform-similarity overlap-add
/// (WSOLA; Verhelst & Roelands, ICASSP 1993).
///
/// The output is built from Hann-windowed frames of 2 × ``hop`` samples placed every ``hop``
/// samples (the windows sum to one). Frame `k` is centred at output sample `k·hop` and copied
/// from near source sample `k·hop·M/N` (M source samples, N output samples); the exact place
/// is searched within ± ``hop``/2 so that the frame's first half looks most like what the
/// previous frame put in the same output samples (normalised cross-correlation), which keeps
/// the cross-fades in phase: a sine comes out a sine of the same frequency and amplitude.
/// ``PitchShift`` uses it to bring a resampled example back to its length, and the training
/// loader's tempo augmentation to play a longer or shorter excerpt in a clip's length.
public struct TimeStretch: Sendable {
    /// Samples between frame centres: 20 ms.
    public let hop: Int

    public init(sampleRate: Int) {
        hop = Swift.max(8, Int((0.02 * Double(sampleRate)).rounded()))
    }

    /// `source` stretched (or compressed) to `length` samples.
    public func callAsFunction(_ source: [Float], length: Int) -> [Float] {
        let m = source.count
        guard length > 0 else { return [] }
        if m == length { return source }
        // Too short to hold two frames: plain interpolation (the pitch changes with the length).
        guard m >= 4 * hop, length >= 2 else { return Self.interpolate(source, length: length) }
        return source.withUnsafeBufferPointer { x in stretch(x, length: length) }
    }

    private func stretch(_ x: UnsafeBufferPointer<Float>, length n: Int) -> [Float] {
        let m = x.count
        let frame = 2 * hop
        let window = (0..<frame).map { j -> Float in
            let s = sin(Double.pi * Double(j) / Double(frame))
            return Float(s * s)
        }
        let tolerance = hop / 2
        let rate = Double(m) / Double(n)
        let onsets = Self.onsets(x, block: Swift.max(1, hop / 10))
        var nextOnset = 0
        var output = [Float](repeating: 0, count: n)
        var previous: (centre: Int, anchor: Int)?
        var k = 0
        while k * hop - hop < n {
            let centre = k * hop
            let nominal = Int((Double(centre) * rate).rounded())
            let low = Swift.max(0, centre - hop), high = Swift.min(n, centre + hop)
            // The frame's samples must come from inside the source.
            let lowest = centre - low - nominal
            let highest = m - 1 - nominal - (high - 1 - centre)
            var offset = Swift.min(Swift.max(0, lowest), highest)
            let searchLow = Swift.max(-tolerance, lowest), searchHigh = Swift.min(tolerance, highest)
            // A sharp onset among the source samples this frame stands for is put at the frame's
            // centre, where the window is 1: the similarity search alone would rather skip it
            // (new energy lowers the normalised correlation), and a compressed click track lost
            // some of its clicks that way. The output moves it by at most half a hop.
            let responsible = Double(nominal) - rate * Double(hop) / 2..<Double(nominal) + rate * Double(hop) / 2
            while nextOnset < onsets.count, Double(onsets[nextOnset]) < responsible.lowerBound { nextOnset += 1 }
            if nextOnset < onsets.count, responsible.contains(Double(onsets[nextOnset])),
               (lowest...highest).contains(onsets[nextOnset] - nominal) {
                offset = onsets[nextOnset] - nominal
                nextOnset += 1
            } else if let previous, searchLow <= searchHigh {
                offset = bestOffset(x, nominal: nominal, centre: centre, previous: previous,
                                    overlap: low..<Swift.min(centre, n), range: searchLow...searchHigh, fallback: offset)
            }
            let anchor = nominal + offset
            output.withUnsafeMutableBufferPointer { out in
                for o in low..<high {
                    let s = Swift.min(Swift.max(anchor + o - centre, 0), m - 1)
                    out[o] += window[o - centre + hop] * x[s]
                }
            }
            previous = (centre, anchor)
            k += 1
        }
        return output
    }

    /// The offset within `range` whose frame best continues the previous one over `overlap`
    /// (output samples): a coarse search (every second offset, every fourth sample), then every
    /// offset within two of the coarse best, on every sample.
    private func bestOffset(_ x: UnsafeBufferPointer<Float>, nominal: Int, centre: Int,
                            previous: (centre: Int, anchor: Int), overlap: Range<Int>,
                            range: ClosedRange<Int>, fallback: Int) -> Int {
        guard !overlap.isEmpty else { return fallback }
        let m = x.count
        // Source position of output sample o: reference = previous frame, candidate = this one.
        let referenceStart = previous.anchor + overlap.lowerBound - previous.centre
        let candidateStart = nominal + overlap.lowerBound - centre
        func score(_ offset: Int, stride: Int) -> Double {
            var product = 0.0, energy = 0.0
            var i = 0
            while i < overlap.count {
                let r = referenceStart + i, c = candidateStart + offset + i
                if r >= 0, r < m, c >= 0, c < m {
                    let value = Double(x[c])
                    product += Double(x[r]) * value
                    energy += value * value
                }
                i += stride
            }
            return product / (energy + 1e-12).squareRoot()
        }
        func search(_ offsets: some Sequence<Int>, stride: Int, start: Int) -> Int {
            var best = start, bestScore = score(start, stride: stride)
            for offset in offsets where offset != start {
                let s = score(offset, stride: stride)
                if s > bestScore { (best, bestScore) = (offset, s) }
            }
            return best
        }
        // Ties go to the offset nearest the nominal place (silence: no offset at all).
        let start = Swift.min(Swift.max(0, range.lowerBound), range.upperBound)
        let coarse = search(Swift.stride(from: range.lowerBound, through: range.upperBound, by: 2), stride: 4, start: start)
        let fine = Swift.max(range.lowerBound, coarse - 2)...Swift.min(range.upperBound, coarse + 2)
        return search(fine, stride: 1, start: coarse)
    }

    /// Source samples where a sharp onset starts, in order: blocks of `block` samples whose
    /// energy is at least ten times the mean of the 40 blocks before them (about 80 ms at a
    /// 2-ms block) and at least 1e-4 of the loudest block's. Steady sounds (a sine, a held
    /// chord) have none, so they stretch as plain WSOLA stretches them.
    static func onsets(_ x: UnsafeBufferPointer<Float>, block: Int) -> [Int] {
        let count = x.count / block
        guard count > 2 else { return [] }
        var energy = [Double](repeating: 0, count: count)
        for b in 0..<count {
            var e = 0.0
            for i in (b * block)..<((b + 1) * block) { e += Double(x[i]) * Double(x[i]) }
            energy[b] = e
        }
        let floor = (energy.max() ?? 0) * 1e-4
        var result: [Int] = []
        var window = 0.0
        let span = 40
        for b in 0..<count {
            let mean = window / Double(Swift.max(1, Swift.min(b, span)))
            // One onset per event: the blocks right after one compare against a mean it raised,
            // and onsets closer than four blocks are one.
            if b > 0, energy[b] > floor, energy[b] > 10 * mean, result.last.map({ b * block - $0 > 4 * block }) ?? true {
                result.append(b * block)
            }
            window += energy[b]
            if b >= span { window -= energy[b - span] }
        }
        return result
    }

    /// Linear interpolation of `source` onto `length` evenly spaced points (ends kept).
    static func interpolate(_ source: [Float], length: Int) -> [Float] {
        guard let first = source.first else { return [Float](repeating: 0, count: length) }
        guard source.count > 1, length > 1 else { return [Float](repeating: first, count: length) }
        let step = Double(source.count - 1) / Double(length - 1)
        return (0..<length).map { t in
            let position = Double(t) * step
            let left = Swift.min(Int(position), source.count - 2)
            let fraction = Float(position - Double(left))
            return source[left] + fraction * (source[left + 1] - source[left])
        }
    }
}
