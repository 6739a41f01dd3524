import Foundation

/// A parsed and validated safetensors archive.
///
/// The format: an 8-byte little-endian unsigned header length `N`, `N` bytes
/// of UTF-8 JSON (possibly padded with trailing spaces) describing each tensor
/// and an optional `__metadata__` string map, then the data buffer holding
/// the tensors' bytes back to back.
///
/// Creating a `SafetensorsFile` checks everything that can be checked without
/// interpreting the tensor values (see ``SafetensorsError``); afterwards every
/// entry's bytes are known to lie inside the file, so accessing them cannot
/// fail. The bytes are not copied when the archive is loaded from a file: they
/// are memory-mapped, and copied only by ``data(for:)``.
///
/// ```swift
/// let archive = try SafetensorsFile(contentsOf: url)
/// for entry in archive.entries {
///     archive.withBytes(of: entry) { raw in /* raw.count == entry.byteCount */ }
/// }
/// ```
public struct SafetensorsFile: Sendable {
    /// The path of the file, or the label given to ``init(data:path:)``; it
    /// prefixes error descriptions.
    public let path: String
    /// The `__metadata__` string map (empty when the archive has none).
    public let metadata: [String: String]
    /// The tensors in data-offset order (the order of their bytes in the file).
    public let entries: [SafetensorsEntry]
    /// The length of the JSON header in bytes, padding included (the `N` of the
    /// length prefix).
    public let headerByteCount: Int

    /// The whole archive; may be a slice whose indices do not start at 0.
    private let storage: Data
    private let indexByName: [String: Int]

    /// Reads and validates the archive at `url`.
    ///
    /// The file is memory-mapped rather than read, so large archives are not
    /// copied; nothing is allocated from a size claimed by the header before
    /// that size has been checked against the real file size.
    ///
    /// - Throws: ``SafetensorsError/unreadable(path:reason:)`` if the file
    ///   cannot be read, or the error describing the first problem found.
    public init(contentsOf url: URL) throws(SafetensorsError) {
        let path = url.isFileURL ? url.path : url.absoluteString
        guard url.isFileURL else { throw .unreadable(path: path, reason: "not a file URL") }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(path: path, reason: Self.reason(for: error))
        }
        try self.init(data: data, path: path)
    }

    /// Validates an archive held in memory. `path` labels errors and
    /// ``path``. The bytes are shared, not copied.
    ///
    /// - Throws: the ``SafetensorsError`` describing the first problem found.
    public init(data: Data, path: String = "<memory>") throws(SafetensorsError) {
        let fileSize = data.count
        guard fileSize >= 8 else { throw .truncated(path: path, fileSize: fileSize, headerLength: nil) }
        let prefixStart = data.startIndex
        var declaredLength: UInt64 = 0
        for (shift, byte) in data[prefixStart..<prefixStart + 8].enumerated() {
            declaredLength |= UInt64(byte) << (8 * UInt64(shift))
        }
        guard declaredLength <= UInt64(SafetensorsHeader.maximumLength) else {
            throw .headerTooLarge(path: path, headerLength: declaredLength, limit: SafetensorsHeader.maximumLength)
        }
        // At most 100 MB, so it fits in an Int and 8 + it cannot overflow.
        let headerLength = Int(declaredLength)
        guard fileSize - 8 >= headerLength else {
            throw .truncated(path: path, fileSize: fileSize, headerLength: headerLength)
        }
        let headerStart = prefixStart + 8
        let headerBytes = [UInt8](data[headerStart..<headerStart + headerLength])
        let header = try SafetensorsHeader(
            bytes: headerBytes, dataBufferSize: fileSize - 8 - headerLength, path: path)

        self.path = path
        self.metadata = header.metadata
        self.entries = header.entries
        self.headerByteCount = headerLength
        self.storage = data
        var indexByName: [String: Int] = [:]
        for (index, entry) in header.entries.enumerated() {
            indexByName[entry.name] = index
        }
        self.indexByName = indexByName
    }

    /// The tensor names in data-offset order.
    public var names: [String] { entries.map(\.name) }

    /// The offset of the data buffer from the start of the file
    /// (`8 + headerByteCount`); add it to an entry's `byteRange` for file
    /// offsets.
    public var dataBufferOffset: Int { 8 + headerByteCount }

    /// The size of the data buffer in bytes (the sum of all tensors' byte
    /// counts).
    public var dataBufferByteCount: Int { storage.count - dataBufferOffset }

    /// The entry named `name`, or `nil`.
    public func entry(named name: String) -> SafetensorsEntry? {
        indexByName[name].map { entries[$0] }
    }

    /// A copy of the tensor's bytes, indexed from 0.
    ///
    /// - Precondition: `entry` is one of this archive's ``entries``.
    public func data(for entry: SafetensorsEntry) -> Data {
        storage.subdata(in: fileRange(of: entry))
    }

    /// A copy of the bytes of the tensor named `name`, indexed from 0, or `nil`
    /// if there is no such tensor.
    public func data(named name: String) -> Data? {
        entry(named: name).map { data(for: $0) }
    }

    /// Calls `body` with the tensor's bytes, without copying them. The buffer
    /// is valid only during the call and has no particular alignment.
    ///
    /// - Precondition: `entry` is one of this archive's ``entries``.
    public func withBytes<Result>(
        of entry: SafetensorsEntry, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        let range = fileRange(of: entry)
        return try storage[range].withUnsafeBytes(body)
    }

    /// The range of `entry`'s bytes in the indices of `storage`.
    private func fileRange(of entry: SafetensorsEntry) -> Range<Int> {
        guard let index = indexByName[entry.name], entries[index] == entry else {
            preconditionFailure("\(path): entry \(entry.name.debugDescription) does not belong to this archive")
        }
        let start = storage.startIndex + dataBufferOffset
        return start + entry.byteRange.lowerBound..<start + entry.byteRange.upperBound
    }

    /// The POSIX reason (for example "No such file or directory") when
    /// Foundation reports one, else Foundation's own description.
    private static func reason(for error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error {
            let underlyingError = underlying as NSError
            if underlyingError.domain == NSPOSIXErrorDomain {
                return String(cString: strerror(Int32(truncatingIfNeeded: underlyingError.code)))
            }
        }
        return nsError.localizedDescription
    }
}
