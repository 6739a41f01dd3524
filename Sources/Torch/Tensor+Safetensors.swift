import Foundation

extension DType {
    /// The safetensors spelling of this element type.
    public var safetensors: SafetensorsDType {
        switch self {
        case .float32: return .float32
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        case .float64: return .float64
        case .int64: return .int64
        case .int32: return .int32
        case .bool: return .bool
        case .uint8: return .uint8
        case .int8: return .int8
        case .int16: return .int16
        }
    }

    public init(_ dtype: SafetensorsDType) {
        switch dtype {
        case .float32: self = .float32
        case .float16: self = .float16
        case .bfloat16: self = .bfloat16
        case .float64: self = .float64
        case .int64: self = .int64
        case .int32: self = .int32
        case .bool: self = .bool
        case .uint8: self = .uint8
        case .int8: self = .int8
        case .int16: self = .int16
        }
    }
}

/// Named tensors stored in safetensors files: weights, optimizer state, fixtures. Files are
/// validated before any tensor is built, and written atomically.
public enum TensorStore {
    /// Loads every tensor of a safetensors file onto `device`.
    public static func load(contentsOf url: URL, device: Device = .cpu) throws -> [String: Tensor] {
        try load(SafetensorsFile(contentsOf: url), device: device)
    }

    /// Builds tensors from an already validated file.
    public static func load(_ file: SafetensorsFile, device: Device = .cpu) throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        result.reserveCapacity(file.entries.count)
        for entry in file.entries {
            result[entry.name] = try tensor(file, entry, device: device)
        }
        return result
    }

    /// One entry of a file as a tensor.
    public static func tensor(_ file: SafetensorsFile, _ entry: SafetensorsEntry, device: Device = .cpu) throws -> Tensor {
        try file.withBytes(of: entry) { bytes in
            try Tensor(bytes: bytes, shape: entry.shape, dtype: DType(entry.dtype), device: device)
        }
    }

    /// The file's metadata only (`__metadata__`).
    public static func metadata(contentsOf url: URL) throws -> [String: String] {
        try SafetensorsFile(contentsOf: url).metadata
    }

    /// Serialises tensors (any device, any layout) with metadata into the safetensors format.
    public static func serialize(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> SafetensorsWriter {
        var writer = SafetensorsWriter(metadata: metadata)
        for name in tensors.keys.sorted() {
            guard let t = tensors[name] else { continue }
            writer.append(name: name, dtype: t.dtype.safetensors, shape: t.shape, bytes: Data(try t.rawBytes()))
        }
        return writer
    }

    /// Writes tensors to `url` atomically (temporary file, fsync, rename).
    public static func save(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try serialize(tensors, metadata: metadata).write(to: url)
    }
}
