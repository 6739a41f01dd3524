import Foundation

/// Another system's metrics on the pipeline's test splits (a DSP key finder, say), read from
/// `<runs_directory>/peers.json`: `[{"name": …, "metrics": {"key/weighted_score": …,
/// "ood/key/weighted_score": …}}]`, metric names as the pipeline's. Written by the demo from
/// tools/key_peers; absent for runs without peers.
public struct PeerResult: Decodable, Sendable {
    /// Why `peers.json` could not be read.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public var name: String
    public var metrics: [String: Double]

    public static func load(runsDirectory: String) throws -> [PeerResult] {
        let url = URL(fileURLWithPath: runsDirectory).appendingPathComponent("peers.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        do {
            return try JSONDecoder().decode([PeerResult].self, from: data)
        } catch {
            throw LoadError(description: "\(url.path): not a list of {name, metrics} peer results (\(error))")
        }
    }
}
