import MusicTasks

/// Where each of the 24 major/minor keys sits among a key task's classes, so that a head that
/// computes keys in pitch-class order (C major … B major, C minor … B minor) can hand its
/// logits over in the task's own order. Class names are read by `MusicalKey(name:)`.
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
            guard let key = MusicalKey(name: name)?.index else {
                throw ModelError.invalidVariant("class \"\(name)\" of task \(task) is not a key such as \"Eb minor\"")
            }
            guard position[key] < 0 else {
                throw ModelError.invalidVariant("task \(task) names the key \"\(name)\" twice")
            }
            position[key] = c
        }
        taskClass = position
    }
}
