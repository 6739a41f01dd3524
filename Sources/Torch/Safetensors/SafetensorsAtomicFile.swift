import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Atomic replacement of a file: write a temporary file next to it, `fsync`
/// it, rename it over the destination, then `fsync` the directory.
enum SafetensorsAtomicFile {
    /// Writes the concatenation of `chunks` to `url`, atomically. Errors are
    /// ``SafetensorsError/writeFailed(path:reason:)`` naming `url`'s path.
    static func replaceFile(at url: URL, with chunks: [Data]) throws(SafetensorsError) {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporaryPath = directory + "/." + url.lastPathComponent + ".tmp-" + suffix

        func failure(_ action: String, code: Int32 = errno) -> SafetensorsError {
            .writeFailed(path: path, reason: "\(action): \(String(cString: strerror(code)))")
        }

        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create temporary file \(temporaryPath)") }
        var isOpen = true
        defer {
            if isOpen { close(descriptor) }
        }
        do throws(SafetensorsError) {
            for chunk in chunks {
                try writeAll(chunk, to: descriptor) { code in failure("cannot write \(temporaryPath)", code: code) }
            }
            guard fsync(descriptor) == 0 else { throw failure("cannot flush \(temporaryPath) to disk") }
            isOpen = false
            guard close(descriptor) == 0 else { throw failure("cannot close \(temporaryPath)") }
            guard rename(temporaryPath, path) == 0 else { throw failure("cannot rename \(temporaryPath) to it") }
        } catch {
            unlink(temporaryPath)
            throw error
        }
        syncDirectory(directory)
    }

    /// Writes all of `data`, retrying after interruptions and short writes.
    private static func writeAll(
        _ data: Data, to descriptor: Int32, failure: (Int32) -> SafetensorsError
    ) throws(SafetensorsError) {
        let result = data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32? in
            guard var next = buffer.baseAddress else { return nil }
            var remaining = buffer.count
            while remaining > 0 {
                // Some systems reject single writes above 2 GiB.
                let written = write(descriptor, next, min(remaining, 1 << 30))
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                next += written
                remaining -= written
            }
            return nil
        }
        if let code = result { throw failure(code) }
    }

    /// Makes the rename durable. Best effort: some file systems do not
    /// support syncing a directory, and the file itself is already complete.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
