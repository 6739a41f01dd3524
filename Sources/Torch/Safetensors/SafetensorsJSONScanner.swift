/// A strict JSON reader (RFC 8259) over the bytes of a safetensors header.
///
/// It exists instead of `JSONSerialization` because a hostile header must be
/// read without surprises:
/// - duplicate object keys are visible to the caller (objects are read member
///   by member, in document order) instead of being silently merged;
/// - nesting is limited to ``maximumDepth`` levels, so deeply nested input
///   cannot exhaust the stack;
/// - ``skipValue()`` walks a value without building it, so the header can be
///   syntax-checked in full before anything is allocated for its contents;
/// - numbers are kept as their literal text, so `2.0`, `1e3` and
///   `99999999999999999999` are never mistaken for integers.
///
/// The caller must check that the bytes are valid UTF-8 first; string contents
/// are then decoded without further checks. Every error is reported as
/// ``SafetensorsError/invalidJSON(path:reason:)`` with the byte offset within
/// the header.
struct SafetensorsJSONScanner {
    /// How deeply arrays and objects may nest. A valid safetensors header
    /// needs three levels (header object, entry object, shape array).
    static let maximumDepth = 64

    /// The kinds of JSON value, as told by their first byte.
    enum ValueKind: Equatable {
        case object, array, string, number, boolean, null

        /// The kind with an article, for error messages ("an object").
        var description: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .number: "a number"
            case .boolean: "a boolean"
            case .null: "null"
            }
        }
    }

    /// A number literal.
    struct Number {
        /// Where the literal lies in the header; see ``SafetensorsJSONScanner/text(of:)``.
        let range: Range<Int>
        /// The value, when the literal is an integer without sign, fraction or
        /// exponent that fits in an `Int`. (`-0` does not count: serde_json,
        /// used by the reference implementation, reads it as a float.)
        let nonNegativeInteger: Int?
    }

    private let bytes: [UInt8]
    private let path: String
    private(set) var position = 0

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    // MARK: Whole document

    /// Checks that the bytes hold exactly one JSON value, optionally surrounded
    /// by whitespace, then rewinds to the start of that value.
    mutating func validateDocument() throws(SafetensorsError) {
        position = 0
        skipWhitespace()
        guard position < bytes.count else { throw syntaxError("the header is empty") }
        try skipValue()
        skipWhitespace()
        guard position == bytes.count else { throw syntaxError("unexpected data after the top-level value") }
        position = 0
        skipWhitespace()
    }

    // MARK: Inspecting

    /// The kind of the value starting at the current position (after
    /// whitespace).
    mutating func peekKind() throws(SafetensorsError) -> ValueKind {
        skipWhitespace()
        guard let byte = currentByte else { throw syntaxError("expected a value, found the end of the header") }
        switch byte {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .boolean
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw syntaxError("unexpected character \(describe(byte))")
        }
    }

    /// Skips the value at the current position and returns its literal text,
    /// shortened to about `limit` characters (for error messages).
    mutating func skipValueReturningText(limit: Int = 60) throws(SafetensorsError) -> String {
        skipWhitespace()
        let start = position
        try skipValue()
        let end = min(position, start + limit)
        var text = String(decoding: bytes[start..<end], as: UTF8.self)
        if end < position { text += "…" }
        return text
    }

    // MARK: Objects and arrays

    /// Consumes the `{` that opens an object.
    mutating func beginObject() throws(SafetensorsError) {
        try expect(UInt8(ascii: "{"), "expected '{'")
    }

    /// Reads the key of the next member of the object being read, and the `:`
    /// after it, or consumes the closing `}` and returns `nil`. `isFirst` must
    /// start as `true` for each object.
    mutating func nextObjectKey(isFirst: inout Bool) throws(SafetensorsError) -> String? {
        try nextObjectKey(isFirst: &isFirst, decodingKey: true)
    }

    /// ``nextObjectKey(isFirst:)``, returning an empty key unless
    /// `decodingKey` (for skipping, which needs no keys).
    private mutating func nextObjectKey(isFirst: inout Bool, decodingKey: Bool) throws(SafetensorsError) -> String? {
        skipWhitespace()
        if currentByte == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        if !isFirst {
            try expect(UInt8(ascii: ","), "expected ',' or '}' in an object")
            skipWhitespace()
        }
        isFirst = false
        try expect(UInt8(ascii: "\""), "expected a string as object key")
        position -= 1
        let key = try scanString(decoding: decodingKey)
        skipWhitespace()
        try expect(UInt8(ascii: ":"), "expected ':' after an object key")
        skipWhitespace()
        return String(decoding: key, as: UTF8.self)
    }

    /// Consumes the `[` that opens an array.
    mutating func beginArray() throws(SafetensorsError) {
        try expect(UInt8(ascii: "["), "expected '['")
    }

    /// Moves to the next element of the array being read and returns `true`,
    /// or consumes the closing `]` and returns `false`. `isFirst` must start
    /// as `true` for each array.
    mutating func nextArrayElement(isFirst: inout Bool) throws(SafetensorsError) -> Bool {
        skipWhitespace()
        if currentByte == UInt8(ascii: "]") {
            position += 1
            return false
        }
        if !isFirst {
            try expect(UInt8(ascii: ","), "expected ',' or ']' in an array")
            skipWhitespace()
        }
        isFirst = false
        return true
    }

    // MARK: Scalars

    /// Reads a string value (the current byte must be `"`).
    mutating func readString() throws(SafetensorsError) -> String {
        String(decoding: try scanString(decoding: true), as: UTF8.self)
    }

    /// Checks a string (the current byte must be `"`) and returns its decoded
    /// UTF-8 bytes, or nothing unless `decoding`.
    private mutating func scanString(decoding: Bool) throws(SafetensorsError) -> [UInt8] {
        let start = position
        try expect(UInt8(ascii: "\""), "expected a string")
        var decoded: [UInt8] = []
        while true {
            guard let byte = currentByte else {
                throw syntaxError("unterminated string starting at byte \(start)")
            }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return decoded
            case UInt8(ascii: "\\"):
                position += 1
                if decoding {
                    try readEscape(into: &decoded)
                } else {
                    var ignored: [UInt8] = []
                    try readEscape(into: &ignored)
                }
            case 0..<0x20:
                throw syntaxError("unescaped control character \(describe(byte)) in a string")
            default:
                if decoding { decoded.append(byte) }
                position += 1
            }
        }
    }

    /// Reads a number literal (the current byte must start one).
    mutating func readNumber() throws(SafetensorsError) -> Number {
        let start = position
        // The value of a non-negative integer literal; nil once that is ruled out.
        var value: Int? = 0
        if currentByte == UInt8(ascii: "-") {
            value = nil
            position += 1
        }
        if currentByte == UInt8(ascii: "0") {
            position += 1
        } else if let byte = currentByte, isNonZeroDigit(byte) {
            while let byte = currentByte, isDigit(byte) {
                if let current = value {
                    let (shifted, overflow) = current.multipliedReportingOverflow(by: 10)
                    let (sum, carry) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                    value = overflow || carry ? nil : sum
                }
                position += 1
            }
        } else {
            throw syntaxError("invalid number")
        }
        if currentByte == UInt8(ascii: ".") {
            value = nil
            position += 1
            guard let byte = currentByte, isDigit(byte) else { throw syntaxError("expected a digit after '.'") }
            skipDigits()
        }
        if currentByte == UInt8(ascii: "e") || currentByte == UInt8(ascii: "E") {
            value = nil
            position += 1
            if currentByte == UInt8(ascii: "+") || currentByte == UInt8(ascii: "-") { position += 1 }
            guard let byte = currentByte, isDigit(byte) else { throw syntaxError("expected a digit in an exponent") }
            skipDigits()
        }
        return Number(range: start..<position, nonNegativeInteger: value)
    }

    /// The number's literal exactly as written.
    func text(of number: Number) -> String {
        String(decoding: bytes[number.range], as: UTF8.self)
    }

    /// Skips one complete value of any kind, checking its syntax.
    mutating func skipValue() throws(SafetensorsError) {
        try skipValue(depth: 0)
    }

    // MARK: Private

    private var currentByte: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipValue(depth: Int) throws(SafetensorsError) {
        var tooDeep: SafetensorsError { syntaxError("nesting deeper than \(Self.maximumDepth) levels") }
        switch try peekKind() {
        case .object:
            guard depth < Self.maximumDepth else { throw tooDeep }
            try beginObject()
            var isFirst = true
            while try nextObjectKey(isFirst: &isFirst, decodingKey: false) != nil {
                try skipValue(depth: depth + 1)
            }
        case .array:
            guard depth < Self.maximumDepth else { throw tooDeep }
            try beginArray()
            var isFirst = true
            while try nextArrayElement(isFirst: &isFirst) {
                try skipValue(depth: depth + 1)
            }
        case .string:
            _ = try scanString(decoding: false)
        case .number:
            _ = try readNumber()
        case .boolean:
            if !consumeLiteral("true") {
                guard consumeLiteral("false") else { throw syntaxError("invalid literal") }
            }
        case .null:
            guard consumeLiteral("null") else { throw syntaxError("invalid literal") }
        }
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws(SafetensorsError) {
        guard let byte = currentByte else { throw syntaxError("unterminated escape sequence") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var value = try readHex4()
            if (0xD800...0xDBFF).contains(value) {
                guard consumeLiteral("\\u") else { throw syntaxError("unpaired UTF-16 surrogate in \\u escape") }
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw syntaxError("unpaired UTF-16 surrogate in \\u escape")
                }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(value) {
                throw syntaxError("unpaired UTF-16 surrogate in \\u escape")
            }
            guard let scalar = Unicode.Scalar(value) else { throw syntaxError("invalid \\u escape") }
            Unicode.UTF8.encode(scalar) { decoded.append($0) }
        default:
            position -= 1
            throw syntaxError("invalid escape sequence \\\(describe(byte))")
        }
    }

    private mutating func readHex4() throws(SafetensorsError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = currentByte, let digit = hexValue(byte) else {
                throw syntaxError("expected four hexadecimal digits after \\u")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let matches = literal.withUTF8Buffer { expected in
            expected.indices.allSatisfy { bytes[position + $0] == expected[$0] }
        }
        if matches { position += count }
        return matches
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(SafetensorsError) {
        guard currentByte == byte else {
            if let found = currentByte { throw syntaxError("\(message), found \(describe(found))") }
            throw syntaxError("\(message), found the end of the header")
        }
        position += 1
    }

    private mutating func skipWhitespace() {
        while let byte = currentByte,
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        {
            position += 1
        }
    }

    private mutating func skipDigits() {
        while let byte = currentByte, isDigit(byte) { position += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private func isNonZeroDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(byte)
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private func syntaxError(_ message: String) -> SafetensorsError {
        .invalidJSON(path: path, reason: "\(message) at byte \(position) of the header")
    }
}
