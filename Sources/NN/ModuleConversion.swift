import Torch

extension Module {
    /// Converts, in place, every floating-point parameter and buffer here and below whose
    /// dotted name `include` accepts to `dtype` (bfloat16 inference, for example). Tensors keep
    /// their identity, so optimizers and other holders see the change; gradients are cleared.
    /// Integer buffers (`num_batches_tracked`) are left alone.
    public func convertFloatingPoint(to dtype: DType, where include: (String) -> Bool = { _ in true }) throws {
        guard dtype.isFloatingPoint else {
            throw TorchError.invalidArgument("convertFloatingPoint: \(dtype) is not a floating-point type")
        }
        try withNoGrad {
            for (name, tensor) in namedParameters() + namedBuffers() where include(name) {
                guard tensor.dtype.isFloatingPoint, tensor.dtype != dtype else { continue }
                try tensor.zeroGrad()
                try tensor.setData(tensor.to(dtype))
            }
        }
    }

    /// Lays out every `Conv2d` weight here and below in `format`, in place. Channels-last
    /// weights make libtorch's oneDNN convolutions run in NHWC (together with channels-last
    /// inputs); gradients then come back in the same layout.
    public func setConvolutionWeightFormat(_ format: MemoryFormat) throws {
        try withNoGrad {
            for (_, module) in namedModules() {
                guard let conv = module as? Conv2d, !conv.weight.isContiguous(format) else { continue }
                try conv.weight.zeroGrad()
                try conv.weight.setData(conv.weight.contiguous(format))
            }
        }
    }
}
