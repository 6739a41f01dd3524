import Foundation

/// Why a Python reference produced nothing.
enum PythonReferenceError: Error, CustomStringConvertible {
    case cannotRun(python: String, script: String, reason: String)
    case failed(script: String, status: Int32)
    /// The interpreter lacks a module the reference imports; `remedy` says what to run.
    case moduleMissing(python: String, module: String, remedy: String)

    var description: String {
        switch self {
        case .cannotRun(let python, let script, let reason): return "cannot run \(python) \(script): \(reason)"
        case .failed(let script, let status): return "reference \(script) exited with status \(status)"
        case .moduleMissing(let python, let module, let remedy):
            return "the Python reference environment is missing: \(python) cannot import \(module); \(remedy)"
        }
    }
}

/// Runs a Python reference script and collects the JSON objects it prints, one per line.
struct PythonReference {
    var python: String
    /// Extra environment variables (thread counts).
    var environment: [String: String] = [:]

    func run(_ script: String, _ arguments: [String]) throws -> [[String: Any]] {
        try runLines(script, arguments).map(\.object)
    }

    /// The JSON lines the script prints, each verbatim and parsed (lines that are not JSON
    /// objects are skipped).
    func runLines(_ script: String, _ arguments: [String]) throws -> [(line: String, object: [String: Any])] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        do {
            try process.run()
        } catch {
            throw PythonReferenceError.cannotRun(python: python, script: script, reason: "\(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonReferenceError.failed(script: script, status: process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
            return (String(line), object)
        }
    }

    /// Checks, before any reference runs, that `python` imports every module of `modules`, so
    /// that a missing environment is one line that says what to do (`remedy`), not a Python
    /// traceback halfway through a benchmark.
    static func requireModules(_ modules: [String], python: String, remedy: String) throws(PythonReferenceError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        // One import per line, so that the first missing one is the one named.
        process.arguments = ["-c", modules.map { "import \($0)" }.joined(separator: "\n")]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw PythonReferenceError.cannotRun(python: python, script: "-c import …", reason: "\(error); \(remedy)")
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return }
        // "ModuleNotFoundError: No module named 'librosa'" (or an import that fails inside).
        let missing = text.range(of: "No module named '").flatMap { start -> String? in
            let rest = text[start.upperBound...]
            return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
        } ?? modules.joined(separator: ", ")
        throw PythonReferenceError.moduleMissing(python: python, module: missing, remedy: remedy)
    }

    /// The first of `candidates` that exists, or nil.
    static func firstExisting(_ candidates: [String]) -> String? {
        candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}
