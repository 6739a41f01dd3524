// Distributed: c10d TCPStore, Gloo (and, in CUDA builds, NCCL) process groups, bucketed
// collectives and a differentiable all-reduce for synchronised batch normalisation.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
// Package.swift defines CTORCH_WITH_NCCL (and USE_C10D_NCCL, which the header's contents sit
// behind) only for a CUDA libtorch whose NCCL headers it found.
#ifdef CTORCH_WITH_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include "internal.h"

struct ct_store_s { c10::intrusive_ptr<c10d::Store> store; };
// In 2.x the Gloo and NCCL process groups are backends of a `ProcessGroup` (not subclasses of
// it); a backend offers the same collectives, so the shim holds the backend itself.
#if CTORCH_TORCH_AT_LEAST(2, 0)
using CollectiveGroup = c10d::Backend;
#else
using CollectiveGroup = c10d::ProcessGroup;
#endif

struct ct_process_group_s {
  c10::intrusive_ptr<CollectiveGroup> group;
  std::chrono::milliseconds timeout;
};

using namespace ctorch;

namespace {

CollectiveGroup &G(ct_process_group pg) {
  if (pg == nullptr) throw std::invalid_argument("ctorch: null process group");
  return *pg->group;
}

c10d::Store &S(ct_store s) {
  if (s == nullptr) throw std::invalid_argument("ctorch: null store");
  return *s->store;
}

c10d::ReduceOp reduce_op(int op) {
  switch (op) {
    case CT_RED_SUM: return c10d::ReduceOp::SUM;
    case CT_RED_MAX: return c10d::ReduceOp::MAX;
    case CT_RED_MIN: return c10d::ReduceOp::MIN;
    case CT_RED_PRODUCT: return c10d::ReduceOp::PRODUCT;
  }
  throw std::invalid_argument("ctorch: unknown reduce op " + std::to_string(op));
}

// Waits for a collective, turning a timeout or a lost peer into an exception.
void finish(const c10::intrusive_ptr<c10d::Work> &work, std::chrono::milliseconds timeout) {
  if (!work->wait(timeout)) throw std::runtime_error("collective timed out");
}

// Runs `collective` on flat buffers of at most bucket_bytes, each the concatenation of
// consecutive tensors of one dtype, then copies the results back.
template <typename Collective>
void bucketed(std::vector<at::Tensor> tensors, int64_t bucket_bytes, Collective collective) {
  std::map<at::ScalarType, std::vector<at::Tensor>> by_type;
  std::vector<at::ScalarType> order;
  for (auto &t : tensors) {
    if (!t.defined()) continue;
    if (!by_type.count(t.scalar_type())) order.push_back(t.scalar_type());
    by_type[t.scalar_type()].push_back(t);
  }
  for (auto type : order) {
    auto &list = by_type[type];
    size_t i = 0;
    while (i < list.size()) {
      std::vector<at::Tensor> bucket;
      int64_t bytes = 0;
      while (i < list.size() &&
             (bucket.empty() || bytes + list[i].numel() * list[i].element_size() <= bucket_bytes)) {
        bytes += list[i].numel() * list[i].element_size();
        bucket.push_back(list[i++]);
      }
      if (bucket.size() == 1 && bucket[0].is_contiguous()) {
        collective(bucket[0]);
        continue;
      }
      std::vector<at::Tensor> flat;
      flat.reserve(bucket.size());
      for (auto &t : bucket) flat.push_back(t.reshape({-1}));
      at::Tensor buffer = at::cat(flat);
      collective(buffer);
      int64_t offset = 0;
      for (auto &t : bucket) {
        t.copy_(buffer.narrow(0, offset, t.numel()).view(t.sizes()));
        offset += t.numel();
      }
    }
  }
}

struct AllReduceSum : public torch::autograd::Function<AllReduceSum> {
  static at::Tensor forward(torch::autograd::AutogradContext *ctx, at::Tensor x, int64_t group) {
    ctx->saved_data["group"] = group;
    auto pg = reinterpret_cast<ct_process_group>(group);
    std::vector<at::Tensor> out{x.clone()};
    finish(G(pg).allreduce(out), pg->timeout);
    return out[0];
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::variable_list grads) {
    auto pg = reinterpret_cast<ct_process_group>(ctx->saved_data["group"].toInt());
    std::vector<at::Tensor> g{grads[0].contiguous().clone()};
    finish(G(pg).allreduce(g), pg->timeout);
    return {g[0], at::Tensor()};
  }
};

std::vector<std::string> key_list(const char *const *keys, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.emplace_back(keys[i]);
  return out;
}

}  // namespace

extern "C" {

ct_store ct_tcp_store_new(const char *host, int port, int is_server, int world_size, int64_t timeout_ms) {
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(port);
    options.isServer = is_server != 0;
    options.numWorkers = world_size > 0 ? c10::optional<std::size_t>(world_size) : c10::nullopt;
    options.waitWorkers = false;
    options.timeout = std::chrono::milliseconds(timeout_ms);
    auto store = c10::make_intrusive<c10d::TCPStore>(std::string(host), options);
    return new ct_store_s{store};
  } catch (const c10::Error &e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception &e) {
    set_error(e.what());
  }
  return nullptr;
}

void ct_store_free(ct_store s) { delete s; }

int ct_store_set(ct_store s, const char *key, const uint8_t *value, size_t n) {
  CT_STATUS(S(s).set(key, std::vector<uint8_t>(value, value + n)))
}

int ct_store_get(ct_store s, const char *key, uint8_t **value, size_t *n) {
  CT_STATUS({
    auto bytes = S(s).get(key);
    *value = static_cast<uint8_t *>(std::malloc(bytes.size() + 1));
    if (*value == nullptr) throw std::bad_alloc();
    if (!bytes.empty()) std::memcpy(*value, bytes.data(), bytes.size());
    *n = bytes.size();
  })
}

void ct_free_bytes(uint8_t *p) { std::free(p); }

int ct_store_add(ct_store s, const char *key, int64_t delta, int64_t *result) {
  CT_STATUS(*result = S(s).add(key, delta))
}

int ct_store_wait(ct_store s, const char *const *keys, int n, int64_t timeout_ms) {
  CT_STATUS(S(s).wait(key_list(keys, n), std::chrono::milliseconds(timeout_ms)))
}

int ct_store_check(ct_store s, const char *const *keys, int n) {
  CT_STATUS(return S(s).check(key_list(keys, n)) ? 1 : 0)
}

int ct_backend_available(int backend) {
  if (backend == CT_GLOO) return 1;
#ifdef CTORCH_WITH_NCCL
  if (backend == CT_NCCL) return 1;
#endif
  return 0;
}

ct_process_group ct_process_group_new(int backend, ct_store s, const char *prefix, int rank, int size,
                                      const char *interface, const char *hostname, int64_t timeout_ms) {
  try {
    auto timeout = std::chrono::milliseconds(timeout_ms);
    S(s);
    auto store = c10::make_intrusive<c10d::PrefixStore>(prefix ? prefix : "", s->store);
    if (backend == CT_GLOO) {
      auto options = c10d::ProcessGroupGloo::Options::create(timeout);
      if (interface && *interface) {
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
      } else if (hostname && *hostname) {
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(hostname));
      } else {
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      }
      options->threads = 1;
      auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
      return new ct_process_group_s{group, timeout};
    }
#ifdef CTORCH_WITH_NCCL
    if (backend == CT_NCCL) {
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, size, options);
      return new ct_process_group_s{group, timeout};
    }
#endif
    throw std::invalid_argument("ctorch: backend " + std::to_string(backend) + " is not compiled in");
  } catch (const c10::Error &e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception &e) {
    set_error(e.what());
  }
  return nullptr;
}

void ct_process_group_free(ct_process_group pg) { delete pg; }

int ct_all_reduce(ct_process_group pg, const ct_tensor *ts, int n, int op, int average, int64_t bucket_bytes) {
  CT_STATUS({
    auto &group = G(pg);
    std::vector<at::Tensor> list;
    for (int i = 0; i < n; ++i) list.push_back(ts[i] ? ts[i]->t : at::Tensor());
    auto red = reduce_op(op);
    double scale = 1.0 / group.getSize();
    bucketed(list, bucket_bytes, [&](at::Tensor &buffer) {
      std::vector<at::Tensor> one{buffer};
      c10d::AllreduceOptions options;
      options.reduceOp = red;
      finish(group.allreduce(one, options), pg->timeout);
      if (average) buffer.mul_(scale);
    });
  })
}

int ct_all_reduce_gradients(ct_process_group pg, const ct_tensor *params, int n, int64_t bucket_bytes) {
  CT_STATUS({
    auto &group = G(pg);
    std::vector<at::Tensor> grads;
    for (int i = 0; i < n; ++i) {
      auto &p = T(params[i]);
      if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
      grads.push_back(p.grad());
    }
    double scale = 1.0 / group.getSize();
    at::NoGradGuard no_grad;
    bucketed(grads, bucket_bytes, [&](at::Tensor &buffer) {
      std::vector<at::Tensor> one{buffer};
      finish(group.allreduce(one), pg->timeout);
      buffer.mul_(scale);
    });
  })
}

int ct_broadcast(ct_process_group pg, const ct_tensor *ts, int n, int root, int64_t bucket_bytes) {
  CT_STATUS({
    auto &group = G(pg);
    std::vector<at::Tensor> list;
    for (int i = 0; i < n; ++i) list.push_back(T(ts[i]));
    at::NoGradGuard no_grad;
    bucketed(list, bucket_bytes, [&](at::Tensor &buffer) {
      std::vector<at::Tensor> one{buffer};
      c10d::BroadcastOptions options;
      options.rootRank = root;
      finish(group.broadcast(one, options), pg->timeout);
    });
  })
}

int ct_barrier(ct_process_group pg) {
  CT_STATUS({
    c10d::BarrierOptions options;
    options.timeout = pg->timeout;
    finish(G(pg).barrier(options), pg->timeout);
  })
}

ct_tensor ct_all_reduce_sum_differentiable(ct_process_group pg, ct_tensor x) {
  CT_TENSOR(({
    G(pg);
    AllReduceSum::apply(T(x), reinterpret_cast<int64_t>(pg));
  }))
}

}  // extern "C"
