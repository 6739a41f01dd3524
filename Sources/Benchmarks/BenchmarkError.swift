/// Why a benchmark could not set up what it measures.
public enum BenchmarkError: Error, CustomStringConvertible {
    /// `bench audio`'s inputs are missing and there is no interpreter to generate them.
    case audioInputsMissing(directory: String)
    /// The split loaded no batch (`bench loader`).
    case noBatch(split: String)
    /// The split has no tracks (`bench pseudo-label`).
    case noTracks(split: String)
    /// An option out of its range.
    case invalidOption(String)

    public var description: String {
        switch self {
        case .audioInputsMissing(let directory):
            return "bench inputs missing in \(directory) and none generated (run tools/make_bench_audio.py \(directory))"
        case .noBatch(let split): return "split \(split) gave no batch"
        case .noTracks(let split): return "split \(split) has no tracks"
        case .invalidOption(let what): return what
        }
    }
}
