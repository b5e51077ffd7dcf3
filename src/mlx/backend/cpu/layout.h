// Output allocation and linear loops shared by the CPU evaluation files.
#pragma once

#include <algorithm>

#include "../../array.h"
#include "../../pool.h"
#include "kernels.h"
#include "parallel.h"

namespace mlx::core::cpu::layout {

inline bool is_dense(const array& a) { return a.flags().contiguous && a.data_size() == a.size(); }

// Gives out a fresh buffer with the same layout as `like` (a dense array).
inline void alloc_like(array& out, const array& like) {
  auto buf = allocator::malloc(like.data_size() * out.itemsize());
  out.set_data(make_pooled<Data>(buf), like.data_size(), like.strides(), like.flags());
}

inline void alloc_row(array& out) { out.set_data(allocator::malloc(out.nbytes())); }

// Parallel linear loop over n elements.
template <typename F>
void linear(size_t n, size_t itemsize, F&& f) {
  size_t grain = std::max<size_t>(4096, (size_t(1) << 18) / std::max<size_t>(1, itemsize));
  parallel_for(n, grain, [&](size_t b, size_t e) { f(b, e - b); });
}

// Outputs this large do not fit the caches, so writing them through the cache only costs a
// read of every destination line first. Such outputs are computed block by block into an
// L1-resident scratch and streamed out with non-temporal stores.
constexpr size_t kStreamBytes = size_t(16) << 20;

// Like linear(), for kernels of the form f(offset, count, dst): writes go through a
// scratch block and a streaming copy when the output is large.
template <typename F>
void linear_out(size_t n, size_t osz, char* dst, F&& f) {
  if (n * osz < kStreamBytes) {
    linear(n, osz, [&](size_t s, size_t m) { f(s, m, dst + s * osz); });
    return;
  }
  auto stream = kernels().copy_stream;
  linear(n, osz, [&](size_t s, size_t m) {
    alignas(64) char tmp[16384];
    size_t per = sizeof(tmp) / osz;
    for (size_t i = 0; i < m; i += per) {
      size_t k = std::min(per, m - i);
      f(s + i, k, tmp);
      stream(dst + (s + i) * osz, tmp, k * osz);
    }
  });
}

}  // namespace mlx::core::cpu::layout
