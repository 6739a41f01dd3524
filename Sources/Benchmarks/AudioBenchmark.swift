import Audio
import Foundation
import Torch

/// `crescendo bench audio`: decoding, log-mel and constant-Q throughput, measured in the same
/// run as the Python stack they replace (python-soundfile + soxr; librosa), printed as JSON
/// lines with the ratios and whether each target is met.
public struct AudioBenchmark {
    /// Folder holding the inputs.
    public var dir: String
    /// Python interpreter with soundfile, soxr and librosa; nil: the tool environment found first.
    public var python: String?
    /// decode_reference.py; nil: found among the reference scripts.
    public var decodeReference: String?
    /// Folder with make_bench_audio.py, mel_reference.py and cqt_reference.py.
    public var tools: String
    public var reps: Int
    /// Output sample rate of the decoding pipeline (Hz).
    public var rate: Int
    /// Workers of the parallel decoding measurement.
    public var workers: Int
    /// Seconds of 16 kHz audio per log-mel measurement.
    public var melSeconds: Double
    public var melReps: Int
    public var cqtReps: Int
    /// Only the log-mel measurement.
    public var logmelOnly: Bool
    /// Only the constant-Q measurement.
    public var cqtOnly: Bool

    public init(dir: String, python: String?, decodeReference: String?, tools: String, reps: Int, rate: Int,
                workers: Int, melSeconds: Double, melReps: Int, cqtReps: Int, logmelOnly: Bool, cqtOnly: Bool) {
        self.dir = dir
        self.python = python
        self.decodeReference = decodeReference
        self.tools = tools
        self.reps = reps
        self.rate = rate
        self.workers = workers
        self.melSeconds = melSeconds
        self.melReps = melReps
        self.cqtReps = cqtReps
        self.logmelOnly = logmelOnly
        self.cqtOnly = cqtOnly
    }

    /// Where the tool environment of tools/python-tools.sh may be: this directory's checkout,
    /// the checkout the executable was built in, a sibling `main` checkout.
    static var toolEnvironments: [String] {
        [".venv-tools/bin/python"] + (ReferenceScripts.builtRepository().map { [$0 + "/.venv-tools/bin/python"] } ?? [])
            + ["../main/.venv-tools/bin/python"]
    }

    static let formats: [(name: String, file: String)] = [
        ("wav", "bench_pcm16.wav"), ("flac", "bench.flac"), ("ogg", "bench.ogg"), ("opus", "bench.opus"), ("mp3", "bench.mp3"),
    ]

    public func run(output: BenchmarkOutput) async throws {
        let interpreter = python ?? PythonReference.firstExisting(Self.toolEnvironments) ?? "/usr/bin/python3"
        // Every measurement compares with a Python reference: check its environment first.
        try PythonReference.requireModules(["numpy", "soundfile", "soxr", "librosa"], python: interpreter, remedy: python == nil
            ? "run: bash tools/python-tools.sh --setup (it makes .venv-tools, which this benchmark then finds)"
            : "run: bash tools/python-tools.sh --setup, then pass --python .venv-tools/bin/python (or leave --python out)")
        let inputs = logmelOnly || cqtOnly ? [] : try locateInputs(python: interpreter, output: output)
        Runtime.threads = 1
        var verdicts: [(String, Bool)] = []
        output.emit(["name": "machine", "cores": ProcessInfo.processInfo.activeProcessorCount,
              "load_average": BenchTiming.loadAverage(), "libsoxr": Resampler.libraryVersion])

        // Decoding, one thread: crescendo, then at once the reference on the same file, so
        // that both see the same load on a shared machine.
        let decodeScript = decodeReference ?? ReferenceScripts.path(of: "decode_reference.py", option: nil)
        if decodeScript == nil && !logmelOnly && !cqtOnly { output.emit(["warning": "decode_reference.py not found: no soundfile+soxr comparison"]) }
        for (format, path) in inputs {
            let info = try AudioFile.probe(path)
            let times = try BenchTiming.seconds(repetitions: reps) { _ = try AudioFile.loadMono(path, targetRate: rate) }
            let ours = info.duration / BenchTiming.median(times)
            let oursBest = info.duration / (times.min() ?? .nan)
            output.emit(["engine": "crescendo", "name": "decode_mono_resample", "format": format, "threads": 1,
                  "audio_s_per_s": round1(ours), "min": round1(info.duration / (times.max() ?? .nan)),
                  "max": round1(info.duration / (times.min() ?? .nan)), "seconds": round3(info.duration),
                  "source": "\(info.format) \(info.sampleRate) Hz \(info.channels) ch"])
            guard let decodeScript else { continue }
            let lines = try PythonReference(python: interpreter, environment: singleThreaded)
                .run(decodeScript, [path, "--sr", String(rate), "--reps", String(reps)])
            for var line in lines {
                guard let theirs = (line["audio_s_per_s"] as? NSNumber)?.doubleValue,
                      let theirsBest = (line["max"] as? NSNumber)?.doubleValue else { continue }
                line["format"] = format
                line["name"] = "decode_mono_resample"
                line["threads"] = 1
                output.emit(line)
                let ratio = ours / theirs
                verdicts.append(("decode_\(format)", ratio >= 1.0))
                output.emit(["name": "decode_ratio_vs_soundfile_soxr", "format": format, "value": round3(ratio),
                      "best_runs_value": round3(oursBest / theirsBest), "target": 1.0, "met": ratio >= 1.0,
                      "meaning": "crescendo / (soundfile + soxr), medians (and fastest runs), one thread each"])
            }
        }

        // Decoding in parallel: 2 × workers copies of each file, on 1 and on `workers` tasks.
        // CPU seconds per audio second show whether the work itself scales (no contention
        // inside the process) when other processes keep the cores from us.
        for (format, path) in inputs {
            let batch = Array(repeating: path, count: 2 * workers)
            let total = try AudioFile.probe(path).duration * Double(batch.count)
            let machine = BenchTiming.machineParallelism(threads: workers)
            let one = try await measure(batch, concurrency: 1)
            let many = try await measure(batch, concurrency: workers)
            let ratio = one.medianWall / many.medianWall
            verdicts.append(("parallel_\(format)", ratio >= 1.8))
            output.emit(["engine": "crescendo", "name": "decode_parallel", "format": format, "workers": workers,
                  "audio_s_per_s": round1(total / many.medianWall), "one_worker_audio_s_per_s": round1(total / one.medianWall),
                  "cpu_s_per_wall_s": round3(many.meanCPU / many.meanWall),
                  "one_worker_cpu_s_per_wall_s": round3(one.meanCPU / one.meanWall),
                  "cpu_ms_per_audio_s": round3(1000 * many.meanCPU / total),
                  "one_worker_cpu_ms_per_audio_s": round3(1000 * one.meanCPU / total)])
            output.emit(["name": "decode_parallel_ratio_vs_one_core", "format": format, "workers": workers, "value": round3(ratio),
                  "target": 1.8, "met": ratio >= 1.8, "machine_parallelism": round3(machine),
                  "meaning": "throughput with \(workers) workers / with 1 (medians); machine_parallelism: the same ratio for pure arithmetic on \(workers) threads measured just before, the ceiling this machine allows now"])
        }

        // Log-mel, one thread, in each precision (the default, mixed, is the one that meets the
        // tested accuracy of 1e-3 dB, as float64 does), against librosa.
        let signal = try await melInput(python: interpreter, output: output)
        if !cqtOnly { try measureLogMel(signal, python: interpreter, verdicts: &verdicts, output: output) }
        if !logmelOnly { try measureConstantQ(signal, python: interpreter, verdicts: &verdicts, output: output) }
        output.emit(["name": "machine_after", "load_average": BenchTiming.loadAverage()])
        output.emit(["name": "targets", "met": verdicts.filter(\.1).map(\.0), "missed": verdicts.filter { !$0.1 }.map(\.0)])
    }

    /// Log-mel, one thread, in each precision, against librosa's melspectrogram + power_to_db.
    func measureLogMel(_ signal: Tensor, python interpreter: String, verdicts: inout [(String, Bool)],
                       output: BenchmarkOutput) throws {
        var swiftMel: [String: (median: Double, best: Double)] = [:]
        for precision in LogMelSpectrogram.Precision.allCases {
            let frontEnd = try LogMelSpectrogram(precision: precision).prepared()
            let times = try withNoGrad {
                try BenchTiming.seconds(repetitions: melReps) { _ = try frontEnd(signal) }
            }
            let throughput = melSeconds / BenchTiming.median(times)
            swiftMel[precision.rawValue] = (throughput, melSeconds / (times.min() ?? .nan))
            output.emit(["engine": "crescendo-libtorch-\(Runtime.torchVersion)", "name": "logmel", "precision": precision.rawValue,
                  "threads": 1, "audio_s_per_s": round1(throughput), "min": round1(melSeconds / (times.max() ?? .nan)),
                  "max": round1(melSeconds / (times.min() ?? .nan)), "seconds": melSeconds])
        }
        let melScript = "\(tools)/mel_reference.py"
        if FileManager.default.fileExists(atPath: melScript) {
            let lines = try PythonReference(python: interpreter, environment: singleThreaded)
                .run(melScript, ["--seconds", String(melSeconds), "--reps", String(melReps)])
            for var line in lines {
                line["threads"] = 1
                output.emit(line)
                guard let theirs = (line["audio_s_per_s"] as? NSNumber)?.doubleValue,
                      let theirsBest = (line["max"] as? NSNumber)?.doubleValue else { continue }
                for (precision, ours) in swiftMel.sorted(by: { $0.key > $1.key }) {
                    let ratio = ours.median / theirs
                    verdicts.append(("logmel_\(precision)", ratio >= 1.5))
                    output.emit(["name": "logmel_ratio_vs_librosa", "precision": precision, "value": round3(ratio),
                          "default": precision == LogMelSpectrogram().precision.rawValue,
                          "best_runs_value": round3(ours.best / theirsBest), "target": 1.5, "met": ratio >= 1.5,
                          "meaning": "crescendo / librosa melspectrogram + power_to_db, medians (and fastest runs), one thread each"])
                }
            }
        } else {
            output.emit(["warning": "\(melScript) not found: no librosa comparison"])
        }
    }

    /// Constant-Q (the default configuration: 288 bins, hop 3200, log-magnitude), one thread,
    /// against librosa.cqt + amplitude_to_db on the same samples, handed over as raw float32.
    func measureConstantQ(_ signal: Tensor, python interpreter: String, verdicts: inout [(String, Bool)],
                          output: BenchmarkOutput) throws {
        let seconds = Double(try signal.size(1)) / 16_000
        let frontEnd = try ConstantQTransform().prepared()
        let times = try withNoGrad {
            try BenchTiming.seconds(repetitions: cqtReps) { _ = try frontEnd(signal) }
        }
        let ours = seconds / BenchTiming.median(times), oursBest = seconds / (times.min() ?? .nan)
        output.emit(["engine": "crescendo-libtorch-\(Runtime.torchVersion)", "name": "cqt", "threads": 1,
              "audio_s_per_s": round1(ours), "min": round1(seconds / (times.max() ?? .nan)), "max": round1(oursBest),
              "seconds": round3(seconds)])
        let script = "\(tools)/cqt_reference.py"
        guard FileManager.default.fileExists(atPath: script) else {
            output.emit(["warning": "\(script) not found: no librosa comparison"])
            return
        }
        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-bench-cqt-\(getpid()).f32")
        try Data(signal.to(.float32).rawBytes()).write(to: raw)
        defer { try? FileManager.default.removeItem(at: raw) }
        let lines = try PythonReference(python: interpreter, environment: singleThreaded)
            .run(script, ["--input", raw.path, "--reps", String(cqtReps)])
        for var line in lines {
            line["threads"] = 1
            output.emit(line)
            guard let theirs = (line["audio_s_per_s"] as? NSNumber)?.doubleValue,
                  let theirsBest = (line["max"] as? NSNumber)?.doubleValue else { continue }
            let ratio = ours / theirs
            verdicts.append(("cqt", ratio >= 3.0))
            output.emit(["name": "cqt_ratio_vs_librosa", "value": round3(ratio), "best_runs_value": round3(oursBest / theirsBest),
                  "target": 3.0, "met": ratio >= 3.0,
                  "meaning": "crescendo / librosa.cqt + amplitude_to_db, medians (and fastest runs), one thread each"])
        }
    }

    /// One thread for NumPy's BLAS and OpenMP in the references.
    var singleThreaded: [String: String] {
        ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"]
    }

    /// Timings of decoding one batch: the median wall time, and the mean wall and CPU time.
    struct BatchTiming {
        var medianWall: Double
        var meanWall: Double
        var meanCPU: Double
    }

    /// Decodes `batch` `reps` times (after a warm-up) with `concurrency` tasks.
    func measure(_ batch: [String], concurrency: Int) async throws -> BatchTiming {
        try await loadAll(batch, concurrency: concurrency)
        var walls: [Double] = []
        let cpuStart = BenchTiming.processCPUSeconds()
        for _ in 0..<max(1, reps) {
            let start = BenchTiming.now()
            try await loadAll(batch, concurrency: concurrency)
            walls.append(BenchTiming.now() - start)
        }
        let runs = Double(walls.count)
        return BatchTiming(medianWall: BenchTiming.median(walls), meanWall: walls.reduce(0, +) / runs,
                           meanCPU: (BenchTiming.processCPUSeconds() - cpuStart) / runs)
    }

    /// Decodes every path to mono at `rate` with `concurrency` tasks; throws the first failure.
    func loadAll(_ paths: [String], concurrency: Int) async throws {
        for result in await AudioBatch.loadMono(paths, targetRate: rate, maxConcurrency: concurrency) {
            _ = try result.get()
        }
    }

    /// `melSeconds` of the WAV input at 16 kHz (repeated if shorter), as a (1, samples) tensor.
    func melInput(python: String, output: BenchmarkOutput) async throws -> Tensor {
        guard let wav = try locateInputs(python: python, output: output).first?.path else {
            throw BenchmarkError.audioInputsMissing(directory: dir)
        }
        let audio = try AudioFile.loadMono(wav, targetRate: 16_000)
        let wanted = Int(melSeconds * 16_000)
        var samples: [Float] = []
        samples.reserveCapacity(wanted)
        while samples.count < wanted && !audio.samples.isEmpty {
            samples.append(contentsOf: audio.samples.prefix(wanted - samples.count))
        }
        return try Tensor(samples, shape: [1, samples.count])
    }

    /// The inputs in `dir`, generating any that are missing into a temporary folder.
    func locateInputs(python: String?, output: BenchmarkOutput) throws -> [(format: String, path: String)] {
        let present = Self.formats.map { ($0.name, "\(dir)/\($0.file)") }
        if present.allSatisfy({ FileManager.default.fileExists(atPath: $0.1) }) { return present }
        let generated = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-bench-audio").path
        let made = Self.formats.map { ($0.name, "\(generated)/\($0.file)") }
        if made.allSatisfy({ FileManager.default.fileExists(atPath: $0.1) }) { return made }
        guard let python else { throw BenchmarkError.audioInputsMissing(directory: dir) }
        output.emit(["note": "inputs missing in \(dir): generating them in \(generated)"])
        _ = try PythonReference(python: python).run("\(tools)/make_bench_audio.py", [generated, "--seconds", "60"])
        return made
    }
}
