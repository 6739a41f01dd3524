// Multi-label tagging metrics: per-tag, macro and micro ROC-AUC and PR-AUC.

/// ROC-AUC and PR-AUC of one tag.
public struct TagScore: Sendable, Equatable {
    /// Area under the ROC curve (`roc_auc_score`).
    public var rocAUC: Double
    /// Average precision (`average_precision_score`), the step-wise PR-AUC.
    public var prAUC: Double
    /// Number of evaluated tracks on which the tag is present.
    public var positives: Int
    /// Number of evaluated tracks on which the tag is absent.
    public var negatives: Int

    public init(rocAUC: Double, prAUC: Double, positives: Int, negatives: Int) {
        self.rocAUC = rocAUC
        self.prAUC = prAUC
        self.positives = positives
        self.negatives = negatives
    }
}

/// A tag left out of the macro averages because its ground truth has only one class.
public struct SkippedTag: Sendable, Equatable {
    /// Why a tag was skipped.
    public enum Reason: Sendable, Equatable {
        /// No evaluated track carries the tag.
        case noPositives
        /// Every evaluated track carries the tag.
        case noNegatives
    }

    /// Column index of the tag in the score / target matrices.
    public var index: Int
    /// The tag's name, when names were supplied.
    public var name: String?
    public var reason: Reason
    /// Number of evaluated tracks (after masking); all of one class.
    public var trackCount: Int

    public init(index: Int, name: String?, reason: Reason, trackCount: Int) {
        self.index = index
        self.name = name
        self.reason = reason
        self.trackCount = trackCount
    }
}

/// Evaluation of a multi-label tagger (tracks × tags scores against binary targets).
///
/// - Per tag: ROC-AUC and PR-AUC (see ``BinaryRankingMetrics``), or `nil` when the tag's
///   ground truth over the evaluated tracks has a single class; such tags are listed in
///   ``skippedTags``.
/// - Macro: unweighted mean over the tags that were not skipped. (sklearn's
///   `average='macro'` would instead raise for ROC-AUC and count such tags as 0 for AP.)
/// - Micro: the metric on all evaluated (track, tag) cells flattened into one binary
///   problem, as sklearn's `average='micro'`. Skipped tags still contribute their cells.
public struct MultiLabelReport: Sendable, Equatable {
    /// One entry per tag; `nil` for skipped tags.
    public var perTag: [TagScore?]
    /// Mean ROC-AUC over non-skipped tags; `nil` if every tag was skipped.
    public var macroROCAUC: Double?
    /// Mean PR-AUC over non-skipped tags; `nil` if every tag was skipped.
    public var macroPRAUC: Double?
    /// ROC-AUC of the flattened problem; `nil` if all evaluated cells share one class.
    public var microROCAUC: Double?
    /// PR-AUC of the flattened problem; `nil` if all evaluated cells share one class.
    public var microPRAUC: Double?
    /// Tags excluded from the macro averages, in increasing index order.
    public var skippedTags: [SkippedTag]
    /// Number of tracks that passed the mask.
    public var evaluatedTrackCount: Int

    public init(
        perTag: [TagScore?], macroROCAUC: Double?, macroPRAUC: Double?,
        microROCAUC: Double?, microPRAUC: Double?, skippedTags: [SkippedTag],
        evaluatedTrackCount: Int
    ) {
        self.perTag = perTag
        self.macroROCAUC = macroROCAUC
        self.macroPRAUC = macroPRAUC
        self.microROCAUC = microROCAUC
        self.microPRAUC = microPRAUC
        self.skippedTags = skippedTags
        self.evaluatedTrackCount = evaluatedTrackCount
    }

    /// Evaluates multi-label scores against boolean targets.
    ///
    /// - Parameters:
    ///   - scores: `scores[track][tag]`, any finite values (probabilities or logits).
    ///   - targets: `targets[track][tag]`, same shape as `scores`.
    ///   - trackMask: Optional, one flag per track; tracks with `false` (no labels for this
    ///     task) are excluded entirely. Their scores and targets are not inspected beyond
    ///     the shape check, so they may hold NaN placeholders.
    ///   - tagNames: Optional names, one per tag, copied into ``SkippedTag/name``.
    /// - Throws: ``MetricsError`` for empty or ragged inputs, mismatched shapes or mask /
    ///   name lengths, non-finite scores on evaluated tracks, or a mask that excludes
    ///   every track.
    public static func evaluate<Score: BinaryFloatingPoint>(
        scores: [[Score]], targets: [[Bool]], trackMask: [Bool]? = nil, tagNames: [String]? = nil
    ) throws(MetricsError) -> MultiLabelReport {
        let tagCount = try MetricsValidation.width(of: scores, what: "scores")
        try MetricsValidation.requireCount(targets.count, equals: scores.count, what: "targets rows vs scores rows")
        for (row, values) in targets.enumerated() where values.count != tagCount {
            throw .raggedRows(what: "targets", row: row, expected: tagCount, actual: values.count)
        }
        if let trackMask {
            try MetricsValidation.requireCount(trackMask.count, equals: scores.count, what: "trackMask vs scores rows")
        }
        if let tagNames {
            try MetricsValidation.requireCount(tagNames.count, equals: tagCount, what: "tagNames vs tags")
        }

        var columns = [[(score: Double, positive: Bool)]](repeating: [], count: tagCount)
        var flattened: [(score: Double, positive: Bool)] = []
        var evaluatedTracks = 0
        for (track, row) in scores.enumerated() {
            if let trackMask, !trackMask[track] { continue }
            evaluatedTracks += 1
            for (tag, score) in row.enumerated() {
                let value = try MetricsValidation.finite(score, what: "scores", row: track, column: tag)
                let pair = (score: value, positive: targets[track][tag])
                columns[tag].append(pair)
                flattened.append(pair)
            }
        }
        guard evaluatedTracks > 0 else { throw .emptyInput(what: "scores after applying trackMask") }

        var perTag: [TagScore?] = []
        var skipped: [SkippedTag] = []
        var rocSum = 0.0
        var prSum = 0.0
        var validTags = 0
        for (tag, pairs) in columns.enumerated() {
            let summary = RankingSummary(validatedPairs: pairs)
            if let roc = summary.rocAUC, let ap = summary.averagePrecision {
                perTag.append(TagScore(
                    rocAUC: roc, prAUC: ap, positives: summary.positives, negatives: summary.negatives))
                rocSum += roc
                prSum += ap
                validTags += 1
            } else {
                perTag.append(nil)
                skipped.append(SkippedTag(
                    index: tag, name: tagNames?[tag],
                    reason: summary.positives == 0 ? .noPositives : .noNegatives,
                    trackCount: pairs.count))
            }
        }

        let micro = RankingSummary(validatedPairs: flattened)
        let microDefined = micro.rocAUC != nil
        return MultiLabelReport(
            perTag: perTag,
            macroROCAUC: validTags > 0 ? rocSum / Double(validTags) : nil,
            macroPRAUC: validTags > 0 ? prSum / Double(validTags) : nil,
            microROCAUC: micro.rocAUC,
            microPRAUC: microDefined ? micro.averagePrecision : nil,
            skippedTags: skipped,
            evaluatedTrackCount: evaluatedTracks)
    }

    /// Evaluates multi-label scores against 0/1 integer targets.
    ///
    /// Identical to ``evaluate(scores:targets:trackMask:tagNames:)`` with `1 → true`,
    /// `0 → false`.
    /// - Throws: ``MetricsError/invalidBinaryTarget(row:column:value:)`` for any other value
    ///   on an evaluated track, plus everything the boolean overload throws.
    public static func evaluate<Score: BinaryFloatingPoint>(
        scores: [[Score]], targets: [[Int]], trackMask: [Bool]? = nil, tagNames: [String]? = nil
    ) throws(MetricsError) -> MultiLabelReport {
        var booleans: [[Bool]] = []
        booleans.reserveCapacity(targets.count)
        for (row, values) in targets.enumerated() {
            let evaluated = trackMask.map { row < $0.count ? $0[row] : true } ?? true
            var converted: [Bool] = []
            converted.reserveCapacity(values.count)
            for (column, value) in values.enumerated() {
                switch value {
                case 0: converted.append(false)
                case 1: converted.append(true)
                default:
                    if evaluated { throw .invalidBinaryTarget(row: row, column: column, value: value) }
                    converted.append(false)
                }
            }
            booleans.append(converted)
        }
        return try evaluate(scores: scores, targets: booleans, trackMask: trackMask, tagNames: tagNames)
    }
}
