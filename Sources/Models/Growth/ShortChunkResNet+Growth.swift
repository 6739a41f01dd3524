import NN
import Torch

extension ShortChunkResNet {
    /// Writes this network's function into the wider `target`: every residual block, the
    /// embedding and the heads widened by Net2WiderNet, the task branches each on their own.
    /// The presets all have seven blocks, so there is nothing to deepen.
    func grow(into target: ShortChunkResNet, widening: LayerWidening) throws {
        guard target.variant == variant else {
            throw ModelGrowthError.differentArchitecture("the variants differ (\(variant) and \(target.variant))")
        }
        guard target.tasks == tasks else {
            throw ModelGrowthError.differentArchitecture("the tasks differ (\(tasks.map(\.name)) and \(target.tasks.map(\.name)))")
        }
        guard target.frontend.config == frontend.config else {
            throw ModelGrowthError.differentArchitecture("the log-mel front ends differ")
        }
        try widening.copy(specBN, into: target.specBN, outputs: .identity(1), layer: "spec_bn")
        let input = ChannelMapping.identity(variant.frequencyCoordinates ? 2 : 1)
        let trunk = try Self.grow(layers, into: target.layers, inputs: input, widening: widening, prefix: "layers")
        if let tail, let heads, let targetTail = target.tail, let targetHeads = target.heads {
            let embedding = try tail.grow(into: targetTail, inputs: trunk, widening: widening, prefix: "")
            for (task, (linear, targetLinear)) in zip(tasks, zip(heads.linears, targetHeads.linears)) {
                try widening.copy(linear, into: targetLinear, outputs: .identity(task.outputCount), inputs: embedding,
                                  layer: "heads.\(task.name)")
            }
        } else if let branches, let targetBranches = target.branches {
            for (task, (branch, targetBranch)) in zip(tasks, zip(branches.branches, targetBranches.branches)) {
                let prefix = "branches.\(task.name)"
                let blocks = try Self.grow(branch.layers, into: targetBranch.layers, inputs: trunk, widening: widening,
                                           prefix: "\(prefix).layers")
                let embedding = try branch.tail.grow(into: targetBranch.tail, inputs: blocks, widening: widening,
                                                     prefix: "\(prefix).")
                try widening.copy(branch.head, into: targetBranch.head, outputs: .identity(task.outputCount),
                                  inputs: embedding, layer: "\(prefix).head")
            }
        } else {
            throw ModelGrowthError.differentArchitecture("one network has task branches and the other shared heads")
        }
    }

    /// Grows a stack of residual blocks; returns the mapping of the last block's output units.
    static func grow(_ layers: Sequential, into target: Sequential, inputs: ChannelMapping, widening: LayerWidening,
                     prefix: String) throws -> ChannelMapping {
        let blocks = layers.layers.compactMap { $0 as? Res2d }, targetBlocks = target.layers.compactMap { $0 as? Res2d }
        guard blocks.count == layers.layers.count, targetBlocks.count == blocks.count else {
            throw ModelGrowthError.differentArchitecture("\(prefix) has \(targetBlocks.count) residual blocks in the target, \(blocks.count) in the source")
        }
        var mapping = inputs
        for (i, (block, targetBlock)) in zip(blocks, targetBlocks).enumerated() {
            mapping = try block.grow(into: targetBlock, inputs: mapping, widening: widening, name: "\(prefix).\(i)")
        }
        return mapping
    }
}

extension Res2d {
    /// Widens the block: conv_1/bn_1 by an inner mapping that conv_2 reads, conv_2/bn_2 and the
    /// shortcut conv_3/bn_3 by one output mapping (their sum must replicate as one).
    func grow(into target: Res2d, inputs: ChannelMapping, widening: LayerWidening, name: String) throws -> ChannelMapping {
        guard !batchNormsFolded, !target.batchNormsFolded else {
            throw ModelGrowthError.unsupported("\(name) has its batch norms folded (a model prepared for inference)")
        }
        let inner = try ChannelMapping(from: conv1.weight.size(0), to: target.conv1.weight.size(0),
                                       layer: "\(name).conv_1", generator: widening.generator)
        let outputs = try ChannelMapping(from: conv2.weight.size(0), to: target.conv2.weight.size(0),
                                         layer: "\(name).conv_2", generator: widening.generator)
        try widening.copy(conv1, into: target.conv1, outputs: inner, inputs: inputs, layer: "\(name).conv_1")
        try widening.copy(bn1, into: target.bn1, outputs: inner, layer: "\(name).bn_1")
        try widening.copy(conv2, into: target.conv2, outputs: outputs, inputs: inner, layer: "\(name).conv_2")
        try widening.copy(bn2, into: target.bn2, outputs: outputs, layer: "\(name).bn_2")
        try widening.copy(conv3, into: target.conv3, outputs: outputs, inputs: inputs, layer: "\(name).conv_3")
        try widening.copy(bn3, into: target.bn3, outputs: outputs, layer: "\(name).bn_3")
        return outputs
    }
}

extension EmbeddingTail {
    /// Widens dense1 (reading the pooled block outputs) and its batch norm; returns the mapping
    /// of the embedding's units, which the heads read.
    func grow(into target: EmbeddingTail, inputs: ChannelMapping, widening: LayerWidening, prefix: String) throws -> ChannelMapping {
        let outputs = try ChannelMapping(from: dense1.weight.size(0), to: target.dense1.weight.size(0),
                                         layer: "\(prefix)dense1", generator: widening.generator)
        try widening.copy(dense1, into: target.dense1, outputs: outputs, inputs: inputs, layer: "\(prefix)dense1")
        try widening.copy(bn, into: target.bn, outputs: outputs, layer: "\(prefix)bn")
        return outputs
    }
}
