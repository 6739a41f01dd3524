import Torch

/// Net2WiderNet's mapping g from the units of a wider layer to those of the narrower layer it
/// grows from: unit j of the wider layer is a copy of unit `source[j]` of the narrower one.
/// The first `oldCount` units keep their place (so an unchanged width is the identity); each
/// further unit copies an old one drawn without replacement from a fresh random permutation,
/// round after round, so that no unit has more than one replica more than another. Balanced
/// copies keep the next layer's divided weights (1/replicas) of one size instead of leaving a
/// few units at 1/4 beside others at 1/1.
struct ChannelMapping: Equatable {
    /// For each unit of the wider layer, the unit of the narrower one it copies.
    let source: [Int]
    /// How many units of the wider layer copy each unit of the narrower one (at least 1).
    let replicas: [Int]

    var oldCount: Int { replicas.count }
    var newCount: Int { source.count }

    init(source: [Int], oldCount: Int) {
        self.source = source
        var replicas = [Int](repeating: 0, count: oldCount)
        for unit in source { replicas[unit] += 1 }
        self.replicas = replicas
    }

    /// The mapping of a layer whose width does not change.
    static func identity(_ count: Int) -> ChannelMapping {
        ChannelMapping(source: Array(0..<count), oldCount: count)
    }

    /// A mapping from `oldCount` to `newCount` units; `layer` names the layer in errors.
    init(from oldCount: Int, to newCount: Int, layer: String, generator: Generator) throws {
        guard oldCount >= 1, newCount >= oldCount else {
            throw ModelGrowthError.narrower(layer: layer, from: oldCount, to: newCount)
        }
        var source = Array(0..<oldCount)
        while source.count < newCount {
            let round = try Tensor.randperm(oldCount, generator: generator).toArray(Int64.self).map { Int($0) }
            source += round.prefix(newCount - source.count)
        }
        self.init(source: source, oldCount: oldCount)
    }

    /// The gather index over the narrower layer's units (int64).
    func index(device: Device) throws -> Tensor {
        try Tensor(source.map { Int64($0) }, shape: [newCount], device: device)
    }

    /// Whether each wider unit is a copy added by growth (not the first unit copying its source).
    var isAddedCopy: [Bool] {
        var seen = Set<Int>()
        return source.map { !seen.insert($0).inserted }
    }

    /// Whether every unit has the same number of copies (what a layer norm over the units needs
    /// to keep its mean and variance).
    var isUniform: Bool { Set(replicas).count <= 1 }

    /// The mapping of `groups` consecutive groups of units (attention heads), each group grown
    /// by `within`: unit j of group g copies unit `within.source[j]` of group g.
    static func grouped(_ within: ChannelMapping, groups: Int) -> ChannelMapping {
        let source = (0..<groups).flatMap { g in within.source.map { g * within.oldCount + $0 } }
        return ChannelMapping(source: source, oldCount: groups * within.oldCount)
    }

    /// Mappings side by side (the packed query, key and value projections).
    static func concatenated(_ parts: [ChannelMapping]) -> ChannelMapping {
        var source: [Int] = [], offset = 0
        for part in parts {
            source += part.source.map { $0 + offset }
            offset += part.oldCount
        }
        return ChannelMapping(source: source, oldCount: offset)
    }

    /// The factor each wider unit's outgoing weights take so that its copies together carry what
    /// the original carried: 1 / (number of copies of its source unit).
    var outgoingScale: [Float] {
        source.map { 1 / Float(replicas[$0]) }
    }
}
