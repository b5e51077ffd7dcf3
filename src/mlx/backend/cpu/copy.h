// Row-contiguous copies of any layout, converting the dtype on the way (the convert kernels).
#pragma once

#include "../../allocator.h"
#include "../../array.h"
#include "kernels.h"
#include "strided.h"

namespace mlx::core::cpu {

// Writes `a` (any strides) to `dst` as row-contiguous elements of `dt`.
inline void copy_as(const array& a, Dtype dt, char* dst) {
  if (a.size() == 0) return;
  auto fn = kernels().convert[a.dtype().index()][dt.index()];
  Strides ostr = row_strides(a.shape());
  auto L = collapse<2>(a.shape(), {&a.strides(), &ostr});
  const char* src = a.data<char>();
  int64_t isz = int64_t(a.itemsize()), osz = int64_t(dt.size());
  for_each_row<2>(L, size_t(osz), [&](const std::array<int64_t, 2>& off, size_t n,
                                      const std::array<int64_t, 2>& s) {
    fn(src + off[0] * isz, dst + off[1] * osz, n, s[0]);
  });
}

// A row-contiguous copy of `a` in `dtype` (`a` itself when it already is one).
inline array contiguous_as(const array& a, Dtype dtype) {
  if (a.dtype() == dtype && a.flags().row_contiguous) return a;
  array out(a.shape(), dtype, nullptr, {});
  out.set_data(allocator::malloc(out.nbytes()));
  copy_as(a, dtype, out.data<char>());
  return out;
}

}  // namespace mlx::core::cpu
