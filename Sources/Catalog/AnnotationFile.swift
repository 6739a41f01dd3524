import Foundation
import MusicTasks

/// Reads the annotation file of a time-aligned label: beats (``AnnotationText/beats(_:)``) for
/// `events` tasks, labelled intervals (``AnnotationText/labeledIntervals(_:)``) for `segments`;
/// a `.jams` file by ``AnnotationJAMS`` (its first beat or chord annotation).
enum AnnotationFile {
    /// Why a file gave no label: its first bad line (0 for the whole file) and what is wrong.
    struct Problem: Error, Equatable {
        var line: Int
        var message: String
    }

    static func read(_ path: String, kind: TaskKind) -> Result<LabelValue, Problem> {
        if path.lowercased().hasSuffix(".jams") { return readJAMS(path, kind: kind) }
        let contents: String
        do {
            contents = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: path)
            return .failure(Problem(line: 0, message: missing ? "the annotation file does not exist" : "unreadable as UTF-8 text"))
        }
        do throws(TaskError) {
            switch kind {
            case .events: return .success(.events(try AnnotationText.beats(contents)))
            case .segments: return .success(.segments(try AnnotationText.labeledIntervals(contents)))
            case .multiLabel, .multiClass, .regression:
                return .failure(Problem(line: 0, message: "a \(kind) task has no annotation files"))
            }
        } catch {
            if case let .invalidAnnotation(line, reason) = error { return .failure(Problem(line: line, message: reason)) }
            return .failure(Problem(line: 0, message: error.description))
        }
    }

    static func readJAMS(_ path: String, kind: TaskKind) -> Result<LabelValue, Problem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            let missing = !FileManager.default.fileExists(atPath: path)
            return .failure(Problem(line: 0, message: missing ? "the annotation file does not exist" : "unreadable"))
        }
        do throws(TaskError) {
            switch kind {
            case .events: return .success(.events(try AnnotationJAMS.beats(data)))
            case .segments: return .success(.segments(try AnnotationJAMS.chords(data)))
            case .multiLabel, .multiClass, .regression:
                return .failure(Problem(line: 0, message: "a \(kind) task has no annotation files"))
            }
        } catch {
            if case let .invalidAnnotation(line, reason) = error { return .failure(Problem(line: line, message: reason)) }
            return .failure(Problem(line: 0, message: error.description))
        }
    }
}
