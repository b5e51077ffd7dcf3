// Splits loops over the cores: a small pool of helper threads plus the calling thread.
#pragma once

#include <cstddef>
#include <functional>

namespace mlx::core::cpu {

int num_threads();

// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items, in parallel when
// n is large enough. The caller runs chunks too, so this never waits on a busy pool.
void parallel_for_impl(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);

template <typename F>
inline void parallel_for(size_t n, size_t grain, F&& fn) {
  if (n < 2 * grain || num_threads() == 1) {  // small work: no thread hand-off, no std::function
    if (n) fn(size_t(0), n);
    return;
  }
  parallel_for_impl(n, grain, std::function<void(size_t, size_t)>(std::ref(fn)));
}

}  // namespace mlx::core::cpu
