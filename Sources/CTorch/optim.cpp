// Optimizer updates with PyTorch's single-tensor update rules (torch/optim/{sgd,adam,adamw}.py,
// 1.13), applied to lists of parameters in one call so that a step costs one crossing of the
// C boundary. State tensors are owned by the Swift caller, which saves and restores them.
#include "internal.h"
#include <ATen/Parallel.h>
#include <cmath>

using namespace ctorch;

namespace {

/// Whether one element-wise pass over raw memory can update a parameter: everything on the
/// CPU, float32 or float64, dense and laid out identically (contiguous or channels-last alike).
bool fusable(const at::Tensor &p, const at::Tensor &g, const at::Tensor &m, const at::Tensor &v) {
  const auto type = p.scalar_type();
  if (p.layout() != at::kStrided || !p.device().is_cpu() || (type != at::kFloat && type != at::kDouble)) return false;
  for (const at::Tensor *t : {&g, &m, &v}) {
    if (t->layout() != at::kStrided || !t->device().is_cpu() || t->scalar_type() != type ||
        t->sizes() != p.sizes() || t->strides() != p.strides())
      return false;
  }
  return p.is_non_overlapping_and_dense();
}

/// One Adam/AdamW update in a single pass per parameter, with the same arithmetic (in the
/// parameter's precision, in the same order) as the op-by-op path below. The op-by-op path
/// makes about ten passes and as many thread synchronisations per parameter; on a small
/// shared CPU those dominated the optimizer step (about a sixth of a short-chunk ResNet step).
template <typename T>
void adam_pass(at::Tensor &p, const at::Tensor &g, at::Tensor &m, at::Tensor &v, double lr, double beta1,
               double beta2, double eps, double weight_decay, bool decoupled, double step_size,
               double bias_correction2_sqrt) {
  T *pp = p.data_ptr<T>();
  const T *gp = g.data_ptr<T>();
  T *mp = m.data_ptr<T>();
  T *vp = v.data_ptr<T>();
  const T decay = static_cast<T>(1 - lr * weight_decay), wd = static_cast<T>(weight_decay);
  const T b1 = static_cast<T>(beta1), one_minus_b1 = static_cast<T>(1 - beta1);
  const T b2 = static_cast<T>(beta2), one_minus_b2 = static_cast<T>(1 - beta2);
  const T bc2 = static_cast<T>(bias_correction2_sqrt), e = static_cast<T>(eps);
  const T neg_step = static_cast<T>(-step_size);
  const bool l2 = !decoupled && weight_decay != 0;
  at::parallel_for(0, p.numel(), 1 << 18, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      T param = pp[i], grad = gp[i];
      if (decoupled) {
        param = param * decay;
      } else if (l2) {
        grad = grad + wd * param;
      }
      const T mi = mp[i] * b1 + one_minus_b1 * grad;
      const T vi = vp[i] * b2 + one_minus_b2 * grad * grad;
      const T denom = std::sqrt(vi) / bc2 + e;
      pp[i] = param + neg_step * mi / denom;
      mp[i] = mi;
      vp[i] = vi;
    }
  });
  for (at::Tensor *t : {&p, &m, &v}) t->unsafeGetTensorImpl()->bump_version();
}

}  // namespace

extern "C" {

int ct_sgd_step(const ct_tensor *params, int n, ct_tensor *bufs, double lr, double momentum,
                double dampening, double weight_decay, int nesterov) {
  CT_STATUS({
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; ++i) {
      auto &p = T(params[i]);
      at::Tensor d_p = p.grad();
      if (!d_p.defined()) continue;
      if (weight_decay != 0) d_p = d_p.add(p, weight_decay);
      if (momentum != 0) {
        if (bufs[i] == nullptr) {
          bufs[i] = wrap(at::clone(d_p).detach());
        } else {
          bufs[i]->t.mul_(momentum).add_(d_p, 1 - dampening);
        }
        const auto &buf = bufs[i]->t;
        d_p = nesterov ? d_p.add(buf, momentum) : buf;
      }
      p.add_(d_p, -lr);
    }
  })
}

int ct_adam_step(const ct_tensor *params, int n, const ct_tensor *exp_avg, const ct_tensor *exp_avg_sq,
                 int64_t *steps, double lr, double beta1, double beta2, double eps, double weight_decay,
                 int decoupled) {
  CT_STATUS({
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; ++i) {
      auto &p = T(params[i]);
      at::Tensor grad = p.grad();
      if (!grad.defined()) continue;
      auto &m = T(exp_avg[i]);
      auto &v = T(exp_avg_sq[i]);
      const int64_t step = ++steps[i];
      if (fusable(p, grad, m, v)) {
        const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
        const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
        const double step_size = lr / bias_correction1;
        const double bc2_sqrt = std::sqrt(bias_correction2);
        if (p.scalar_type() == at::kFloat) {
          adam_pass<float>(p, grad, m, v, lr, beta1, beta2, eps, weight_decay, decoupled != 0, step_size, bc2_sqrt);
        } else {
          adam_pass<double>(p, grad, m, v, lr, beta1, beta2, eps, weight_decay, decoupled != 0, step_size, bc2_sqrt);
        }
        continue;
      }
      if (decoupled) {
        p.mul_(1 - lr * weight_decay);
      } else if (weight_decay != 0) {
        grad = grad.add(p, weight_decay);
      }
      m.mul_(beta1).add_(grad, 1 - beta1);
      v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
      const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
      const double step_size = lr / bias_correction1;
      const double bias_correction2_sqrt = std::sqrt(bias_correction2);
      auto denom = (v.sqrt() / bias_correction2_sqrt).add_(eps);
      p.addcdiv_(m, denom, -step_size);
    }
  })
}

int ct_clip_grad_norm(const ct_tensor *params, int n, double max_norm, double *total_norm) {
  CT_STATUS({
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> grads;
    for (int i = 0; i < n; ++i) {
      const auto &g = T(params[i]).grad();
      if (g.defined()) grads.push_back(g);
    }
    if (grads.empty()) {
      *total_norm = 0;
      return 0;
    }
    std::vector<at::Tensor> norms;
    norms.reserve(grads.size());
    for (const auto &g : grads) norms.push_back(at::norm(g.detach(), 2));
    auto total = at::norm(at::stack(norms), 2);
    auto coef = at::clamp_max(max_norm / (total + 1e-6), 1.0);
    for (auto &g : grads) g.detach().mul_(coef.to(g.device()));
    *total_norm = total.item<double>();
  })
}

}  // extern "C"
