// Gather / scatter / take / take_along_axis / put_along_axis / masked_scatter / diagonal / diag /
// dynamic slices / index views: values against naive loops over random data (every scatter mode,
// repeated indices, negative indices, strided sources, large outputs split over the cores), and
// the errors (std::out_of_range for axes and indices, std::invalid_argument otherwise).
#include <gtest/gtest.h>

#include <random>

#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

array iota(Shape shape, Dtype dt = int32) {
  size_t n = shape_size(shape);
  std::vector<int32_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = int32_t(i);
  return astype(array(v.data(), shape, int32), dt);
}

array ints(const std::vector<int32_t>& v, Shape shape, Dtype dt = int32) {
  return astype(array(v.data(), shape, int32), dt);
}

}  // namespace

TEST(IndexOps, TakeMatchesNaive) {
  std::mt19937 rng(7);
  array a = iota({5, 7, 9});
  std::vector<int32_t> idx(40);
  for (auto& x : idx) x = int32_t(rng() % 14) - 7;  // negative ones count from the end
  for (int axis = 0; axis < 3; ++axis) {
    int n = a.shape(axis);
    std::vector<int32_t> id(idx.size());
    for (size_t i = 0; i < id.size(); ++i) id[i] = idx[i] % n;
    for (Dtype idt : {int8, int16, int32, int64}) {
      auto out = to_vec<int32_t>(take(a, ints(id, {8, 5}, idt), axis));
      Shape os = a.shape();
      os[axis] = 40;
      size_t k = 0;
      // Naive: out[..., i, ...] = a[..., id[i], ...].
      for (int p = 0; p < (axis == 0 ? 1 : a.shape(0)); ++p)
        for (int q = 0; q < (axis <= 1 ? 1 : a.shape(1)); ++q)
          for (int i = 0; i < 40; ++i)
            for (int r = 0; r < (axis == 0 ? a.shape(1) : axis == 1 ? a.shape(2) : 1); ++r)
              for (int t = 0; t < (axis == 0 ? a.shape(2) : 1); ++t) {
                int j = id[i] < 0 ? id[i] + n : id[i];
                int64_t src = axis == 0 ? (j * 7 + r) * 9 + t : axis == 1 ? (p * 7 + j) * 9 + r : (p * 7 + q) * 9 + j;
                ASSERT_EQ(out[k++], src) << "axis " << axis;
              }
      ASSERT_EQ(k, out.size());
    }
  }
}

TEST(IndexOps, GatherSlicesFromStridedSource) {
  // A transposed source: the slices are not contiguous.
  array a = transpose(iota({6, 8}));  // (8, 6), a[i][j] = j * 8 + i
  array g = gather(a, {ints({7, 0, 3}, {3}), ints({5, 1, 2}, {3})}, {0, 1}, {1, 1});
  EXPECT_EQ(g.shape(), Shape({3, 1, 1}));
  EXPECT_EQ(to_vec<int32_t>(g), std::vector<int32_t>({5 * 8 + 7, 1 * 8 + 0, 2 * 8 + 3}));
  array rows = gather(a, {ints({-1, 2}, {2})}, {0}, {1, 6});
  EXPECT_EQ(to_vec<int32_t>(rows), std::vector<int32_t>({7, 15, 23, 31, 39, 47, 2, 10, 18, 26, 34, 42}));
}

TEST(IndexOps, LargeGatherUsesEveryCore) {
  // Many rows (split over the cores): out[i] = a[idx[i]] row by row.
  int rows = 1 << 14, cols = 64;
  array a = iota({rows, cols});
  std::vector<int32_t> id(rows);
  std::mt19937 rng(3);
  for (auto& x : id) x = int32_t(rng() % rows);
  auto out = to_vec<int32_t>(take(a, ints(id, {rows}), 0));
  for (int i = 0; i < rows; i += 97)
    for (int c = 0; c < cols; ++c) ASSERT_EQ(out[size_t(i) * cols + c], id[i] * cols + c);
  // Element gather along the last axis.
  auto col = to_vec<int32_t>(take(a, ints({63, 0, 5}, {3}), 1));
  ASSERT_EQ(col.size(), size_t(rows) * 3);
  EXPECT_EQ(col[3 * 100 + 0], 100 * cols + 63);
  EXPECT_EQ(col[3 * 100 + 2], 100 * cols + 5);
}

TEST(IndexOps, ScatterModesAccumulateRepeatedIndices) {
  std::vector<int32_t> id = {1, 3, 1, 1, 0, 3};
  std::vector<float> up = {2, 3, 4, 5, 6, 7};
  array upd = reshape(array(up.data(), {6}, float32), {6, 1, 1});
  array base = astype(iota({4, 2}), float32);
  array u2 = broadcast_to(upd, {6, 1, 2});
  auto none = to_vec<float>(scatter(base, {ints(id, {6})}, u2, {0}));
  auto add = to_vec<float>(scatter_add(base, {ints(id, {6})}, u2, {0}));
  auto prod = to_vec<float>(scatter_prod(base, {ints(id, {6})}, u2, {0}));
  auto mx = to_vec<float>(scatter_max(base, {ints(id, {6})}, u2, {0}));
  auto mn = to_vec<float>(scatter_min(base, {ints(id, {6})}, u2, {0}));
  std::vector<float> e_none(8), e_add(8), e_prod(8), e_max(8), e_min(8);
  for (int i = 0; i < 8; ++i) e_none[i] = e_add[i] = e_prod[i] = e_max[i] = e_min[i] = float(i);
  for (size_t k = 0; k < id.size(); ++k)
    for (int c = 0; c < 2; ++c) {
      int o = id[k] * 2 + c;
      e_none[o] = up[k];
      e_add[o] += up[k];
      e_prod[o] *= up[k];
      e_max[o] = std::max(e_max[o], up[k]);
      e_min[o] = std::min(e_min[o], up[k]);
    }
  EXPECT_EQ(none, e_none);
  EXPECT_EQ(add, e_add);
  EXPECT_EQ(prod, e_prod);
  EXPECT_EQ(mx, e_max);
  EXPECT_EQ(mn, e_min);
}

TEST(IndexOps, LargeScatterAddSplitsSliceRows) {
  // Wide slices (split over the cores by rows) with repeated indices.
  int n = 64, w = 4096;
  array base = zeros({n, w}, int32);
  std::vector<int32_t> id = {5, 9, 5, 5, 63, 0};
  array upd = broadcast_to(reshape(ints({1, 2, 3, 4, 5, 6}, {6}), {6, 1, 1}), {6, 1, w});
  auto out = to_vec<int32_t>(scatter_add(base, {ints(id, {6})}, upd, {0}));
  for (int c = 0; c < w; c += 511) {
    EXPECT_EQ(out[5 * w + c], 1 + 3 + 4);
    EXPECT_EQ(out[9 * w + c], 2);
    EXPECT_EQ(out[63 * w + c], 5);
    EXPECT_EQ(out[0 * w + c], 6);
    EXPECT_EQ(out[1 * w + c], 0);
  }
}

TEST(IndexOps, TakeAlongAxisAndPutAlongAxis) {
  array a = iota({3, 4});
  array idx = ints({3, 0, -1, 1, 2, 2}, {3, 2});
  EXPECT_EQ(to_vec<int32_t>(take_along_axis(a, idx, 1)), std::vector<int32_t>({3, 0, 7, 5, 10, 10}));
  array put = put_along_axis(a, idx, ints({-1, -2, -3, -4, -5, -6}, {3, 2}), 1);
  // Repeated index (row 2, column 2): the last write wins.
  EXPECT_EQ(to_vec<int32_t>(put), std::vector<int32_t>({-2, 1, 2, -1, 4, -4, 6, -3, 8, 9, -6, 11}));
  array add = scatter_add_axis(a, idx, ints({1, 1, 1, 1, 1, 1}, {3, 2}), 1);
  EXPECT_EQ(to_vec<int32_t>(add), std::vector<int32_t>({1, 1, 2, 4, 4, 6, 6, 8, 8, 9, 12, 11}));
}

TEST(IndexOps, MaskedScatter) {
  array a = iota({2, 3});
  array mask = astype(ints({1, 0, 1, 0, 1, 1}, {2, 3}), bool_);
  EXPECT_EQ(to_vec<int32_t>(masked_scatter(a, mask, ints({10, 20, 30, 40}, {4}))),
            std::vector<int32_t>({10, 1, 20, 3, 30, 40}));
  array rows = astype(ints({0, 1}, {2}), bool_);
  EXPECT_EQ(to_vec<int32_t>(masked_scatter(a, rows, ints({7, 8, 9}, {3}))), std::vector<int32_t>({0, 1, 2, 7, 8, 9}));
  EXPECT_THROW(masked_scatter(a, mask, ints({1, 2}, {2})).eval(), std::out_of_range);
  EXPECT_THROW(masked_scatter(a, ints({1, 0}, {2}), array(1)), std::invalid_argument);
  EXPECT_THROW(masked_scatter(a, astype(ints({1, 0, 1}, {3}), bool_), array(1)), std::invalid_argument);
}

TEST(IndexOps, DiagonalAndDiag) {
  array a = iota({3, 4});
  EXPECT_EQ(to_vec<int32_t>(diagonal(a)), std::vector<int32_t>({0, 5, 10}));
  EXPECT_EQ(to_vec<int32_t>(diagonal(a, 2)), std::vector<int32_t>({2, 7}));
  EXPECT_EQ(to_vec<int32_t>(diagonal(a, -1, 1, 0)), std::vector<int32_t>({1, 6, 11}));
  EXPECT_EQ(to_vec<int32_t>(diag(ints({1, 2}, {2}), 1)), std::vector<int32_t>({0, 1, 0, 0, 0, 2, 0, 0, 0}));
  EXPECT_EQ(diagonal(iota({2, 3, 4}), 0, 2, 0).shape(), Shape({3, 2}));
  EXPECT_THROW(diagonal(iota({3})), std::invalid_argument);
  EXPECT_THROW(diagonal(a, 0, 0, 2), std::out_of_range);
  EXPECT_THROW(diagonal(a, 0, 1, 1), std::invalid_argument);
  EXPECT_THROW(diag(iota({2, 2, 2})), std::invalid_argument);
}

TEST(IndexOps, DynamicSlices) {
  array a = iota({4, 5});
  EXPECT_EQ(to_vec<int32_t>(slice(a, ints({1, -2}, {2}), {0, 1}, {2, 2})), std::vector<int32_t>({8, 9, 13, 14}));
  array u = slice_update(a, ints({-1, -2}, {2}), ints({3}, {1}), {1});
  EXPECT_EQ(to_vec<int32_t>(u)[3], -1);
  EXPECT_EQ(to_vec<int32_t>(u)[4], -2);
  EXPECT_EQ(to_vec<int32_t>(u)[8], -1);  // the update's missing leading dim spans the rows
  EXPECT_THROW(slice(a, ints({4}, {1}), {0}, {2, 5}).eval(), std::out_of_range);
  EXPECT_THROW(slice(a, ints({0}, {1}), {0}, {5, 5}), std::invalid_argument);
  EXPECT_THROW(slice(a, ints({0}, {1}), {2}, {1, 5}), std::out_of_range);
  EXPECT_THROW(slice(a, astype(ints({0}, {1}), float32), {0}, {1, 5}), std::invalid_argument);
}

TEST(IndexOps, IndexViewIsAView) {
  array a = iota({4, 6});
  a.eval();
  // a[::-2, 1, None] as one view: rows 3 and 1, column 1, a new axis.
  array v = index_view(a, {3, 1}, {-2, 0}, {2, -1}, {0, -1});
  v.eval();
  EXPECT_EQ(v.shape(), Shape({2, 1}));
  EXPECT_EQ(to_vec<int32_t>(v), std::vector<int32_t>({19, 7}));
  EXPECT_EQ(v.data_shared_ptr(), a.data_shared_ptr());
  EXPECT_THROW(index_view(a, {4, 0}, {0, 1}, {-1, 6}, {1}), std::out_of_range);
  EXPECT_THROW(index_view(a, {0, 0}, {1, 1}, {5, 6}, {0, 1}), std::out_of_range);
}

TEST(IndexOps, IndexErrors) {
  array a = iota({3, 4});
  EXPECT_THROW(take(a, ints({0}, {1}), 2), std::out_of_range);
  EXPECT_THROW(take(a, 3, 0), std::out_of_range);
  EXPECT_THROW(take(a, ints({3}, {1}), 0).eval(), std::out_of_range);
  EXPECT_THROW(take(a, ints({-5}, {1}), 1).eval(), std::out_of_range);
  EXPECT_THROW(take(a, astype(ints({0}, {1}), float32), 0), std::invalid_argument);
  EXPECT_THROW(take(a, astype(ints({0}, {1}), bool_), 0), std::invalid_argument);
  EXPECT_THROW(gather(a, {ints({0}, {1})}, {0}, {1}), std::invalid_argument);
  EXPECT_THROW(gather(a, {ints({0}, {1}), ints({0, 1}, {2})}, {0, 0}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(gather(a, {ints({0, 1, 2}, {3}), ints({0, 1}, {2})}, {0, 1}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(scatter(a, {ints({0}, {1})}, iota({2, 1, 4}), {0}), std::invalid_argument);
  EXPECT_THROW(scatter(a, {ints({0}, {1})}, iota({1, 1, 5}), {0}), std::invalid_argument);
  EXPECT_THROW(scatter(a, {ints({7}, {1})}, iota({1, 1, 4}), {0}).eval(), std::out_of_range);
  EXPECT_THROW(take_along_axis(a, ints({0}, {1}), 0), std::invalid_argument);
  EXPECT_THROW(put_along_axis(a, ints({0}, {1, 1}), array(1), 5), std::out_of_range);
}
