/// Everything that can be wrong with a safetensors archive, or with the
/// tensors handed to ``SafetensorsWriter``.
///
/// Every case carries the path of the file concerned as its first associated
/// value (`"<memory>"` when the bytes did not come from a file), so that the
/// ``description`` reads like
/// `model.safetensors: tensor "w" has offsets [0, 100) but the data buffer is 64 bytes`.
///
/// Byte offsets and ranges in tensor-related cases are relative to the start
/// of the data buffer (the first byte after the JSON header), as in the
/// format's `data_offsets` field.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or read at all.
    case unreadable(path: String, reason: String)
    /// The file ends before the 8-byte length prefix (`headerLength` is `nil`)
    /// or before the end of the JSON header whose length the prefix declares.
    case truncated(path: String, fileSize: Int, headerLength: Int?)
    /// The length prefix declares a JSON header longer than `limit` bytes.
    case headerTooLarge(path: String, headerLength: UInt64, limit: Int)
    /// The JSON header is not valid UTF-8.
    case headerNotUTF8(path: String)
    /// The JSON header is not syntactically valid JSON.
    case invalidJSON(path: String, reason: String)
    /// The JSON header is valid JSON but its top-level value is not an object;
    /// `found` names what it is instead (for example `"an array"`).
    case headerNotObject(path: String, found: String)
    /// A tensor entry of the header is not an object with exactly the fields
    /// `dtype` (string), `shape` (array) and `data_offsets` (two non-negative
    /// integers), or a field appears twice.
    case malformedEntry(path: String, name: String, reason: String)
    /// A tensor declares a dtype that is not a ``SafetensorsDType``.
    case unknownDType(path: String, name: String, dtype: String)
    /// A dimension of a tensor's shape is negative, not an integer, or too
    /// large; `value` is the offending JSON text (or number).
    case invalidDimension(path: String, name: String, index: Int, value: String)
    /// The number of bytes implied by a tensor's shape and dtype does not fit
    /// in an `Int` (the dimensions are multiplied left to right, as in the
    /// reference implementation, so a zero after an overflow does not help).
    case elementCountOverflow(path: String, name: String, shape: [Int])
    /// The shape and dtype of a tensor imply `expected` bytes but its data
    /// holds `actual` bytes.
    case byteCountMismatch(
        path: String, name: String, dtype: SafetensorsDType, shape: [Int], expected: Int, actual: Int)
    /// A tensor's `data_offsets` start after they end.
    case invalidOffsets(path: String, name: String, begin: Int, end: Int)
    /// A tensor's data range extends past the end of the data buffer (which is
    /// also what a file cut off inside its data looks like).
    case offsetsOutOfBounds(path: String, name: String, begin: Int, end: Int, bufferSize: Int)
    /// Two tensors' data ranges overlap.
    case overlappingRanges(path: String, first: String, firstRange: Range<Int>, second: String, secondRange: Range<Int>)
    /// Bytes of the data buffer that belong to no tensor: the format requires
    /// the tensors to cover the data buffer contiguously. `after` and `before`
    /// name the tensors around the hole (`nil` at the start or the end).
    case gapInData(path: String, range: Range<Int>, after: String?, before: String?)
    /// Two tensors have the same name.
    case duplicateName(path: String, name: String)
    /// The `__metadata__` entry is not an object mapping strings to strings.
    /// `key` names the offending key when there is one.
    case invalidMetadata(path: String, key: String?, reason: String)
    /// A tensor name that cannot be written (empty, or the reserved
    /// `__metadata__`).
    case invalidName(path: String, name: String, reason: String)
    /// Writing the archive failed (creating, writing, syncing or renaming the
    /// file).
    case writeFailed(path: String, reason: String)

    /// The path of the file concerned, or `"<memory>"`.
    public var path: String {
        switch self {
        case .unreadable(let path, _), .truncated(let path, _, _), .headerTooLarge(let path, _, _),
            .headerNotUTF8(let path), .invalidJSON(let path, _), .headerNotObject(let path, _),
            .malformedEntry(let path, _, _), .unknownDType(let path, _, _),
            .invalidDimension(let path, _, _, _), .elementCountOverflow(let path, _, _),
            .byteCountMismatch(let path, _, _, _, _, _), .invalidOffsets(let path, _, _, _),
            .offsetsOutOfBounds(let path, _, _, _, _), .overlappingRanges(let path, _, _, _, _),
            .gapInData(let path, _, _, _), .duplicateName(let path, _), .invalidMetadata(let path, _, _),
            .invalidName(let path, _, _), .writeFailed(let path, _):
            path
        }
    }

    /// A one-line, human-readable explanation that starts with the path.
    public var description: String {
        "\(path): \(problem)"
    }

    private var problem: String {
        switch self {
        case .unreadable(_, let reason):
            return "cannot read file: \(reason)"
        case .truncated(_, let fileSize, nil):
            return "file is \(fileSize) bytes, too short for the 8-byte header length prefix"
        case .truncated(_, let fileSize, let headerLength?):
            return "header length prefix says \(headerLength) bytes but the file is only \(fileSize) bytes"
                + " (needs at least \(8 + headerLength)); the file is truncated"
        case .headerTooLarge(_, let headerLength, let limit):
            return "header length prefix says \(headerLength) bytes, more than the limit of \(limit) bytes"
        case .headerNotUTF8:
            return "JSON header is not valid UTF-8"
        case .invalidJSON(_, let reason):
            return "JSON header is not valid JSON: \(reason)"
        case .headerNotObject(_, let found):
            return "JSON header must be an object but is \(found)"
        case .malformedEntry(_, let name, let reason):
            return "tensor \(quoted(name)) is malformed: \(reason)"
        case .unknownDType(_, let name, let dtype):
            let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            return "tensor \(quoted(name)) has unsupported dtype \(quoted(dtype)) (supported: \(known))"
        case .invalidDimension(_, let name, let index, let value):
            return "tensor \(quoted(name)) has invalid dimension \(index) in its shape: \(clipped(value))"
                + " (dimensions must be non-negative integers)"
        case .elementCountOverflow(_, let name, let shape):
            return "tensor \(quoted(name)) has shape \(shapeText(shape)) whose byte count overflows"
        case .byteCountMismatch(_, let name, let dtype, let shape, let expected, let actual):
            return "tensor \(quoted(name)) is \(dtype.rawValue) with shape \(shapeText(shape)), which needs"
                + " \(expected) bytes, but its data is \(actual) bytes"
        case .invalidOffsets(_, let name, let begin, let end):
            return "tensor \(quoted(name)) has offsets [\(begin), \(end)) whose start is after its end"
        case .offsetsOutOfBounds(_, let name, let begin, let end, let bufferSize):
            return "tensor \(quoted(name)) has offsets [\(begin), \(end)) but the data buffer is \(bufferSize) bytes"
        case .overlappingRanges(_, let first, let firstRange, let second, let secondRange):
            return "tensor \(quoted(first)) at \(rangeText(firstRange)) overlaps tensor \(quoted(second))"
                + " at \(rangeText(secondRange))"
        case .gapInData(_, let range, let after, let before):
            let location: String
            switch (after, before) {
            case (let after?, let before?):
                location = "between tensor \(quoted(after)) and tensor \(quoted(before))"
            case (nil, let before?):
                location = "before the first tensor \(quoted(before))"
            case (let after?, nil):
                location = "after the last tensor \(quoted(after))"
            case (nil, nil):
                location = "in a file without tensors"
            }
            return "data buffer bytes \(rangeText(range)) (\(range.count) bytes) \(location) belong to no tensor"
        case .duplicateName(_, let name):
            return "tensor name \(quoted(name)) appears more than once"
        case .invalidMetadata(_, let key?, let reason):
            return "__metadata__ key \(quoted(key)): \(reason)"
        case .invalidMetadata(_, nil, let reason):
            return "__metadata__ \(reason)"
        case .invalidName(_, let name, let reason):
            return "tensor name \(quoted(name)) is invalid: \(reason)"
        case .writeFailed(_, let reason):
            return "cannot write file: \(reason)"
        }
    }
}

/// Longest name or JSON excerpt quoted verbatim in a description; hostile
/// files can have names of many megabytes.
private let maximumQuotedLength = 120

private func clipped(_ text: String) -> String {
    guard text.count > maximumQuotedLength else { return text }
    return String(text.prefix(maximumQuotedLength)) + "…"
}

/// `text` in double quotes, with quotes, backslashes and control characters
/// escaped, shortened if very long.
private func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in clipped(text).unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            result += "\\u{" + hex + "}"
        default:
            result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

private func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

private func rangeText(_ range: Range<Int>) -> String {
    "[\(range.lowerBound), \(range.upperBound))"
}
