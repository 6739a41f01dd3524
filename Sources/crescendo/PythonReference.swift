import Foundation

/// Why a Python reference produced nothing.
enum PythonReferenceError: Error, CustomStringConvertible {
    case cannotRun(python: String, script: String, reason: String)
    case failed(script: String, status: Int32)

    var description: String {
        switch self {
        case .cannotRun(let python, let script, let reason): return "cannot run \(python) \(script): \(reason)"
        case .failed(let script, let status): return "reference \(script) exited with status \(status)"
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

    /// The first of `candidates` that exists, or nil.
    static func firstExisting(_ candidates: [String]) -> String? {
        candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}
