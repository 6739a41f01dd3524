import Foundation

/// Serialises tensors' raw bytes and string metadata into the safetensors
/// format.
///
/// The output is what the Python `safetensors` library writes for the same
/// input, except possibly the order of the metadata keys (Python's is
/// arbitrary; here they are sorted):
/// - `__metadata__` first (left out when there is no metadata), then the
///   tensors ordered by dtype, widest first (I64, F64, F32, I32, BF16, F16,
///   I16, I8, U8, BOOL, the reference implementation's order), then by name
///   (byte-wise); the data buffer holds the tensors in that same order, so
///   every tensor's data is aligned to its element size within the file;
/// - compact JSON, padded with spaces to a multiple of 8 bytes.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["format": "pt"])
/// writer.append(name: "w", dtype: .float32, shape: [2], bytes: [0, 0, 128, 63, 0, 0, 0, 64])
/// try writer.write(to: url)
/// ```
public struct SafetensorsWriter: Sendable {
    /// One tensor to write: its raw little-endian bytes and their description.
    public struct TensorBytes: Sendable, Equatable {
        /// The name; must be non-empty, unique, and not `__metadata__`.
        public var name: String
        /// The element type.
        public var dtype: SafetensorsDType
        /// The dimensions; `[]` for a scalar. Must be non-negative.
        public var shape: [Int]
        /// The raw bytes, exactly the element count times `dtype.byteSize`.
        public var bytes: Data

        /// Describes a tensor to write.
        public init(name: String, dtype: SafetensorsDType, shape: [Int], bytes: Data) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// Describes a tensor to write, from a byte array.
        public init(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) {
            self.init(name: name, dtype: dtype, shape: shape, bytes: Data(bytes))
        }
    }

    /// The tensors to write, in any order.
    public var tensors: [TensorBytes]
    /// The `__metadata__` map to write.
    public var metadata: [String: String]

    /// Creates a writer holding `tensors` and `metadata`.
    public init(tensors: [TensorBytes] = [], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Adds a tensor. Nothing is checked until the archive is serialised.
    public mutating func append(name: String, dtype: SafetensorsDType, shape: [Int], bytes: Data) {
        tensors.append(TensorBytes(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// Adds a tensor from a byte array. Nothing is checked until the archive
    /// is serialised.
    public mutating func append(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) {
        append(name: name, dtype: dtype, shape: shape, bytes: Data(bytes))
    }

    /// The complete archive in memory.
    ///
    /// - Throws: ``SafetensorsError`` (with path `"<memory>"`) if a tensor is
    ///   invalid: ``SafetensorsError/invalidName(path:name:reason:)``,
    ///   ``SafetensorsError/duplicateName(path:name:)``,
    ///   ``SafetensorsError/invalidDimension(path:name:index:value:)``,
    ///   ``SafetensorsError/elementCountOverflow(path:name:shape:)`` or
    ///   ``SafetensorsError/byteCountMismatch(path:name:dtype:shape:expected:actual:)``.
    public func serialized() throws(SafetensorsError) -> Data {
        let (header, ordered) = try layout(path: "<memory>")
        var result = Data(capacity: header.count + ordered.reduce(0) { $0 + $1.bytes.count })
        result.append(header)
        for tensor in ordered {
            result.append(tensor.bytes)
        }
        return result
    }

    /// Writes the archive to `url` atomically: into a temporary file in the
    /// same directory, which is flushed to disk (`fsync`) and then renamed
    /// over `url`. Readers see either the old file or the complete new one;
    /// on failure the old file is untouched and the temporary file removed.
    /// If `url` is a symbolic link, the link itself is replaced.
    ///
    /// - Throws: the errors of ``serialized()`` (with the file's path), or
    ///   ``SafetensorsError/writeFailed(path:reason:)``.
    public func write(to url: URL) throws(SafetensorsError) {
        let path = url.path
        guard url.isFileURL else { throw .writeFailed(path: url.absoluteString, reason: "not a file URL") }
        let (header, ordered) = try layout(path: path)
        try SafetensorsAtomicFile.replaceFile(at: url, with: [header] + ordered.map(\.bytes))
    }

    /// Writes `tensors` and `metadata` to `url` atomically; see
    /// ``write(to:)``.
    public static func write(
        _ tensors: [TensorBytes], metadata: [String: String] = [:], to url: URL
    ) throws(SafetensorsError) {
        try SafetensorsWriter(tensors: tensors, metadata: metadata).write(to: url)
    }

    // MARK: Layout

    /// Validates the tensors and returns the padded header (length prefix
    /// included) and the tensors in data order.
    private func layout(path: String) throws(SafetensorsError) -> (header: Data, ordered: [TensorBytes]) {
        var names = Set<String>()
        for tensor in tensors {
            try validate(tensor, path: path)
            guard names.insert(tensor.name).inserted else { throw .duplicateName(path: path, name: tensor.name) }
        }
        let ordered = tensors.sorted { left, right in
            if left.dtype.writeRank != right.dtype.writeRank { return left.dtype.writeRank > right.dtype.writeRank }
            return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }

        var json = "{"
        var needsComma = false
        if !metadata.isEmpty {
            json += Self.jsonString(SafetensorsHeader.metadataKey) + ":{"
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            json += keys.map { Self.jsonString($0) + ":" + Self.jsonString(metadata[$0] ?? "") }.joined(separator: ",")
            json += "}"
            needsComma = true
        }
        var offset = 0
        for tensor in ordered {
            if needsComma { json += "," }
            needsComma = true
            let end = offset + tensor.bytes.count
            json += Self.jsonString(tensor.name)
            json += ":{\"dtype\":\"\(tensor.dtype.rawValue)\""
            json += ",\"shape\":[" + tensor.shape.map(String.init).joined(separator: ",") + "]"
            json += ",\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        json += "}"

        var headerBytes = Array(json.utf8)
        let padding = (8 - headerBytes.count % 8) % 8
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        guard headerBytes.count <= SafetensorsHeader.maximumLength else {
            throw .headerTooLarge(
                path: path, headerLength: UInt64(headerBytes.count), limit: SafetensorsHeader.maximumLength)
        }
        var header = Data(capacity: 8 + headerBytes.count)
        let length = UInt64(headerBytes.count)
        for shift in 0..<8 {
            header.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(shift))))
        }
        header.append(contentsOf: headerBytes)
        return (header, ordered)
    }

    private func validate(_ tensor: TensorBytes, path: String) throws(SafetensorsError) {
        if tensor.name.isEmpty {
            throw .invalidName(path: path, name: tensor.name, reason: "names must not be empty")
        }
        if tensor.name == SafetensorsHeader.metadataKey {
            throw .invalidName(path: path, name: tensor.name, reason: "the name is reserved for the metadata")
        }
        for (index, dimension) in tensor.shape.enumerated() where dimension < 0 {
            throw .invalidDimension(path: path, name: tensor.name, index: index, value: String(dimension))
        }
        let expected = try SafetensorsHeader.byteCount(
            of: tensor.shape, dtype: tensor.dtype, name: tensor.name, path: path)
        guard expected == tensor.bytes.count else {
            throw .byteCountMismatch(
                path: path, name: tensor.name, dtype: tensor.dtype, shape: tensor.shape,
                expected: expected, actual: tensor.bytes.count)
        }
    }

    /// `text` as a JSON string literal: quotes, backslashes and control
    /// characters escaped, everything else verbatim UTF-8 (as serde_json
    /// writes it).
    private static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension SafetensorsDType {
    /// The position of the dtype in the reference implementation's `Dtype`
    /// enum; tensors are written in descending order of it (widest first).
    fileprivate var writeRank: Int {
        switch self {
        case .bool: 0
        case .uint8: 1
        case .int8: 2
        case .int16: 3
        case .float16: 4
        case .bfloat16: 5
        case .int32: 6
        case .float32: 7
        case .float64: 8
        case .int64: 9
        }
    }
}
