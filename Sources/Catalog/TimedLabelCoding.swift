import Foundation
import MusicTasks

/// The byte forms of time-aligned labels in the `label` table (see ``LabelStorage``): little-endian
/// fixed-width fields, so a 5-minute track's 600 beats take 6 kB and decode without parsing text.
enum TimedLabelCoding {
    static func encode(_ events: [TimedEvent]) -> Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(events.count * 10)
        for event in events {
            append(event.time.bitPattern, to: &bytes)
            append(UInt16(clamping: event.position ?? 0), to: &bytes)
        }
        return Data(bytes)
    }

    static func encode(_ segments: [TimedSegment]) -> Data {
        var bytes = [UInt8]()
        for segment in segments {
            append(segment.start.bitPattern, to: &bytes)
            append(segment.end.bitPattern, to: &bytes)
            let label = Array(segment.label.utf8.prefix(Int(UInt16.max)))
            append(UInt16(label.count), to: &bytes)
            bytes += label
        }
        return Data(bytes)
    }

    /// The events of a blob, or nil when it is not one ``encode(_:)-([TimedEvent])`` writes.
    static func events(_ data: Data) -> [TimedEvent]? {
        guard data.count % 10 == 0 else { return nil }
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 10).map { offset in
            let position = Int(read(UInt16.self, bytes, offset + 8))
            return TimedEvent(time: Double(bitPattern: read(UInt64.self, bytes, offset)), position: position == 0 ? nil : position)
        }
    }

    /// The segments of a blob, or nil when it is not one ``encode(_:)-([TimedSegment])`` writes.
    static func segments(_ data: Data) -> [TimedSegment]? {
        let bytes = [UInt8](data)
        var segments: [TimedSegment] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 18 <= bytes.count else { return nil }
            let start = Double(bitPattern: read(UInt64.self, bytes, offset))
            let end = Double(bitPattern: read(UInt64.self, bytes, offset + 8))
            let length = Int(read(UInt16.self, bytes, offset + 16))
            offset += 18
            guard offset + length <= bytes.count else { return nil }
            segments.append(TimedSegment(start: start, end: end, label: String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)))
            offset += length
        }
        return segments
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func read<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + index]) << (8 * index) }
        return value
    }
}
