// Optimizer updates with PyTorch's single-tensor update rules (torch/optim/{sgd,adam,adamw}.py,
// 1.13), applied to lists of parameters in one call so that a step costs one crossing of the
// C boundary. State tensors are owned by the Swift caller, which saves and restores them.
#include "internal.h"
#include <cmath>

using namespace ctorch;

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
