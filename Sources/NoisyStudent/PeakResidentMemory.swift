import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The peak resident set size of this process (Linux `VmHWM`), per pipeline stage: the stages
/// run one after another in one process, so the high-water mark is reset when a stage starts
/// (writing `5` to `/proc/self/clear_refs`, Linux ≥ 4.0) and read when it ends. Where the reset
/// is refused the reading is the process's peak so far, which bounds the stage's from above.
public enum PeakResidentMemory {
    /// Resets the high-water mark to the current resident set; false where the kernel refused.
    @discardableResult
    public static func reset() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// The peak resident set since the last reset (or the process's start), in bytes; nil where
    /// `/proc/self/status` cannot be read (not Linux).
    public static func bytes() -> Int? {
        // /proc files report a size of 0, so Foundation's whole-file readers see them empty: read lines.
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("VmHWM:") else { continue }
            // "VmHWM:\t  123456 kB"
            return text.dropFirst("VmHWM:".count).split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }

    /// `bytes` in GiB with two decimals, for logs.
    public static func formatted(_ bytes: Int) -> String {
        String(format: "%.2f GiB", Double(bytes) / Double(1 << 30))
    }
}
