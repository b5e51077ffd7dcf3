// Reductions, scans, softmax: values against naive references, result dtypes, MLX's
// identity-like cases, errors (std::out_of_range for axes, std::invalid_argument otherwise),
// accuracy of float32 sums, and every per-ISA reduce kernel table against std:: math.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "mlx/backend/cpu/reduce_kernels.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

array iota_f32(Shape shape) {
  size_t n = shape_size(shape);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = float(int(i % 13) - 6) * 0.5f;
  return array(v.data(), shape, float32);
}

// Tables this CPU can run (the generic one always).
std::vector<cpu::ReduceKernels> tables() {
  std::vector<cpu::ReduceKernels> out;
  cpu::ReduceKernels t{};
  cpu::isa_generic::fill_reduce(t);
  t.isa = "generic";
  out.push_back(t);
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
    cpu::isa_avx2::fill_reduce(t);
    t.isa = "avx2";
    out.push_back(t);
  }
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
    cpu::isa_avx512::fill_reduce(t);
    t.isa = "avx512";
    out.push_back(t);
  }
  return out;
}

}  // namespace

TEST(Reduce, SumAxesAndKeepdims) {
  array a = iota_f32({2, 3, 4});
  auto v = to_vec<float>(a);
  array s = sum(a, std::vector<int>{1});
  EXPECT_EQ(s.shape(), (Shape{2, 4}));
  auto sv = to_vec<float>(s);
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 4; ++k) {
      float ref = 0;
      for (int j = 0; j < 3; ++j) ref += v[i * 12 + j * 4 + k];
      EXPECT_FLOAT_EQ(sv[i * 4 + k], ref);
    }
  EXPECT_EQ(sum(a, std::vector<int>{0, -1}, true).shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(sum(a).shape(), Shape{});
  EXPECT_EQ(sum(a, std::vector<int>{}).shape(), (Shape{2, 3, 4}));  // identity-like
}

TEST(Reduce, ResultDtypes) {
  EXPECT_EQ(sum(zeros({3}, int8)).dtype(), int32);
  EXPECT_EQ(sum(zeros({3}, uint16)).dtype(), uint32);
  EXPECT_EQ(sum(zeros({3}, int64)).dtype(), int64);
  EXPECT_EQ(sum(zeros({3}, bool_)).dtype(), int32);
  EXPECT_EQ(prod(zeros({3}, uint64)).dtype(), uint64);
  EXPECT_EQ(sum(zeros({3}, float16)).dtype(), float16);
  EXPECT_EQ(max(zeros({3}, int8)).dtype(), int8);
  EXPECT_EQ(mean(zeros({3}, int8)).dtype(), float32);
  EXPECT_EQ(argmax(zeros({3}, float16)).dtype(), uint32);
  EXPECT_EQ(all(zeros({3}, float32)).dtype(), bool_);
  EXPECT_EQ(count_nonzero(zeros({3}, float32)).dtype(), int32);
  EXPECT_EQ(cumsum(zeros({3}, int8)).dtype(), int8);
  EXPECT_EQ(cumsum(zeros({3}, bool_)).dtype(), int32);
  EXPECT_EQ(var(zeros({3}, int32)).dtype(), float32);
  EXPECT_EQ(softmax(zeros({3}, int32), std::vector<int>{0}).dtype(), float32);
}

TEST(Reduce, EveryOpMatchesNaiveReference) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-3, 3);
  std::vector<float> v(5 * 7 * 6);
  for (auto& x : v) x = dist(rng);
  array a(v.data(), {5, 7, 6}, float32);
  for (int ax = 0; ax < 3; ++ax) {
    auto s = to_vec<float>(sum(a, std::vector<int>{ax}));
    auto mx = to_vec<float>(max(a, std::vector<int>{ax}));
    auto mn = to_vec<float>(min(a, std::vector<int>{ax}));
    auto am = to_vec<uint32_t>(argmax(a, ax));
    auto lse = to_vec<float>(logsumexp(a, std::vector<int>{ax}));
    auto vr = to_vec<float>(var(a, std::vector<int>{ax}, false, 1));
    Shape sh{5, 7, 6};
    int n = sh[ax];
    size_t o = 0;
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 7; ++j)
        for (int k = 0; k < 6; ++k) {
          int idx[3] = {i, j, k};
          if (idx[ax] != 0) continue;
          double rs = 0, rm = -1e30, rn = 1e30, re = 0, rss = 0;
          uint32_t ra = 0;
          for (int t = 0; t < n; ++t) {
            idx[ax] = t;
            double x = v[idx[0] * 42 + idx[1] * 6 + idx[2]];
            rs += x;
            if (x > rm) rm = x, ra = uint32_t(t);
            rn = std::min(rn, x);
          }
          double mean = rs / n;
          for (int t = 0; t < n; ++t) {
            idx[ax] = t;
            double x = v[idx[0] * 42 + idx[1] * 6 + idx[2]];
            re += std::exp(x - rm);
            rss += (x - mean) * (x - mean);
          }
          EXPECT_NEAR(s[o], rs, 1e-5);
          EXPECT_EQ(mx[o], float(rm));
          EXPECT_EQ(mn[o], float(rn));
          EXPECT_EQ(am[o], ra);
          EXPECT_NEAR(lse[o], rm + std::log(re), 1e-5);
          EXPECT_NEAR(vr[o], rss / (n - 1), 1e-5);
          ++o;
        }
  }
}

TEST(Reduce, Float32SumOf2To24IsAccurate) {
  size_t n = size_t(1) << 24;
  std::vector<float> v(n);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(0, 2);
  double ref = 0;
  for (auto& x : v) {
    x = dist(rng);
    ref += x;
  }
  array a(v.data(), {int32_t(n)}, float32);
  float s = sum(a).item<float>();
  EXPECT_LT(std::abs(double(s) - ref) / ref, 1e-6);
  // Along rows and along columns of the 4096x4096 view.
  array m = reshape(a, {4096, 4096});
  auto rows = to_vec<float>(sum(m, std::vector<int>{1}));
  auto cols = to_vec<float>(sum(m, std::vector<int>{0}));
  double r0 = 0, c0 = 0;
  for (int j = 0; j < 4096; ++j) r0 += v[j], c0 += v[size_t(j) * 4096];
  EXPECT_LT(std::abs(rows[0] - r0) / r0, 1e-6);
  EXPECT_LT(std::abs(cols[0] - c0) / c0, 1e-6);
}

TEST(Reduce, EmptyAndSizeZero) {
  array e = zeros({0, 3}, int32);
  EXPECT_EQ(to_vec<int32_t>(sum(e, std::vector<int>{0})), (std::vector<int32_t>{0, 0, 0}));
  EXPECT_EQ(to_vec<int32_t>(prod(e, std::vector<int>{0})), (std::vector<int32_t>{1, 1, 1}));
  EXPECT_THROW(max(e), std::invalid_argument);
  EXPECT_THROW(argmin(e, 0), std::invalid_argument);
  EXPECT_THROW(logsumexp(e), std::invalid_argument);
  EXPECT_EQ(softmax(zeros({0}, float32)).shape(), Shape{0});
}

TEST(Reduce, Errors) {
  array a = zeros({2, 3});
  EXPECT_THROW(sum(a, std::vector<int>{2}), std::out_of_range);
  EXPECT_THROW(mean(a, std::vector<int>{-3}), std::out_of_range);
  EXPECT_THROW(argmax(a, 5), std::out_of_range);
  EXPECT_THROW(cumsum(a, 2), std::out_of_range);
  EXPECT_THROW(var(a, std::vector<int>{9}), std::out_of_range);
  EXPECT_THROW(sum(a, std::vector<int>{0, -2}), std::invalid_argument);
  EXPECT_THROW(softmax(array(1.f), std::vector<int>{0}), std::invalid_argument);
  EXPECT_THROW(trace(zeros({3})), std::invalid_argument);
  try {
    all(a, std::vector<int>{7});
    FAIL();
  } catch (const std::out_of_range& e) {
    EXPECT_EQ(std::string(e.what()), "[all] Invalid axis 7 for array with 2 dimensions.");
  }
}

TEST(Reduce, NaN) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> v = {1, nan, 3, 4, 5, 6};
  array a(v.data(), {2, 3}, float32);
  auto mxr = to_vec<float>(max(a, std::vector<int>{1}));
  EXPECT_TRUE(std::isnan(mxr[0]));
  EXPECT_EQ(mxr[1], 6);
  auto mnc = to_vec<float>(min(a, std::vector<int>{0}));
  EXPECT_EQ(mnc[0], 1);
  EXPECT_TRUE(std::isnan(mnc[1]));
  EXPECT_EQ(to_vec<uint32_t>(argmax(a, 1))[0], 1u);
}

TEST(Scan, ReverseInclusive) {
  std::vector<int32_t> v = {1, 2, 3, 4};
  array a(v.data(), {4}, int32);
  EXPECT_EQ(to_vec<int32_t>(cumsum(a)), (std::vector<int32_t>{1, 3, 6, 10}));
  EXPECT_EQ(to_vec<int32_t>(cumsum(a, 0, true)), (std::vector<int32_t>{10, 9, 7, 4}));
  EXPECT_EQ(to_vec<int32_t>(cumsum(a, 0, false, false)), (std::vector<int32_t>{0, 1, 3, 6}));
  EXPECT_EQ(to_vec<int32_t>(cumsum(a, 0, true, false)), (std::vector<int32_t>{9, 7, 4, 0}));
  EXPECT_EQ(to_vec<int32_t>(cumprod(a)), (std::vector<int32_t>{1, 2, 6, 24}));
  EXPECT_EQ(to_vec<int32_t>(cummax(reshape(a, {2, 2}), 0, true)), (std::vector<int32_t>{3, 4, 3, 4}));
  std::vector<int8_t> w = {100, 100, 100};
  EXPECT_EQ(to_vec<int8_t>(cumsum(array(w.data(), {3}, int8))), (std::vector<int8_t>{100, -56, 44}));
}

TEST(ReduceKernels, EveryIsaTableAgreesWithReference) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-120, 100);
  std::vector<float> x(10007);
  for (auto& e : x) e = dist(rng);
  x[5] = -std::numeric_limits<float>::infinity();
  x[6] = std::numeric_limits<float>::infinity();
  x[7] = std::numeric_limits<float>::quiet_NaN();
  x[8] = 88.72f;
  x[9] = -103.9f;
  x[10] = 0;
  for (auto& t : tables()) {
    SCOPED_TRACE(t.isa);
    std::vector<float> y(x.size());
    t.exp_f32(x.data(), y.data(), x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      float ref = std::exp(x[i]);
      if (std::isnan(ref)) {
        EXPECT_TRUE(std::isnan(y[i]));
      } else if (std::isinf(ref) || ref == 0) {
        EXPECT_EQ(y[i], ref) << x[i];
      } else if (ref >= std::numeric_limits<float>::min()) {
        EXPECT_LE(std::abs(y[i] - ref), 3e-7f * ref) << x[i];  // within ~2 ulp
      } else {
        EXPECT_LE(std::abs(y[i] - ref), 2 * std::numeric_limits<float>::denorm_min()) << x[i];
      }
    }
    std::vector<float> fin(x.begin() + 11, x.end());
    double ref = 0, mag = 0;
    float rmax = -INFINITY, rmin = INFINITY;
    for (float f : fin) ref += f, mag += std::abs(f), rmax = std::max(rmax, f), rmin = std::min(rmin, f);
    EXPECT_NEAR(t.sum_f32(fin.data(), fin.size()), ref, 1e-7 * mag);  // a few float32 roundings
    EXPECT_EQ(t.max_f32(fin.data(), fin.size()), rmax);
    EXPECT_EQ(t.min_f32(fin.data(), fin.size()), rmin);
    EXPECT_TRUE(std::isnan(t.max_f32(x.data(), x.size())));
    EXPECT_TRUE(std::isnan(t.min_f32(x.data(), 100)));
    // softmax rows sum to one and match the double reference.
    std::vector<float> row(fin.begin(), fin.begin() + 1000), out(1000);
    for (auto& r : row) r *= 0.05f;
    t.softmax_f32(row.data(), out.data(), row.size(), nullptr);
    std::vector<float> out2(1000), scratch(1000);
    t.softmax_f32(row.data(), out2.data(), row.size(), scratch.data());
    EXPECT_EQ(out, out2);
    double m = *std::max_element(row.begin(), row.end()), z = 0;
    for (float r : row) z += std::exp(double(r) - m);
    for (size_t i = 0; i < row.size(); ++i)
      EXPECT_NEAR(out[i], std::exp(double(row[i]) - m) / z, 2e-6 * (std::exp(double(row[i]) - m) / z) + 1e-12);
    EXPECT_NEAR(t.logsumexp_f32(row.data(), row.size()), m + std::log(z), 1e-5);
  }
}

TEST(ReduceKernels, SoftmaxGivesExactZerosForMaskedEntries) {
  std::vector<float> row(64, 0.f), out(64);
  for (size_t i = 0; i < row.size(); i += 2) row[i] = -std::numeric_limits<float>::infinity();
  row[1] = -90.f;
  row[3] = -87.9f;
  for (auto& t : tables()) {
    SCOPED_TRACE(t.isa);
    t.softmax_f32(row.data(), out.data(), row.size(), nullptr);
    for (size_t i = 0; i < row.size(); i += 2) EXPECT_EQ(out[i], 0.f);
    EXPECT_LT(out[1], 1e-38f);  // 0 or a subnormal
    EXPECT_LT(out[3], 1e-37f);
    EXPECT_NEAR(out[5], 1.f / 30, 1e-7);
  }
}
