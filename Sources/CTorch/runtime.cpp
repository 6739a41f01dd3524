// Randomness (seeds, explicit generators and their state) and facts about the running libtorch.
#include "internal.h"
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>
#include <cstring>
#include <dlfcn.h>
#include <mutex>

using namespace ctorch;

namespace {
at::Generator &resolve(ct_generator g) {
  static at::Generator default_cpu = at::detail::getDefaultCPUGenerator();
  return g ? g->g : default_cpu;
}
}  // namespace

extern "C" {

void ct_manual_seed(uint64_t seed) {
  try {
    at::manual_seed(seed);
  } catch (const std::exception &e) {
    set_error(e.what());
  }
}

ct_generator ct_generator_new(uint64_t seed) {
  try {
    return new ct_generator_s{at::make_generator<at::CPUGeneratorImpl>(seed)};
  } catch (const std::exception &e) {
    set_error(e.what());
  }
  return nullptr;
}
void ct_generator_free(ct_generator g) { delete g; }

ct_tensor ct_generator_get_state(ct_generator g) {
  CT_TENSOR(([&] {
    auto &gen = resolve(g);
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
  })())
}
int ct_generator_set_state(ct_generator g, ct_tensor state) {
  CT_STATUS({
    auto &gen = resolve(g);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(T(state));
  })
}

ct_tensor ct_rand(const int64_t *shape, int ndim, int dtype, int dt, int di, ct_generator g) {
  CT_TENSOR(at::rand(dims(shape, ndim), gen(g), options(dtype, dt, di)))
}
ct_tensor ct_randn(const int64_t *shape, int ndim, int dtype, int dt, int di, ct_generator g) {
  CT_TENSOR(at::randn(dims(shape, ndim), gen(g), options(dtype, dt, di)))
}
ct_tensor ct_randint(int64_t low, int64_t high, const int64_t *shape, int ndim, int dt, int di, ct_generator g) {
  CT_TENSOR(at::randint(low, high, dims(shape, ndim), gen(g), options(CT_INT64, dt, di)))
}
ct_tensor ct_randperm(int64_t n, int dt, int di, ct_generator g) {
  CT_TENSOR(at::randperm(n, gen(g), options(CT_INT64, dt, di)))
}

void ct_set_num_threads(int n) {
  at::set_num_threads(n);
  // OpenBLAS keeps its own pool, sized from OMP_NUM_THREADS/OPENBLAS_NUM_THREADS or the core count;
  // its results depend on that size, so it follows libtorch's setting (a launched rank and a plain
  // run with the same thread count then compute the same numbers).
  using set_threads = void (*)(int);
  if (auto f = reinterpret_cast<set_threads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(n);
}
int ct_get_num_threads(void) { return at::get_num_threads(); }
void ct_set_num_interop_threads(int n) {
  try {
    at::set_num_interop_threads(n);
  } catch (const std::exception &e) {
    set_error(e.what());
  }
}
const char *ct_torch_version(void) { return TORCH_VERSION; }
int ct_has_mkldnn(void) { return at::hasMKLDNN() ? 1 : 0; }
int ct_has_openmp(void) {
#if AT_PARALLEL_OPENMP
  return 1;
#else
  return 0;
#endif
}
// A CPU-only libtorch answers these from the stub CUDA hooks (no device, never an exception);
// a CUDA one registers its hooks when libtorch_cuda is loaded. Any failure reads as "no CUDA".
int ct_cuda_device_count(void) {
  return guarded<int>(0, [] { return static_cast<int>(at::detail::getCUDAHooks().getNumGPUs()); });
}
int ct_cuda_compiled(void) {
  return guarded<int>(0, [] { return at::CUDAHooksRegistry()->Has("CUDAHooks") ? 1 : 0; });
}
int ct_cuda_is_available(void) {
  return guarded<int>(0, [] { return at::detail::getCUDAHooks().hasCUDA() ? 1 : 0; });
}
char *ct_build_config(void) {
  try {
    return strdup(at::show_config().c_str());
  } catch (...) {
    return strdup("");
  }
}
void ct_free_string(char *s) { free(s); }

}  // extern "C"
