/// The parsed and validated JSON header of a safetensors archive.
///
/// Validation follows the reference implementation (huggingface/safetensors)
/// and is stricter where that one is lenient:
/// - unknown fields in a tensor entry and duplicate keys anywhere are errors
///   (the reference ignores the former and lets the last duplicate win);
/// - `"__metadata__": null` is accepted and means no metadata, as in the
///   reference.
///
/// Checks run in this order: UTF-8, JSON syntax of the whole header (before
/// anything is built from it), then each entry in document order (fields,
/// dtype, shape, offsets, byte count), then the layout of all entries in
/// data-offset order (bounds, overlaps, holes).
struct SafetensorsHeader {
    /// The largest header the reference implementation accepts (100 MB).
    static let maximumLength = 100_000_000

    /// The key of the metadata entry.
    static let metadataKey = "__metadata__"

    /// The string-to-string metadata (empty when the header has none).
    let metadata: [String: String]
    /// The tensors, ordered by data offset (then by end offset, then by name).
    let entries: [SafetensorsEntry]

    /// Parses a JSON header and checks its tensors against a data buffer of
    /// `dataBufferSize` bytes. `path` only labels errors.
    init(bytes: [UInt8], dataBufferSize: Int, path: String) throws(SafetensorsError) {
        guard Self.isValidUTF8(bytes) else { throw .headerNotUTF8(path: path) }
        var scanner = SafetensorsJSONScanner(bytes: bytes, path: path)
        try scanner.validateDocument()
        let kind = try scanner.peekKind()
        guard kind == .object else { throw .headerNotObject(path: path, found: kind.description) }

        var metadata: [String: String]?
        var entries: [SafetensorsEntry] = []
        var names = Set<String>()
        try scanner.beginObject()
        var isFirst = true
        while let key = try scanner.nextObjectKey(isFirst: &isFirst) {
            if key == Self.metadataKey {
                guard metadata == nil else { throw .duplicateName(path: path, name: key) }
                metadata = try Self.readMetadata(from: &scanner, path: path)
            } else {
                guard names.insert(key).inserted else { throw .duplicateName(path: path, name: key) }
                entries.append(try Self.readEntry(named: key, from: &scanner, path: path))
            }
        }
        self.metadata = metadata ?? [:]
        self.entries = try Self.checkLayout(of: entries, dataBufferSize: dataBufferSize, path: path)
    }

    // MARK: Entries

    private static func readEntry(
        named name: String, from scanner: inout SafetensorsJSONScanner, path: String
    ) throws(SafetensorsError) -> SafetensorsEntry {
        func malformed(_ reason: String) -> SafetensorsError {
            .malformedEntry(path: path, name: name, reason: reason)
        }
        let kind = try scanner.peekKind()
        guard kind == .object else {
            throw malformed("expected an object with fields dtype, shape and data_offsets, found \(kind.description)")
        }
        var dtypeText: String?
        var shape: [Int]?
        var offsets: (begin: Int, end: Int)?
        try scanner.beginObject()
        var isFirst = true
        while let field = try scanner.nextObjectKey(isFirst: &isFirst) {
            switch field {
            case "dtype":
                guard dtypeText == nil else { throw malformed("field \"dtype\" appears more than once") }
                let kind = try scanner.peekKind()
                guard kind == .string else { throw malformed("dtype must be a string, found \(kind.description)") }
                dtypeText = try scanner.readString()
            case "shape":
                guard shape == nil else { throw malformed("field \"shape\" appears more than once") }
                shape = try readShape(named: name, from: &scanner, path: path)
            case "data_offsets":
                guard offsets == nil else { throw malformed("field \"data_offsets\" appears more than once") }
                offsets = try readOffsets(named: name, from: &scanner, path: path)
            default:
                let shown = field.count > 60 ? String(field.prefix(60)) + "…" : field
                throw malformed("unexpected field \(shown.debugDescription)")
            }
        }
        guard let dtypeText else { throw malformed("missing field \"dtype\"") }
        guard let shape else { throw malformed("missing field \"shape\"") }
        guard let offsets else { throw malformed("missing field \"data_offsets\"") }
        guard let dtype = SafetensorsDType(rawValue: dtypeText) else {
            throw .unknownDType(path: path, name: name, dtype: dtypeText)
        }
        guard offsets.begin <= offsets.end else {
            throw .invalidOffsets(path: path, name: name, begin: offsets.begin, end: offsets.end)
        }
        let expected = try byteCount(of: shape, dtype: dtype, name: name, path: path)
        let actual = offsets.end - offsets.begin
        guard expected == actual else {
            throw .byteCountMismatch(
                path: path, name: name, dtype: dtype, shape: shape, expected: expected, actual: actual)
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: offsets.begin..<offsets.end)
    }

    private static func readShape(
        named name: String, from scanner: inout SafetensorsJSONScanner, path: String
    ) throws(SafetensorsError) -> [Int] {
        let kind = try scanner.peekKind()
        guard kind == .array else {
            throw .malformedEntry(path: path, name: name, reason: "shape must be an array, found \(kind.description)")
        }
        var shape: [Int] = []
        try scanner.beginArray()
        var isFirst = true
        while try scanner.nextArrayElement(isFirst: &isFirst) {
            if try scanner.peekKind() == .number {
                let number = try scanner.readNumber()
                guard let value = number.nonNegativeInteger else {
                    throw .invalidDimension(path: path, name: name, index: shape.count, value: scanner.text(of: number))
                }
                shape.append(value)
            } else {
                let text = try scanner.skipValueReturningText()
                throw .invalidDimension(path: path, name: name, index: shape.count, value: text)
            }
        }
        return shape
    }

    private static func readOffsets(
        named name: String, from scanner: inout SafetensorsJSONScanner, path: String
    ) throws(SafetensorsError) -> (begin: Int, end: Int) {
        func malformed(_ found: String) -> SafetensorsError {
            .malformedEntry(
                path: path, name: name, reason: "data_offsets must be an array of two non-negative integers, \(found)")
        }
        let kind = try scanner.peekKind()
        guard kind == .array else { throw malformed("found \(kind.description)") }
        var values: [Int] = []
        try scanner.beginArray()
        var isFirst = true
        while try scanner.nextArrayElement(isFirst: &isFirst) {
            guard values.count < 2 else { throw malformed("found more than two elements") }
            guard try scanner.peekKind() == .number else {
                throw malformed("found element \(try scanner.skipValueReturningText())")
            }
            let number = try scanner.readNumber()
            guard let value = number.nonNegativeInteger else {
                throw malformed("found element \(scanner.text(of: number))")
            }
            values.append(value)
        }
        guard values.count == 2 else { throw malformed("found \(values.count) element\(values.count == 1 ? "" : "s")") }
        return (values[0], values[1])
    }

    /// The number of bytes a tensor of `shape` and `dtype` occupies, checked
    /// for overflow.
    static func byteCount(
        of shape: [Int], dtype: SafetensorsDType, name: String, path: String
    ) throws(SafetensorsError) -> Int {
        // Multiplied left to right like the reference implementation, so that
        // both accept the same shapes: [2^32, 2^32, 0] overflows before its 0.
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .elementCountOverflow(path: path, name: name, shape: shape) }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw .elementCountOverflow(path: path, name: name, shape: shape) }
        return byteCount
    }

    // MARK: Metadata

    private static func readMetadata(
        from scanner: inout SafetensorsJSONScanner, path: String
    ) throws(SafetensorsError) -> [String: String] {
        let kind = try scanner.peekKind()
        if kind == .null {
            try scanner.skipValue()
            return [:]
        }
        guard kind == .object else {
            throw .invalidMetadata(
                path: path, key: nil, reason: "must be an object mapping strings to strings, found \(kind.description)")
        }
        var metadata: [String: String] = [:]
        try scanner.beginObject()
        var isFirst = true
        while let key = try scanner.nextObjectKey(isFirst: &isFirst) {
            guard metadata[key] == nil else {
                throw .invalidMetadata(path: path, key: key, reason: "appears more than once")
            }
            let kind = try scanner.peekKind()
            guard kind == .string else {
                throw .invalidMetadata(
                    path: path, key: key, reason: "value must be a string, found \(kind.description)")
            }
            metadata[key] = try scanner.readString()
        }
        return metadata
    }

    // MARK: Layout

    /// Sorts the entries by offset and checks that they tile the data buffer
    /// exactly: within bounds, no overlap, no hole, nothing left over.
    private static func checkLayout(
        of entries: [SafetensorsEntry], dataBufferSize: Int, path: String
    ) throws(SafetensorsError) -> [SafetensorsEntry] {
        let sorted = entries.sorted { left, right in
            if left.byteRange.lowerBound != right.byteRange.lowerBound {
                return left.byteRange.lowerBound < right.byteRange.lowerBound
            }
            if left.byteRange.upperBound != right.byteRange.upperBound {
                return left.byteRange.upperBound < right.byteRange.upperBound
            }
            return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }
        var cursor = 0
        var previous: SafetensorsEntry?
        for entry in sorted {
            let range = entry.byteRange
            guard range.upperBound <= dataBufferSize else {
                throw .offsetsOutOfBounds(
                    path: path, name: entry.name, begin: range.lowerBound, end: range.upperBound,
                    bufferSize: dataBufferSize)
            }
            if range.lowerBound < cursor, let previous {
                throw .overlappingRanges(
                    path: path, first: previous.name, firstRange: previous.byteRange,
                    second: entry.name, secondRange: range)
            }
            if range.lowerBound > cursor {
                throw .gapInData(
                    path: path, range: cursor..<range.lowerBound, after: previous?.name, before: entry.name)
            }
            cursor = range.upperBound
            previous = entry
        }
        if cursor < dataBufferSize {
            throw .gapInData(path: path, range: cursor..<dataBufferSize, after: previous?.name, before: nil)
        }
        return sorted
    }

    // MARK: UTF-8

    /// Whether `bytes` is well-formed UTF-8 (no overlong forms, no surrogates),
    /// checked without building a string.
    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
