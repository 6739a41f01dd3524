/// Where a label comes from.
///
/// A track has at most one label per task and source: one human label, and one pseudo-label
/// per run that produced pseudo-labels.
public enum LabelSource: Sendable, Hashable, CustomStringConvertible {
    /// An annotation that came with the data set or from a person.
    case human
    /// A prediction of a model, written by the run `runId` (usually a run of kind
    /// ``RunKind/pseudoLabel``).
    case pseudo(runId: Int64)

    /// The `source` column's text.
    var sourceName: String {
        switch self {
        case .human: return "human"
        case .pseudo: return "pseudo"
        }
    }

    /// The `runId` column's value (`nil` for human labels).
    var runId: Int64? {
        switch self {
        case .human: return nil
        case .pseudo(let runId): return runId
        }
    }

    /// `coalesce(runId, 0)`, the key the label table's unique index uses.
    var runKey: Int64 { runId ?? 0 }

    public var description: String {
        switch self {
        case .human: return "human"
        case .pseudo(let runId): return "pseudo (run \(runId))"
        }
    }
}

/// Which labels a query reads.
public enum LabelSelection: Sendable, Hashable, CustomStringConvertible {
    /// Human labels only.
    case human
    /// The pseudo-labels of one run only.
    case pseudo(runId: Int64)
    /// The human label where there is one, otherwise the pseudo-label of `runId`: the
    /// training set of a noisy student.
    case humanOrPseudo(runId: Int64)

    /// The sources read, in order of preference.
    var sources: [LabelSource] {
        switch self {
        case .human: return [.human]
        case .pseudo(let runId): return [.pseudo(runId: runId)]
        case .humanOrPseudo(let runId): return [.human, .pseudo(runId: runId)]
        }
    }

    public var description: String {
        switch self {
        case .human: return "human labels"
        case .pseudo(let runId): return "pseudo-labels of run \(runId)"
        case .humanOrPseudo(let runId): return "human labels, else pseudo-labels of run \(runId)"
        }
    }
}
