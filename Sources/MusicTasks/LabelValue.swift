/// The value of one label.
///
/// Which cases a task accepts depends on its kind:
///
/// | task kind      | hard label            | soft label (pseudo-labels)            |
/// |----------------|-----------------------|---------------------------------------|
/// | `multiClass`   | ``classIndex(_:)``    | ``probabilities(_:)`` (a distribution) |
/// | `multiLabel`   | ``classSet(_:)``      | ``probabilities(_:)`` (one per class)  |
/// | `regression`   | ``number(_:)``        | —                                     |
/// | `events`       | ``events(_:)``        | — (frame posteriors, not label rows)   |
/// | `segments`     | ``segments(_:)``      | — (frame posteriors, not label rows)   |
///
/// Probabilities are stored as IEEE half-precision floats (2 bytes per class, about three
/// significant digits), so a value read back equals the written one only to within
/// `Float16` precision (the catalog's `LabelStorage` is the on-disk form).
public enum LabelValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Index of the one class that applies (multi-class).
    case classIndex(Int)
    /// Indices of the classes that apply (multi-label), ascending and without repeats; see
    /// ``classSet(from:)``. May be empty (no class applies).
    case classSet([Int])
    /// A real value (regression).
    case number(Double)
    /// One probability per class, in class order (soft labels).
    case probabilities([Float])
    /// Event times in increasing order (beats with their bar positions).
    case events([TimedEvent])
    /// Labelled spans in order of their starts (chords).
    case segments([TimedSegment])

    /// A multi-label value from any collection of class indices (sorted, repeats removed).
    public static func classSet<S: Sequence>(from indices: S) -> LabelValue where S.Element == Int {
        .classSet(Array(Set(indices)).sorted())
    }

    /// The class with the highest probability, the class of a hard multi-class label, or
    /// `nil` (regression, multi-label sets, empty probability vectors).
    public var argmax: Int? {
        switch self {
        case .classIndex(let index):
            return index
        case .probabilities(let values):
            guard var best = values.indices.first else { return nil }
            for index in values.indices where values[index] > values[best] { best = index }
            return best
        case .classSet, .number, .events, .segments:
            return nil
        }
    }

    /// Whether the value is soft (a probability vector).
    public var isSoft: Bool {
        if case .probabilities = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .classIndex(let index): return "class \(index)"
        case .classSet(let indices): return "classes \(indices)"
        case .number(let value): return "\(value)"
        case .probabilities(let values): return "probabilities \(values)"
        case .events(let events): return "\(events.count) events"
        case .segments(let segments): return "\(segments.count) segments"
        }
    }

    /// Checks that the value fits `task`.
    /// - Throws: ``TaskError/invalidLabel(task:trackId:reason:)``.
    public func validate(for task: TaskSpec, trackId: Int64? = nil) throws(TaskError) {
        func fail(_ reason: String) -> TaskError {
            .invalidLabel(task: task.name, trackId: trackId, reason: reason)
        }
        let count = task.classes.count
        switch (task.kind, self) {
        case (.multiClass, .classIndex(let index)):
            guard (0..<count).contains(index) else {
                throw fail("class index \(index) is outside 0..<\(count)")
            }
        case (.multiLabel, .classSet(let indices)):
            var previous = -1
            for index in indices {
                guard (0..<count).contains(index) else {
                    throw fail("class index \(index) is outside 0..<\(count)")
                }
                guard index > previous else {
                    throw fail("class indices must be ascending without repeats, got \(indices)")
                }
                previous = index
            }
        case (.multiClass, .probabilities(let values)), (.multiLabel, .probabilities(let values)):
            guard values.count == count else {
                throw fail("\(values.count) probabilities for \(count) classes")
            }
            for (index, value) in values.enumerated() where !(value >= 0 && value <= 1) {
                throw fail("probability \(value) of class \(index) is not in 0...1")
            }
        case (.regression, .number(let value)):
            guard value.isFinite else { throw fail("value \(value) is not finite") }
        case (.events, .events(let events)):
            var previous = -Double.infinity
            for event in events {
                guard event.time.isFinite, event.time >= 0, event.time > previous else {
                    throw fail("event time \(event.time) is negative, not finite or not after \(previous)")
                }
                if let position = event.position, position < 1 {
                    throw fail("bar position \(position) at \(event.time) s is below 1")
                }
                previous = event.time
            }
        case (.segments, .segments(let segments)):
            var previous = -Double.infinity
            for segment in segments {
                guard segment.start.isFinite, segment.end.isFinite, segment.start >= 0, segment.end > segment.start,
                      segment.start >= previous else {
                    throw fail("span \(segment.start)–\(segment.end) s is empty, negative, not finite or out of order")
                }
                guard !segment.label.isEmpty, !segment.label.contains(where: \.isWhitespace) else {
                    throw fail("the label \"\(segment.label)\" at \(segment.start) s is empty or has whitespace")
                }
                previous = segment.start
            }
        default:
            throw fail("a \(task.kind) task does not take \(self.kindName) values")
        }
    }

    /// The value's form in words, for errors.
    var kindName: String {
        switch self {
        case .classIndex: return "class-index"
        case .classSet: return "class-set"
        case .number: return "numeric"
        case .probabilities: return "probability"
        case .events: return "event-list"
        case .segments: return "segment-list"
        }
    }

    /// The dense row the loss takes for `task`: a one-hot row, a multi-hot row, the
    /// probabilities, or the value. Time-aligned labels have no clip-level row (their targets
    /// are frames, cut to the crop a model sees), so they throw ``TaskError/targetKind(task:kind:value:)``. Unlike ``validate(for:trackId:)`` it does not check that
    /// probabilities lie in 0...1 (a teacher's sharpened soft labels are taken as given).
    /// - Throws: ``TaskError/labelOutOfRange(task:index:classes:)``,
    ///   ``TaskError/targetSize(task:expected:found:)``, ``TaskError/targetKind(task:kind:value:)``.
    public func dense(for task: TaskSpec) throws(TaskError) -> [Float] {
        let n = task.outputCount
        switch (self, task.kind) {
        case (.classSet(let indices), .multiLabel):
            var row = [Float](repeating: 0, count: n)
            for i in indices {
                guard (0..<n).contains(i) else { throw .labelOutOfRange(task: task.name, index: i, classes: n) }
                row[i] = 1
            }
            return row
        case (.classIndex(let i), .multiClass):
            guard (0..<n).contains(i) else { throw .labelOutOfRange(task: task.name, index: i, classes: n) }
            var row = [Float](repeating: 0, count: n)
            row[i] = 1
            return row
        case (.probabilities(let p), .multiLabel), (.probabilities(let p), .multiClass):
            guard p.count == n else { throw .targetSize(task: task.name, expected: n, found: p.count) }
            return p
        case (.number(let x), .regression):
            guard n == 1 else { throw .targetSize(task: task.name, expected: n, found: 1) }
            return [Float(x)]
        default:
            throw .targetKind(task: task.name, kind: task.kind, value: kindName)
        }
    }
}
