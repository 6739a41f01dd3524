import Foundation
import NN
import Torch

extension MusicTaggingTransformer {
    /// Writes this transformer's function into the wider and possibly deeper `target`
    /// (bert2BERT's function-preserving initialisation, Chen et al. 2022, made exact): the
    /// convolutional front end by Net2WiderNet; the residual stream, the attention heads (same
    /// count, each wider) and the feed-forward layers by copies; new layers at the top start as
    /// identities (their attention output and second feed-forward projection zero, so the
    /// pre-norm residual branches add nothing). Exact only when d_model grows by a whole
    /// multiple: a layer norm over copied features keeps its mean and variance only when every
    /// feature has the same number of copies (mtt-xs → mtt-s: 64 → 256; not mtt-s → mtt-m:
    /// 256 → 384, which is refused).
    func grow(into target: MusicTaggingTransformer, widening: LayerWidening) throws {
        guard target.tasks == tasks else {
            throw ModelGrowthError.differentArchitecture("the tasks differ (\(tasks.map(\.name)) and \(target.tasks.map(\.name)))")
        }
        guard target.frontend.config == frontend.config else {
            throw ModelGrowthError.differentArchitecture("the log-mel front ends differ")
        }
        let (layers, targetLayers) = (encoder.layers, target.encoder.layers)
        guard targetLayers.count >= layers.count else {
            throw ModelGrowthError.unsupported("the transformer cannot lose layers (\(layers.count) → \(targetLayers.count))")
        }
        let headCount = layers.first?.selfAttn.heads ?? 0, targetHeadCount = targetLayers.first?.selfAttn.heads ?? 0
        guard headCount == targetHeadCount else {
            throw ModelGrowthError.unsupported("the attention heads change (\(headCount) → \(targetHeadCount)); growth keeps the head count and widens each head")
        }
        guard try positions.size(1) == target.positions.size(1) else {
            throw ModelGrowthError.differentArchitecture("the models have positions for different numbers of tokens")
        }
        try widening.copy(specBN, into: target.specBN, outputs: .identity(1), layer: "spec_bn")
        let blocks = frontendConvs.layers.compactMap { $0 as? ResPool2d }
        let targetBlocks = target.frontendConvs.layers.compactMap { $0 as? ResPool2d }
        guard blocks.count == frontendConvs.layers.count, targetBlocks.count == blocks.count else {
            throw ModelGrowthError.differentArchitecture("the convolutional front ends have different blocks")
        }
        var channels = ChannelMapping.identity(1)
        for (i, (block, targetBlock)) in zip(blocks, targetBlocks).enumerated() {
            channels = try block.grow(into: targetBlock, inputs: channels, widening: widening, name: "frontend_convs.\(i)")
        }
        let residual = try ChannelMapping(from: dModel, to: target.dModel, layer: "proj", generator: widening.generator)
        guard residual.isUniform else {
            throw ModelGrowthError.unsupported("d_model \(dModel) → \(target.dModel) is not a whole multiple; the layer norms would change (every feature needs the same number of copies)")
        }
        try widening.copy(proj, into: target.proj, outputs: residual, inputs: channels, layer: "proj")
        try widening.assign(widening.widen(clsToken, outputs: residual, dim: 2), to: target.clsToken, layer: "cls_token")
        try widening.assign(widening.widen(positions, outputs: residual, dim: 2), to: target.positions, layer: "positions")
        for (i, (layer, targetLayer)) in zip(layers, targetLayers).enumerated() {
            try Self.grow(layer, into: targetLayer, residual: residual, heads: headCount, widening: widening,
                          name: "encoder.layers.\(i)")
        }
        for layer in targetLayers.dropFirst(layers.count) { try Self.makeIdentity(layer) }
        try widening.copy(norm, into: target.norm, outputs: residual, layer: "norm")
        for (task, (linear, targetLinear)) in zip(tasks, zip(self.heads.linears, target.heads.linears)) {
            try widening.copy(linear, into: targetLinear, outputs: .identity(task.outputCount), inputs: residual,
                              layer: "head.\(task.name)")
        }
    }

    /// One pre-norm encoder layer. Each head's query, key and value units are copied within the
    /// head by one uniform mapping, so every dot product is k times the source's (k copies of
    /// each term) while the softmax scale 1/√(head width) shrinks by √k: the queries are divided
    /// by √k to keep the attention weights. The context is copied as the values are; the output
    /// projection reads it divided over copies.
    static func grow(_ layer: TransformerEncoderLayer, into target: TransformerEncoderLayer, residual: ChannelMapping,
                     heads: Int, widening: LayerWidening, name: String) throws {
        let (attention, targetAttention) = (layer.selfAttn, target.selfAttn)
        let within = try ChannelMapping(from: attention.embedDim / heads, to: targetAttention.embedDim / heads,
                                        layer: "\(name).self_attn (per head)", generator: widening.generator)
        guard within.isUniform else {
            throw ModelGrowthError.unsupported("\(name): the head width grows by no whole multiple")
        }
        let perHead = ChannelMapping.grouped(within, groups: heads)
        let packed = ChannelMapping.concatenated([perHead, perHead, perHead])
        let copies = Double(within.replicas[0])
        let rowScale = try Tensor((0..<packed.newCount).map { Float($0 < perHead.newCount ? 1 / sqrt(copies) : 1) },
                                  shape: [packed.newCount], device: attention.inProjBias.device).to(attention.inProjBias.dtype)
        try widening.copy(layer.norm1, into: target.norm1, outputs: residual, layer: "\(name).norm1")
        let weight = try widening.widen(attention.inProjWeight, outputs: packed, inputs: residual)
        try widening.assign(weight * rowScale.reshape([packed.newCount, 1]), to: targetAttention.inProjWeight,
                            layer: "\(name).self_attn.in_proj_weight")
        try widening.assign(widening.widen(attention.inProjBias, outputs: packed) * rowScale, to: targetAttention.inProjBias,
                            layer: "\(name).self_attn.in_proj_bias")
        try widening.copy(attention.outProj, into: targetAttention.outProj, outputs: residual, inputs: perHead,
                          layer: "\(name).self_attn.out_proj")
        try widening.copy(layer.norm2, into: target.norm2, outputs: residual, layer: "\(name).norm2")
        let hidden = try ChannelMapping(from: layer.linear1.weight.size(0), to: target.linear1.weight.size(0),
                                        layer: "\(name).linear1", generator: widening.generator)
        try widening.copy(layer.linear1, into: target.linear1, outputs: hidden, inputs: residual, layer: "\(name).linear1")
        try widening.copy(layer.linear2, into: target.linear2, outputs: residual, inputs: hidden, layer: "\(name).linear2")
    }

    /// A pre-norm layer whose residual branches add zero: x + 0 + 0. Its other weights keep
    /// their fresh initialisation, so the zeroed projections get gradients from the start.
    static func makeIdentity(_ layer: TransformerEncoderLayer) throws {
        try withNoGrad {
            for tensor in [layer.selfAttn.outProj.weight, layer.selfAttn.outProj.bias, layer.linear2.weight, layer.linear2.bias] {
                try tensor.zero()
            }
        }
    }
}

extension ResPool2d {
    /// Widens the block: conv_1/bn_1 by an inner mapping, conv_2/bn_2 by the output mapping,
    /// which is the input's when the shortcut is the identity (the sum must replicate as one).
    func grow(into target: ResPool2d, inputs: ChannelMapping, widening: LayerWidening, name: String) throws -> ChannelMapping {
        guard !batchNormsFolded, !target.batchNormsFolded else {
            throw ModelGrowthError.unsupported("\(name) has its batch norms folded (a model prepared for inference)")
        }
        let inner = try ChannelMapping(from: conv1.weight.size(0), to: target.conv1.weight.size(0),
                                       layer: "\(name).conv_1", generator: widening.generator)
        let outputs: ChannelMapping
        switch (shortcut, target.shortcut) {
        case let (pair as Sequential, targetPair as Sequential):
            guard let conv = pair.layers.first as? Conv2d, let norm = pair.layers.last as? BatchNorm,
                  let targetConv = targetPair.layers.first as? Conv2d, let targetNorm = targetPair.layers.last as? BatchNorm else {
                throw ModelGrowthError.differentArchitecture("\(name) has an unexpected shortcut")
            }
            outputs = try ChannelMapping(from: conv2.weight.size(0), to: target.conv2.weight.size(0),
                                         layer: "\(name).conv_2", generator: widening.generator)
            try widening.copy(conv, into: targetConv, outputs: outputs, inputs: inputs, layer: "\(name).shortcut.0")
            try widening.copy(norm, into: targetNorm, outputs: outputs, layer: "\(name).shortcut.1")
        case (is Identity, is Identity):
            outputs = inputs
        default:
            throw ModelGrowthError.differentArchitecture("\(name) has a convolution shortcut in only one of the two models")
        }
        try widening.copy(conv1, into: target.conv1, outputs: inner, inputs: inputs, layer: "\(name).conv_1")
        try widening.copy(bn1, into: target.bn1, outputs: inner, layer: "\(name).bn_1")
        try widening.copy(conv2, into: target.conv2, outputs: outputs, inputs: inner, layer: "\(name).conv_2")
        try widening.copy(bn2, into: target.bn2, outputs: outputs, layer: "\(name).bn_2")
        return outputs
    }
}
