// The fuzz targets' allocator (replaces src/mlx/allocator.cpp at link time): every buffer is
// its own malloc of exactly the requested size, never cached or rounded up, so AddressSanitizer
// reports a read or write even one byte past an array's data, or into a freed array.
// Defines every function of allocator.h, so the engine library's allocator is never linked.
#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "mlx/allocator.h"

namespace mlx::core::allocator {

namespace {
std::atomic<size_t> g_active{0}, g_peak{0}, g_limit{~size_t(0)}, g_cache_limit{0};
}  // namespace

Buffer malloc(size_t size) {
  void* p = nullptr;
  if (posix_memalign(&p, 64, size) != 0 || (!p && size))
    throw std::runtime_error("[malloc] Unable to allocate " + std::to_string(size) + " bytes.");
  size_t now = g_active += size;
  for (size_t peak = g_peak; now > peak && !g_peak.compare_exchange_weak(peak, now);) {
  }
  return {p, size};
}

void free(Buffer buf) {
  if (!buf.ptr) return;
  g_active -= buf.size;
  std::free(buf.ptr);
}

size_t get_active_memory() { return g_active; }
size_t get_peak_memory() { return g_peak; }
void reset_peak_memory() { g_peak = size_t(g_active); }
size_t get_cache_memory() { return 0; }
size_t get_memory_limit() { return g_limit; }
size_t set_memory_limit(size_t limit) { return g_limit.exchange(limit); }
size_t set_cache_limit(size_t limit) { return g_cache_limit.exchange(limit); }
void clear_cache() {}

}  // namespace mlx::core::allocator
