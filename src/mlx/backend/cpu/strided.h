// Walks N-d strided operands row by row: dimensions that are contiguous for every operand
// are merged first so most loops run over long rows.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "../../array.h"
#include "parallel.h"

namespace mlx::core::cpu {

template <int N>
struct Layout {
  Shape shape;                  // merged shape, at least one dim
  std::array<Strides, N> strides;  // element strides of each operand
};

// Merges adjacent dims i, i+1 where every operand has stride[i] == stride[i+1] * shape[i+1],
// and drops size-1 dims.
template <int N>
Layout<N> collapse(const Shape& shape, const std::array<const Strides*, N>& strides) {
  Layout<N> out;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !out.shape.empty();
    for (int k = 0; k < N && merge; ++k)
      merge = out.strides[k].back() == (*strides[k])[d] * shape[d];
    if (merge) {
      out.shape.back() *= shape[d];
      for (int k = 0; k < N; ++k) out.strides[k].back() = (*strides[k])[d];
    } else {
      out.shape.push_back(shape[d]);
      for (int k = 0; k < N; ++k) out.strides[k].push_back((*strides[k])[d]);
    }
  }
  if (out.shape.empty()) {
    out.shape.push_back(1);
    for (int k = 0; k < N; ++k) out.strides[k].push_back(0);
  }
  return out;
}

// Calls row(offsets, n, inner_strides) for each row of the merged layout, where offsets are
// element offsets of each operand. Rows are split over the cores when the work is large.
template <int N, typename RowFn>
void for_each_row(const Layout<N>& L, size_t itemsize_hint, RowFn&& row) {
  const int nd = int(L.shape.size());
  const size_t inner = size_t(L.shape.back());
  size_t rows = 1;
  for (int d = 0; d + 1 < nd; ++d) rows *= size_t(L.shape[d]);
  std::array<int64_t, N> inner_strides;
  for (int k = 0; k < N; ++k) inner_strides[k] = L.strides[k].back();

  auto run = [&](size_t r0, size_t r1) {
    // Offsets of row r0, from its multi-index.
    std::vector<int32_t> idx(nd > 1 ? nd - 1 : 0);
    std::array<int64_t, N> off{};
    size_t r = r0;
    for (int d = nd - 2; d >= 0; --d) {
      idx[d] = int32_t(r % size_t(L.shape[d]));
      r /= size_t(L.shape[d]);
      for (int k = 0; k < N; ++k) off[k] += int64_t(idx[d]) * L.strides[k][d];
    }
    for (size_t i = r0; i < r1; ++i) {
      row(off, inner, inner_strides);
      for (int d = nd - 2; d >= 0; --d) {
        for (int k = 0; k < N; ++k) off[k] += L.strides[k][d];
        if (++idx[d] < L.shape[d]) break;
        for (int k = 0; k < N; ++k) off[k] -= int64_t(L.shape[d]) * L.strides[k][d];
        idx[d] = 0;
      }
    }
  };
  // About 256 KiB of output per chunk keeps thread hand-off cheap relative to the work.
  size_t grain_rows = std::max<size_t>(1, (size_t(1) << 18) / std::max<size_t>(1, inner * itemsize_hint));
  if (rows == 1) {
    // One long row: split it by elements instead.
    size_t grain = std::max<size_t>(4096, (size_t(1) << 18) / std::max<size_t>(1, itemsize_hint));
    parallel_for(inner, grain, [&](size_t b, size_t e) {
      std::array<int64_t, N> off;
      for (int k = 0; k < N; ++k) off[k] = int64_t(b) * inner_strides[k];
      row(off, e - b, inner_strides);
    });
  } else {
    parallel_for(rows, grain_rows, [&](size_t b, size_t e) { run(b, e); });
  }
}

}  // namespace mlx::core::cpu
