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
//   crescendo-audio bench FILE... [--rate R] [--repeat N]
//                                                  decode-only and decode+downmix+resample throughput
import Audio
import Glibc

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// `VmHWM` (peak resident set) and `VmRSS` of this process, in MiB.
func memoryMiB() -> (peak: Double, current: Double) {
    guard let file = fopen("/proc/self/status", "r") else { return (0, 0) }
    defer { fclose(file) }
    var peak = 0.0, current = 0.0
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let digits = text.filter { $0.isNumber }
        if text.hasPrefix("VmHWM:") { peak = (Double(digits) ?? 0) / 1024 }
        if text.hasPrefix("VmRSS:") { current = (Double(digits) ?? 0) / 1024 }
    }
    return (peak, current)
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

func bench(paths: [String], rate: Int, repeats: Int) -> Int32 {
    print("file\tformat\tduration_s\tdecode_only_x\tdecode_mono_resample_x")
    var status: Int32 = 0
    for path in paths {
        do {
            var best = (decode: Double.infinity, full: Double.infinity)
            var info: AudioInfo?
            for _ in 0..<max(1, repeats) {
                var t0 = monotonicSeconds()
                let native = try AudioStream(path: path, options: StreamOptions(targetSampleRate: nil, downmix: false))
                while try native.next() != nil {}
                best.decode = min(best.decode, monotonicSeconds() - t0)
                info = native.info
                t0 = monotonicSeconds()
                let full = try AudioStream(path: path, options: StreamOptions(targetSampleRate: rate, downmix: true))
                while try full.next() != nil {}
                best.full = min(best.full, monotonicSeconds() - t0)
            }
            guard let info else { continue }
            print("\(path)\t\(info.format)\t\(fmt(info.duration, 1))\t\(fmt(info.duration / best.decode, 0))\t\(fmt(info.duration / best.full, 0))")
        } catch {
            print("\(path)\tERROR\t\(error)")
            status = 1
        }
    }
    return status
}

func makeLong(path: String, hours: Double, rate: Int, channels: Int) throws {
    let frames = Int(hours * 3600 * Double(rate))
    try WAVWriter.writeSparseSilence(to: path, sampleRate: rate, channels: channels, frames: frames)
    print("wrote \(path): \(frames) frames, \(rate) Hz, \(channels) ch, \(frames * channels * 2 + 44) bytes (sparse)")
}

func run() -> Int32 {
    let args = Array(CommandLine.arguments.dropFirst())
    guard let command = args.first else {
        print("usage: crescendo-audio probe|stream|make-long-wav|stream-long|bench ...")
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
            return bench(paths: files, rate: rate ?? 16_000,
                         repeats: option("--repeat", in: rest).flatMap { Int($0) } ?? 3)
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
