import Foundation
import Testing

/// Benchmarks that compare with Python references find them without absolute paths, and say
/// in one line what is missing instead of failing halfway (issue #20, items 9 and 13).
@Suite("Benchmark references")
struct BenchReferenceTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardizedFileURL
    static let pairedScript = repository.appendingPathComponent("tools/paired_reference.py").path

    /// Whether Debian's python3 imports torch (python3-torch), which the paired reference needs.
    static let pythonHasTorch: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import torch"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// The lines of a command's output that are not blank.
    func lines(_ output: String) -> [Substring] {
        output.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("bench models --paired: a reference folder without reference_models.py is one line naming it and the remedy")
    func missingReference() throws {
        try #require(CrescendoBinary.url != nil, "the crescendo executable was not built")
        let empty = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let arguments = ["bench", "models", "--preset", "resnet-xs", "--mode", "infer", "--reps", "1", "--batch", "1",
                         "--paired", Self.pairedScript]
        for (extra, environment) in [([String](), ["CRESCENDO_REFERENCE_DIR": empty.path]),
                                     (["--reference-dir", empty.path], [String: String]())] {
            let result = try CrescendoBinary.run(arguments + extra, in: Self.repository, environment: environment)
            #expect(result.status != 0, "\(extra) \(environment): ran anyway:\n\(result.output)")
            let shown = lines(result.output)
            #expect(shown.count == 1, "not one line:\n\(result.output)")
            #expect(result.output.contains("reference_models.py not found in \(empty.path)"), "\(result.output)")
            #expect(result.output.contains("--reference-dir") && result.output.contains("CRESCENDO_REFERENCE_DIR"), "\(result.output)")
        }
    }

    @Test("bench models --paired finds the reference from any working directory, with no path given",
          .enabled(if: pythonHasTorch, "/usr/bin/python3 cannot import torch (apt-get install python3-torch): the paired reference cannot run"))
    func referenceFound() throws {
        try #require(CrescendoBinary.url != nil, "the crescendo executable was not built")
        let elsewhere = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let result = try CrescendoBinary.run(
            ["bench", "models", "--preset", "resnet-xs", "--mode", "infer", "--reps", "1", "--batch", "1", "--threads", "1",
             "--paired", Self.pairedScript],
            in: elsewhere, environment: ["CRESCENDO_REFERENCE_DIR": ""])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("paired_ratio_vs_pytorch"), "\(result.output)")
    }

    @Test("bench audio with an interpreter that lacks the reference's modules: one line saying what to run, no traceback")
    func missingPythonEnvironment() throws {
        try #require(CrescendoBinary.url != nil, "the crescendo executable was not built")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A real python3 that sees no site packages: what a checkout without .venv-tools has.
        let bare = directory.appendingPathComponent("python-bare").path
        try "#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n".write(toFile: bare, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bare)
        let inputs = directory.appendingPathComponent("inputs").path
        let result = try CrescendoBinary.run(["bench", "audio", "--logmel-only", "--python", bare, "--dir", inputs],
                                             in: Self.repository)
        #expect(result.status != 0, "\(result.output)")
        #expect(!result.output.contains("Traceback") && !result.output.contains("ModuleNotFoundError"), "\(result.output)")
        #expect(lines(result.output).count == 1, "not one line:\n\(result.output)")
        #expect(result.output.contains("cannot import numpy") && result.output.contains("bash tools/python-tools.sh --setup"),
                "\(result.output)")
    }
}
