import Foundation

/// Teacher versus each student on the test split, and on the out-of-domain test split when the
/// pipeline has one (its metrics carry the `ood/` prefix).
public struct ResultsTable {
    public let state: PipelineState
    /// Other systems' results on the same splits (`PeerResult.load`), printed as extra rows.
    public var peers: [PeerResult] = []

    public init(state: PipelineState, peers: [PeerResult] = []) {
        self.state = state
        self.peers = peers
    }

    static let headline: [(String, String)] = [
        ("key/weighted_score", "key weighted"), ("key/accuracy", "key acc"),
        ("instruments/roc_auc_macro", "inst ROC-AUC"), ("instruments/pr_auc_macro", "inst PR-AUC"),
    ]

    /// The blocks to print: in-domain always, out-of-domain when any metric has its prefix.
    static func blocks(_ available: Set<String>) -> [(title: String, prefix: String)] {
        let ood = NoisyStudentPipeline.outOfDomainPrefix
        var blocks = [("test split (in-domain)", "")]
        if available.contains(where: { $0.hasPrefix(ood) }) { blocks.append(("out-of-domain test split", ood)) }
        return blocks
    }

    /// A block's metric columns (full keys and titles): the demo's four when present, otherwise
    /// every metric of the block.
    static func columns(_ available: Set<String>, prefix: String) -> [(String, String)] {
        let ood = NoisyStudentPipeline.outOfDomainPrefix
        let preferred = headline.map { (prefix + $0.0, $0.1) }.filter { available.contains($0.0) }
        guard preferred.isEmpty else { return preferred }
        let own = available.filter { prefix.isEmpty ? !$0.hasPrefix(ood) : $0.hasPrefix(prefix) }
        return own.sorted().map { ($0, String($0.dropFirst(prefix.count))) }
    }

    var trained: [StageRecord] { state.stages.filter { $0.kind != .pseudoLabel && $0.status == .done } }

    public var text: String {
        let available = Set(trained.flatMap { $0.testMetrics.keys })
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: Swift.max(n, s.count + 1), withPad: " ", startingAt: 0) }
        var lines: [String] = []
        for (title, prefix) in Self.blocks(available) {
            let names = Self.columns(available, prefix: prefix)
            lines.append(title)
            lines.append(pad("stage", 22) + pad("model", 11) + pad("params", 12) + names.map { pad($0.1, 14) }.joined() + "clips")
            for stage in trained {
                var line = pad(stage.name, 22) + pad(stage.preset?.rawValue ?? "?", 11)
                line += pad(stage.parameters.map { String(format: "%.2fM", Double($0) / 1e6) } ?? "?", 12)
                for (key, _) in names { line += pad(stage.testMetrics[key].map { String(format: "%.4f", $0) } ?? "—", 14) }
                lines.append(line + Self.clips(stage.evaluatedClips?[prefix.isEmpty ? "test" : "out_of_domain"]))
            }
            for peer in peers where names.contains(where: { peer.metrics[$0.0] != nil }) {
                var line = pad("peer: \(peer.name)", 45)
                for (key, _) in names { line += pad(peer.metrics[key].map { String(format: "%.4f", $0) } ?? "—", 14) }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// On how many clips a block's metrics were computed, and how many could not be read.
    static func clips(_ count: ClipCount?) -> String {
        guard let count else { return "?" }
        return count.failed == 0 ? "\(count.clips)" : "\(count.clips) (\(count.failed) failed)"
    }

    public func json() throws -> Data {
        let rows: [[String: Any]] = trained.map { stage in
            var row: [String: Any] = ["stage": stage.name, "model": stage.preset?.rawValue ?? "", "run_id": stage.runId]
            if let p = stage.parameters { row["parameters"] = p }
            if let counts = stage.evaluatedClips {
                row["evaluated_clips"] = counts.mapValues { ["n_clips": $0.clips, "n_failed": $0.failed] }
            }
            row["test"] = stage.testMetrics
            row["valid"] = stage.validMetrics
            return row
        }
        let peerRows: [[String: Any]] = peers.map { ["name": $0.name, "test": $0.metrics] }
        return try JSONSerialization.data(withJSONObject: ["stages": rows, "peers": peerRows], options: [.prettyPrinted, .sortedKeys])
    }
}
