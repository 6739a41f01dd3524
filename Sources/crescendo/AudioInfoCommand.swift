import ArgumentParser
import Audio
import Benchmarks
import Foundation

/// `crescendo audio info FILE…`: one line per file, in the order given, with its rate,
/// channels, duration and format, or why it could not be read. Files are opened (and with
/// `--decode` decoded) in parallel; a bad file never stops the others, but makes the exit
/// status non-zero.
struct AudioInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Sample rate, channels, duration and format of audio files, or the error, one line each.")

    @Argument(help: "Audio files (WAV, FLAC, Ogg Vorbis/Opus, MP3, ...).")
    var files: [String]

    @Flag(help: "Print JSON lines instead of tab-separated text.")
    var json = false

    @Flag(help: "Decode every file completely, to catch corrupt or truncated streams and report the decoded length.")
    var decode = false

    @Option(help: "Files processed at once (default: the number of cores).")
    var jobs: Int?

    /// What is known about one file.
    struct Report: Sendable {
        var info: AudioInfo
        var decodedFrames: Int?
    }

    func run() async throws {
        let decode = self.decode
        let width = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let results = await AudioBatch.map(files, maxConcurrency: width) { path throws(AudioError) -> Report in
            let reader = try AudioReader(path: path)
            guard decode else { return Report(info: reader.info, decodedFrames: nil) }
            let stream = try AudioStream(path: path, options: StreamOptions(targetSampleRate: nil, downmix: false))
            var frames = 0
            while let block = try stream.next() { frames += block.frames }
            return Report(info: reader.info, decodedFrames: frames)
        }
        var failed = 0
        for (path, result) in zip(files, results) {
            switch result {
            case .success(let report):
                if json { emit(jsonObject(report)) } else { print(textLine(report)) }
                // The header's length was not trusted (e.g. an mp3 cut after encoding): say so, naming the file.
                if let warning = report.info.lengthWarning {
                    FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
                }
            case .failure(let error):
                failed += 1
                if json {
                    emit(["path": path, "ok": false, "error": error.description])
                } else {
                    print("\(path)\terror: \(reason(error, path: path))")
                }
            }
        }
        if failed > 0 {
            FileHandle.standardError.write(Data("\(AudioCommandError.filesFailed(failed: failed, total: files.count))\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The error's message without the leading "path: " (the line starts with the path).
    func reason(_ error: AudioError, path: String) -> String {
        let text = error.description
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }

    func textLine(_ report: Report) -> String {
        let info = report.info
        let approximate = info.frameCountIsExact ? "" : "~"
        var fields = [info.path, info.format.description, "\(info.sampleRate) Hz", "\(info.channels) ch",
                      "\(approximate)\(seconds(info.duration)) s"]
        if let frames = report.decodedFrames {
            fields.append("decoded \(seconds(Double(frames) / Double(info.sampleRate))) s")
        }
        return fields.joined(separator: "\t")
    }

    func jsonObject(_ report: Report) -> [String: Any] {
        let info = report.info
        var object: [String: Any] = [
            "path": info.path, "ok": true, "sample_rate": info.sampleRate, "channels": info.channels,
            "frames": info.frames, "frames_exact": info.frameCountIsExact, "duration_s": round3(info.duration),
            "format": info.format.description, "container": info.format.container, "subtype": info.format.subtype,
        ]
        if let warning = info.lengthWarning { object["warning"] = warning }
        if let frames = report.decodedFrames {
            object["decoded_frames"] = frames
            object["decoded_duration_s"] = round3(Double(frames) / Double(info.sampleRate))
        }
        return object
    }

    func seconds(_ value: Double) -> String { String(format: "%.3f", value) }
}
