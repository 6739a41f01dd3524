// ctorch: a small C interface over libtorch (ATen + autograd + c10d).
//
// Conventions (shared by every entry point):
// - Tensors are opaque handles (`ct_tensor`), owned by the caller and released
//   with `ct_free`.
// - No C++ exception crosses this boundary. A function that returns a handle
//   returns NULL on failure; one that returns `int` returns a negative value.
//   The message is kept per thread and read with `ct_last_error()`.
// - Shapes are (pointer, count) pairs of int64_t.
#ifndef CTORCH_H
#define CTORCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_tensor_s *ct_tensor;
typedef struct ct_generator_s *ct_generator;

// ---------------------------------------------------------------- errors
/// The message of the last failure on this thread ("" if none).
const char *ct_last_error(void);
void ct_clear_error(void);

// ---------------------------------------------------------------- enums
/// Element types; values are private to ctorch (mapped to c10::ScalarType).
enum ct_dtype {
  CT_FLOAT32 = 0, CT_FLOAT16 = 1, CT_BFLOAT16 = 2, CT_FLOAT64 = 3,
  CT_INT64 = 4, CT_INT32 = 5, CT_BOOL = 6, CT_UINT8 = 7, CT_INT8 = 8, CT_INT16 = 9,
};
enum ct_device_type { CT_CPU = 0, CT_CUDA = 1 };
enum ct_memory_format { CT_CONTIGUOUS = 0, CT_CHANNELS_LAST = 1, CT_PRESERVE = 2 };

// ---------------------------------------------------------------- tensors (tensor.cpp)
void ct_free(ct_tensor t);
/// A new handle to the same tensor (shares storage and autograd identity).
ct_tensor ct_shallow_clone(ct_tensor t);

ct_tensor ct_from_data(const void *data, const int64_t *shape, int ndim, int dtype,
                       int device_type, int device_index);
ct_tensor ct_empty(const int64_t *shape, int ndim, int dtype, int device_type, int device_index);
ct_tensor ct_zeros(const int64_t *shape, int ndim, int dtype, int device_type, int device_index);
ct_tensor ct_ones(const int64_t *shape, int ndim, int dtype, int device_type, int device_index);
ct_tensor ct_full(const int64_t *shape, int ndim, double value, int dtype, int device_type,
                  int device_index);
ct_tensor ct_arange(double start, double end, double step, int dtype, int device_type,
                    int device_index);
ct_tensor ct_linspace(double start, double end, int64_t steps, int dtype, int device_type,
                      int device_index);
ct_tensor ct_scalar_tensor(double value, int dtype, int device_type, int device_index);
ct_tensor ct_hann_window(int64_t length, int periodic, int dtype, int device_type, int device_index);

int ct_ndim(ct_tensor t);
int ct_shape(ct_tensor t, int64_t *out, int capacity);
int ct_strides(ct_tensor t, int64_t *out, int capacity);
int64_t ct_numel(ct_tensor t);
int ct_dtype_of(ct_tensor t);
int ct_device_of(ct_tensor t, int *device_index);
int ct_is_contiguous(ct_tensor t, int memory_format);
int ct_item_double(ct_tensor t, double *out);
int ct_item_int64(ct_tensor t, int64_t *out);
/// Copies the elements (row-major, as if contiguous, on the CPU) into `dst`,
/// which must hold exactly numel * element size bytes.
int ct_copy_to_buffer(ct_tensor t, void *dst, size_t nbytes);
/// A raw pointer to a CPU contiguous tensor's data (NULL otherwise).
void *ct_data_ptr(ct_tensor t);
int ct_element_size(int dtype);

ct_tensor ct_to(ct_tensor t, int dtype, int device_type, int device_index, int copy);
ct_tensor ct_contiguous(ct_tensor t, int memory_format);
ct_tensor ct_clone(ct_tensor t, int memory_format);
int ct_equal(ct_tensor a, ct_tensor b);
int ct_allclose(ct_tensor a, ct_tensor b, double rtol, double atol);

// ---------------------------------------------------------------- element-wise (ops.cpp)
enum ct_unary_op {
  CT_NEG, CT_ABS, CT_EXP, CT_LOG, CT_LOG10, CT_LOG1P, CT_SQRT, CT_RSQRT, CT_SIN, CT_COS,
  CT_TANH, CT_SIGMOID, CT_RELU, CT_GELU, CT_GELU_TANH, CT_SILU, CT_SIGN, CT_FLOOR, CT_CEIL,
  CT_ROUND, CT_SQUARE, CT_RECIPROCAL, CT_LOGICAL_NOT, CT_ISNAN, CT_ISFINITE, CT_ERF,
  CT_LOGSIGMOID, CT_SOFTPLUS, CT_TRUNC, CT_ISINF,
};
enum ct_binary_op {
  CT_ADD, CT_SUB, CT_MUL, CT_DIV, CT_POW, CT_MAXIMUM, CT_MINIMUM, CT_EQ, CT_NE, CT_LT,
  CT_LE, CT_GT, CT_GE, CT_LOGICAL_AND, CT_LOGICAL_OR, CT_REMAINDER, CT_ATAN2, CT_FLOOR_DIVIDE,
};
enum ct_scalar_op {
  CT_S_ADD, CT_S_SUB, CT_S_MUL, CT_S_DIV, CT_S_POW, CT_S_EQ, CT_S_NE, CT_S_LT, CT_S_LE,
  CT_S_GT, CT_S_GE, CT_S_REMAINDER, CT_S_RSUB, CT_S_RDIV, CT_S_CLAMP_MIN, CT_S_CLAMP_MAX,
  CT_S_RPOW, CT_S_LEAKY_RELU, CT_S_FLOOR_DIVIDE,
};
ct_tensor ct_unary(int op, ct_tensor a);
ct_tensor ct_binary(int op, ct_tensor a, ct_tensor b);
ct_tensor ct_binary_scalar(int op, ct_tensor a, double s);
ct_tensor ct_clamp(ct_tensor a, double lo, double hi);
ct_tensor ct_where(ct_tensor cond, ct_tensor a, ct_tensor b);
ct_tensor ct_masked_fill(ct_tensor a, ct_tensor mask, double value);
ct_tensor ct_lerp(ct_tensor a, ct_tensor b, double weight);

/// In-place updates (used by optimizers and initialisers); return 0 or -1.
enum ct_inplace_op { CT_I_ADD, CT_I_SUB, CT_I_MUL, CT_I_DIV, CT_I_COPY };
int ct_inplace(int op, ct_tensor self, ct_tensor other, double alpha);
int ct_inplace_scalar(int op, ct_tensor self, double s);
int ct_fill_(ct_tensor self, double value);
/// max(self, 0) in place (also for tensors in oneDNN layout); autograd-aware.
int ct_relu_(ct_tensor self);
int ct_zero_(ct_tensor self);
int ct_uniform_(ct_tensor self, double lo, double hi, ct_generator gen);
int ct_normal_(ct_tensor self, double mean, double std, ct_generator gen);

// ---------------------------------------------------------------- reductions
enum ct_reduce_op { CT_R_SUM, CT_R_MEAN, CT_R_AMAX, CT_R_AMIN, CT_R_LOGSUMEXP, CT_R_PROD,
                    CT_R_VAR, CT_R_STD, CT_R_NORM };
/// Reduces over `dims` (all dims when ndims == 0).
ct_tensor ct_reduce(int op, ct_tensor a, const int64_t *dims, int ndims, int keepdim);
ct_tensor ct_argmax(ct_tensor a, int64_t dim, int keepdim);
ct_tensor ct_argmin(ct_tensor a, int64_t dim, int keepdim);
/// Values and indices of max (is_max=1) or min along `dim`.
int ct_max_dim(ct_tensor a, int64_t dim, int keepdim, int is_max, ct_tensor *values, ct_tensor *indices);
int ct_topk(ct_tensor a, int64_t k, int64_t dim, int largest, ct_tensor *values, ct_tensor *indices);
ct_tensor ct_softmax(ct_tensor a, int64_t dim, int log);
ct_tensor ct_cumsum(ct_tensor a, int64_t dim);
ct_tensor ct_sort_indices(ct_tensor a, int64_t dim, int descending);

// ---------------------------------------------------------------- shape
ct_tensor ct_reshape(ct_tensor a, const int64_t *shape, int ndim);
ct_tensor ct_view(ct_tensor a, const int64_t *shape, int ndim);
ct_tensor ct_permute(ct_tensor a, const int64_t *dims, int ndim);
ct_tensor ct_transpose(ct_tensor a, int64_t d0, int64_t d1);
ct_tensor ct_squeeze(ct_tensor a, int64_t dim, int all);
ct_tensor ct_unsqueeze(ct_tensor a, int64_t dim);
ct_tensor ct_expand(ct_tensor a, const int64_t *shape, int ndim);
ct_tensor ct_flatten(ct_tensor a, int64_t start, int64_t end);
ct_tensor ct_slice(ct_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step);
ct_tensor ct_select(ct_tensor a, int64_t dim, int64_t index);
ct_tensor ct_index_select(ct_tensor a, int64_t dim, ct_tensor index);
ct_tensor ct_gather(ct_tensor a, int64_t dim, ct_tensor index);
ct_tensor ct_cat(const ct_tensor *ts, int n, int64_t dim);
ct_tensor ct_stack(const ct_tensor *ts, int n, int64_t dim);
ct_tensor ct_repeat(ct_tensor a, const int64_t *repeats, int n);
ct_tensor ct_flip(ct_tensor a, const int64_t *dims, int n);
ct_tensor ct_roll(ct_tensor a, int64_t shift, int64_t dim);
/* Tensor::unfold: a view of the windows of `size` elements, `step` apart, along `dim` (new last dim). */
ct_tensor ct_unfold(ct_tensor a, int64_t dim, int64_t size, int64_t step);
ct_tensor ct_tril(ct_tensor a, int64_t diagonal);
ct_tensor ct_one_hot(ct_tensor a, int64_t classes);

// ---------------------------------------------------------------- linear algebra, nn functions
ct_tensor ct_matmul(ct_tensor a, ct_tensor b);
ct_tensor ct_linear(ct_tensor x, ct_tensor w, ct_tensor bias /* nullable */);
ct_tensor ct_conv(ct_tensor x, ct_tensor w, ct_tensor bias /* nullable */, const int64_t *stride,
                  const int64_t *padding, const int64_t *dilation, int spatial_dims, int64_t groups);
ct_tensor ct_max_pool(ct_tensor x, const int64_t *kernel, const int64_t *stride,
                      const int64_t *padding, int spatial_dims, int ceil_mode);
ct_tensor ct_avg_pool(ct_tensor x, const int64_t *kernel, const int64_t *stride,
                      const int64_t *padding, int spatial_dims, int ceil_mode, int count_include_pad);
/// Batch normalisation; in training mode the running statistics (nullable) are updated in place.
ct_tensor ct_batch_norm(ct_tensor x, ct_tensor weight, ct_tensor bias, ct_tensor running_mean,
                        ct_tensor running_var, int training, double momentum, double eps);
ct_tensor ct_layer_norm(ct_tensor x, const int64_t *normalized_shape, int n, ct_tensor weight,
                        ct_tensor bias, double eps);
ct_tensor ct_dropout(ct_tensor x, double p, int training);
ct_tensor ct_bernoulli(ct_tensor probabilities, ct_generator gen);
ct_tensor ct_reflection_pad1d(ct_tensor x, int64_t left, int64_t right);
ct_tensor ct_constant_pad(ct_tensor x, const int64_t *pad, int n, double value);
/// STFT of (batch, samples) with a window; returns real-view (batch, freq, frames, 2).
ct_tensor ct_stft(ct_tensor x, int64_t n_fft, int64_t hop, int64_t win_length, ct_tensor window,
                  int normalized, int onesided);

// ---------------------------------------------------------------- oneDNN layout (onednn.cpp)
/// 1 when `t` is in oneDNN's opaque blocked layout (an MKLDNN tensor), 0 when dense, -1 on error.
int ct_has_onednn_layout(ct_tensor t);
/// A float32 CPU tensor converted to oneDNN's opaque layout (for inference chains of
/// convolution, relu, add and max pooling), and back.
ct_tensor ct_to_onednn_layout(ct_tensor t);
ct_tensor ct_to_dense(ct_tensor t);
/// A conv2d weight (out, in/groups, kh, kw) reordered once into the blocked layout oneDNN
/// prefers for this geometry.
ct_tensor ct_onednn_conv2d_weight(ct_tensor w, const int64_t *padding, const int64_t *stride,
                                  const int64_t *dilation, int64_t groups);
/// 2-d convolution of an input in oneDNN layout with a reordered weight and a bias in oneDNN
/// layout (nullable); the result is in oneDNN layout. Inference only (no autograd).
ct_tensor ct_onednn_conv2d(ct_tensor x, ct_tensor w, ct_tensor bias, const int64_t *padding,
                           const int64_t *stride, const int64_t *dilation, int64_t groups);

// ---------------------------------------------------------------- losses (reduction: 0 none, 1 mean, 2 sum)
ct_tensor ct_bce_with_logits(ct_tensor logits, ct_tensor target, ct_tensor weight,
                             ct_tensor pos_weight, int reduction);
ct_tensor ct_cross_entropy(ct_tensor logits, ct_tensor target, ct_tensor weight, int reduction,
                           int64_t ignore_index, double label_smoothing);
ct_tensor ct_mse(ct_tensor a, ct_tensor b, int reduction);

// ---------------------------------------------------------------- autograd (autograd.cpp)
int ct_set_requires_grad(ct_tensor t, int requires_grad);
int ct_requires_grad(ct_tensor t);
int ct_is_leaf(ct_tensor t);
int ct_backward(ct_tensor t, ct_tensor gradient /* nullable */, int retain_graph);
/// Writes the gradient to *out, or NULL when the tensor has none. Returns 0 or -1.
int ct_grad(ct_tensor t, ct_tensor *out);
int ct_set_grad(ct_tensor t, ct_tensor grad /* nullable: clears */);
ct_tensor ct_detach(ct_tensor t);
/// Makes `t` use `source`'s storage, dtype and layout while keeping its identity and autograd
/// flags (`tensor.data = source`): converts parameters in place. Returns 0 or -1.
int ct_set_data(ct_tensor t, ct_tensor source);
/// Sets the thread's grad mode; returns the previous one.
int ct_set_grad_enabled(int enabled);
int ct_is_grad_enabled(void);

// ---------------------------------------------------------------- optimizers (optim.cpp)
/// One update of PyTorch's single-tensor SGD over n parameters. momentum_buffers entries may be
/// NULL on the first step; new buffers are written back (caller owns them).
int ct_sgd_step(const ct_tensor *params, int n, ct_tensor *momentum_buffers, double lr,
                double momentum, double dampening, double weight_decay, int nesterov);
/// One update of PyTorch's Adam (decoupled=0) or AdamW (decoupled=1). `steps[i]` counts the
/// updates parameter i has had; it is incremented for every parameter that has a gradient.
int ct_adam_step(const ct_tensor *params, int n, const ct_tensor *exp_avg, const ct_tensor *exp_avg_sq,
                 int64_t *steps, double lr, double beta1, double beta2, double eps,
                 double weight_decay, int decoupled);
/// Scales the gradients so that their global L2 norm is at most max_norm;
/// writes the norm before clipping to *total_norm.
int ct_clip_grad_norm(const ct_tensor *params, int n, double max_norm, double *total_norm);

// ---------------------------------------------------------------- randomness (runtime.cpp)
void ct_manual_seed(uint64_t seed);
ct_generator ct_generator_new(uint64_t seed);
void ct_generator_free(ct_generator g);
/// Serialised state of a generator (NULL: the default CPU generator) as a uint8 tensor.
ct_tensor ct_generator_get_state(ct_generator g);
int ct_generator_set_state(ct_generator g, ct_tensor state);
ct_tensor ct_rand(const int64_t *shape, int ndim, int dtype, int device_type, int device_index, ct_generator gen);
ct_tensor ct_randn(const int64_t *shape, int ndim, int dtype, int device_type, int device_index, ct_generator gen);
ct_tensor ct_randint(int64_t low, int64_t high, const int64_t *shape, int ndim, int device_type,
                     int device_index, ct_generator gen);
ct_tensor ct_randperm(int64_t n, int device_type, int device_index, ct_generator gen);

// ---------------------------------------------------------------- runtime facts (runtime.cpp)
void ct_set_num_threads(int n);
int ct_get_num_threads(void);
void ct_set_num_interop_threads(int n);
const char *ct_torch_version(void);
int ct_has_mkldnn(void);
int ct_has_openmp(void);
/// Number of CUDA devices libtorch sees (0 for a CPU-only build, or when no driver or device is present).
int ct_cuda_device_count(void);
/// 1 when this libtorch was built with CUDA (its CUDA kernels are loaded), whether or not a
/// device is present; 0 otherwise.
int ct_cuda_compiled(void);
/// 1 when CUDA tensors can be created now: a CUDA build, a driver and at least one device.
int ct_cuda_is_available(void);
/// The build configuration libtorch reports (at::show_config()); caller frees with ct_free_string.
char *ct_build_config(void);
void ct_free_string(char *s);

// ---------------------------------------------------------------- Fourier domain (fft.cpp)
/// Linear convolution along the last dimension via real FFTs (leading dimensions broadcast):
/// y[k] = sum_j signal[k - j] * kernel[j], the first `length` samples of the full
/// n + m - 1 (all of them when `length` < 0).
ct_tensor ct_fft_convolve(ct_tensor signal, ct_tensor kernel, int64_t length);
/// weights @ (re^2 + im^2) for a spectrum given as a real view (..., bins, frames, 2) and
/// weights (filters, bins): (..., filters, frames) of element type `dtype` (CT_FLOAT32 or
/// CT_FLOAT64). On the CPU, without autograd, one fused pass that skips the zeros outside each
/// weight row's first..last non-zero and accumulates in float64; otherwise tensor operations
/// in the spectrum's type (differentiable).
ct_tensor ct_power_project(ct_tensor weights, ct_tensor spectrum, int dtype);

// ---------------------------------------------------------------- caching allocator (allocator.cpp)
/// Installs (enabled=1) or removes (0) a process-wide caching CPU allocator that keeps freed
/// blocks of 64 KiB and more (up to max_cached_bytes) for reuse by later tensors of the same
/// rounded size, instead of returning them to the kernel. Returns 0 or -1.
int ct_caching_allocator_enable(int enabled, int64_t max_cached_bytes);
/// 1 when the caching allocator is the CPU allocator.
int ct_caching_allocator_enabled(void);
/// Bytes in live blocks, bytes cached, peak of their sum; cache hits and misses (64 KiB and up).
int ct_caching_allocator_stats(int64_t *live, int64_t *cached, int64_t *peak, int64_t *hits, int64_t *misses);
/// Returns every cached block to the kernel.
int ct_caching_allocator_empty(void);

// ---------------------------------------------------------------- benchmarks (bench.cpp)
/// Seconds per call of at::add(a, b) in a plain C++ loop: the floor of per-op overhead.
double ct_bench_add_loop(ct_tensor a, ct_tensor b, int64_t iterations);

#ifdef __cplusplus
}
#endif

#include "ctorch_distributed.h"
#endif
