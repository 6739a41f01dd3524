import Foundation
import Torch
import Testing

/// The per-stage peak resident set: read from /proc, raised by memory the process touches, and
/// lowered again by a reset.
@Suite("Process memory", .serialized)
struct ProcessMemoryTests {
    /// Other suites run in the same process at the same time and allocate and free as they
    /// go, so the checks are ones their memory cannot break: the peak while 256 MiB are held
    /// is at least that, it never falls below a reading taken before, and a pipeline stage
    /// (a process of its own) records it (`DistributedPipelineTests`).
    @Test("the peak is read, covers 256 MiB that this process touched, and does not fall without a reset",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "needs Linux /proc"))
    func peakCoversTouchedMemory() throws {
        let before = try #require(ProcessMemory.peakBytes(), "VmHWM not found in /proc/self/status")
        #expect(before > 1 << 20, "a peak of \(before) bytes is not a running process's")
        let size = 256 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
        defer { buffer.deallocate() }
        // Written, so that the pages are resident, not just reserved.
        for offset in stride(from: 0, to: size, by: 4096) { buffer[offset] = 1 }
        let held = try #require(ProcessMemory.peakBytes())
        #expect(held >= size, "peak \(held) bytes while \(size) bytes are resident")
        #expect(held >= before, "the peak fell from \(before) to \(held) without a reset")
        let resident = try #require(ProcessMemory.residentBytes(), "VmRSS not found in /proc/self/status")
        #expect(resident >= size && resident <= held, "resident \(resident) bytes with \(size) held and a peak of \(held)")
    }
}
