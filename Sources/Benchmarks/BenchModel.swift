import Models
import MusicTasks
import Torch

/// What `bench models` measures: a preset with a tagging head (bench_reference.py's models), or
/// a key network of one width (tools/key_reference.py's) with the 24-key task.
public enum BenchModel: Equatable, Sendable {
    case preset(ModelPreset)
    /// `keynet-xs` … `keynet-xl`: the KeyNetwork the preset of that size gets for a key task.
    case keyNetwork(name: String, width: Int)

    public init(parsing name: String) throws {
        let lower = name.lowercased()
        if lower.hasPrefix("keynet-") {
            guard let preset = ModelPreset(rawValue: "resnet-" + lower.dropFirst("keynet-".count)) else {
                throw TorchError.invalidArgument("unknown key network \"\(name)\"; choose one of keynet-xs, keynet-s, keynet-m, keynet-l, keynet-xl")
            }
            self = .keyNetwork(name: lower, width: preset.keyNetworkWidth)
        } else {
            self = .preset(try ModelPreset(parsing: name))
        }
    }

    public var rawValue: String {
        switch self {
        case .preset(let p): return p.rawValue
        case .keyNetwork(let name, _): return name
        }
    }

    public var clipSamples: Int {
        switch self {
        case .preset(let p): return p.clipSamples
        case .keyNetwork: return KeyNetwork.defaultClipSamples
        }
    }

    /// The task the benchmark trains: 50-ish tags (multi-label) or the 24 keys (multi-class).
    public func task(classes: Int) throws -> TaskSpec {
        switch self {
        case .preset:
            return TaskSpec(name: "tags", kind: .multiLabel, classes: (0..<classes).map { "tag\($0)" })
        case .keyNetwork:
            let tonics = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
            return TaskSpec(name: "key", kind: .multiClass, classes: tonics.map { "\($0) major" } + tonics.map { "\($0) minor" })
        }
    }

    /// A fresh model (the caller seeds the generator).
    public func build(task: TaskSpec) throws -> any AudioModel {
        switch self {
        case .preset(let p): return try p.build(tasks: [task])
        case .keyNetwork(_, let width): return try KeyNetwork(width: width, task: task)
        }
    }
}
