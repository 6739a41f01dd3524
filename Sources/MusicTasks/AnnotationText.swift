/// Readers of the common plain-text annotation formats of time-aligned tasks. Each reports the
/// first malformed line by number (counted from 1), so that an importer can name the file and the
/// line and go on with the other files.
public enum AnnotationText {
    /// Beat annotations, one beat per line: `TIME` or `TIME POSITION` (whitespace-separated;
    /// the madmom/Böck `.beats` format and the Isophonics beat files), the position an integer
    /// from 1 (the downbeat) — written `2` or `2.0`. Blank lines and lines starting with `#` are
    /// skipped. Times must be finite, non-negative and strictly increasing.
    /// - Throws: ``TaskError/invalidAnnotation(line:reason:)``.
    public static func beats(_ contents: String) throws(TaskError) -> [TimedEvent] {
        var events: [TimedEvent] = []
        for (number, fields) in lines(contents) {
            guard fields.count == 1 || fields.count == 2 else {
                throw .invalidAnnotation(line: number, reason: "expected \"TIME\" or \"TIME POSITION\", found \(fields.count) fields")
            }
            let time = try seconds(fields[0], line: number)
            var position: Int?
            if fields.count == 2 {
                guard let value = Double(fields[1]), value.isFinite, value >= 1, value == value.rounded(),
                      value <= Double(Int16.max) else {
                    throw .invalidAnnotation(line: number, reason: "bar position \"\(fields[1])\" is not a whole number from 1")
                }
                position = Int(value)
            }
            if let previous = events.last, time <= previous.time {
                throw .invalidAnnotation(line: number, reason: "time \(fields[0]) is not after the previous beat (\(previous.time))")
            }
            events.append(TimedEvent(time: time, position: position))
        }
        return events
    }

    /// Labelled intervals, one per line: `START END LABEL` (whitespace-separated; the
    /// Isophonics/Billboard `.lab` format that mir_eval reads). Blank lines and lines starting
    /// with `#` are skipped. Times must be finite and non-negative, each interval must end after
    /// it starts, and starts must not decrease.
    /// - Throws: ``TaskError/invalidAnnotation(line:reason:)``.
    public static func labeledIntervals(_ contents: String) throws(TaskError) -> [TimedSegment] {
        var segments: [TimedSegment] = []
        for (number, fields) in lines(contents) {
            guard fields.count == 3 else {
                throw .invalidAnnotation(line: number, reason: "expected \"START END LABEL\", found \(fields.count) fields")
            }
            let start = try seconds(fields[0], line: number), end = try seconds(fields[1], line: number)
            guard end > start else {
                throw .invalidAnnotation(line: number, reason: "the interval ends (\(fields[1])) before it starts (\(fields[0]))")
            }
            if let previous = segments.last, start < previous.start {
                throw .invalidAnnotation(line: number, reason: "start \(fields[0]) is before the previous interval's start (\(previous.start))")
            }
            segments.append(TimedSegment(start: start, end: end, label: String(fields[2])))
        }
        return segments
    }

    /// The non-blank, non-comment lines with their numbers, split on whitespace.
    private static func lines(_ contents: String) -> [(Int, [Substring])] {
        var result: [(Int, [Substring])] = []
        // "\r\n" is one Character in Swift, so a line break is any newline Character.
        for (index, line) in contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            result.append((index + 1, fields))
        }
        return result
    }

    private static func seconds(_ field: Substring, line: Int) throws(TaskError) -> Double {
        guard let value = Double(field), value.isFinite, value >= 0 else {
            throw .invalidAnnotation(line: line, reason: "\"\(field)\" is not a time in seconds (finite, not negative)")
        }
        return value
    }
}
