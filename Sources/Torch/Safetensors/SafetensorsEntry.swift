/// One tensor of a safetensors archive, as described by the JSON header.
///
/// Entries produced by ``SafetensorsFile`` have been validated: `byteRange`
/// lies within the data buffer, its length is exactly the element count of
/// `shape` times `dtype.byteSize`, and no two entries overlap.
public struct SafetensorsEntry: Sendable, Equatable, Hashable {
    /// The tensor's name (the key in the JSON header).
    public let name: String
    /// The element type.
    public let dtype: SafetensorsDType
    /// The dimensions, outermost first. `[]` is a 0-dimensional (scalar)
    /// tensor with one element; any `0` dimension makes the tensor empty.
    public let shape: [Int]
    /// Where the tensor's bytes lie, relative to the start of the data buffer
    /// (the `data_offsets` of the header, end exclusive).
    public let byteRange: Range<Int>

    /// Creates an entry. ``SafetensorsFile`` creates validated entries; this
    /// initialiser checks nothing.
    public init(name: String, dtype: SafetensorsDType, shape: [Int], byteRange: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
    }

    /// The number of bytes of the tensor's data.
    public var byteCount: Int { byteRange.count }

    /// The number of elements, derived from the byte count (which, for a
    /// validated entry, equals the product of `shape`).
    public var elementCount: Int { byteRange.count / dtype.byteSize }
}
