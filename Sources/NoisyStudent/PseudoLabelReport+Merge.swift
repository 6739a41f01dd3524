import Foundation

extension PseudoLabelReport {
    /// The report of a pool labelled in shards (one report per rank): counts add up, the wall
    /// time is the slowest shard's (the shards run side by side), and each task's mean frame
    /// confidence is weighted by its frames.
    public static func merged(_ shards: [PseudoLabelReport]) -> PseudoLabelReport {
        var merged = PseudoLabelReport()
        var confidenceSums: [String: Double] = [:]
        for shard in shards {
            merged.tracksInPool += shard.tracksInPool
            merged.alreadyLabeled += shard.alreadyLabeled
            merged.labeled += shard.labeled
            merged.failed.merge(shard.failed) { first, _ in first }
            merged.audioSeconds += shard.audioSeconds
            merged.wallSeconds = Swift.max(merged.wallSeconds, shard.wallSeconds)
            for (task, counts) in shard.classCounts { merged.classCounts[task, default: [:]].merge(counts, uniquingKeysWith: +) }
            for (task, histogram) in shard.confidenceHistogram {
                let current = merged.confidenceHistogram[task] ?? [Int](repeating: 0, count: histogram.count)
                merged.confidenceHistogram[task] = zip(current, histogram).map(+)
            }
            for (task, frames) in shard.frames {
                merged.frames[task, default: 0] += frames
                confidenceSums[task, default: 0] += (shard.frameConfidence[task] ?? 0) * Double(frames)
            }
            merged.consistencyChecked += shard.consistencyChecked
            merged.consistencyKept += shard.consistencyKept
        }
        for (task, sum) in confidenceSums {
            merged.frameConfidence[task] = sum / Double(Swift.max(1, merged.frames[task] ?? 0))
        }
        return merged
    }
}
