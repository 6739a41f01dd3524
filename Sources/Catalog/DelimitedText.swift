import Foundation

/// One record of a delimited text file.
public struct DelimitedRecord: Sendable, Hashable {
    /// 1-based line on which the record starts.
    public var line: Int
    /// The fields, unquoted.
    public var fields: [String]
}

/// A small reader for CSV (RFC 4180) and TSV text.
///
/// - A UTF-8 byte-order mark at the start is skipped; the text must be valid UTF-8.
/// - Records end at `\n`, `\r\n` or a lone `\r`; a final line ending is optional. Lines with
///   nothing on them are skipped.
/// - With `quoting` on, a field that *starts* with `"` is quoted: it runs to the next `"`
///   not followed by another `"`, may contain the delimiter and line breaks, and `""` in it
///   stands for one `"`. Characters between a closing quote and the next delimiter are kept
///   (as most CSV readers do). A quote inside an unquoted field is an ordinary character.
/// - With `quoting` off (the MTG-Jamendo TSV files), `"` is an ordinary character.
public enum DelimitedText {
    /// Reads and splits the file at `path`.
    /// - Throws: ``CatalogError/unreadable(path:message:)``,
    ///   ``CatalogError/malformedManifest(path:line:reason:)`` for invalid UTF-8 or an
    ///   unterminated quoted field.
    public static func read(path: String, delimiter: Character, quoting: Bool = true) throws(CatalogError) -> [DelimitedRecord] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, message: error.localizedDescription)
        }
        return try parse(data, path: path, delimiter: delimiter, quoting: quoting)
    }

    /// Splits `data` (the contents of `path`, which is only used in messages).
    public static func parse(_ data: Data, path: String, delimiter: Character, quoting: Bool = true) throws(CatalogError) -> [DelimitedRecord] {
        guard let separator = delimiter.asciiValue, delimiter != "\"", delimiter != "\n", delimiter != "\r" else {
            throw .invalidArgument("delimiter must be an ASCII character other than a quote or line break, not \(delimiter.debugDescription)")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes.removeFirst(3) }
        guard String(bytes: bytes, encoding: .utf8) != nil || bytes.isEmpty else {
            throw .malformedManifest(path: path, line: 1, reason: "the file is not valid UTF-8 text")
        }
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        var records: [DelimitedRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var fieldWasQuoted = false
        var index = 0

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            let blank = fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted
            if !blank { records.append(DelimitedRecord(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            if quoting && byte == quote && field.isEmpty && !fieldWasQuoted {
                // A quoted field: read to the closing quote.
                fieldWasQuoted = true
                let openingLine = line
                index += 1
                var closed = false
                while index < bytes.count {
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < bytes.count && bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if inner == lf || (inner == cr && !(index + 1 < bytes.count && bytes[index + 1] == lf)) { line += 1 }
                    field.append(inner)
                    index += 1
                }
                guard closed else {
                    throw .malformedManifest(path: path, line: openingLine,
                                             reason: "quoted field opened on this line is never closed")
                }
                continue
            }
            switch byte {
            case separator:
                endField()
                fieldWasQuoted = false
                index += 1
            case lf, cr:
                endRecord()
                index += (byte == cr && index + 1 < bytes.count && bytes[index + 1] == lf) ? 2 : 1
                line += 1
                recordLine = line
            default:
                field.append(byte)
                index += 1
            }
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
