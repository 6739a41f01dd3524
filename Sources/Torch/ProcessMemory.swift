import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// This process's resident memory as Linux reports it in `/proc/self/status`: the peak
/// (`VmHWM`) and the current size (`VmRSS`). The pipeline runs its stages one after another in
/// one process, so it resets the high-water mark when a stage starts (writing `5` to
/// `/proc/self/clear_refs`, Linux ≥ 4.0) and reads it when the stage ends; where the reset is
/// refused the reading is the process's peak so far, which bounds the stage's from above.
/// Here, beside the engine's own allocator, because every layer above measures with it.
public enum ProcessMemory {
    /// Resets the high-water mark to the current resident set; false where the kernel refused.
    @discardableResult
    public static func resetPeak() -> Bool {
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
    public static func peakBytes() -> Int? { statusBytes("VmHWM:") }

    /// The resident set now, in bytes; nil where `/proc/self/status` cannot be read.
    public static func residentBytes() -> Int? { statusBytes("VmRSS:") }

    /// `bytes` in GiB with two decimals, for logs.
    public static func formatted(_ bytes: Int) -> String {
        String(format: "%.2f GiB", Double(bytes) / Double(1 << 30))
    }

    /// A field of `/proc/self/status` ("VmHWM:\t  123456 kB") in bytes.
    static func statusBytes(_ field: String) -> Int? {
        // /proc files report a size of 0, so Foundation's whole-file readers see them empty: read lines.
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix(field) else { continue }
            return text.dropFirst(field.count).split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
