// Splits loops over the cores: a small pool of helper threads plus the calling thread.
#pragma once

#include <cstddef>
#include <functional>

namespace mlx::core::cpu {

int num_threads();

// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items, in parallel when
// n is large enough. The caller runs chunks too, so this never waits on a busy pool.
void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);

}  // namespace mlx::core::cpu
