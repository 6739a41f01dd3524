import ArgumentParser
import Benchmarks

/// `crescendo bench audio`: decoding, log-mel and constant-Q throughput, measured in the same
/// run as the Python stack they replace (python-soundfile + soxr; librosa), printed as JSON
/// lines with the ratios and whether each target is met.
struct BenchAudio: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Decode + down-mix + resample, log-mel and constant-Q throughput against soundfile+soxr and librosa (JSON lines).",
        discussion: """
            Inputs: bench_pcm16.wav, bench.flac, bench.ogg, bench.opus and bench.mp3 in --dir; any that are \
            missing are generated (tools/make_bench_audio.py) into a temporary folder. Throughput is audio \
            seconds per wall second, the median of --reps runs. Targets: decoding >= 1.0x soundfile+soxr per \
            thread, parallel decoding >= 1.8x one core, log-mel >= 1.5x librosa, constant-Q >= 3x librosa.cqt (one \
            thread each, on the same --mel-seconds of the WAV input).
            """)

    @Option(help: "Folder holding the inputs.")
    var dir = "/tmp/bench"

    @Option(help: "Python interpreter with soundfile, soxr and librosa (default: .venv-tools/bin/python of this directory, of the checkout crescendo was built in, or of ../main; bash tools/python-tools.sh --setup makes it).")
    var python: String?

    @Option(help: "decode_reference.py (default: in $CRESCENDO_REFERENCE_DIR, else shared/bench or ../shared/bench from here or from this checkout).")
    var decodeReference: String?

    @Option(help: "Folder with make_bench_audio.py and mel_reference.py.")
    var tools = "tools"

    @Option(help: "Timed repetitions per measurement (the median is reported).")
    var reps = 5

    @Option(help: "Output sample rate of the decoding pipeline (Hz).")
    var rate = 16_000

    @Option(help: "Workers of the parallel decoding measurement.")
    var workers = 2

    @Option(help: "Seconds of 16 kHz audio per log-mel measurement.")
    var melSeconds: Double = 60

    @Option(help: "Timed repetitions per log-mel measurement (each takes tens of milliseconds).")
    var melReps = 21

    @Option(help: "Timed repetitions per constant-Q measurement (librosa's take about a second per minute of audio).")
    var cqtReps = 7

    @Flag(help: "Only the log-mel measurement (no decoding, no constant-Q).")
    var logmelOnly = false

    @Flag(help: "Only the constant-Q measurement (no decoding, no log-mel).")
    var cqtOnly = false

    @Flag(help: "JSON lines (the only output format; kept for symmetry with other commands).")
    var json = false

    func run() async throws {
        try await AudioBenchmark(dir: dir, python: python, decodeReference: decodeReference, tools: tools, reps: reps,
                                 rate: rate, workers: workers, melSeconds: melSeconds, melReps: melReps, cqtReps: cqtReps,
                                 logmelOnly: logmelOnly, cqtOnly: cqtOnly)
            .run(output: .standardOutput)
    }
}
