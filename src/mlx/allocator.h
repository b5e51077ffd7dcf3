// Buffer allocator with a cache of freed buffers: fresh pages cost ~15 us per 4 KiB here,
// so reusing a freed buffer is worth far more than any kernel tuning.
#pragma once

#include <cstddef>

namespace mlx::core::allocator {

struct Buffer {
  void* ptr = nullptr;
  size_t size = 0;  // bytes requested (the block may be larger)
};

// Throws std::runtime_error when the memory limit would be exceeded.
Buffer malloc(size_t size);
void free(Buffer buf);

size_t get_active_memory();
size_t get_peak_memory();
void reset_peak_memory();
size_t get_cache_memory();
size_t get_memory_limit();
size_t set_memory_limit(size_t limit);  // returns the previous limit
size_t set_cache_limit(size_t limit);   // returns the previous limit
void clear_cache();

}  // namespace mlx::core::allocator
