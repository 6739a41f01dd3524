// Shared plumbing of the ctorch implementation files: handle conversion and the
// guard that keeps C++ exceptions on this side of the C boundary.
#pragma once
#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/GradMode.h>
#include <torch/version.h>
#include <string>
#include <vector>
#include "ctorch.h"

// True when the libtorch compiled against is at least MAJOR.MINOR: the shim builds against
// Debian's 1.13 and PyPI's 2.x (checked with 2.15), whose C++ APIs differ in a few places.
#define CTORCH_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

struct ct_tensor_s { at::Tensor t; };
struct ct_generator_s { at::Generator g; };

namespace ctorch {

void set_error(const char *message);

inline at::Tensor &T(ct_tensor h) {
  if (h == nullptr) throw std::invalid_argument("ctorch: null tensor handle");
  return h->t;
}
inline c10::optional<at::Tensor> opt(ct_tensor h) {
  if (h == nullptr) return c10::nullopt;
  return h->t;
}
inline ct_tensor wrap(at::Tensor t) { return new ct_tensor_s{std::move(t)}; }
inline c10::optional<at::Generator> gen(ct_generator g) {
  if (g == nullptr) return c10::nullopt;
  return g->g;
}
at::ScalarType scalar_type(int dtype);
int dtype_code(at::ScalarType t);
at::Device device(int type, int index);
at::MemoryFormat memory_format(int code);
inline at::IntArrayRef dims(const int64_t *p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }
inline at::TensorOptions options(int dtype, int device_type, int device_index) {
  return at::TensorOptions().dtype(scalar_type(dtype)).device(device(device_type, device_index));
}
std::vector<at::Tensor> tensors(const ct_tensor *ts, int n);

// Runs `body`; any exception becomes the thread's error and `failure` is returned, so that no
// C++ exception crosses the C boundary. The one catch ladder of the shim.
template <typename R, typename F>
R guarded(R failure, F &&body) noexcept {
  try {
    return body();
  } catch (const c10::Error &e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception &e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown C++ exception");
  }
  return failure;
}

}  // namespace ctorch

// Runs a statement that yields a tensor; any exception becomes the thread's error and NULL.
#define CT_TENSOR(expr) \
  return ctorch::guarded<ct_tensor>(nullptr, [&]() -> ct_tensor { return ctorch::wrap(expr); });

// Runs a block; any exception becomes the thread's error and -1.
#define CT_STATUS(block) \
  return ctorch::guarded<int>(-1, [&]() -> int { block; return 0; });
