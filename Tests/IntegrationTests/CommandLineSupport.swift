import Audio
import Foundation
import Testing

/// Runs the built `crescendo` executable, which SwiftPM places beside the test bundle.
enum CrescendoBinary {
    static var url: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("crescendo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let built = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/crescendo").standardizedFileURL
        return FileManager.default.isExecutableFile(atPath: built.path) ? built : nil
    }

    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs to completion, capturing stdout and stderr together. `environment` entries are
    /// added to (or, with an empty value removed from) this process's environment.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
        let process = try start(arguments, in: directory, environment: environment)
        let data = (process.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Process {
        guard let url else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            for (name, value) in environment where value.isEmpty { merged.removeValue(forKey: name) }
            process.environment = merged
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return process
    }
}

/// A small labeled data set on disk: tones (low/high register) with or without noise, a
/// manifest and a task file, ready for `crescendo import manifest`.
struct ToneDataSet {
    let directory: URL

    /// `pool` extra tracks go to the split "unlabeled", without labels unless `poolLabels` (what
    /// a labelling stage's agreement is measured against; students never read them).
    init(tracks: Int = 32, pool: Int = 0, seconds: Double = 4.5, poolLabels: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("audio"), withIntermediateDirectories: true)
        var rows = ["path,split,register,layers"]
        for i in 0..<(tracks + pool) {
            let high = i % 2 == 1, noisy = (i / 2) % 2 == 1
            let n = Int(seconds * 16000)
            var seed: UInt64 = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1
            let samples: [Float] = (0..<n).map { k in
                seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
                let noise = noisy ? 0.2 * (Double(seed % 10_000) / 5_000 - 1) : 0
                // A slightly different pitch per track keeps every file distinct (no content duplicates).
                let f = (high ? 1760.0 : 220.0) * (1 + 0.004 * Double(i))
                return Float(0.3 * sin(2 * Double.pi * f * Double(k) / 16000) + noise)
            }
            let name = "audio/tone\(i).wav"
            try WAVWriter.write(samples, to: directory.appendingPathComponent(name).path, sampleRate: 16000, channels: 1)
            if i >= tracks {
                rows.append(poolLabels ? "\(name),unlabeled,\(high ? "high" : "low"),\(noisy ? "tone;noise" : "tone")" : "\(name),unlabeled,,")
                continue
            }
            let split = i < tracks * 3 / 4 ? "train" : (i % 2 == 0 ? "valid" : "test")
            rows.append("\(name),\(split),\(high ? "high" : "low"),\(noisy ? "tone;noise" : "tone")")
        }
        try (rows.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
        try """
        tasks:
          - {name: register, kind: multiClass, classes: [low, high]}
          - {name: layers, kind: multiLabel, classes: [tone, noise]}
        """.write(to: directory.appendingPathComponent("tasks.yaml"), atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Imports the manifest into `catalog` (in the data set's directory) and writes `config` as
    /// `configName` beside it, for a `crescendo pipeline` test.
    func prepare(catalog: String, config: String, as configName: String) throws {
        let imported = try CrescendoBinary.run(["import", "manifest", "manifest.csv", "--tasks", "tasks.yaml", "--catalog", catalog],
                                               in: directory)
        #expect(imported.status == 0, "\(imported.output)")
        try config.write(to: directory.appendingPathComponent(configName), atomically: true, encoding: .utf8)
    }
}
