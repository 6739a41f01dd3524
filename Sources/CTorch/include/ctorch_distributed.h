// ctorch distributed: c10d key-value store and process groups (Gloo; NCCL when built against a
// CUDA libtorch with CTORCH_WITH_NCCL). Same conventions as ctorch.h: negative status or NULL on
// failure, the message in ct_last_error().
#ifndef CTORCH_DISTRIBUTED_H
#define CTORCH_DISTRIBUTED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_tensor_s *ct_tensor;
typedef struct ct_store_s *ct_store;
typedef struct ct_process_group_s *ct_process_group;

/// A c10d TCPStore at host:port. The server (is_server=1) listens and serves; every process,
/// server included, is a client. Operations time out after timeout_ms.
ct_store ct_tcp_store_new(const char *host, int port, int is_server, int world_size, int64_t timeout_ms);
void ct_store_free(ct_store s);
int ct_store_set(ct_store s, const char *key, const uint8_t *value, size_t n);
/// Blocks until the key exists (or the timeout); *value is malloc'ed, freed with ct_free_bytes.
int ct_store_get(ct_store s, const char *key, uint8_t **value, size_t *n);
void ct_free_bytes(uint8_t *p);
/// Atomically adds delta to an integer key (created at 0) and writes the new value.
int ct_store_add(ct_store s, const char *key, int64_t delta, int64_t *result);
/// Waits until all keys exist, at most timeout_ms.
int ct_store_wait(ct_store s, const char *const *keys, int n, int64_t timeout_ms);
/// 1 when all keys exist now, 0 otherwise.
int ct_store_check(ct_store s, const char *const *keys, int n);

enum ct_backend { CT_GLOO = 0, CT_NCCL = 1 };
enum ct_reduce_kind { CT_RED_SUM = 0, CT_RED_MAX = 1, CT_RED_MIN = 2, CT_RED_PRODUCT = 3 };

/// A process group over the store (keys under `prefix`), as rank of size. Gloo binds to
/// `interface` when given (GLOO_SOCKET_IFNAME), otherwise to `hostname` when given, otherwise to
/// this machine's resolved name (loopback as a fallback). Collectives time out after timeout_ms.
ct_process_group ct_process_group_new(int backend, ct_store s, const char *prefix, int rank, int size,
                                      const char *interface, const char *hostname, int64_t timeout_ms);
void ct_process_group_free(ct_process_group pg);
/// Whether this build can create process groups of the backend.
int ct_backend_available(int backend);

/// In-place all-reduce of each tensor; tensors are packed into flat buckets of at most
/// bucket_bytes (per dtype, in order) so that many small tensors cost few collectives. With
/// average=1 the sum is divided by the group size. Undefined (NULL) entries are skipped.
int ct_all_reduce(ct_process_group pg, const ct_tensor *ts, int n, int op, int average, int64_t bucket_bytes);
/// In-place all-reduce of the gradients of the given parameters (bucketed and averaged as above);
/// a parameter without a gradient contributes zeros and receives the average.
int ct_all_reduce_gradients(ct_process_group pg, const ct_tensor *params, int n, int64_t bucket_bytes);
/// In-place broadcast of each tensor from root (bucketed).
int ct_broadcast(ct_process_group pg, const ct_tensor *ts, int n, int root, int64_t bucket_bytes);
int ct_barrier(ct_process_group pg);
/// The sum over ranks of x, differentiable: the backward pass all-reduces the incoming gradient
/// (synchronised batch normalisation).
ct_tensor ct_all_reduce_sum_differentiable(ct_process_group pg, ct_tensor x);

#ifdef __cplusplus
}
#endif
#endif
