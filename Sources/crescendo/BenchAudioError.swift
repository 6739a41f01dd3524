/// Why `crescendo bench audio` could not set up its inputs.
enum BenchAudioError: Error, CustomStringConvertible {
    /// The inputs are missing and there is no interpreter to generate them.
    case inputsMissing(directory: String)

    var description: String {
        switch self {
        case .inputsMissing(let directory):
            return "bench inputs missing in \(directory) and none generated (run tools/make_bench_audio.py \(directory))"
        }
    }
}
