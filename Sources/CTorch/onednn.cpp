// oneDNN's opaque ("blocked") tensor layout for inference: converting to and from it, reordering
// convolution weights into it once, and convolving in it. A chain of oneDNN operations (conv,
// relu, add, max pooling) on such tensors skips the layout conversions that each plain
// convolution call otherwise does on its input and output.
#include "internal.h"

using namespace ctorch;

extern "C" {

int ct_has_onednn_layout(ct_tensor t) { CT_STATUS(return T(t).is_mkldnn() ? 1 : 0) }

ct_tensor ct_to_onednn_layout(ct_tensor t) { CT_TENSOR(T(t).to_mkldnn()) }

ct_tensor ct_to_dense(ct_tensor t) { CT_TENSOR(T(t).to_dense()) }

ct_tensor ct_onednn_conv2d_weight(ct_tensor w, const int64_t *padding, const int64_t *stride,
                                  const int64_t *dilation, int64_t groups) {
  CT_TENSOR(at::mkldnn_reorder_conv2d_weight(T(w).to_mkldnn(), dims(padding, 2), dims(stride, 2),
                                             dims(dilation, 2), groups))
}

ct_tensor ct_onednn_conv2d(ct_tensor x, ct_tensor w, ct_tensor bias, const int64_t *padding,
                           const int64_t *stride, const int64_t *dilation, int64_t groups) {
  CT_TENSOR(at::mkldnn_convolution(T(x), T(w), opt(bias), dims(padding, 2), dims(stride, 2),
                                   dims(dilation, 2), groups))
}

}  // extern "C"
