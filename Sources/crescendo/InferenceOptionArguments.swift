import ArgumentParser
import Foundation
import Models
import Training

// `evaluate` and `predict` take the aggregation by its configuration name (mean, max, log_mean).
extension ChunkAggregation: ExpressibleByArgument {}

extension FullTrackOptions {
    /// The whole-track options a run was evaluated with (`recorded`, the defaults where it recorded
    /// none), with the command line's hop and aggregation in their place where given.
    static func resolved(recorded: FullTrackOptions?, hop: Double?, aggregation: ChunkAggregation?) -> FullTrackOptions {
        var options = recorded ?? FullTrackOptions()
        if let hop { options.hopFraction = hop }
        if let aggregation { options.aggregation = aggregation }
        return options
    }

    /// What `path` recorded, if it is a run directory with a `run.json` (a bare checkpoint
    /// file records nothing). A `run.json` that does not parse is an error, not a silent default.
    static func recorded(at path: String) throws -> FullTrackOptions? {
        let run = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: RunManifest.url(in: run).path) else { return nil }
        return try RunManifest.load(from: run).inference
    }
}
