// A set of the twelve pitch classes (or of intervals above a root, modulo the octave).

/// A subset of `0..<12`: pitch classes (C = 0) or semitone intervals above a chord root.
///
/// Stored as a 12-bit mask, so sets compare, hash and intersect in one operation; this is
/// mir_eval's "semitone bitmap" of a chord.
public struct PitchClassSet: Hashable, Sendable, CustomStringConvertible {
    /// Bit `k` set means `k` is in the set; bits 12…15 are always zero.
    public private(set) var mask: UInt16

    /// The empty set.
    public init() { mask = 0 }

    /// The set of `members`, each taken modulo 12 (negative values wrap upwards: −1 is 11).
    public init<S: Sequence>(_ members: S) where S.Element == Int {
        mask = 0
        for member in members { insert(member) }
    }

    /// Adds `member` modulo 12.
    public mutating func insert(_ member: Int) {
        mask |= 1 << UInt16(Self.wrapped(member))
    }

    /// Whether `member` (modulo 12) is in the set.
    public func contains(_ member: Int) -> Bool {
        mask & (1 << UInt16(Self.wrapped(member))) != 0
    }

    /// Number of members.
    public var count: Int { mask.nonzeroBitCount }

    public var isEmpty: Bool { mask == 0 }

    /// Members in ascending order.
    public var members: [Int] { (0..<12).filter(contains) }

    /// Every member moved up by `semitones` (modulo 12): intervals above a root → pitch classes.
    public func transposed(by semitones: Int) -> PitchClassSet {
        PitchClassSet(members.map { $0 + semitones })
    }

    /// Members common to both sets.
    public func intersection(_ other: PitchClassSet) -> PitchClassSet {
        var result = PitchClassSet()
        result.mask = mask & other.mask
        return result
    }

    /// Members below `bound` (`0...12`): e.g. `below(8)` keeps root, third and fifth, the
    /// part of a chord that mir_eval's triad-level comparisons look at.
    public func below(_ bound: Int) -> PitchClassSet {
        var result = PitchClassSet()
        result.mask = mask & UInt16((1 << max(0, min(12, bound))) - 1)
        return result
    }

    public var description: String { "{" + members.map(String.init).joined(separator: ", ") + "}" }

    /// `value` modulo 12 in `0..<12`.
    static func wrapped(_ value: Int) -> Int { ((value % 12) + 12) % 12 }
}
