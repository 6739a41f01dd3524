import Foundation

/// Mean ± standard deviation over seeds of each trained stage, in the results table's columns:
/// the in-domain test split, then the out-of-domain one when the pipeline has it.
public struct SeedSummaryTable {
    public let summary: SeedSummary
    public var peers: [PeerResult] = []

    public init(summary: SeedSummary, peers: [PeerResult] = []) {
        self.summary = summary
        self.peers = peers
    }

    public var text: String {
        let available = Set(summary.stages.flatMap { $0.mean.keys })
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: Swift.max(n, s.count + 1), withPad: " ", startingAt: 0) }
        var lines: [String] = []
        for (title, prefix) in ResultsTable.blocks(available) {
            let names = ResultsTable.columns(available, prefix: prefix)
            lines.append(title)
            lines.append(pad("stage", 22) + pad("model", 11) + pad("seeds", 7) + names.map { pad($0.1, 18) }.joined())
            for stage in summary.stages {
                var line = pad(stage.name, 22) + pad(stage.preset?.rawValue ?? "?", 11) + pad("\(stage.seeds.count)", 7)
                for (key, _) in names {
                    let cell = stage.mean[key].map { m in
                        String(format: "%.3f ± %.3f", m, stage.standardDeviation[key] ?? 0)
                    } ?? "—"
                    line += pad(cell, 18)
                }
                lines.append(line)
            }
            for d in summary.differences ?? [] {
                var line = pad("\(d.stage) − \(d.baseline)", 33) + pad("\(d.seeds.count)", 7)
                for (key, _) in names {
                    line += pad(d.mean[key].map { String(format: "%+.3f ± %.3f", $0, d.standardDeviation[key] ?? 0) } ?? "—", 18)
                }
                lines.append(line)
                if let intervals = d.clipIntervals, names.contains(where: { intervals[$0.0] != nil }) {
                    var line = pad("  95 % interval over clips", 40)
                    for (key, _) in names {
                        line += pad(intervals[key].map { String(format: "%+.3f … %+.3f", $0.low, $0.high) } ?? "", 18)
                    }
                    lines.append(line)
                }
            }
            for peer in peers where names.contains(where: { peer.metrics[$0.0] != nil }) {
                var line = pad("peer: \(peer.name)", 40)
                for (key, _) in names { line += pad(peer.metrics[key].map { String(format: "%.3f", $0) } ?? "—", 18) }
                lines.append(line)
            }
        }
        if let best = summary.stages.first(where: { $0.name == SeedSummary.bestLabeledOnlyStage }), let chosen = best.chosen {
            lines.append("\(SeedSummary.bestLabeledOnlyStage) (chosen on validation): "
                + zip(best.seeds, chosen).map { "seed \($0) \($1)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
