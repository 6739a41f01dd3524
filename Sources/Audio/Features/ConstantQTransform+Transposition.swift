import Torch

extension ConstantQTransform {
    /// The `bins`-bin window of a full (batch, marginBins + bins + marginBins, frames) output,
    /// each example transposed by its whole number of `semitones`: a pure gather, exact, with
    /// no padding.
    ///
    /// Sign: +k makes the window look like the audio transposed **up** by k semitones. Output
    /// bin i (centre fmin·2^(i/bpo)) is taken from full bin marginBins + i − k·bpo/12, i.e. from
    /// k semitones lower, so what was at f now sits at f·2^(k/12). 0 gives the centre window.
    /// Throws ``ConstantQError/shiftBeyondMargin(semitones:neededBins:marginBins:)`` when
    /// |k|·bpo/12 exceeds the margin.
    public func transposedWindow(_ full: Tensor, semitones: [Int]) throws -> Tensor {
        guard full.rank == 3, try full.size(1) == totalBins else {
            throw ConstantQError.badShape(expected: "(batch, \(totalBins), frames)", got: full.shape)
        }
        let batch = try full.size(0), frames = try full.size(2)
        guard semitones.count == batch else { throw ConstantQError.shiftCountMismatch(shifts: semitones.count, batch: batch) }
        guard let perSemitone = binsPerSemitone else { throw ConstantQError.binsPerOctaveNotMultipleOf12(binsPerOctave) }
        for k in semitones where Swift.abs(k) * perSemitone > marginBins {
            throw ConstantQError.shiftBeyondMargin(semitones: k, neededBins: Swift.abs(k) * perSemitone, marginBins: marginBins)
        }
        let starts = semitones.map { marginBins - $0 * perSemitone }
        // One shift for the whole batch is a narrow (a view); otherwise one gather.
        if let first = starts.first, starts.allSatisfy({ $0 == first }) {
            return try full.slice(dim: 1, start: first, end: first + bins)
        }
        let offsets = try Tensor(starts.map(Int64.init), shape: [batch, 1, 1], device: full.device)
        let index = try (Tensor.arange(0, Double(bins), dtype: .int64, device: full.device).view([1, bins, 1]) + offsets)
            .expand([batch, bins, frames])
        return try full.gather(dim: 1, index: index)
    }
}
