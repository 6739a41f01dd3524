// crescendo-audio: small command-line front end to the Audio module, used to
// measure memory (`/usr/bin/time -v`) and decode throughput.
//
//   crescendo-audio probe FILE...                  header of each file (never stops on a bad one)
//   crescendo-audio stream FILE [--rate R] [--block N] [--native]
//                                                  stream the whole file, report frames, time, peak RSS
//   crescendo-audio make-long-wav PATH [--hours H] [--rate R] [--channels C]
//                                                  sparse silent PCM16 WAV (2 h mono 8 kHz by default)
//   crescendo-audio stream-long [--hours H] [--rate R] [--keep]
//                                                  make-long-wav in /tmp + stream it + delete it
//   crescendo-audio bench FILE... [--rate R] [--repeat N] [--decoder D[,D...]]
//                                                  decode-only and decode+downmix+resample throughput
//                                                  (x realtime, median and best of N) per decoder:
//                                                  automatic (default), sndfile, libavcodec
//   crescendo-audio compare FILE...                decode each file with libsndfile and with
//                                                  libavcodec; frame counts and sample differences
import Audio
import Glibc
import Torch

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The peak resident set (`VmHWM`) and the resident set now (`VmRSS`) of this process, in MiB.
func memoryMiB() -> (peak: Double, current: Double) {
    let mib = { (bytes: Int?) in Double(bytes ?? 0) / Double(1 << 20) }
    return (mib(ProcessMemory.peakBytes()), mib(ProcessMemory.residentBytes()))
}

func option(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func positional(_ args: [String]) -> [String] {
    var out: [String] = []
    var skip = false
    for a in args {
        if skip { skip = false; continue }
        if a.hasPrefix("--") {
            if !["--native", "--keep"].contains(a) { skip = true }
            continue
        }
        out.append(a)
    }
    return out
}

func fmt(_ x: Double, _ digits: Int = 2) -> String {
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    return String((x * p).rounded() / p)
}

func stream(path: String, rate: Int?, block: Int) throws -> Int32 {
    let before = memoryMiB()
    let start = monotonicSeconds()
    let options = StreamOptions(blockFrames: block, targetSampleRate: rate, downmix: true)
    let stream = try AudioStream(path: path, options: options)
    var outFrames = 0
    var peakAbs: Float = 0
    while let b = try stream.next() {
        outFrames += b.frames
        for s in b.samples { peakAbs = max(peakAbs, abs(s)) }
    }
    let elapsed = monotonicSeconds() - start
    let after = memoryMiB()
    let info = stream.info
    print("file: \(info)")
    print("output: \(outFrames) frames at \(stream.outputSampleRate) Hz (\(fmt(Double(outFrames) / Double(stream.outputSampleRate), 3)) s), peak |x| = \(peakAbs)")
    print("time: \(fmt(elapsed, 3)) s, \(fmt(info.duration / elapsed, 1)) audio-seconds per second")
    print("memory: VmRSS before \(fmt(before.current, 1)) MiB, peak (VmHWM) \(fmt(after.peak, 1)) MiB")
    return 0
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

func bench(paths: [String], rate: Int, repeats: Int, decoders: [AudioDecoderBackend]) -> Int32 {
    print("file\tformat\tdecoder\tduration_s\tdecode_only_x\tdecode_only_best_x\tdecode_mono_resample_x")
    var status: Int32 = 0
    for path in paths {
        for decoder in decoders {
            do {
                var decodeTimes: [Double] = []
                var fullTimes: [Double] = []
                var info: AudioInfo?
                var used = decoder
                for _ in 0..<max(1, repeats) {
                    var t0 = monotonicSeconds()
                    let native = try AudioStream(path: path, options: StreamOptions(
                        targetSampleRate: nil, downmix: false, decoder: decoder))
                    while try native.next() != nil {}
                    decodeTimes.append(monotonicSeconds() - t0)
                    info = native.info
                    used = native.decoder
                    t0 = monotonicSeconds()
                    let full = try AudioStream(path: path, options: StreamOptions(
                        targetSampleRate: rate, downmix: true, decoder: decoder))
                    while try full.next() != nil {}
                    fullTimes.append(monotonicSeconds() - t0)
                }
                guard let info else { continue }
                let label = decoder == used ? "\(used)" : "\(decoder)->\(used)"
                let decodeBest = decodeTimes.min() ?? .nan
                print("\(path)\t\(info.format)\t\(label)\t\(fmt(info.duration, 1))\t\(fmt(info.duration / median(decodeTimes), 0))\t\(fmt(info.duration / decodeBest, 0))\t\(fmt(info.duration / median(fullTimes), 0))")
            } catch {
                print("\(path)\tERROR\t\(decoder)\t\(error)")
                status = 1
            }
        }
    }
    return status
}

/// Decodes `path` with libsndfile and with libavcodec side by side (native rate, all channels)
/// and reports both frame counts, the largest sample difference, the number of samples that
/// differ by more than 1e-3, and the signal-to-difference ratio.
func compareDecoders(path: String) -> Int32 {
    func open(_ decoder: AudioDecoderBackend) -> Result<AudioStream, AudioError> {
        Result { () throws(AudioError) -> AudioStream in
            try AudioStream(path: path, options: StreamOptions(targetSampleRate: nil, downmix: false, decoder: decoder))
        }
    }
    let reference: AudioStream, candidate: AudioStream
    switch (open(.sndfile), open(.libavcodec)) {
    case (.success(let a), .success(let b)):
        (reference, candidate) = (a, b)
    case (let a, let b):
        var line = "\(path)\topen"
        if case .failure(let error) = a { line += "\tsndfile error: \(error)" }
        if case .failure(let error) = b { line += "\tlibavcodec error: \(error)" }
        print(line)
        return 1
    }
    var a: [Float] = [], b: [Float] = []
    var framesA = 0, framesB = 0
    var errorA: AudioError?, errorB: AudioError?
    var maxDiff: Float = 0, maxAt = 0, over = 0, compared = 0
    var signal = 0.0, noise = 0.0
    let channels = reference.info.channels
    var doneA = false, doneB = false
    while !(doneA && doneB) {
        if !doneA {
            do throws(AudioError) {
                if let block = try reference.next() { a += block.samples; framesA += block.frames } else { doneA = true }
            } catch { errorA = error; doneA = true }
        }
        if !doneB {
            do throws(AudioError) {
                if let block = try candidate.next() { b += block.samples; framesB += block.frames } else { doneB = true }
            } catch { errorB = error; doneB = true }
        }
        let common = min(a.count, b.count)
        for i in 0..<common {
            let d = abs(a[i] - b[i])
            if d > maxDiff { maxDiff = d; maxAt = (compared + i) / channels }
            if d > 1e-3 { over += 1 }
            signal += Double(a[i]) * Double(a[i])
            noise += Double(d) * Double(d)
        }
        compared += common
        a.removeFirst(common)
        b.removeFirst(common)
    }
    let snr = noise > 0 ? fmt(10 * log10(signal / noise), 1) : "inf"
    var line = "\(path)\t\(reference.info.format)\tframes sndfile \(framesA) libavcodec \(framesB) (header \(reference.info.frames))"
    line += "\tmax |diff| \(maxDiff) at frame \(maxAt)\t>1e-3: \(over) samples\tSNR \(snr) dB"
    if let errorA { line += "\tsndfile error: \(errorA)" }
    if let errorB { line += "\tlibavcodec error: \(errorB)" }
    print(line)
    return framesA == framesB && errorA == nil && errorB == nil ? 0 : 1
}

func makeLong(path: String, hours: Double, rate: Int, channels: Int) throws {
    let frames = Int(hours * 3600 * Double(rate))
    try WAVWriter.writeSparseSilence(to: path, sampleRate: rate, channels: channels, frames: frames)
    print("wrote \(path): \(frames) frames, \(rate) Hz, \(channels) ch, \(frames * channels * 2 + 44) bytes (sparse)")
}

func run() -> Int32 {
    let args = Array(CommandLine.arguments.dropFirst())
    guard let command = args.first else {
        print("usage: crescendo-audio probe|stream|make-long-wav|stream-long|bench|compare ...")
        return 2
    }
    let rest = Array(args.dropFirst())
    let files = positional(rest)
    let rate = option("--rate", in: rest).flatMap { Int($0) }
    do {
        switch command {
        case "probe":
            var status: Int32 = 0
            for (path, result) in zip(files, AudioBatch.probeSequentially(files)) {
                switch result {
                case .success(let info):
                    print("ok\t\(info)\texact=\(info.frameCountIsExact)")
                case .failure(let error):
                    print("error\t\(error)")
                    _ = path
                    status = 1
                }
            }
            return status
        case "stream":
            guard let path = files.first else { print("stream FILE"); return 2 }
            let native = rest.contains("--native")
            return try stream(path: path, rate: native ? nil : (rate ?? 16_000),
                              block: option("--block", in: rest).flatMap { Int($0) } ?? 65_536)
        case "make-long-wav":
            guard let path = files.first else { print("make-long-wav PATH"); return 2 }
            try makeLong(path: path, hours: option("--hours", in: rest).flatMap { Double($0) } ?? 2,
                         rate: rate ?? 8_000, channels: option("--channels", in: rest).flatMap { Int($0) } ?? 1)
            return 0
        case "stream-long":
            let path = "/tmp/crescendo-long-\(getpid()).wav"
            try makeLong(path: path, hours: option("--hours", in: rest).flatMap { Double($0) } ?? 2,
                         rate: rate ?? 8_000, channels: option("--channels", in: rest).flatMap { Int($0) } ?? 1)
            defer { if !rest.contains("--keep") { unlink(path) } }
            return try stream(path: path, rate: 16_000, block: option("--block", in: rest).flatMap { Int($0) } ?? 65_536)
        case "bench":
            var decoders: [AudioDecoderBackend] = []
            for name in (option("--decoder", in: rest) ?? "automatic").split(separator: ",") {
                guard let decoder = AudioDecoderBackend(rawValue: String(name)) else {
                    print("unknown decoder \(name) (automatic, sndfile, libavcodec)")
                    return 2
                }
                decoders.append(decoder)
            }
            return bench(paths: files, rate: rate ?? 16_000,
                         repeats: option("--repeat", in: rest).flatMap { Int($0) } ?? 3, decoders: decoders)
        case "compare":
            var status: Int32 = 0
            for path in files where compareDecoders(path: path) != 0 { status = 1 }
            return status
        default:
            print("unknown command \(command)")
            return 2
        }
    } catch {
        print("error: \(error)")
        return 1
    }
}

exit(run())
