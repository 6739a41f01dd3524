// Element-wise, reduction, shape, linear-algebra and neural-network operators.
#include "internal.h"
#include <cmath>

using namespace ctorch;

namespace {

at::Tensor unary(int op, const at::Tensor &a) {
  switch (op) {
    case CT_NEG: return at::neg(a);
    case CT_ABS: return at::abs(a);
    case CT_EXP: return at::exp(a);
    case CT_LOG: return at::log(a);
    case CT_LOG10: return at::log10(a);
    case CT_LOG1P: return at::log1p(a);
    case CT_SQRT: return at::sqrt(a);
    case CT_RSQRT: return at::rsqrt(a);
    case CT_SIN: return at::sin(a);
    case CT_COS: return at::cos(a);
    case CT_TANH: return at::tanh(a);
    case CT_SIGMOID: return at::sigmoid(a);
    case CT_RELU: return at::relu(a);
    case CT_GELU: return at::gelu(a);
    case CT_GELU_TANH: return at::gelu(a, "tanh");
    case CT_SILU: return at::silu(a);
    case CT_SIGN: return at::sign(a);
    case CT_FLOOR: return at::floor(a);
    case CT_CEIL: return at::ceil(a);
    case CT_ROUND: return at::round(a);
    case CT_SQUARE: return at::square(a);
    case CT_RECIPROCAL: return at::reciprocal(a);
    case CT_LOGICAL_NOT: return at::logical_not(a);
    case CT_ISNAN: return at::isnan(a);
    case CT_ISFINITE: return at::isfinite(a);
    case CT_ERF: return at::erf(a);
    case CT_LOGSIGMOID: return at::log_sigmoid(a);
    case CT_SOFTPLUS: return at::softplus(a);
    case CT_TRUNC: return at::trunc(a);
    case CT_ISINF: return at::isinf(a);
  }
  throw std::invalid_argument("ctorch: unknown unary op " + std::to_string(op));
}

at::Tensor binary(int op, const at::Tensor &a, const at::Tensor &b) {
  switch (op) {
    case CT_ADD: return at::add(a, b);
    case CT_SUB: return at::sub(a, b);
    case CT_MUL: return at::mul(a, b);
    case CT_DIV: return at::div(a, b);
    case CT_POW: return at::pow(a, b);
    case CT_MAXIMUM: return at::maximum(a, b);
    case CT_MINIMUM: return at::minimum(a, b);
    case CT_EQ: return at::eq(a, b);
    case CT_NE: return at::ne(a, b);
    case CT_LT: return at::lt(a, b);
    case CT_LE: return at::le(a, b);
    case CT_GT: return at::gt(a, b);
    case CT_GE: return at::ge(a, b);
    case CT_LOGICAL_AND: return at::logical_and(a, b);
    case CT_LOGICAL_OR: return at::logical_or(a, b);
    case CT_REMAINDER: return at::remainder(a, b);
    case CT_ATAN2: return at::atan2(a, b);
    case CT_FLOOR_DIVIDE: return at::div(a, b, "floor");
  }
  throw std::invalid_argument("ctorch: unknown binary op " + std::to_string(op));
}

at::Tensor binary_scalar(int op, const at::Tensor &a, double s) {
  const at::Scalar v(s);
  switch (op) {
    case CT_S_ADD: return at::add(a, v);
    case CT_S_SUB: return at::sub(a, v);
    case CT_S_MUL: return at::mul(a, v);
    case CT_S_DIV: return at::div(a, v);
    case CT_S_POW: return at::pow(a, v);
    case CT_S_EQ: return at::eq(a, v);
    case CT_S_NE: return at::ne(a, v);
    case CT_S_LT: return at::lt(a, v);
    case CT_S_LE: return at::le(a, v);
    case CT_S_GT: return at::gt(a, v);
    case CT_S_GE: return at::ge(a, v);
    case CT_S_REMAINDER: return at::remainder(a, v);
    case CT_S_RSUB: return at::rsub(a, v);
    case CT_S_RDIV: return at::mul(at::reciprocal(a), v);
    case CT_S_CLAMP_MIN: return at::clamp_min(a, v);
    case CT_S_CLAMP_MAX: return at::clamp_max(a, v);
    case CT_S_RPOW: return at::pow(v, a);
    case CT_S_LEAKY_RELU: return at::leaky_relu(a, v);
    case CT_S_FLOOR_DIVIDE: return at::div(a, v, "floor");
  }
  throw std::invalid_argument("ctorch: unknown scalar op " + std::to_string(op));
}

at::Tensor reduce(int op, const at::Tensor &a, at::IntArrayRef d, bool keep) {
  const bool all = d.empty();
  switch (op) {
    case CT_R_SUM: return all && !keep ? at::sum(a) : at::sum(a, d, keep);
    case CT_R_MEAN: return all && !keep ? at::mean(a) : at::mean(a, d, keep);
    case CT_R_AMAX: return at::amax(a, d, keep);
    case CT_R_AMIN: return at::amin(a, d, keep);
    case CT_R_LOGSUMEXP: {
      if (!all) return at::logsumexp(a, d, keep);
      std::vector<int64_t> every(static_cast<size_t>(a.dim()));
      for (int64_t i = 0; i < a.dim(); ++i) every[static_cast<size_t>(i)] = i;
      return at::logsumexp(a, every, keep);
    }
    case CT_R_PROD: {
      if (all) return at::prod(a);
      if (d.size() != 1) throw std::invalid_argument("ctorch: prod reduces one dimension at a time");
      return at::prod(a, d[0], keep);
    }
    case CT_R_VAR: return all && !keep ? at::var(a) : at::var(a, d, /*unbiased=*/true, keep);
    case CT_R_STD: return all && !keep ? at::std(a) : at::std(a, d, /*unbiased=*/true, keep);
    case CT_R_NORM: return all && !keep ? at::norm(a) : at::norm(a, 2, d, keep);
  }
  throw std::invalid_argument("ctorch: unknown reduction " + std::to_string(op));
}

}  // namespace

extern "C" {

ct_tensor ct_unary(int op, ct_tensor a) { CT_TENSOR(unary(op, T(a))) }
ct_tensor ct_binary(int op, ct_tensor a, ct_tensor b) { CT_TENSOR(binary(op, T(a), T(b))) }
ct_tensor ct_binary_scalar(int op, ct_tensor a, double s) { CT_TENSOR(binary_scalar(op, T(a), s)) }
ct_tensor ct_clamp(ct_tensor a, double lo, double hi) { CT_TENSOR(at::clamp(T(a), lo, hi)) }
ct_tensor ct_where(ct_tensor c, ct_tensor a, ct_tensor b) { CT_TENSOR(at::where(T(c), T(a), T(b))) }
ct_tensor ct_masked_fill(ct_tensor a, ct_tensor mask, double v) { CT_TENSOR(at::masked_fill(T(a), T(mask), v)) }
ct_tensor ct_lerp(ct_tensor a, ct_tensor b, double w) { CT_TENSOR(at::lerp(T(a), T(b), w)) }

int ct_inplace(int op, ct_tensor self, ct_tensor other, double alpha) {
  CT_STATUS({
    auto &s = T(self);
    auto &o = T(other);
    switch (op) {
      case CT_I_ADD: s.add_(o, alpha); break;
      case CT_I_SUB: s.sub_(o, alpha); break;
      case CT_I_MUL: s.mul_(o); break;
      case CT_I_DIV: s.div_(o); break;
      case CT_I_COPY: s.copy_(o); break;
      default: throw std::invalid_argument("ctorch: unknown in-place op " + std::to_string(op));
    }
  })
}
int ct_inplace_scalar(int op, ct_tensor self, double value) {
  CT_STATUS({
    auto &s = T(self);
    // Integer tensors take whole numbers as integer scalars (a double would not cast back).
    const bool integral = !s.is_floating_point() && !s.is_complex() && value == static_cast<double>(static_cast<int64_t>(value));
    const at::Scalar v = integral ? at::Scalar(static_cast<int64_t>(value)) : at::Scalar(value);
    switch (op) {
      case CT_I_ADD: s.add_(v); break;
      case CT_I_SUB: s.sub_(v); break;
      case CT_I_MUL: s.mul_(v); break;
      case CT_I_DIV: s.div_(v); break;
      default: throw std::invalid_argument("ctorch: unknown in-place scalar op " + std::to_string(op));
    }
  })
}
int ct_fill_(ct_tensor self, double v) { CT_STATUS(T(self).fill_(v)) }
int ct_relu_(ct_tensor self) { CT_STATUS(at::relu_(T(self))) }
int ct_zero_(ct_tensor self) { CT_STATUS(T(self).zero_()) }
int ct_uniform_(ct_tensor self, double lo, double hi, ct_generator g) { CT_STATUS(T(self).uniform_(lo, hi, gen(g))) }
int ct_normal_(ct_tensor self, double mean, double std, ct_generator g) { CT_STATUS(T(self).normal_(mean, std, gen(g))) }

ct_tensor ct_reduce(int op, ct_tensor a, const int64_t *d, int nd, int keep) {
  CT_TENSOR(reduce(op, T(a), dims(d, nd), keep != 0))
}
ct_tensor ct_argmax(ct_tensor a, int64_t dim, int keep) { CT_TENSOR(at::argmax(T(a), dim, keep != 0)) }
ct_tensor ct_argmin(ct_tensor a, int64_t dim, int keep) { CT_TENSOR(at::argmin(T(a), dim, keep != 0)) }
int ct_max_dim(ct_tensor a, int64_t dim, int keep, int is_max, ct_tensor *values, ct_tensor *indices) {
  CT_STATUS({
    auto r = is_max ? at::max(T(a), dim, keep != 0) : at::min(T(a), dim, keep != 0);
    *values = wrap(std::get<0>(r));
    *indices = wrap(std::get<1>(r));
  })
}
int ct_topk(ct_tensor a, int64_t k, int64_t dim, int largest, ct_tensor *values, ct_tensor *indices) {
  CT_STATUS({
    auto r = at::topk(T(a), k, dim, largest != 0, /*sorted=*/true);
    *values = wrap(std::get<0>(r));
    *indices = wrap(std::get<1>(r));
  })
}
ct_tensor ct_softmax(ct_tensor a, int64_t dim, int log) {
  CT_TENSOR(log ? at::log_softmax(T(a), dim) : at::softmax(T(a), dim))
}
ct_tensor ct_cumsum(ct_tensor a, int64_t dim) { CT_TENSOR(at::cumsum(T(a), dim)) }
ct_tensor ct_sort_indices(ct_tensor a, int64_t dim, int desc) {
  CT_TENSOR(std::get<1>(at::sort(T(a), /*stable=*/true, dim, desc != 0)))
}

ct_tensor ct_reshape(ct_tensor a, const int64_t *s, int n) { CT_TENSOR(T(a).reshape(dims(s, n))) }
ct_tensor ct_view(ct_tensor a, const int64_t *s, int n) { CT_TENSOR(T(a).view(dims(s, n))) }
ct_tensor ct_permute(ct_tensor a, const int64_t *d, int n) { CT_TENSOR(T(a).permute(dims(d, n))) }
ct_tensor ct_transpose(ct_tensor a, int64_t d0, int64_t d1) { CT_TENSOR(T(a).transpose(d0, d1)) }
ct_tensor ct_squeeze(ct_tensor a, int64_t dim, int all) { CT_TENSOR(all ? T(a).squeeze() : T(a).squeeze(dim)) }
ct_tensor ct_unsqueeze(ct_tensor a, int64_t dim) { CT_TENSOR(T(a).unsqueeze(dim)) }
ct_tensor ct_expand(ct_tensor a, const int64_t *s, int n) { CT_TENSOR(T(a).expand(dims(s, n))) }
ct_tensor ct_flatten(ct_tensor a, int64_t s, int64_t e) { CT_TENSOR(T(a).flatten(s, e)) }
ct_tensor ct_slice(ct_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step) {
  CT_TENSOR(T(a).slice(dim, start, end, step))
}
ct_tensor ct_select(ct_tensor a, int64_t dim, int64_t i) { CT_TENSOR(T(a).select(dim, i)) }
ct_tensor ct_index_select(ct_tensor a, int64_t dim, ct_tensor idx) { CT_TENSOR(at::index_select(T(a), dim, T(idx))) }
ct_tensor ct_gather(ct_tensor a, int64_t dim, ct_tensor idx) { CT_TENSOR(at::gather(T(a), dim, T(idx))) }
ct_tensor ct_cat(const ct_tensor *ts, int n, int64_t dim) { CT_TENSOR(at::cat(tensors(ts, n), dim)) }
ct_tensor ct_stack(const ct_tensor *ts, int n, int64_t dim) { CT_TENSOR(at::stack(tensors(ts, n), dim)) }
ct_tensor ct_repeat(ct_tensor a, const int64_t *r, int n) { CT_TENSOR(T(a).repeat(dims(r, n))) }
ct_tensor ct_flip(ct_tensor a, const int64_t *d, int n) { CT_TENSOR(at::flip(T(a), dims(d, n))) }
ct_tensor ct_roll(ct_tensor a, int64_t shift, int64_t dim) { CT_TENSOR(at::roll(T(a), shift, dim)) }
ct_tensor ct_unfold(ct_tensor a, int64_t dim, int64_t size, int64_t step) { CT_TENSOR(T(a).unfold(dim, size, step)) }
ct_tensor ct_tril(ct_tensor a, int64_t diagonal) { CT_TENSOR(at::tril(T(a), diagonal)) }
ct_tensor ct_one_hot(ct_tensor a, int64_t classes) { CT_TENSOR(at::one_hot(T(a), classes)) }

ct_tensor ct_matmul(ct_tensor a, ct_tensor b) { CT_TENSOR(at::matmul(T(a), T(b))) }
ct_tensor ct_linear(ct_tensor x, ct_tensor w, ct_tensor b) { CT_TENSOR(at::linear(T(x), T(w), opt(b))) }

ct_tensor ct_conv(ct_tensor x, ct_tensor w, ct_tensor b, const int64_t *stride, const int64_t *padding,
                  const int64_t *dilation, int sd, int64_t groups) {
  CT_TENSOR(([&]() -> at::Tensor {
    if (sd == 1) return at::conv1d(T(x), T(w), opt(b), dims(stride, 1), dims(padding, 1), dims(dilation, 1), groups);
    if (sd == 2) return at::conv2d(T(x), T(w), opt(b), dims(stride, 2), dims(padding, 2), dims(dilation, 2), groups);
    throw std::invalid_argument("ctorch: convolution over " + std::to_string(sd) + " dimensions is not supported");
  })())
}
ct_tensor ct_max_pool(ct_tensor x, const int64_t *k, const int64_t *s, const int64_t *p, int sd, int ceil) {
  CT_TENSOR(([&]() -> at::Tensor {
    const int64_t one[2] = {1, 1};
    if (sd == 1) return at::max_pool1d(T(x), dims(k, 1), dims(s, 1), dims(p, 1), dims(one, 1), ceil != 0);
    if (sd == 2) return at::max_pool2d(T(x), dims(k, 2), dims(s, 2), dims(p, 2), dims(one, 2), ceil != 0);
    throw std::invalid_argument("ctorch: max pooling over " + std::to_string(sd) + " dimensions is not supported");
  })())
}
ct_tensor ct_avg_pool(ct_tensor x, const int64_t *k, const int64_t *s, const int64_t *p, int sd, int ceil, int cip) {
  CT_TENSOR(([&]() -> at::Tensor {
    if (sd == 1) return at::avg_pool1d(T(x), dims(k, 1), dims(s, 1), dims(p, 1), ceil != 0, cip != 0);
    if (sd == 2) return at::avg_pool2d(T(x), dims(k, 2), dims(s, 2), dims(p, 2), ceil != 0, cip != 0);
    throw std::invalid_argument("ctorch: average pooling over " + std::to_string(sd) + " dimensions is not supported");
  })())
}
ct_tensor ct_batch_norm(ct_tensor x, ct_tensor w, ct_tensor b, ct_tensor rm, ct_tensor rv, int training,
                        double momentum, double eps) {
  CT_TENSOR(at::batch_norm(T(x), opt(w), opt(b), opt(rm), opt(rv), training != 0, momentum, eps,
                           /*cudnn_enabled=*/true))
}
ct_tensor ct_layer_norm(ct_tensor x, const int64_t *shape, int n, ct_tensor w, ct_tensor b, double eps) {
  CT_TENSOR(at::layer_norm(T(x), dims(shape, n), opt(w), opt(b), eps))
}
ct_tensor ct_dropout(ct_tensor x, double p, int training) { CT_TENSOR(at::dropout(T(x), p, training != 0)) }
ct_tensor ct_bernoulli(ct_tensor p, ct_generator g) { CT_TENSOR(at::bernoulli(T(p), gen(g))) }
ct_tensor ct_reflection_pad1d(ct_tensor x, int64_t left, int64_t right) {
  const int64_t pad[2] = {left, right};
  CT_TENSOR(at::reflection_pad1d(T(x), dims(pad, 2)))
}
ct_tensor ct_constant_pad(ct_tensor x, const int64_t *pad, int n, double value) {
  CT_TENSOR(at::constant_pad_nd(T(x), dims(pad, n), value))
}
ct_tensor ct_stft(ct_tensor x, int64_t n_fft, int64_t hop, int64_t win_length, ct_tensor window, int normalized,
                  int onesided) {
  CT_TENSOR(at::view_as_real(at::stft(T(x), n_fft, hop, win_length, opt(window), normalized != 0,
                                      onesided != 0, /*return_complex=*/true)))
}

ct_tensor ct_bce_with_logits(ct_tensor logits, ct_tensor target, ct_tensor w, ct_tensor pw, int reduction) {
  CT_TENSOR(at::binary_cross_entropy_with_logits(T(logits), T(target), opt(w), opt(pw), reduction))
}
ct_tensor ct_cross_entropy(ct_tensor logits, ct_tensor target, ct_tensor w, int reduction, int64_t ignore_index,
                           double label_smoothing) {
  CT_TENSOR(at::cross_entropy_loss(T(logits), T(target), opt(w), reduction, ignore_index, label_smoothing))
}
ct_tensor ct_mse(ct_tensor a, ct_tensor b, int reduction) { CT_TENSOR(at::mse_loss(T(a), T(b), reduction)) }

}  // extern "C"
