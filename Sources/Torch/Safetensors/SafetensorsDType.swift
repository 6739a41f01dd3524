/// The element types that a safetensors archive can declare for a tensor and
/// that Crescendo supports.
///
/// The raw values are exactly the strings used in the `dtype` field of the
/// safetensors JSON header (the format is case-sensitive: `"f32"` is not a
/// valid dtype). All multi-byte types are stored little-endian.
///
/// The format defines a few more types (`U16`, `U32`, `U64`, `F8_E4M3`,
/// `F8_E5M2`, ...). An archive that uses one of them is rejected with
/// ``SafetensorsError/unknownDType(path:name:dtype:)``.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    /// Boolean, one byte per element (0 = false, 1 = true).
    case bool = "BOOL"
    /// Unsigned 8-bit integer.
    case uint8 = "U8"
    /// Signed 8-bit integer.
    case int8 = "I8"
    /// Signed 16-bit integer.
    case int16 = "I16"
    /// Signed 32-bit integer.
    case int32 = "I32"
    /// Signed 64-bit integer.
    case int64 = "I64"
    /// IEEE 754 half precision float.
    case float16 = "F16"
    /// bfloat16 (the upper 16 bits of an IEEE 754 single precision float).
    case bfloat16 = "BF16"
    /// IEEE 754 single precision float.
    case float32 = "F32"
    /// IEEE 754 double precision float.
    case float64 = "F64"

    /// The size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .int16, .float16, .bfloat16: 2
        case .int32, .float32: 4
        case .int64, .float64: 8
        }
    }
}
