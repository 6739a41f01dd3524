import Foundation

/// Where a benchmark writes its JSON lines, one at a time as they are measured (a run takes
/// minutes; each line is useful as soon as it exists).
public struct BenchmarkOutput: Sendable {
    private let write: @Sendable (String) -> Void

    /// `write` receives each line without its newline.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Unbuffered standard output, so that the lines interleave correctly with those the
    /// Python references print.
    public static let standardOutput = BenchmarkOutput { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// One object with sorted keys (dropped when it is not serialisable, as before the move).
    public func emit(_ object: [String: Any]) {
        guard let line = JSONLine.sortedKeys(object) else { return }
        write(line)
    }

    /// One object with keys in the given order, in the PyTorch reference's format.
    public func emitInOrder(_ fields: KeyValuePairs<String, Any>) {
        write(JSONLine.pythonStyle(fields))
    }

    /// A line a reference printed, passed on verbatim.
    public func verbatim(_ line: String) {
        write(line)
    }
}
