import Foundation

/// A running `tools/paired_reference.py`: the PyTorch reference of one (preset, mode), timing
/// one step whenever asked, so that its steps can alternate with Crescendo's under the same
/// machine load.
final class PairedReference {
    let engine: String
    let parameters: Int
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var pending = Data()

    init(python: String, script: String, referenceDirectory: String, preset: String, mode: String,
         batch: Int, threads: Int, classes: Int) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, preset, "--reference-dir", referenceDirectory, "--mode", mode,
                             "--batch", String(batch), "--threads", String(threads), "--classes", String(classes)]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        try process.run()
        let words = try Self.line(from: output, buffer: &pending).split(separator: " ")
        guard words.count == 3, words[0] == "ready", let count = Int(words[2]) else {
            throw PairedReferenceError("the reference did not start (\(script) \(preset) \(mode))")
        }
        engine = String(words[1])
        parameters = count
    }

    /// Runs one reference step and returns its seconds (timed by the reference itself).
    func step() throws -> Double {
        input.write(Data("step\n".utf8))
        let text = try Self.line(from: output, buffer: &pending)
        guard let seconds = Double(text) else { throw PairedReferenceError("unexpected reference output \"\(text)\"") }
        return seconds
    }

    func stop() {
        input.write(Data("quit\n".utf8))
        try? input.close()
        process.waitUntilExit()
    }

    private static func line(from handle: FileHandle, buffer: inout Data) throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = handle.availableData
            guard !chunk.isEmpty else { throw PairedReferenceError("the reference exited early") }
            buffer.append(chunk)
        }
    }
}

struct PairedReferenceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
