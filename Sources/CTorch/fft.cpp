// Fourier-domain operations that need complex intermediates: they stay inside this file, so
// the Swift side only ever sees real tensors.
#include "internal.h"
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <algorithm>
#include <vector>

namespace {

// The smallest n' >= n whose only prime factors are 2, 3 and 5: pocketfft (libtorch's CPU
// FFT) and cuFFT are fastest on such lengths, and they are far denser than powers of two.
int64_t fast_fft_length(int64_t n) {
  if (n <= 1) return 1;
  int64_t best = 1;
  while (best < n) best *= 2;  // a power of two always qualifies
  for (int64_t p5 = 1; p5 < best; p5 *= 5) {
    for (int64_t p35 = p5; p35 < best; p35 *= 3) {
      int64_t candidate = p35;
      while (candidate < n) candidate *= 2;
      if (candidate < best) best = candidate;
    }
  }
  return best;
}

// weights · |X|² on the CPU for a (batch, F, T, 2) real view of a spectrum (any strides) into a
// contiguous (batch, M, T) `out`. Frames go in blocks of kBlock: their |X|² is laid out bin by
// bin (frames innermost), then each filter sums only its rows' non-zero range [lo, hi) across
// the whole block at once, so the inner loop runs over contiguous frames and vectorises.
// Everything accumulates in double; the result is rounded once, to `Out`.
template <typename In, typename Out>
void power_project_cpu(const at::Tensor &spectrum, const std::vector<double> &weights,
                       const std::vector<int64_t> &lo, const std::vector<int64_t> &hi, at::Tensor &out) {
  constexpr int64_t kBlock = 16;
  const int64_t batch = spectrum.size(0), bins = spectrum.size(1), frames = spectrum.size(2);
  const int64_t filters = static_cast<int64_t>(lo.size());
  const int64_t sb = spectrum.stride(0), sf = spectrum.stride(1), st = spectrum.stride(2),
                sc = spectrum.stride(3);
  const In *input = spectrum.data_ptr<In>();
  Out *output = out.data_ptr<Out>();
  const int64_t blocks = (frames + kBlock - 1) / kBlock;
  at::parallel_for(0, batch * blocks, 4, [&](int64_t begin, int64_t end) {
    std::vector<double> power(static_cast<size_t>(bins * kBlock), 0.0);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / blocks, t0 = (task % blocks) * kBlock;
      const int64_t n = std::min(kBlock, frames - t0);
      const In *block = input + b * sb + t0 * st;
      for (int64_t j = 0; j < n; ++j) {
        const In *frame = block + j * st;
        for (int64_t k = 0; k < bins; ++k) {
          const double re = static_cast<double>(frame[k * sf]), im = static_cast<double>(frame[k * sf + sc]);
          power[static_cast<size_t>(k * kBlock + j)] = re * re + im * im;
        }
      }
      Out *target = output + b * filters * frames + t0;
      for (int64_t m = 0; m < filters; ++m) {
        double sum[kBlock] = {};
        const double *row = weights.data() + m * bins;
        for (int64_t k = lo[static_cast<size_t>(m)]; k < hi[static_cast<size_t>(m)]; ++k) {
          const double w = row[k];
          const double *p = power.data() + k * kBlock;
          for (int64_t j = 0; j < kBlock; ++j) sum[j] += w * p[j];
        }
        Out *line = target + m * frames;
        for (int64_t j = 0; j < n; ++j) line[j] = static_cast<Out>(sum[j]);
      }
    }
  });
}

}  // namespace

extern "C" ct_tensor ct_power_project(ct_tensor weights, ct_tensor spectrum, int dtype) {
  return ctorch::guarded<ct_tensor>(nullptr, [&]() -> ct_tensor {
    const at::Tensor &w = ctorch::T(weights);
    const at::Tensor &x = ctorch::T(spectrum);
    const at::ScalarType out_type = ctorch::scalar_type(dtype);
    if (w.dim() != 2) throw std::invalid_argument("power_project: weights must be (filters, bins)");
    if (x.dim() < 3 || x.size(-1) != 2)
      throw std::invalid_argument("power_project: spectrum must be (..., bins, frames, 2)");
    if (x.size(-3) != w.size(1))
      throw std::invalid_argument("power_project: " + std::to_string(w.size(1)) + " weight columns for " +
                                  std::to_string(x.size(-3)) + " spectrum bins");
    const bool fast = x.device().is_cpu() && w.device().is_cpu() &&
                      (x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble) &&
                      (out_type == at::kFloat || out_type == at::kDouble) && w.is_floating_point() &&
                      !(c10::GradMode::is_enabled() && (x.requires_grad() || w.requires_grad()));
    if (!fast) {
      // Differentiable, any device: the same sum as tensor operations.
      at::Tensor power = x.select(-1, 0).square() + x.select(-1, 1).square();
      return ctorch::wrap(at::matmul(w.to(power.scalar_type()), power).to(out_type));
    }
    const int64_t filters = w.size(0), bins = w.size(1), frames = x.size(-2);
    std::vector<int64_t> leading(x.sizes().begin(), x.sizes().end() - 3);
    int64_t batch = 1;
    for (int64_t size : leading) batch *= size;
    const at::Tensor x4 = x.reshape({batch, bins, frames, 2});
    const at::Tensor wd = w.to(at::kDouble).contiguous();
    std::vector<double> dense(wd.data_ptr<double>(), wd.data_ptr<double>() + filters * bins);
    // Each filter's non-zero range: a triangular filter touches a few bins only.
    std::vector<int64_t> lo(static_cast<size_t>(filters), 0), hi(static_cast<size_t>(filters), 0);
    for (int64_t m = 0; m < filters; ++m) {
      const double *row = dense.data() + m * bins;
      int64_t first = 0, last = bins;
      while (first < bins && row[first] == 0) ++first;
      while (last > first && row[last - 1] == 0) --last;
      lo[static_cast<size_t>(m)] = first;
      hi[static_cast<size_t>(m)] = last;
    }
    at::Tensor out = at::empty({batch, filters, frames}, x.options().dtype(out_type));
    if (x.scalar_type() == at::kDouble) {
      if (out_type == at::kDouble) power_project_cpu<double, double>(x4, dense, lo, hi, out);
      else power_project_cpu<double, float>(x4, dense, lo, hi, out);
    } else {
      if (out_type == at::kDouble) power_project_cpu<float, double>(x4, dense, lo, hi, out);
      else power_project_cpu<float, float>(x4, dense, lo, hi, out);
    }
    leading.push_back(filters);
    leading.push_back(frames);
    return ctorch::wrap(out.view(leading));
  });
}

extern "C" ct_tensor ct_fft_convolve(ct_tensor signal, ct_tensor kernel, int64_t length) {
  return ctorch::guarded<ct_tensor>(nullptr, [&]() -> ct_tensor {
    const at::Tensor &x = ctorch::T(signal);
    const at::Tensor &h = ctorch::T(kernel);
    if (x.dim() < 1 || h.dim() < 1) throw std::invalid_argument("fft_convolve: signal and kernel need at least one dimension");
    const int64_t n = x.size(-1), m = h.size(-1);
    if (n < 1 || m < 1) throw std::invalid_argument("fft_convolve: empty signal or kernel");
    const int64_t full = n + m - 1;
    const int64_t out = length < 0 ? full : std::min(length, full);
    const int64_t size = fast_fft_length(full);
    at::Tensor product = at::fft_rfft(x, size, -1) * at::fft_rfft(h, size, -1);
    return ctorch::wrap(at::fft_irfft(product, size, -1).narrow(-1, 0, out));
  });
}
