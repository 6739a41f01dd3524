import Foundation
import NoisyStudent
import Testing

/// The per-stage peak resident set: read from /proc, raised by memory the process touches, and
/// lowered again by a reset.
@Suite("Peak resident memory", .serialized)
struct PeakResidentMemoryTests {
    @Test("touching 256 MiB raises the peak by about that; a reset brings it back down",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "needs Linux /proc"))
    func peakFollowsTouchedMemory() throws {
        let before = try #require(PeakResidentMemory.bytes(), "VmHWM not found in /proc/self/status")
        #expect(before > 1 << 20, "a peak of \(before) bytes is not a running process's")
        let size = 256 << 20
        var peakWhileHeld = 0
        do {
            // Written, so that the pages are resident, not just reserved.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
            defer { buffer.deallocate() }
            for offset in stride(from: 0, to: size, by: 4096) { buffer[offset] = 1 }
            peakWhileHeld = try #require(PeakResidentMemory.bytes())
        }
        #expect(peakWhileHeld - before >= size * 3 / 4, "peak \(before) → \(peakWhileHeld) after touching \(size) bytes")
        // Freed: a reset drops the high-water mark to the current resident set.
        if PeakResidentMemory.reset() {
            let after = try #require(PeakResidentMemory.bytes())
            #expect(after < peakWhileHeld - size / 2, "after the reset the peak is still \(after) (was \(peakWhileHeld))")
        } else {
            withKnownIssue("this kernel refuses to reset the peak (/proc/self/clear_refs)") { Issue.record("no reset") }
        }
    }
}
