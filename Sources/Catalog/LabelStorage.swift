import Foundation
import GRDB
import MusicTasks

/// How a ``LabelValue`` is stored in the `label` table: a small integer `form` and a
/// `value` column whose SQLite storage class depends on it.
///
/// | form | case              | `value`                                                    |
/// |------|-------------------|------------------------------------------------------------|
/// | 0    | `classIndex`      | INTEGER, the class index                                    |
/// | 1    | `classSet`        | BLOB, ascending class indices as little-endian `UInt16`     |
/// | 2    | `number`          | REAL                                                       |
/// | 3    | `probabilities`   | BLOB, one little-endian IEEE `Float16` per class            |
/// | 4    | `events`          | BLOB, per event: `Float64` time, `UInt16` bar position (0: none) |
/// | 5    | `segments`        | BLOB, per span: `Float64` start and end, `UInt16` byte count, UTF-8 label |
///
/// Hard multi-class labels therefore stay countable in SQL (`GROUP BY value`), and a soft
/// 50-class label takes 100 bytes.
public enum LabelStorage {
    /// The `form` codes.
    public enum Form: Int, Sendable, CaseIterable {
        case classIndex = 0
        case classSet = 1
        case number = 2
        case probabilities = 3
        case events = 4
        case segments = 5
    }

    /// Encodes a value as its `(form, value)` column pair.
    static func encode(_ value: LabelValue) -> (form: Int, value: DatabaseValue) {
        switch value {
        case .classIndex(let index):
            return (Form.classIndex.rawValue, Int64(index).databaseValue)
        case .classSet(let indices):
            var bytes = [UInt8]()
            bytes.reserveCapacity(indices.count * 2)
            for index in indices {
                let bits = UInt16(truncatingIfNeeded: index)
                bytes.append(UInt8(bits & 0xff))
                bytes.append(UInt8(bits >> 8))
            }
            return (Form.classSet.rawValue, Data(bytes).databaseValue)
        case .number(let number):
            return (Form.number.rawValue, number.databaseValue)
        case .probabilities(let values):
            var bytes = [UInt8]()
            bytes.reserveCapacity(values.count * 2)
            for value in values {
                let bits = HalfFloat.bits(from: value)
                bytes.append(UInt8(bits & 0xff))
                bytes.append(UInt8(bits >> 8))
            }
            return (Form.probabilities.rawValue, Data(bytes).databaseValue)
        case .events(let events):
            return (Form.events.rawValue, TimedLabelCoding.encode(events).databaseValue)
        case .segments(let segments):
            return (Form.segments.rawValue, TimedLabelCoding.encode(segments).databaseValue)
        }
    }

    /// Decodes a `(form, value)` pair; `nil` when the pair is not one ``encode(_:)`` writes.
    static func decode(form: Int, value: DatabaseValue) -> LabelValue? {
        guard let form = Form(rawValue: form) else { return nil }
        switch (form, value.storage) {
        case (.classIndex, .int64(let index)):
            return .classIndex(Int(index))
        case (.number, .double(let number)):
            return .number(number)
        case (.number, .int64(let number)):
            return .number(Double(number))
        case (.classSet, .blob(let data)):
            guard data.count % 2 == 0 else { return nil }
            return .classSet(littleEndianUInt16s(data).map(Int.init))
        case (.probabilities, .blob(let data)):
            guard data.count % 2 == 0 else { return nil }
            return .probabilities(littleEndianUInt16s(data).map(HalfFloat.float(from:)))
        case (.events, .blob(let data)):
            return TimedLabelCoding.events(data).map(LabelValue.events)
        case (.segments, .blob(let data)):
            return TimedLabelCoding.segments(data).map(LabelValue.segments)
        default:
            return nil
        }
    }

    /// Decodes the `(form, value)` pair at `formColumn` and `formColumn + 1` of a row,
    /// reading blobs in place; `nil` when the form column is NULL (no label).
    /// - Throws: ``CatalogError/invalidArgument(_:)`` when the pair is not one ``encode(_:)`` writes.
    static func decode(_ row: Row, formColumn: Int) throws -> LabelValue? {
        guard let formCode: Int = row[formColumn] else { return nil }
        let valueColumn = formColumn + 1
        switch Form(rawValue: formCode) {
        case .classIndex?:
            guard let index: Int64 = row[valueColumn] else { break }
            return .classIndex(Int(index))
        case .number?:
            guard let number: Double = row[valueColumn] else { break }
            return .number(number)
        case .classSet?:
            let indices = try row.withUnsafeData(atIndex: valueColumn) { data -> [Int]? in
                guard let data, data.count % 2 == 0 else { return nil }
                return data.withUnsafeBytes { raw in
                    (0..<raw.count / 2).map { Int(UInt16(raw[2 * $0]) | UInt16(raw[2 * $0 + 1]) << 8) }
                }
            }
            if let indices { return .classSet(indices) }
        case .probabilities?:
            let values = try row.withUnsafeData(atIndex: valueColumn) { data -> [Float]? in
                guard let data, data.count % 2 == 0 else { return nil }
                return data.withUnsafeBytes { raw in
                    (0..<raw.count / 2).map { HalfFloat.float(from: UInt16(raw[2 * $0]) | UInt16(raw[2 * $0 + 1]) << 8) }
                }
            }
            if let values { return .probabilities(values) }
        case .events?:
            if let data: Data = row[valueColumn], let events = TimedLabelCoding.events(data) { return .events(events) }
        case .segments?:
            if let data: Data = row[valueColumn], let segments = TimedLabelCoding.segments(data) { return .segments(segments) }
        case nil:
            break
        }
        throw CatalogError.invalidArgument("label of form \(formCode) cannot be decoded")
    }

    private static func littleEndianUInt16s(_ data: Data) -> [UInt16] {
        var out = [UInt16]()
        out.reserveCapacity(data.count / 2)
        var iterator = data.makeIterator()
        while let low = iterator.next(), let high = iterator.next() {
            out.append(UInt16(low) | UInt16(high) << 8)
        }
        return out
    }
}

/// IEEE 754 half-precision conversion, written out so that it does not depend on the
/// platform's `Float16` support.
enum HalfFloat {
    /// Rounds `value` to the nearest half-precision float (ties to even) and returns its bits.
    static func bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xff)
        var mantissa = bits & 0x7f_ffff
        if exponent == 0xff {  // infinity or NaN
            return sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0)
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1f {  // overflow: infinity
            return sign | 0x7c00
        }
        if halfExponent <= 0 {  // subnormal half or zero
            if halfExponent < -10 { return sign }
            mantissa |= 0x80_0000
            let shift = UInt32(14 - halfExponent)
            var half = mantissa >> shift
            let remainder = mantissa & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && (half & 1) == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(halfExponent) << 10 | (mantissa >> 13)
        let remainder = mantissa & 0x1fff
        if remainder > 0x1000 || (remainder == 0x1000 && (half & 1) == 1) { half += 1 }
        return sign | UInt16(truncatingIfNeeded: half)
    }

    /// The single-precision value of half-precision `bits`.
    static func float(from bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32((bits >> 10) & 0x1f)
        let mantissa = UInt32(bits & 0x3ff)
        if exponent == 0 {
            // Zero or subnormal: mantissa × 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 0x1f {
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
    }
}
