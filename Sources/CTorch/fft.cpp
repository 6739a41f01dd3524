// Fourier-domain operations that need complex intermediates: they stay inside this file, so
// the Swift side only ever sees real tensors.
#include "internal.h"

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

}  // namespace

extern "C" ct_tensor ct_fft_convolve(ct_tensor signal, ct_tensor kernel, int64_t length) {
  try {
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
  } catch (const c10::Error &e) {
    ctorch::set_error(e.what_without_backtrace());
  } catch (const std::exception &e) {
    ctorch::set_error(e.what());
  } catch (...) {
    ctorch::set_error("unknown C++ exception");
  }
  return nullptr;
}
