// The floor for per-operation overhead: a C++ loop calling ATen directly, with nothing
// between the caller and the dispatcher. `crescendo bench engine` reports it beside Swift's.
#include "internal.h"
#include <chrono>

extern "C" double ct_bench_add_loop(ct_tensor a, ct_tensor b, int64_t iterations) {
  try {
    at::NoGradGuard no_grad;
    const auto &x = ctorch::T(a);
    const auto &y = ctorch::T(b);
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < iterations; ++i) {
      at::Tensor r = at::add(x, y);
      (void)r;
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / static_cast<double>(iterations);
  } catch (const std::exception &e) {
    ctorch::set_error(e.what());
    return -1;
  }
}
