import Foundation

/// The constant-Q kernels of one configuration, grouped by octave, each group at the lowest
/// sample rate its frequencies allow.
///
/// Why direct kernels: the transform is computed as librosa defines it before its
/// approximations (no FFT-basis sparsification): bin k at frame t is
/// `√L_k · Σ_d x[t·hop + d] · w_k[d] · e^{−iω_k d} / Σ w_k`, with L_k = Q·sr/f_k and w_k a
/// periodic Hann window of ⌊L_k/2⌋ + ⌈L_k/2⌉ samples placed where librosa's centred filter
/// puts it. Each octave group is one framed matrix product, (frames, N) × (N, 2·bins), real and
/// imaginary parts side by side, N the group's longest kernel.
///
/// Why decimation: at the full rate the lowest octave's kernels are 2.2 s (36 000 samples)
/// long, 128× the top octave's, and the whole transform costs 3 GFLOP per minute of audio,
/// no faster than librosa; halving the rate per octave (as librosa does) makes every group
/// cost about the same as the top one.
///
/// Why float32: computed in float64 (a NumPy prototype of the same formula), the full-rate
/// magnitudes differ from these by less than 1e-6 of the frame maximum.
///
/// What decimation changes: away from the ends of the signal, under 1% of the frame maximum
/// against the full-rate definition (0.2% on steady tones); in the frames whose longest
/// kernels overhang an end, up to 7%, as in librosa, which this matches there to 1.5%. A group is computed at sr/2^d for the largest d that divides the hop and keeps its
/// highest kernel frequency (centre + the Hann main lobe's half-width 2f/Q) below
/// ``HalfbandDecimator/passbandEdge`` of that rate. The kernels there are the same formula at
/// that rate, still scaled by √L_k at the full rate.
struct ConstantQKernels {
    struct Group {
        /// First bin (in the full output, lowest = 0) and number of bins.
        var firstBin: Int
        var count: Int
        /// Decimation: the group runs at sampleRate / 2^level.
        var level: Int
        /// Offset (in samples at that rate) of the kernel matrix's first row from the frame centre.
        var firstOffset: Int
        /// Rows of the kernel matrix.
        var length: Int
        /// (length, 2·count) row-major: real parts in the first `count` columns, imaginary after.
        var weights: [Float]
    }

    var groups: [Group]
    /// Halvings of the rate the deepest group needs.
    var levels: Int { groups.map(\.level).max() ?? 0 }

    init(_ config: ConstantQTransform) {
        let freqs = config.frequencies, q = config.q, bpo = config.binsPerOctave
        var twos = 0, hop = config.hopLength
        while config.decimate && hop % 2 == 0 { twos += 1; hop /= 2 }
        var groups: [Group] = []
        // Octaves counted from the top, as librosa groups them; the lowest may be partial.
        var end = freqs.count
        while end > 0 {
            let start = Swift.max(0, end - bpo)
            let highest = freqs[end - 1] * (1 + 2 / q)
            var level = 0
            while level < twos,
                  highest <= HalfbandDecimator.passbandEdge * Double(config.sampleRate) / Double(1 << (level + 1)) {
                level += 1
            }
            groups.append(Self.group(freqs: freqs, range: start..<end, level: level, config: config))
            end = start
        }
        self.groups = groups.reversed()
    }

    /// One bin's kernel at rate sr/2^level: offsets from the frame centre and complex values.
    static func kernel(hz: Double, level: Int, config: ConstantQTransform) -> (offsets: ClosedRange<Int>, values: [(Double, Double)]) {
        let rate = Double(config.sampleRate) / Double(1 << level)
        let ilen = config.q * rate / hz
        // librosa: phases at arange(-ilen // 2, ilen // 2), a Hann window of that many samples,
        // centred in an even FFT length whose product with a centred frame pairs filter
        // sample j with frame offset ⌈n/2⌉ − j.
        let n = Int(Foundation.floor(ilen / 2) - Foundation.floor(-ilen / 2))
        let window = (0..<n).map { 0.5 - 0.5 * Foundation.cos(2 * Double.pi * Double($0) / Double(n)) }
        let norm = Foundation.sqrt(config.filterLength(hz: hz)) / window.reduce(0, +)
        let top = (n + 1) / 2
        let omega = 2 * Double.pi * hz / rate
        // Offset d = top − j, listed from the lowest offset (j = n − 1) up.
        let values = (0..<n).reversed().map { j -> (Double, Double) in
            let d = Double(top - j)
            return (window[j] * norm * Foundation.cos(omega * d), -window[j] * norm * Foundation.sin(omega * d))
        }
        return ((top - n + 1)...top, values)
    }

    static func group(freqs: [Double], range: Range<Int>, level: Int, config: ConstantQTransform) -> Group {
        let kernels = range.map { kernel(hz: freqs[$0], level: level, config: config) }
        let lo = kernels.map(\.offsets.lowerBound).min() ?? 0, hi = kernels.map(\.offsets.upperBound).max() ?? 0
        let length = hi - lo + 1, count = range.count
        var weights = [Float](repeating: 0, count: length * 2 * count)
        for (column, kernel) in kernels.enumerated() {
            for (i, (re, im)) in kernel.values.enumerated() {
                let row = kernel.offsets.lowerBound + i - lo
                weights[row * 2 * count + column] = Float(re)
                weights[row * 2 * count + count + column] = Float(im)
            }
        }
        return Group(firstBin: range.lowerBound, count: count, level: level, firstOffset: lo, length: length, weights: weights)
    }
}
