import Foundation

/// Readers of time-aligned annotations in JAMS files (JSON Annotated Music Specification,
/// Humphrey et al., ISMIR 2014), the format of mirdata and of many data sets' releases. A file
/// holds annotations by namespace; the reader takes the first one of the namespaces it knows
/// (the first annotator, as `jams.JAMS.search(namespace=…)[0]` gives it). Observations are
/// read in both layouts JAMS has written: a list of `{time, duration, value, confidence}`
/// (0.3) and a table of `time`/`duration`/`value` arrays (0.2). Errors name the annotation and
/// the observation (a JSON file has no lines to count: the line reported is 0).
public enum AnnotationJAMS {
    /// Beats of the first `beat_position` annotation (its values' `position`, 1 for a downbeat)
    /// or else of the first `beat` annotation (a whole-number value from 1 is the bar position;
    /// `null` or another number none), sorted by time; times must be finite, non-negative and
    /// distinct.
    /// - Throws: ``TaskError/invalidAnnotation(line:reason:)``.
    public static func beats(_ data: Data) throws(TaskError) -> [TimedEvent] {
        let (index, namespace, observations) = try annotation(data, namespaces: ["beat_position", "beat"])
        var events: [TimedEvent] = []
        for (i, observation) in observations.enumerated() {
            func fail(_ reason: String) -> TaskError { failure(index, namespace, i, reason) }
            let time = try Self.time(observation.time, fail: fail)
            var position: Int?
            if namespace == "beat_position" {
                guard let fields = observation.value as? [String: Any], let value = (fields["position"] as? NSNumber)?.doubleValue else {
                    throw fail("a beat_position value needs a position")
                }
                position = try Self.position(value, fail: fail)
            } else if let value = (observation.value as? NSNumber)?.doubleValue, value >= 1, value == value.rounded() {
                position = try Self.position(value, fail: fail)
            }
            events.append(TimedEvent(time: time, position: position))
        }
        events.sort { $0.time < $1.time }
        for (a, b) in zip(events, events.dropFirst()) where b.time <= a.time {
            throw failure(index, namespace, nil, "two beats at \(a.time) s")
        }
        return events
    }

    /// Chord spans of the first `chord` or `chord_harte` annotation: `time` to `time + duration`
    /// with the value as the label (a Harte chord symbol, as mir_eval scores it), sorted by start.
    /// - Throws: ``TaskError/invalidAnnotation(line:reason:)``.
    public static func chords(_ data: Data) throws(TaskError) -> [TimedSegment] {
        let (index, namespace, observations) = try annotation(data, namespaces: ["chord", "chord_harte"])
        var segments: [TimedSegment] = []
        for (i, observation) in observations.enumerated() {
            func fail(_ reason: String) -> TaskError { failure(index, namespace, i, reason) }
            let start = try time(observation.time, fail: fail)
            guard let duration = (observation.duration as? NSNumber)?.doubleValue, duration.isFinite, duration > 0 else {
                throw fail("a chord needs a positive duration")
            }
            guard let label = observation.value as? String, !label.isEmpty, !label.contains(where: \.isWhitespace) else {
                throw fail("a chord's value must be a symbol without spaces, found \(String(describing: observation.value))")
            }
            segments.append(TimedSegment(start: start, end: start + duration, label: label))
        }
        segments.sort { $0.start < $1.start }
        return segments
    }

    // MARK: Reading

    struct Observation {
        var time: Any?
        var duration: Any?
        var value: Any?
    }

    /// The first annotation in one of `namespaces` (earlier namespaces first): its index among
    /// the file's annotations, its namespace and its observations.
    static func annotation(_ data: Data, namespaces: [String]) throws(TaskError)
        -> (index: Int, namespace: String, observations: [Observation]) {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw .invalidAnnotation(line: 0, reason: "not JSON: \(error.localizedDescription)")
        }
        guard let file = root as? [String: Any], let annotations = file["annotations"] as? [Any] else {
            throw .invalidAnnotation(line: 0, reason: "not a JAMS file: no annotations list")
        }
        for namespace in namespaces {
            for (index, item) in annotations.enumerated() {
                guard let annotation = item as? [String: Any], annotation["namespace"] as? String == namespace else { continue }
                if let list = annotation["data"] as? [Any] {
                    return (index, namespace, try list.enumerated().map { i, entry throws(TaskError) in
                        guard let fields = entry as? [String: Any] else { throw failure(index, namespace, i, "not an object") }
                        return Observation(time: fields["time"], duration: fields["duration"], value: fields["value"])
                    })
                }
                if let table = annotation["data"] as? [String: Any], let times = table["time"] as? [Any] {
                    let durations = table["duration"] as? [Any] ?? [], values = table["value"] as? [Any] ?? []
                    return (index, namespace, times.indices.map { i in
                        Observation(time: times[i], duration: durations.indices.contains(i) ? durations[i] : nil,
                                    value: values.indices.contains(i) ? values[i] : nil)
                    })
                }
                throw failure(index, namespace, nil, "no data")
            }
        }
        throw .invalidAnnotation(line: 0, reason: "no annotation in namespace \(namespaces.joined(separator: " or "))")
    }

    static func failure(_ index: Int, _ namespace: String, _ observation: Int?, _ reason: String) -> TaskError {
        .invalidAnnotation(line: 0, reason: "annotation \(index) (\(namespace))" + (observation.map { ", observation \($0)" } ?? "") + ": \(reason)")
    }

    static func time(_ value: Any?, fail: (String) -> TaskError) throws(TaskError) -> Double {
        guard let time = (value as? NSNumber)?.doubleValue, time.isFinite, time >= 0 else {
            throw fail("time \(String(describing: value)) is not a finite, non-negative number")
        }
        return time
    }

    static func position(_ value: Double, fail: (String) -> TaskError) throws(TaskError) -> Int {
        guard value.isFinite, value >= 1, value == value.rounded(), value <= Double(Int16.max) else {
            throw fail("bar position \(value) is not a whole number from 1")
        }
        return Int(value)
    }
}
