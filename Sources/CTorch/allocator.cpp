// A caching CPU allocator for libtorch: large blocks that tensors free are kept and handed out
// again for the next request of the same (rounded) size, instead of going back to the kernel.
//
// Why: glibc serves large tensors (activations of a batch are tens to hundreds of MB) with
// fresh mmap'd memory and unmaps it on free, so every training or inference step page-faults
// and zero-fills all of its activation memory again (10-20 % of a step's CPU time on the
// benchmark machine). Steps repeat the same sizes, so a cache keyed by size removes this.
// Large blocks come from mmap with MADV_HUGEPAGE, so their first touch also faults far less.
//
// Installed process-wide with c10::SetCPUAllocator (oneDNN's scratch memory goes through it
// too); blocks allocated before installation keep their own deleter.
//
// Once installed it stays installed: "disabling" switches it to pass-through (plain aligned
// malloc, nothing cached). libtorch's oneDNN bridge (ideep) allocates with
// GetAllocator(CPU)->raw_allocate and frees with GetAllocator(CPU)->raw_deallocate, i.e. with
// whichever allocator is current *at free time*; swapping allocators while such a block lives
// handed a mapped block to glibc's free() ("free(): invalid pointer", a CI abort when one test
// disabled the cache while another held oneDNN-layout weights). For the same reason a pointer
// this allocator never handed out is one the default allocator made (posix_memalign), and is
// given back with free().
#include "internal.h"
#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>
#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

constexpr size_t kSmall = 64 * 1024;            // below: plain aligned malloc, not cached
constexpr size_t kHugeGranule = 2 * 1024 * 1024;  // above 8 MiB: rounded to huge pages
constexpr uint8_t kPriority = 100;

size_t rounded(size_t n) {
  if (n >= 4 * kHugeGranule) return (n + kHugeGranule - 1) / kHugeGranule * kHugeGranule;
  return (n + kSmall - 1) / kSmall * kSmall;
}

class CachingCPUAllocator final : public c10::Allocator {
 public:
  explicit CachingCPUAllocator(size_t limit) : limit_(limit) {}

#if CTORCH_TORCH_AT_LEAST(2, 3)
  // 2.x: allocate is no longer const, and allocators copy their own blocks (plain memcpy here).
  c10::DataPtr allocate(size_t nbytes) override {
    void *p = obtain(nbytes);
    return {p, p, &Release, c10::Device(c10::DeviceType::CPU)};
  }
  void copy_data(void *dest, const void *src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }
#else
  c10::DataPtr allocate(size_t nbytes) const override {
    void *p = const_cast<CachingCPUAllocator *>(this)->obtain(nbytes);
    return {p, p, &Release, c10::Device(c10::DeviceType::CPU)};
  }
#endif

  c10::DeleterFnPtr raw_deleter() const override { return &Release; }

  static void Release(void *p);

  /// Caching on with `limit` bytes of freed blocks kept, or off (pass-through, cache emptied).
  void configure(bool caching, size_t limit) {
    std::lock_guard<std::mutex> lock(mutex_);
    caching_ = caching;
    limit_ = caching ? limit : 0;
    trim(limit_);
  }

  bool caching() {
    std::lock_guard<std::mutex> lock(mutex_);
    return caching_;
  }

  void empty_cache() {
    std::lock_guard<std::mutex> lock(mutex_);
    trim(0);
  }

  void stats(int64_t *live, int64_t *cached, int64_t *peak, int64_t *hits, int64_t *misses) {
    std::lock_guard<std::mutex> lock(mutex_);
    *live = static_cast<int64_t>(live_bytes_);
    *cached = static_cast<int64_t>(cached_bytes_);
    *peak = static_cast<int64_t>(peak_bytes_);
    *hits = hits_;
    *misses = misses_;
  }

 private:
  void *obtain(size_t nbytes) {
    if (nbytes == 0) return nullptr;
    std::unique_lock<std::mutex> lock(mutex_);
    if (nbytes < kSmall || !caching_) {
      lock.unlock();
      void *p = nullptr;
      if (posix_memalign(&p, 64, nbytes) != 0 || p == nullptr) throw std::bad_alloc();
      lock.lock();
      small_.insert(p);
      return p;
    }
    const size_t size = rounded(nbytes);
    auto it = free_.find(size);
    void *p = nullptr;
    if (it != free_.end() && !it->second.empty()) {
      p = it->second.back();
      it->second.pop_back();
      cached_bytes_ -= size;
      ++hits_;
    } else {
      ++misses_;
      p = map(size);
      if (p == nullptr) {  // out of memory: give the cache back and try once more
        trim(0);
        p = map(size);
        if (p == nullptr) throw std::bad_alloc();
      }
    }
    live_.emplace(p, size);
    live_bytes_ += size;
    if (live_bytes_ + cached_bytes_ > peak_bytes_) peak_bytes_ = live_bytes_ + cached_bytes_;
    return p;
  }

  void release(void *p) {
    if (p == nullptr) return;
    std::lock_guard<std::mutex> lock(mutex_);
    auto small = small_.find(p);
    if (small != small_.end()) {
      small_.erase(small);
      std::free(p);
      return;
    }
    auto it = live_.find(p);
    if (it == live_.end()) {  // made by the default allocator (see the top of the file)
      std::free(p);
      return;
    }
    const size_t size = it->second;
    live_.erase(it);
    live_bytes_ -= size;
    if (cached_bytes_ + size > limit_) trim(limit_ > size ? limit_ - size : 0);
    if (cached_bytes_ + size > limit_) {
      munmap(p, size);
      return;
    }
    free_[size].push_back(p);
    cached_bytes_ += size;
  }

  static void *map(size_t size) {
    void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    if (size >= kHugeGranule) madvise(p, size, MADV_HUGEPAGE);
    return p;
  }

  /// Unmaps cached blocks, largest first, until at most `target` bytes stay cached.
  void trim(size_t target) {
    for (auto it = free_.rbegin(); it != free_.rend() && cached_bytes_ > target; ++it) {
      auto &blocks = it->second;
      while (!blocks.empty() && cached_bytes_ > target) {
        munmap(blocks.back(), it->first);
        blocks.pop_back();
        cached_bytes_ -= it->first;
      }
    }
  }

  std::mutex mutex_;
  bool caching_ = true;
  size_t limit_;
  std::map<size_t, std::vector<void *>> free_;
  std::unordered_map<void *, size_t> live_;
  std::unordered_set<void *> small_;
  size_t live_bytes_ = 0, cached_bytes_ = 0, peak_bytes_ = 0;
  int64_t hits_ = 0, misses_ = 0;
};

CachingCPUAllocator *instance(size_t limit = 0) {
  // Never destroyed: tensors may be freed during static destruction.
  static CachingCPUAllocator *allocator = new CachingCPUAllocator(limit);
  return allocator;
}

void CachingCPUAllocator::Release(void *p) { instance()->release(p); }

}  // namespace

extern "C" {

int ct_caching_allocator_enable(int enabled, int64_t max_cached_bytes) {
  CT_STATUS({
    if (max_cached_bytes < 0) throw std::invalid_argument("ctorch: negative cache limit");
    auto *caching = instance(static_cast<size_t>(max_cached_bytes));
    caching->configure(enabled != 0, static_cast<size_t>(max_cached_bytes));
    // Installed once, never swapped back (see the top of the file).
    if (enabled && c10::GetCPUAllocator() != static_cast<c10::Allocator *>(caching))
      c10::SetCPUAllocator(caching, kPriority);
  })
}

int ct_caching_allocator_enabled(void) {
  return c10::GetCPUAllocator() == static_cast<c10::Allocator *>(instance()) && instance()->caching() ? 1 : 0;
}

int ct_caching_allocator_stats(int64_t *live, int64_t *cached, int64_t *peak, int64_t *hits, int64_t *misses) {
  CT_STATUS(instance()->stats(live, cached, peak, hits, misses))
}

int ct_caching_allocator_empty(void) { CT_STATUS(instance()->empty_cache()) }

}  // extern "C"
