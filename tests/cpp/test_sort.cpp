// Sorting ops: sort/argsort bit for bit against std::stable_sort (NaN last, -0.0 == 0.0 kept in
// input order) for every real dtype and lengths across the kernel's paths (short rows, 8- and
// 11-bit radix, one row split over the cores), rows along other axes and strided inputs;
// partition/argpartition/topk by their defining property; searchsorted against std::lower_bound
// / upper_bound (and MLX's own loop for an unsorted sequence); errors and result dtypes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>

#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

// MLX's order: NaN after everything (and equal to NaN), -0.0 == 0.0.
template <typename T>
bool mlx_less(T a, T b) {
  if constexpr (std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>) {
    return mlx_less(float(a), float(b));
  } else if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
    return a < b;
  } else {
    return a < b;
  }
}

template <typename T>
uint64_t bits_of(T v) {
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof(T));
  return b;
}

// Values with duplicates; floats also get NaNs (of several payloads and signs), infinities
// and zeros of both signs.
template <typename T>
std::vector<T> sample(size_t n, uint32_t seed, int range = 0) {
  std::mt19937 g(seed);
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t r = g();
    if constexpr (std::is_same_v<T, bool>) {
      v[i] = r & 1;
    } else if constexpr (std::is_integral_v<T>) {
      uint64_t w = (uint64_t(r) << 32) | g();
      v[i] = range ? T(int64_t(r % uint32_t(range)) - range / 3) : T(w);
    } else {
      float x = float(int(r % 512) - 256) / 8;
      switch (g() % 20) {
        case 0: x = std::numeric_limits<float>::quiet_NaN(); break;
        case 1: x = -std::numeric_limits<float>::quiet_NaN(); break;
        case 2: x = std::numeric_limits<float>::infinity(); break;
        case 3: x = -std::numeric_limits<float>::infinity(); break;
        case 4: x = 0.f; break;
        case 5: x = -0.f; break;
        default: break;
      }
      if constexpr (std::is_same_v<T, double>)
        v[i] = (g() % 7 == 0) ? double(x) + 1e-9 : double(x);
      else
        v[i] = T(x);
    }
  }
  return v;
}

// The stable order of v under MLX's order.
template <typename T>
std::vector<uint32_t> stable_order(const std::vector<T>& v) {
  std::vector<uint32_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return mlx_less(v[a], v[b]); });
  return idx;
}

template <typename T>
void check_sort_1d(size_t n, uint32_t seed, int range = 0) {
  auto v = sample<T>(n, seed, range);
  array a = make(v);
  auto ref = stable_order(v);
  auto s = to_vec<T>(sort(a));
  auto i = to_vec<uint32_t>(argsort(a));
  ASSERT_EQ(s.size(), n);
  ASSERT_EQ(i.size(), n);
  for (size_t j = 0; j < n; ++j) {
    ASSERT_EQ(bits_of(T(s[j])), bits_of(T(v[ref[j]]))) << "sort at " << j << " of " << n;  // T(): vector<bool> proxies
    ASSERT_EQ(i[j], ref[j]) << "argsort at " << j << " of " << n;
  }
}

template <typename T>
void check_sort_all_lengths() {
  for (size_t n : {0, 1, 2, 5, 24, 25, 100, 192, 193, 5000, 65535, 70000, 300000})
    check_sort_1d<T>(n, uint32_t(n) + 7, n > 1000 ? 1000 : 0);
}

}  // namespace

TEST(Sort, Float32BitsAndStability) { check_sort_all_lengths<float>(); }
TEST(Sort, Float64) { check_sort_all_lengths<double>(); }
TEST(Sort, Float16AndBfloat16) {
  check_sort_all_lengths<float16_t>();
  check_sort_all_lengths<bfloat16_t>();
}
TEST(Sort, Integers) {
  check_sort_all_lengths<int8_t>();
  check_sort_all_lengths<uint8_t>();
  check_sort_all_lengths<int16_t>();
  check_sort_all_lengths<uint16_t>();
  check_sort_all_lengths<int32_t>();
  check_sort_all_lengths<uint32_t>();
  check_sort_all_lengths<int64_t>();
  check_sort_all_lengths<uint64_t>();
  check_sort_all_lengths<bool>();
  // Full-range 64-bit keys (every radix pass active).
  check_sort_1d<uint64_t>(100000, 3);
  check_sort_1d<int64_t>(100000, 4);
  check_sort_1d<int32_t>(1 << 20, 5);
}

TEST(Sort, ZerosOfBothSignsKeepInputOrder) {
  std::vector<float> v{0.f, -0.f, 1.f, -0.f, 0.f, -1.f};
  auto s = to_vec<float>(sort(make(v)));
  std::vector<float> exp{-1.f, 0.f, -0.f, -0.f, 0.f, 1.f};
  for (size_t j = 0; j < v.size(); ++j) EXPECT_EQ(bits_of(s[j]), bits_of(exp[j])) << j;
  EXPECT_EQ(to_vec<uint32_t>(argsort(make(v))), (std::vector<uint32_t>{5, 0, 1, 3, 4, 2}));
}

TEST(Sort, Complex64Lexicographic) {
  using C = complex64_t;
  float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<C> v{{1, 2}, {nan, 0}, {1, -1}, {-3, 5}, {0, nan}, {1, 2}, {-3, 4}};
  array a(v.data(), Shape{7}, complex64);
  auto s = to_vec<C>(sort(a));
  EXPECT_EQ(s[0], C(-3, 4));
  EXPECT_EQ(s[1], C(-3, 5));
  EXPECT_EQ(s[2], C(1, -1));
  EXPECT_EQ(s[3], C(1, 2));
  EXPECT_EQ(s[4], C(1, 2));
  EXPECT_TRUE(std::isnan(s[5].real()));  // NaNs last, in input order
  EXPECT_TRUE(std::isnan(s[6].imag()));
  EXPECT_EQ(to_vec<uint32_t>(argsort(a)), (std::vector<uint32_t>{6, 3, 2, 0, 5, 1, 4}));
}

TEST(Sort, AxesStridesAndFlattening) {
  // (rows, cols) sorted along each axis, from a contiguous array and from a transpose.
  int R = 37, Cc = 53;
  auto v = sample<float>(size_t(R * Cc), 11);
  array a = make(v, {R, Cc});
  for (int axis : {0, 1, -1, -2}) {
    int ax = axis < 0 ? axis + 2 : axis;
    for (bool transposed : {false, true}) {
      array in = transposed ? transpose(make(v, {Cc, R})) : a;  // same shape (R, C) either way
      auto src = to_vec<float>(in);
      auto s = to_vec<float>(sort(in, axis));
      auto i = to_vec<uint32_t>(argsort(in, axis));
      int nrows = ax == 1 ? R : Cc, n = ax == 1 ? Cc : R;
      for (int r = 0; r < nrows; ++r) {
        std::vector<float> row(n);
        auto at = [&](int j) { return ax == 1 ? r * Cc + j : j * Cc + r; };
        for (int j = 0; j < n; ++j) row[j] = src[at(j)];
        auto ref = stable_order(row);
        for (int j = 0; j < n; ++j) {
          ASSERT_EQ(bits_of(s[at(j)]), bits_of(row[ref[j]])) << "axis " << axis << " t " << transposed;
          ASSERT_EQ(i[at(j)], ref[j]);
        }
      }
    }
  }
  // axis = nullopt flattens (row-major), also for a transpose.
  array t = transpose(a);
  auto flat = to_vec<float>(t);
  auto ref = stable_order(flat);
  auto s = to_vec<float>(sort(t, std::nullopt));
  EXPECT_EQ(sort(t, std::nullopt).shape(), (Shape{R * Cc}));
  for (size_t j = 0; j < flat.size(); ++j) ASSERT_EQ(bits_of(s[j]), bits_of(flat[ref[j]]));
  // A broadcast (stride 0) axis: every key equal, input order.
  array b = broadcast_to(make(std::vector<int32_t>{4, 2, 9}, {3, 1}), {3, 5});
  EXPECT_EQ(to_vec<uint32_t>(argsort(b, 1)), std::vector<uint32_t>({0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4}));
  EXPECT_EQ(to_vec<int32_t>(sort(b, 0)), std::vector<int32_t>({2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 9, 9, 9, 9, 9}));
}

TEST(Sort, LongRowsAlongTheFirstAxis) {
  // Two long columns (strided rows, sorted one at a time) and three rows split over the cores.
  auto v = sample<int32_t>(2 * 70000, 21, 5000);
  array a = make(v, {70000, 2});
  auto s = to_vec<int32_t>(sort(a, 0));
  for (int c = 0; c < 2; ++c) {
    std::vector<int32_t> col(70000);
    for (int j = 0; j < 70000; ++j) col[j] = v[j * 2 + c];
    std::sort(col.begin(), col.end());
    for (int j = 0; j < 70000; ++j) ASSERT_EQ(s[j * 2 + c], col[j]);
  }
  auto w = sample<float>(3 * 100000, 22);
  array b = make(w, {3, 100000});
  auto i = to_vec<uint32_t>(argsort(b));
  for (int r = 0; r < 3; ++r) {
    std::vector<float> row(w.begin() + r * 100000, w.begin() + (r + 1) * 100000);
    auto ref = stable_order(row);
    for (int j = 0; j < 100000; ++j) ASSERT_EQ(i[r * 100000 + j], ref[j]);
  }
}

TEST(Sort, LongRowsAtUnalignedOffsets) {
  // Rows of odd length: every row but the first starts off a 64-byte line.
  for (int rows : {2, 3}) {
    int n = 70001;
    auto v = sample<float>(size_t(rows) * n, 31 + rows);
    auto w = sample<int16_t>(size_t(rows) * n, 41 + rows, 300);
    auto s = to_vec<float>(sort(make(v, {rows, n})));
    auto i = to_vec<uint32_t>(argsort(make(v, {rows, n})));
    auto si = to_vec<int16_t>(sort(make(w, {rows, n})));
    for (int r = 0; r < rows; ++r) {
      std::vector<float> row(v.begin() + size_t(r) * n, v.begin() + size_t(r + 1) * n);
      auto ref = stable_order(row);
      std::vector<int16_t> wr(w.begin() + size_t(r) * n, w.begin() + size_t(r + 1) * n);
      std::sort(wr.begin(), wr.end());
      for (int j = 0; j < n; ++j) {
        ASSERT_EQ(bits_of(s[size_t(r) * n + j]), bits_of(row[ref[j]])) << r << " " << j;
        ASSERT_EQ(i[size_t(r) * n + j], ref[j]) << r << " " << j;
        ASSERT_EQ(si[size_t(r) * n + j], wr[j]) << r << " " << j;
      }
    }
  }
}

TEST(Sort, PartitionArgpartitionTopk) {
  for (size_t n : {1, 7, 100, 5000}) {
    auto v = sample<float>(n, uint32_t(n) * 3, 0);
    auto sorted = v;
    std::stable_sort(sorted.begin(), sorted.end(), mlx_less<float>);
    for (int kth : {0, int(n / 2), int(n) - 1, -1}) {
      size_t k = size_t(kth < 0 ? kth + int(n) : kth);
      auto p = to_vec<float>(partition(make(v), kth));
      auto ip = to_vec<uint32_t>(argpartition(make(v), kth));
      EXPECT_FALSE(mlx_less(p[k], sorted[k]) || mlx_less(sorted[k], p[k]));
      for (size_t j = 0; j < n; ++j) {
        if (j < k) EXPECT_FALSE(mlx_less(p[k], p[j]));
        if (j > k) EXPECT_FALSE(mlx_less(p[j], p[k]));
      }
      // The same values, bit for bit.
      std::vector<uint64_t> pb, vb;
      for (size_t j = 0; j < n; ++j) {
        pb.push_back(bits_of(p[j]));
        vb.push_back(bits_of(v[j]));
      }
      std::sort(pb.begin(), pb.end());
      std::sort(vb.begin(), vb.end());
      EXPECT_EQ(pb, vb);
      // argpartition: a permutation with the same property.
      auto perm = ip;
      std::sort(perm.begin(), perm.end());
      for (size_t j = 0; j < n; ++j) ASSERT_EQ(perm[j], j);
      for (size_t j = 0; j < n; ++j) {
        if (j < k) EXPECT_FALSE(mlx_less(v[ip[k]], v[ip[j]]));
        if (j > k) EXPECT_FALSE(mlx_less(v[ip[j]], v[ip[k]]));
      }
    }
    // topk: the k largest, the smallest of them first.
    for (int k : {1, 3}) {
      if (size_t(k) >= n) continue;
      auto t = to_vec<float>(topk(make(v), k));
      ASSERT_EQ(t.size(), size_t(k));
      EXPECT_FALSE(mlx_less(t[0], sorted[n - k]) || mlx_less(sorted[n - k], t[0]));
      for (int j = 1; j < k; ++j) EXPECT_FALSE(mlx_less(t[j], t[0]));
    }
  }
  // k equal to the axis length returns the input itself.
  array a = make(std::vector<int32_t>{3, 1, 2});
  EXPECT_TRUE(topk(a, 3).is_same(a));
  EXPECT_EQ(topk(make(std::vector<int32_t>{3, 1, 2, 9, 0, 5}, {2, 3}), 1, 0).shape(), (Shape{1, 3}));
  EXPECT_EQ(to_vec<int32_t>(topk(make(std::vector<int32_t>{3, 1, 2, 9, 0, 5}, {2, 3}), 1, 0)),
            (std::vector<int32_t>{9, 1, 5}));
}

TEST(Sort, SearchSorted) {
  // Sorted sequences: std::lower_bound / upper_bound under MLX's order; binary searches for a
  // few values, the sort-and-walk path for many.
  for (size_t n : {0, 1, 10, 1000, 100000}) {
    auto seq = sample<float>(n, uint32_t(n) + 1, 0);
    std::stable_sort(seq.begin(), seq.end(), mlx_less<float>);
    for (size_t m : {1, 5, 3000}) {
      auto v = sample<float>(m, uint32_t(m) + 2, 0);
      for (bool right : {false, true}) {
        auto r = to_vec<uint32_t>(searchsorted(make(seq), make(v), right ? "right" : "left"));
        for (size_t j = 0; j < m; ++j) {
          size_t e = right ? std::upper_bound(seq.begin(), seq.end(), v[j], mlx_less<float>) - seq.begin()
                           : std::lower_bound(seq.begin(), seq.end(), v[j], mlx_less<float>) - seq.begin();
          ASSERT_EQ(r[j], e) << "n " << n << " m " << m << " right " << right << " at " << j;
        }
      }
    }
  }
  // An unsorted sequence: MLX's loop, whatever it finds.
  std::vector<int32_t> un{5, 1, 9, 3, 7, 2, 8};
  std::vector<int32_t> vals(2000);
  for (size_t j = 0; j < vals.size(); ++j) vals[j] = int32_t(j % 11);
  auto r = to_vec<uint32_t>(searchsorted(make(un), make(vals)));
  for (size_t j = 0; j < vals.size(); ++j) {
    uint32_t lo = 0, hi = uint32_t(un.size());
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (un[mid] < vals[j])
        lo = mid + 1;
      else
        hi = mid;
    }
    ASSERT_EQ(r[j], lo);
  }
  // Promotion, shapes, dtypes.
  array s = searchsorted(make(std::vector<int32_t>{1, 2, 3}), make(std::vector<float>{1.5f, 3.f}, {2, 1}));
  EXPECT_EQ(s.dtype(), uint32);
  EXPECT_EQ(s.shape(), (Shape{2, 1}));
  EXPECT_EQ(to_vec<uint32_t>(s), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(to_vec<uint32_t>(searchsorted(make(std::vector<int32_t>{1, 2, 3}), array(2), "right")),
            (std::vector<uint32_t>{2}));
}

TEST(Sort, SizeZeroAndScalars) {
  array z = zeros({3, 0}, float32);
  EXPECT_EQ(sort(z).shape(), (Shape{3, 0}));
  EXPECT_EQ(argsort(z, 0).shape(), (Shape{3, 0}));
  EXPECT_EQ(topk(z, 0).shape(), (Shape{3, 0}));
  EXPECT_EQ(sort(z, std::nullopt).shape(), (Shape{0}));
  to_vec<float>(sort(z));
  array s = array(4.f);
  EXPECT_EQ(to_vec<float>(sort(s, std::nullopt)), std::vector<float>{4.f});
  EXPECT_EQ(to_vec<uint32_t>(argpartition(s, 0, std::nullopt)), std::vector<uint32_t>{0});
}

TEST(Sort, ErrorsAndDtypes) {
  array a = zeros({2, 3}, int8);
  EXPECT_OUT_OF_RANGE(sort(a, 2), "sort");
  EXPECT_OUT_OF_RANGE(argsort(a, -3), "argsort");
  EXPECT_OUT_OF_RANGE(sort(array(1.f)), "sort");
  EXPECT_OUT_OF_RANGE(partition(a, 3), "partition");
  EXPECT_OUT_OF_RANGE(partition(a, -4), "partition");
  EXPECT_OUT_OF_RANGE(argpartition(a, 2, 0), "argpartition");
  EXPECT_OUT_OF_RANGE(partition(zeros({0}), 0), "partition");
  EXPECT_OUT_OF_RANGE(topk(a, 4), "topk");
  EXPECT_OUT_OF_RANGE(topk(a, -1), "topk");
  EXPECT_OUT_OF_RANGE(topk(a, 1, 3), "topk");
  EXPECT_INVALID(searchsorted(a, a), "searchsorted");
  EXPECT_INVALID(searchsorted(zeros({3}), a, "middle"), "searchsorted");
  EXPECT_EQ(sort(a).dtype(), int8);
  EXPECT_EQ(argsort(a).dtype(), uint32);
  EXPECT_EQ(partition(a, 1).dtype(), int8);
  EXPECT_EQ(argpartition(a, 1).dtype(), uint32);
  EXPECT_EQ(topk(a, 1).dtype(), int8);
  try {
    partition(a, 5, 1);
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "[partition] Received invalid kth 5 along axis 1 for array with shape: (2,3)");
  }
}

namespace {

// Partition/argpartition/topk of one row: the defining property under MLX's order, the same
// values bit for bit, argpartition a permutation.
template <typename T>
void check_partition(const std::vector<T>& v, int kth) {
  size_t n = v.size();
  size_t k = size_t(kth < 0 ? kth + int(n) : kth);
  auto eq = [](T a, T b) { return !mlx_less(a, b) && !mlx_less(b, a); };
  auto sorted = v;
  std::stable_sort(sorted.begin(), sorted.end(), mlx_less<T>);
  auto p = to_vec<T>(partition(make(v), kth));
  ASSERT_TRUE(eq(p[k], sorted[k])) << "kth " << kth << " n " << n;
  for (size_t j = 0; j < n; ++j) {
    if (j < k) ASSERT_FALSE(mlx_less(p[k], p[j])) << j;
    if (j > k) ASSERT_FALSE(mlx_less(p[j], p[k])) << j;
  }
  std::vector<uint64_t> pb, vb;
  for (size_t j = 0; j < n; ++j) {
    pb.push_back(bits_of(T(p[j])));
    vb.push_back(bits_of(T(v[j])));
  }
  std::sort(pb.begin(), pb.end());
  std::sort(vb.begin(), vb.end());
  ASSERT_EQ(pb, vb);
  auto ip = to_vec<uint32_t>(argpartition(make(v), kth));
  auto perm = ip;
  std::sort(perm.begin(), perm.end());
  for (size_t j = 0; j < n; ++j) ASSERT_EQ(perm[j], j);
  ASSERT_TRUE(eq(v[ip[k]], sorted[k]));
  for (size_t j = 0; j < n; ++j) {
    if (j < k) ASSERT_FALSE(mlx_less(v[ip[k]], v[ip[j]]));
    if (j > k) ASSERT_FALSE(mlx_less(v[ip[j]], v[ip[k]]));
  }
  size_t tk = std::min<size_t>(n - k, n - 1);
  if (tk >= 1) {
    auto t = to_vec<T>(topk(make(v), int(tk)));
    ASSERT_TRUE(eq(t[0], sorted[n - tk]));
    for (size_t j = 1; j < tk; ++j) ASSERT_FALSE(mlx_less(t[j], t[0]));
  }
}

template <typename T>
void check_partition_shapes() {
  for (size_t n : {1, 2, 33, 1000, 70000}) {
    for (int dist = 0; dist < 5; ++dist) {
      std::vector<T> v;
      if (dist == 0) v = sample<T>(n, uint32_t(n) * 5 + 1);              // wide range
      if (dist == 1) v = sample<T>(n, uint32_t(n) * 5 + 2, 3);           // three values
      if (dist == 2) v.assign(n, T(sample<T>(1, 9)[0]));                  // all equal
      if (dist >= 3) {                                                      // sorted either way
        v = sample<T>(n, uint32_t(n) * 5 + 3, 1000);
        std::stable_sort(v.begin(), v.end(), mlx_less<T>);
        if (dist == 4) std::reverse(v.begin(), v.end());
      }
      for (int kth : {0, 1, int(n / 3), int(n) - 1, -2}) {
        if (kth >= int(n) || kth < -int(n)) continue;
        check_partition(v, kth);
      }
    }
  }
}

}  // namespace

TEST(Sort, PartitionSelectionAcrossKeyWidths) {
  check_partition_shapes<int8_t>();
  check_partition_shapes<bool>();
  check_partition_shapes<uint16_t>();
  check_partition_shapes<float16_t>();
  check_partition_shapes<int32_t>();
  check_partition_shapes<float>();
  check_partition_shapes<int64_t>();
  check_partition_shapes<uint64_t>();
  check_partition_shapes<double>();
}
