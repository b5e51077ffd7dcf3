#include "allocator.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlx::core::allocator {

namespace {

constexpr size_t kSmall = 256;             // below this: 16-byte size classes
constexpr size_t kHuge = size_t(1) << 21;  // at and above: 2 MiB aligned mmap, huge pages

// Size classes: 16-byte steps for small blocks, then four steps per power of two, so a
// cached block is at most 25% larger than the request.
size_t block_size(size_t n) {
  if (n == 0) n = 1;
  if (n <= kSmall) return (n + 15) & ~size_t(15);
  if (n >= kHuge) return (n + kHuge - 1) & ~(kHuge - 1);
  size_t p = size_t(1) << (63 - __builtin_clzll(n));
  size_t step = p / 4;
  return (n + step - 1) / step * step;
}

void* os_alloc(size_t block) {
  if (block >= kHuge) {
    void* p = mmap(nullptr, block, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
#ifdef MADV_HUGEPAGE
    madvise(p, block, MADV_HUGEPAGE);
#endif
    return p;
  }
  return std::aligned_alloc(64, (block + 63) & ~size_t(63));
}

void os_free(void* p, size_t block) {
  if (block >= kHuge)
    munmap(p, block);
  else
    std::free(p);
}

constexpr size_t kSmallClasses = 4096 / 16;  // blocks up to 4 KiB: direct-indexed free lists

struct State {
  std::mutex mu;
  std::vector<void*> small[kSmallClasses + 1];  // block / 16 -> free blocks
  std::map<size_t, std::vector<void*>> cache;   // larger block size -> free blocks
  size_t active = 0, peak = 0, cached = 0;
  size_t memory_limit = 0, cache_limit = 0;

  State() {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    size_t total = pages > 0 && page > 0 ? size_t(pages) * size_t(page) : size_t(8) << 30;
    memory_limit = total / 10 * 15;  // MLX allows 1.5x physical memory by default
    cache_limit = memory_limit;
  }

  bool take(size_t block, void*& p) {
    if (block <= 4096 && (block & 15) == 0) {
      auto& v = small[block / 16];
      if (v.empty()) return false;
      p = v.back();
      v.pop_back();
      return true;
    }
    auto it = cache.find(block);
    if (it == cache.end()) return false;
    p = it->second.back();
    it->second.pop_back();
    if (it->second.empty()) cache.erase(it);
    return true;
  }

  void give(size_t block, void* p) {
    if (block <= 4096 && (block & 15) == 0)
      small[block / 16].push_back(p);
    else
      cache[block].push_back(p);
  }

  // Frees cached blocks, largest first, until the cache holds at most `target` bytes.
  void trim(size_t target) {
    while (cached > target && !cache.empty()) {
      auto it = std::prev(cache.end());
      os_free(it->second.back(), it->first);
      cached -= it->first;
      it->second.pop_back();
      if (it->second.empty()) cache.erase(it);
    }
    for (size_t c = kSmallClasses; c > 0 && cached > target; --c) {
      while (!small[c].empty() && cached > target) {
        os_free(small[c].back(), c * 16);
        small[c].pop_back();
        cached -= c * 16;
      }
    }
  }
};

State& state() {
  static State* s = new State();  // never destroyed: buffers may be freed during exit
  return *s;
}

}  // namespace

Buffer malloc(size_t size) {
  size_t block = block_size(size);
  State& s = state();
  {
    std::lock_guard<std::mutex> lock(s.mu);
    void* p;
    if (s.take(block, p)) {
      s.cached -= block;
      s.active += block;
      if (s.active > s.peak) s.peak = s.active;
      return {p, size};
    }
    if (s.active + block > s.memory_limit) {
      s.trim(0);
      if (s.active + block > s.memory_limit)
        throw std::runtime_error("[malloc] Attempting to allocate " + std::to_string(size) +
                                 " bytes which is greater than the memory limit of " +
                                 std::to_string(s.memory_limit) + " bytes.");
    }
    s.active += block;
    if (s.active > s.peak) s.peak = s.active;
  }
  void* p = os_alloc(block);
  if (!p) {
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.trim(0);
    }
    p = os_alloc(block);
  }
  if (!p) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.active -= block;
    throw std::runtime_error("[malloc] Unable to allocate " + std::to_string(size) + " bytes.");
  }
  return {p, size};
}

void free(Buffer buf) {
  if (!buf.ptr) return;
  size_t block = block_size(buf.size);
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  s.active -= block;
  if (block > s.cache_limit) {
    os_free(buf.ptr, block);
    return;
  }
  s.give(block, buf.ptr);
  s.cached += block;
  if (s.cached > s.cache_limit) s.trim(s.cache_limit);
}

size_t get_active_memory() {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().active;
}
size_t get_peak_memory() {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().peak;
}
void reset_peak_memory() {
  std::lock_guard<std::mutex> lock(state().mu);
  state().peak = state().active;
}
size_t get_cache_memory() {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().cached;
}
size_t get_memory_limit() {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().memory_limit;
}
size_t set_memory_limit(size_t limit) {
  std::lock_guard<std::mutex> lock(state().mu);
  size_t old = state().memory_limit;
  state().memory_limit = limit;
  return old;
}
size_t set_cache_limit(size_t limit) {
  std::lock_guard<std::mutex> lock(state().mu);
  size_t old = state().cache_limit;
  state().cache_limit = limit;
  state().trim(limit);
  return old;
}
void clear_cache() {
  std::lock_guard<std::mutex> lock(state().mu);
  state().trim(0);
}

}  // namespace mlx::core::allocator
