import CTorch

extension Tensor {
    /// Whether this tensor is in oneDNN's opaque blocked layout (see `toOneDNNLayout()`).
    public var hasOneDNNLayout: Bool { ct_has_onednn_layout(handle) == 1 }

    /// This float32 CPU tensor in oneDNN's opaque blocked layout. Chains of convolutions
    /// (`oneDNNConvolution2d`), `relu`, `+` and `maxPool` stay in it without the layout
    /// conversions each plain convolution makes; `toDense()` converts back. Inference only:
    /// autograd, strides and most other operations do not apply to such tensors.
    public func toOneDNNLayout() throws -> Tensor {
        try Tensor.wrap(ct_to_onednn_layout(handle), "to oneDNN layout (\(shape))")
    }

    /// A dense (strided) copy of a tensor in oneDNN layout.
    public func toDense() throws -> Tensor {
        try Tensor.wrap(ct_to_dense(handle), "to dense")
    }

    /// This conv2d weight reordered once into oneDNN's preferred layout for the geometry.
    public func oneDNNConvolution2dWeight(stride: [Int], padding: [Int], dilation: [Int], groups: Int) throws -> Tensor {
        guard stride.count == 2, padding.count == 2, dilation.count == 2 else {
            throw TorchError.invalidArgument("oneDNN conv2d weight: stride, padding and dilation need 2 entries each")
        }
        return try Tensor.wrap(ct_onednn_conv2d_weight(handle, padding.map(Int64.init), stride.map(Int64.init),
                                                       dilation.map(Int64.init), Int64(groups)),
                               "oneDNN conv2d weight reorder (\(shape))")
    }

    /// 2-d convolution in oneDNN layout: `x` and the result in oneDNN layout, `weight` from
    /// `oneDNNConvolution2dWeight`, `bias` in oneDNN layout. `outputChannels` and
    /// `macsPerOutput` only feed `FLOPCounter`.
    public static func oneDNNConvolution2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int],
                                           dilation: [Int], groups: Int, macsPerOutput: Int) throws -> Tensor {
        guard stride.count == 2, padding.count == 2, dilation.count == 2 else {
            throw TorchError.invalidArgument("oneDNN conv2d: stride, padding and dilation need 2 entries each")
        }
        let result = try wrap(ct_onednn_conv2d(x.handle, weight.handle, bias?.handle, padding.map(Int64.init),
                                               stride.map(Int64.init), dilation.map(Int64.init), Int64(groups)),
                              "oneDNN conv2d (input \(x.shape))")
        FLOPCounter.recordMatrixProduct(inner: macsPerOutput, output: result)
        return result
    }
}
