import Foundation

/// The low-pass filter that halves the sample rate between constant-Q octaves: a 65-tap
/// Kaiser-windowed sinc (β 10, about 100 dB stopband) cut off at a quarter of the input rate.
///
/// Why these numbers: an octave is only computed at a halved rate when its kernels stay below
/// ``passbandEdge`` of the *output* rate (0.2 of the input rate); what aliases into that band
/// comes from above 0.3 of the input rate, where the filter is down 100 dB, so the transition
/// band is 0.1 of the input rate wide and 65 taps are enough (Kaiser's formula gives 64).
enum HalfbandDecimator {
    static let tapCount = 65
    static let beta = 10.06
    /// Highest frequency, as a fraction of the decimated rate, that an octave's kernels may reach.
    static let passbandEdge = 0.4

    /// The taps, symmetric, summing to 1 (unit gain at DC).
    static var taps: [Double] {
        let center = Double(tapCount - 1) / 2
        var h = (0..<tapCount).map { n -> Double in
            let x = Double(n) - center
            // sinc with cut-off 0.25 of the rate: sin(π x / 2) / (π x).
            let sinc = x == 0 ? 0.5 : Foundation.sin(Double.pi * x / 2) / (Double.pi * x)
            let r = x / center
            return sinc * besselI0(beta * (1 - r * r).squareRoot()) / besselI0(beta)
        }
        let sum = h.reduce(0, +)
        for i in h.indices { h[i] /= sum }
        return h
    }

    /// Outputs per row of ``blockMatrix``.
    static let outputsPerBlock = 32

    /// The filter as a banded (2·M + taps − 2, M) matrix, M = ``outputsPerBlock``: a block of
    /// 2·M input samples (plus the filter's reach on each side) times this matrix gives M
    /// decimated samples, column i holding the taps at rows 2i …< 2i + taps.
    ///
    /// Why a matrix product: ATen's single-channel conv1d takes a quarter of a second per
    /// minute of 16 kHz audio on one thread (its im2col path), the banded product 6 ms,
    /// for twice the multiply-adds.
    static var blockMatrix: (rows: Int, columns: Int, weights: [Float]) {
        let m = outputsPerBlock, rows = 2 * m + tapCount - 2, h = taps
        var w = [Float](repeating: 0, count: rows * m)
        for i in 0..<m {
            for j in 0..<tapCount { w[(2 * i + j) * m + i] = Float(h[j]) }
        }
        return (rows, m, w)
    }

    /// The modified Bessel function of the first kind, order 0, by its power series (converges
    /// for the arguments a Kaiser window needs).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > 1e-17 * sum {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }
}
