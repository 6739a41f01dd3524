import MusicTasks

// MIREX weighted key score (mir_eval.key.weighted_score) and its aggregate over tracks.

/// How an estimated key relates to the reference key, in the categories of the MIREX
/// key-detection score.
///
/// The rules are exactly those of `mir_eval.key.weighted_score`, checked in this order:
/// 1. ``same``: same tonic and mode — 1.0.
/// 2. ``fifth``: same mode and the estimated tonic is a perfect fifth (7 semitones)
///    *above* the reference tonic — 0.5. This applies to minor keys as well
///    (reference D♭ minor, estimate A♭ minor scores 0.5). A fifth *below* is not a fifth
///    here (it scores 0).
/// 3. ``relative``: relative major/minor (same key signature) — 0.3: reference major and
///    estimate minor 9 semitones above (C major → A minor), or reference minor and
///    estimate major 3 semitones above (A minor → C major).
/// 4. ``parallel``: same tonic, different mode — 0.2.
/// 5. ``other`` — 0.0.
public enum KeyRelation: Sendable, Hashable, CaseIterable {
    case same
    case fifth
    case relative
    case parallel
    case other

    /// Classifies `estimate` relative to `reference`.
    public init(reference: MusicalKey, estimate: MusicalKey) {
        let interval = ((estimate.tonic - reference.tonic) % 12 + 12) % 12
        if interval == 0 && estimate.mode == reference.mode {
            self = .same
        } else if estimate.mode == reference.mode && interval == 7 {
            self = .fifth
        } else if reference.mode == .major && estimate.mode == .minor && interval == 9 {
            self = .relative
        } else if reference.mode == .minor && estimate.mode == .major && interval == 3 {
            self = .relative
        } else if estimate.mode != reference.mode && interval == 0 {
            self = .parallel
        } else {
            self = .other
        }
    }

    /// The MIREX weight of this relation: 1.0, 0.5, 0.3, 0.2 or 0.0.
    public var weight: Double {
        switch self {
        case .same: return 1.0
        case .fifth: return 0.5
        case .relative: return 0.3
        case .parallel: return 0.2
        case .other: return 0.0
        }
    }
}

extension MusicalKey {
    /// The MIREX weighted score of `estimate` against `reference`
    /// (`mir_eval.key.weighted_score`); see ``KeyRelation`` for the rules.
    public static func weightedScore(reference: MusicalKey, estimate: MusicalKey) -> Double {
        KeyRelation(reference: reference, estimate: estimate).weight
    }
}

/// Key-estimation results over a collection of tracks.
public struct KeyReport: Sendable, Equatable {
    /// Weighted score of each track, in input order.
    public var perTrackScores: [Double]
    /// Relation of each track's estimate to its reference, in input order.
    public var relations: [KeyRelation]
    /// Mean MIREX weighted score over tracks.
    public var meanWeightedScore: Double
    /// Fraction of tracks whose estimate is exactly the reference key.
    public var accuracy: Double
    /// Number of tracks in each relation category (every case present, possibly 0).
    public var relationCounts: [KeyRelation: Int]

    public init(
        perTrackScores: [Double], relations: [KeyRelation], meanWeightedScore: Double,
        accuracy: Double, relationCounts: [KeyRelation: Int]
    ) {
        self.perTrackScores = perTrackScores
        self.relations = relations
        self.meanWeightedScore = meanWeightedScore
        self.accuracy = accuracy
        self.relationCounts = relationCounts
    }

    /// Scores estimated keys against reference keys, track by track.
    /// - Throws: ``MetricsError/emptyInput(what:)`` or
    ///   ``MetricsError/lengthMismatch(what:expected:actual:)``.
    public static func evaluate(
        references: [MusicalKey], estimates: [MusicalKey]
    ) throws(MetricsError) -> KeyReport {
        guard !references.isEmpty else { throw .emptyInput(what: "references") }
        try MetricsValidation.requireCount(estimates.count, equals: references.count, what: "estimates vs references")
        let relations = zip(references, estimates).map { KeyRelation(reference: $0, estimate: $1) }
        let scores = relations.map(\.weight)
        var counts = Dictionary(uniqueKeysWithValues: KeyRelation.allCases.map { ($0, 0) })
        for relation in relations { counts[relation, default: 0] += 1 }
        let count = Double(relations.count)
        return KeyReport(
            perTrackScores: scores,
            relations: relations,
            meanWeightedScore: scores.reduce(0, +) / count,
            accuracy: Double(counts[.same, default: 0]) / count,
            relationCounts: counts)
    }

    /// Scores 24-class key indices (see ``MusicalKey/index``), e.g. a classifier's output.
    /// - Throws: ``MetricsError/labelOutOfRange(what:position:label:classCount:)`` for an
    ///   index outside `0..<24`, and as ``evaluate(references:estimates:)``.
    public static func evaluate(
        referenceIndices: [Int], estimateIndices: [Int]
    ) throws(MetricsError) -> KeyReport {
        guard !referenceIndices.isEmpty else { throw .emptyInput(what: "referenceIndices") }
        try MetricsValidation.requireCount(
            estimateIndices.count, equals: referenceIndices.count, what: "estimateIndices vs referenceIndices")
        var references: [MusicalKey] = []
        var estimates: [MusicalKey] = []
        for (position, (reference, estimate)) in zip(referenceIndices, estimateIndices).enumerated() {
            try MetricsValidation.requireLabel(
                reference, classCount: MusicalKey.classCount, what: "referenceIndices", position: position)
            try MetricsValidation.requireLabel(
                estimate, classCount: MusicalKey.classCount, what: "estimateIndices", position: position)
            references.append(MusicalKey.allKeys[reference])
            estimates.append(MusicalKey.allKeys[estimate])
        }
        return try evaluate(references: references, estimates: estimates)
    }
}
