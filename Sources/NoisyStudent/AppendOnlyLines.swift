import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file of newline-terminated lines that only ever grows: each append is one `write` of whole
/// lines followed by `fsync`, so a commit costs its own size, not the file's.
///
/// A writer killed in the middle of a write leaves a last line without its newline (a torn
/// line). Readers ignore it; the next append cuts it off first, so it never ends up in the middle
/// of the file where it could not be told from corruption.
struct AppendOnlyLines {
    let url: URL

    /// What a read found.
    struct Contents {
        /// The complete lines, without their newlines.
        var lines: [Data]
        /// Bytes after the last newline (a torn line left by a killed writer), ignored.
        var tornBytes: Int
    }

    /// The complete lines of the file; none when it does not exist.
    func read() throws(PseudoLabelShardError) -> Contents {
        guard FileManager.default.fileExists(atPath: url.path) else { return Contents(lines: [], tornBytes: 0) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .corrupt(path: url.path, reason: "cannot be read: \(error.localizedDescription)")
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // The piece after the last newline: empty for a file whose last write completed.
        let torn = lines.removeLast()
        return Contents(lines: lines.map { Data($0) }, tornBytes: torn.count)
    }

    /// Appends `line` (a newline is added), preceded by `header()` when the file is empty or new,
    /// in one write, then flushes it to disk. A torn last line is cut off first.
    func append(_ line: Data, header: () throws(PseudoLabelShardError) -> Data) throws(PseudoLabelShardError) {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .write(path: url.path, reason: "cannot create \(directory.path): \(error.localizedDescription)")
        }
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot open") }
        defer { close(descriptor) }
        let completeSize = try completeLinesSize(descriptor)
        var bytes = Data()
        if completeSize == 0 { bytes += try header() + Data("\n".utf8) }
        bytes += line + Data("\n".utf8)
        try writeAll(bytes, to: descriptor)
        guard fsync(descriptor) == 0 else { throw failure("cannot flush to disk") }
        // A new file's name must reach the disk too, or a crash could lose the whole shard.
        if completeSize == 0 { syncDirectory(directory) }
    }

    /// The size of the file up to its last newline, after cutting off anything beyond it.
    private func completeLinesSize(_ descriptor: Int32) throws(PseudoLabelShardError) -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot examine") }
        let size = Int64(info.st_size)
        var end = size
        // Scan back in blocks: a torn tail is at most one commit line long.
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        search: while end > 0 {
            let start = Swift.max(0, end - Int64(buffer.count))
            let length = Int(end - start)
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(start)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read")
            }
            guard got == length else { throw .write(path: url.path, reason: "the file changed while being read") }
            for index in stride(from: length - 1, through: 0, by: -1) where buffer[index] == UInt8(ascii: "\n") {
                end = start + Int64(index) + 1
                break search
            }
            end = start
        }
        if end < size {
            guard ftruncate(descriptor, off_t(end)) == 0 else { throw failure("cannot cut off a torn last line") }
        }
        return end
    }

    private func writeAll(_ bytes: Data, to descriptor: Int32) throws(PseudoLabelShardError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(descriptor, base + written, raw.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw failure("cannot write") }
            written += result
        }
    }

    private func syncDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private func failure(_ what: String) -> PseudoLabelShardError {
        .write(path: url.path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
