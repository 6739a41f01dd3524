import Glibc

/// A fast content fingerprint for finding duplicate audio files.
///
/// 64-bit FNV-1a over: the file size as 8 little-endian bytes, then the first
/// ``windowSize`` bytes, then the last ``windowSize`` bytes (for files of up to twice the
/// window, the whole file once). Reading at most 2 MiB per file keeps a million-file import
/// I/O-bound on the directory walk rather than on hashing, and audio files that differ
/// anywhere in practice differ in their size, their header or their final frames.
///
/// **Not a cryptographic hash**: it detects accidental duplicates (the same recording
/// under two names), not adversarial ones. Two files that share size, head and tail but
/// differ in the middle hash equal.
public enum ContentHash {
    /// Bytes hashed at each end of the file: 1 MiB.
    public static let windowSize = 1 << 20

    /// FNV-1a 64 offset basis.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// FNV-1a 64 prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a of `bytes`, continuing from `hash`.
    public static func fnv1a<S: Sequence>(_ bytes: S, continuing hash: UInt64 = offsetBasis) -> UInt64 where S.Element == UInt8 {
        var hash = hash
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* prime
        }
        return hash
    }

    /// The fingerprint of the file at `path`, with its size and modification time.
    /// - Throws: ``FileFacts/Failure`` when the file cannot be examined or read.
    public static func of(path: String) throws(FileFacts.Failure) -> FileFacts {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .init(path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .init(path: path, errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .init(path: path, message: "not a regular file") }
        let size = Int64(info.st_size)
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)

        var sizeBytes = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { sizeBytes[index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: size) >> (8 * UInt64(index))) }
        var hash = fnv1a(sizeBytes)
        let window = Int64(windowSize)
        if size <= 2 * window {
            hash = try hashRange(descriptor, path: path, offset: 0, length: Int(size), continuing: hash)
        } else {
            hash = try hashRange(descriptor, path: path, offset: 0, length: windowSize, continuing: hash)
            hash = try hashRange(descriptor, path: path, offset: size - window, length: windowSize, continuing: hash)
        }
        return FileFacts(size: size, modifiedAt: modified, contentHash: hash)
    }

    private static func hashRange(_ descriptor: Int32, path: String, offset: Int64, length: Int,
                                  continuing hash: UInt64) throws(FileFacts.Failure) -> UInt64 {
        var hash = hash
        var buffer = [UInt8](repeating: 0, count: Swift.min(length, 1 << 16))
        var done = 0
        while done < length {
            let want = Swift.min(buffer.count, length - done)
            let got = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress, want, off_t(offset + Int64(done)))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .init(path: path, errno: errno)
            }
            if got == 0 { break }  // the file shrank while being read
            for index in 0..<got {
                hash = (hash ^ UInt64(buffer[index])) &* prime
            }
            done += got
        }
        return hash
    }
}

/// What the catalog records about a file besides its audio properties.
public struct FileFacts: Sendable, Hashable {
    /// Size in bytes.
    public var size: Int64
    /// Modification time, nanoseconds since the Unix epoch.
    public var modifiedAt: Int64
    /// ``ContentHash`` of the file.
    public var contentHash: UInt64

    /// Creates file facts.
    public init(size: Int64, modifiedAt: Int64, contentHash: UInt64) {
        self.size = size
        self.modifiedAt = modifiedAt
        self.contentHash = contentHash
    }

    /// Why a file could not be examined.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file.
        public var path: String
        /// `errno` of the failing call (0 when the failure is not an OS error).
        public var errno: Int32
        /// Human-readable reason.
        public var message: String

        /// Whether nothing exists at the path.
        public var isMissing: Bool { errno == ENOENT || errno == ENOTDIR }

        init(path: String, errno code: Int32) {
            self.path = path
            self.errno = code
            self.message = String(cString: strerror(code))
        }

        init(path: String, message: String) {
            self.path = path
            self.errno = 0
            self.message = message
        }

        public var description: String { "\(path): \(message)" }
    }
}

/// Modification time and size of a file without reading it.
enum FileStatus {
    /// `(size, modifiedAt)`; the failure's `isMissing` tells a missing file.
    static func of(path: String) throws(FileFacts.Failure) -> (size: Int64, modifiedAt: Int64) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .init(path: path, errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .init(path: path, message: "not a regular file") }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}
