/// Where each of the 24 major/minor keys sits among a key task's classes, so that a head that
/// computes keys in pitch-class order (C major … B major, C minor … B minor) can hand its
/// logits over in the task's own order. Class names are read as "<tonic> <mode>", the tonic a
/// letter with any number of `#`/`b` (or ♯/♭), the mode `major` or `minor` (any case).
public struct KeyClassLayout: Sendable, Equatable {
    /// `taskClass[i]`: the task's class position of canonical key `i` (tonic + 12 × minor).
    public let taskClass: [Int]

    /// Throws `ModelError.invalidVariant` unless the classes are exactly the 24 keys.
    public init(classes: [String], task: String) throws {
        guard classes.count == 24 else {
            throw ModelError.invalidVariant("task \(task) has \(classes.count) classes; a key head needs the 24 major and minor keys")
        }
        var position = [Int](repeating: -1, count: 24)
        for (c, name) in classes.enumerated() {
            guard let key = Self.canonicalIndex(name) else {
                throw ModelError.invalidVariant("class \"\(name)\" of task \(task) is not a key such as \"Eb minor\"")
            }
            guard position[key] < 0 else {
                throw ModelError.invalidVariant("task \(task) names the key \"\(name)\" twice")
            }
            position[key] = c
        }
        taskClass = position
    }

    /// The canonical index (tonic pitch class + 12 for minor) of a key name, or nil.
    static func canonicalIndex(_ name: String) -> Int? {
        let words = name.split(whereSeparator: \.isWhitespace)
        guard words.count == 2, let letter = words[0].first,
              let natural = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11][letter.uppercased()] else { return nil }
        var tonic = natural
        for accidental in words[0].dropFirst() {
            switch accidental {
            case "#", "♯": tonic += 1
            case "b", "♭": tonic -= 1
            default: return nil
            }
        }
        let mode: Int
        switch words[1].lowercased() {
        case "major": mode = 0
        case "minor": mode = 1
        default: return nil
        }
        return ((tonic % 12) + 12) % 12 + 12 * mode
    }
}
