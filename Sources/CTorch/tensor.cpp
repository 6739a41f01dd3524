// Tensor creation, metadata, conversion and copies.
#include "internal.h"
#include <cstring>

namespace ctorch {

static thread_local std::string last_error;

void set_error(const char *message) { last_error = message ? message : ""; }

at::ScalarType scalar_type(int dtype) {
  switch (dtype) {
    case CT_FLOAT32: return at::kFloat;
    case CT_FLOAT16: return at::kHalf;
    case CT_BFLOAT16: return at::kBFloat16;
    case CT_FLOAT64: return at::kDouble;
    case CT_INT64: return at::kLong;
    case CT_INT32: return at::kInt;
    case CT_BOOL: return at::kBool;
    case CT_UINT8: return at::kByte;
    case CT_INT8: return at::kChar;
    case CT_INT16: return at::kShort;
  }
  throw std::invalid_argument("ctorch: unknown dtype code " + std::to_string(dtype));
}

int dtype_code(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return CT_FLOAT32;
    case at::kHalf: return CT_FLOAT16;
    case at::kBFloat16: return CT_BFLOAT16;
    case at::kDouble: return CT_FLOAT64;
    case at::kLong: return CT_INT64;
    case at::kInt: return CT_INT32;
    case at::kBool: return CT_BOOL;
    case at::kByte: return CT_UINT8;
    case at::kChar: return CT_INT8;
    case at::kShort: return CT_INT16;
    default: throw std::invalid_argument(std::string("ctorch: unsupported dtype ") + c10::toString(t));
  }
}

at::Device device(int type, int index) {
  switch (type) {
    case CT_CPU: return at::Device(at::kCPU);
    case CT_CUDA: return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw std::invalid_argument("ctorch: unknown device type " + std::to_string(type));
}

at::MemoryFormat memory_format(int code) {
  switch (code) {
    case CT_CONTIGUOUS: return at::MemoryFormat::Contiguous;
    case CT_CHANNELS_LAST: return at::MemoryFormat::ChannelsLast;
    case CT_PRESERVE: return at::MemoryFormat::Preserve;
  }
  throw std::invalid_argument("ctorch: unknown memory format " + std::to_string(code));
}

std::vector<at::Tensor> tensors(const ct_tensor *ts, int n) {
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v.push_back(T(ts[i]));
  return v;
}

}  // namespace ctorch

using namespace ctorch;

extern "C" {

const char *ct_last_error(void) { return last_error.c_str(); }
void ct_clear_error(void) { last_error.clear(); }

void ct_free(ct_tensor t) { delete t; }
ct_tensor ct_shallow_clone(ct_tensor t) { CT_TENSOR(T(t)) }

ct_tensor ct_from_data(const void *data, const int64_t *shape, int ndim, int dtype, int device_type,
                       int device_index) {
  CT_TENSOR(([&] {
    auto cpu = at::empty(dims(shape, ndim), options(dtype, CT_CPU, 0));
    if (cpu.nbytes() > 0) std::memcpy(cpu.data_ptr(), data, cpu.nbytes());
    auto dev = device(device_type, device_index);
    return dev.is_cpu() ? cpu : cpu.to(dev);
  })())
}

ct_tensor ct_empty(const int64_t *shape, int ndim, int dtype, int dt, int di) {
  CT_TENSOR(at::empty(dims(shape, ndim), options(dtype, dt, di)))
}
ct_tensor ct_zeros(const int64_t *shape, int ndim, int dtype, int dt, int di) {
  CT_TENSOR(at::zeros(dims(shape, ndim), options(dtype, dt, di)))
}
ct_tensor ct_ones(const int64_t *shape, int ndim, int dtype, int dt, int di) {
  CT_TENSOR(at::ones(dims(shape, ndim), options(dtype, dt, di)))
}
ct_tensor ct_full(const int64_t *shape, int ndim, double value, int dtype, int dt, int di) {
  CT_TENSOR(at::full(dims(shape, ndim), value, options(dtype, dt, di)))
}
ct_tensor ct_arange(double start, double end, double step, int dtype, int dt, int di) {
  CT_TENSOR(at::arange(start, end, step, options(dtype, dt, di)))
}
ct_tensor ct_linspace(double start, double end, int64_t steps, int dtype, int dt, int di) {
  CT_TENSOR(at::linspace(start, end, steps, options(dtype, dt, di)))
}
ct_tensor ct_scalar_tensor(double value, int dtype, int dt, int di) {
  CT_TENSOR(at::scalar_tensor(value, options(dtype, dt, di)))
}
ct_tensor ct_hann_window(int64_t length, int periodic, int dtype, int dt, int di) {
  CT_TENSOR(at::hann_window(length, periodic != 0, options(dtype, dt, di)))
}

int ct_ndim(ct_tensor t) { CT_STATUS(return static_cast<int>(T(t).dim())) }
int ct_shape(ct_tensor t, int64_t *out, int capacity) {
  CT_STATUS({
    auto s = T(t).sizes();
    if (static_cast<int>(s.size()) > capacity) throw std::invalid_argument("ctorch: shape buffer too small");
    for (size_t i = 0; i < s.size(); ++i) out[i] = s[i];
    return static_cast<int>(s.size());
  })
}
int ct_strides(ct_tensor t, int64_t *out, int capacity) {
  CT_STATUS({
    auto s = T(t).strides();
    if (static_cast<int>(s.size()) > capacity) throw std::invalid_argument("ctorch: stride buffer too small");
    for (size_t i = 0; i < s.size(); ++i) out[i] = s[i];
    return static_cast<int>(s.size());
  })
}
int64_t ct_numel(ct_tensor t) { return t ? t->t.numel() : -1; }
int ct_dtype_of(ct_tensor t) { CT_STATUS(return dtype_code(T(t).scalar_type())) }
int ct_device_of(ct_tensor t, int *device_index) {
  CT_STATUS({
    auto d = T(t).device();
    *device_index = d.has_index() ? d.index() : 0;
    if (d.is_cpu()) return CT_CPU;
    if (d.is_cuda()) return CT_CUDA;
    throw std::invalid_argument("ctorch: unsupported device " + d.str());
  })
}
int ct_is_contiguous(ct_tensor t, int memory_format_code) {
  CT_STATUS(return T(t).is_contiguous(memory_format(memory_format_code)) ? 1 : 0)
}
int ct_item_double(ct_tensor t, double *out) { CT_STATUS(*out = T(t).item<double>()) }
int ct_item_int64(ct_tensor t, int64_t *out) { CT_STATUS(*out = T(t).item<int64_t>()) }

int ct_copy_to_buffer(ct_tensor t, void *dst, size_t nbytes) {
  CT_STATUS({
    auto c = T(t).detach().to(at::kCPU).contiguous();
    if (c.nbytes() != nbytes)
      throw std::invalid_argument("ctorch: buffer holds " + std::to_string(nbytes) + " bytes, tensor has " +
                                  std::to_string(c.nbytes()));
    if (nbytes > 0) std::memcpy(dst, c.data_ptr(), nbytes);
  })
}
void *ct_data_ptr(ct_tensor t) {
  if (t == nullptr || !t->t.device().is_cpu() || !t->t.is_contiguous()) return nullptr;
  return t->t.data_ptr();
}
int ct_element_size(int dtype) { CT_STATUS(return static_cast<int>(c10::elementSize(scalar_type(dtype)))) }

ct_tensor ct_to(ct_tensor t, int dtype, int dt, int di, int copy) {
  CT_TENSOR(T(t).to(device(dt, di), scalar_type(dtype), /*non_blocking=*/false, copy != 0))
}
ct_tensor ct_contiguous(ct_tensor t, int mf) { CT_TENSOR(T(t).contiguous(memory_format(mf))) }
ct_tensor ct_clone(ct_tensor t, int mf) { CT_TENSOR(T(t).clone(memory_format(mf))) }
int ct_equal(ct_tensor a, ct_tensor b) { CT_STATUS(return at::equal(T(a), T(b)) ? 1 : 0) }
int ct_allclose(ct_tensor a, ct_tensor b, double rtol, double atol) {
  CT_STATUS(return at::allclose(T(a), T(b), rtol, atol) ? 1 : 0)
}

}  // extern "C"
