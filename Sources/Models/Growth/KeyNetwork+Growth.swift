import NN
import Torch

extension KeyNetwork {
    /// Writes this network's function into the wider (and possibly deeper) `target`: each
    /// 3×3 convolution and its batch norm widened by Net2WiderNet, the head's templates widened
    /// on their input side (and on their hidden side when the target has more templates), and
    /// any further convolutions of the target made identities (Net2DeeperNet).
    func grow(into target: KeyNetwork, widening: LayerWidening) throws {
        guard target.tasks == tasks else {
            throw ModelGrowthError.differentArchitecture("the key tasks differ (\(tasks.map(\.name)) and \(target.tasks.map(\.name)))")
        }
        guard target.frontend.config == frontend.config, target.clipSamples == clipSamples else {
            throw ModelGrowthError.differentArchitecture("the constant-Q front ends or windows differ")
        }
        guard target.depth >= depth else {
            throw ModelGrowthError.unsupported("the key network cannot lose layers (\(depth) → \(target.depth))")
        }
        // New layers go after the last one; they must not move a time pooling, which runs
        // after fixed layer indices.
        if target.depth > depth, let lastPooling = Self.timePoolingAfter.max(), depth <= lastPooling {
            throw ModelGrowthError.unsupported("deepening a key network of \(depth) layers would move its time pooling (after layer \(lastPooling))")
        }
        try widening.copy(specBN, into: target.specBN, outputs: .identity(1), layer: "spec_bn")
        var mapping = ChannelMapping.identity(1)
        for i in 0..<depth {
            let outputs = try ChannelMapping(from: width, to: target.width, layer: "convolutions.\(i)",
                                             generator: widening.generator)
            try widening.copy(convolutions[i], into: target.convolutions[i], outputs: outputs, inputs: mapping,
                              layer: "convolutions.\(i)")
            try widening.copy(norms[i], into: target.norms[i], outputs: outputs, layer: "norms.\(i)")
            mapping = outputs
        }
        for i in depth..<target.depth {
            try Self.makeIdentity(target.convolutions[i], target.norms[i], layer: i, widening: widening)
        }
        try head.grow(into: target.head, inputs: mapping, widening: widening)
    }

    /// conv → BN → ReLU that passes its (non-negative, post-ReLU) input through in evaluation:
    /// a centre-tap identity kernel, and a batch norm whose running statistics undo nothing.
    /// In training mode the batch norm normalises by batch statistics, so training starts from
    /// the source's function in evaluation only.
    static func makeIdentity(_ conv: Conv2d, _ norm: BatchNorm, layer: Int, widening: LayerWidening) throws {
        let (outputs, inputs) = (try conv.weight.size(0), try conv.weight.size(1))
        let (kh, kw) = (try conv.weight.size(2), try conv.weight.size(3))
        guard outputs == inputs, kh % 2 == 1, kw % 2 == 1, conv.stride == [1, 1], conv.padding == [kh / 2, kw / 2] else {
            throw ModelGrowthError.unsupported("layer \(layer) of the key network cannot be an identity")
        }
        var kernel = [Float](repeating: 0, count: outputs * inputs * kh * kw)
        for c in 0..<outputs { kernel[((c * inputs + c) * kh + kh / 2) * kw + kw / 2] = 1 }
        let device = conv.weight.device
        try widening.assign(Tensor(kernel, shape: conv.weight.shape, device: device).to(conv.weight.dtype),
                            to: conv.weight, layer: "convolutions.\(layer).weight")
        try withNoGrad {
            try conv.bias?.zero()
            try norm.weight.fill(1)
            try norm.bias.zero()
            try norm.runningMean.zero()
            // (x − 0) / sqrt(var + eps) = x.
            try norm.runningVar.fill(1 - norm.eps)
        }
    }
}

extension PitchClassKeyHead {
    /// The templates read the wider features (divided over replicas); with more templates in
    /// the target they are replicated like any layer's units and the circle reads them divided.
    func grow(into target: PitchClassKeyHead, inputs: ChannelMapping, widening: LayerWidening) throws {
        guard target.binsPerSemitone == binsPerSemitone, target.lowestPitchClass == lowestPitchClass,
              target.layout == layout else {
            throw ModelGrowthError.differentArchitecture("the key heads read different bins or class orders")
        }
        let hidden = try ChannelMapping(from: template.weight.size(0), to: target.template.weight.size(0),
                                        layer: "head.template", generator: widening.generator)
        try widening.copy(template, into: target.template, outputs: hidden, inputs: inputs, layer: "head.template")
        try widening.copy(norm, into: target.norm, outputs: hidden, layer: "head.norm")
        try widening.copy(circle, into: target.circle, outputs: .identity(try circle.weight.size(0)), inputs: hidden,
                          layer: "head.circle")
    }
}
