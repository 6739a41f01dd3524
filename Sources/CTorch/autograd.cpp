// Autograd: gradient requirements, backward passes, gradients and grad mode.
#include "internal.h"

using namespace ctorch;

extern "C" {

int ct_set_requires_grad(ct_tensor t, int r) { CT_STATUS(T(t).set_requires_grad(r != 0)) }
int ct_requires_grad(ct_tensor t) { CT_STATUS(return T(t).requires_grad() ? 1 : 0) }
int ct_is_leaf(ct_tensor t) { CT_STATUS(return T(t).is_leaf() ? 1 : 0) }

int ct_backward(ct_tensor t, ct_tensor gradient, int retain_graph) {
  CT_STATUS({
    at::Tensor g = gradient ? gradient->t : at::Tensor();
    T(t).backward(g, retain_graph != 0);
  })
}

int ct_grad(ct_tensor t, ct_tensor *out) {
  CT_STATUS({
    const auto &g = T(t).grad();
    *out = g.defined() ? wrap(g) : nullptr;
  })
}

int ct_set_grad(ct_tensor t, ct_tensor grad) {
  CT_STATUS(T(t).mutable_grad() = grad ? grad->t : at::Tensor())
}

ct_tensor ct_detach(ct_tensor t) { CT_TENSOR(T(t).detach()) }
int ct_set_data(ct_tensor t, ct_tensor source) { CT_STATUS(T(t).set_data(T(source))) }

int ct_set_grad_enabled(int enabled) {
  const bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}
int ct_is_grad_enabled(void) { return c10::GradMode::is_enabled() ? 1 : 0; }

}  // extern "C"
