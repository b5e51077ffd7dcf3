// mx.random engine: MLX's own known answers (tests/random_tests.cpp of ml-explore/mlx, whose
// bits were generated with JAX's threefry2x32), the word layout against the scalar hash,
// dtypes, bounds, errors and the implicit key sequence.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mlx/autograd.h"
#include "mlx/random.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

array u32(std::vector<uint32_t> v, Shape shape) { return array(v.data(), std::move(shape), uint32); }
array i32(std::vector<int32_t> v, Shape shape) { return array(v.data(), std::move(shape), int32); }
array f32(std::vector<float> v, Shape shape) { return array(v.data(), std::move(shape), float32); }

// MLX's test: static_cast<float>(n) / UINT32_MAX.
float to_float(uint32_t n) { return static_cast<float>(n) / float(std::numeric_limits<uint32_t>::max()); }

// Word i of W words under key k, as RandomBits lays them out (written from the layout rule,
// independently of the kernel's blocking).
uint32_t word(std::pair<uint32_t, uint32_t> k, size_t i, size_t W) {
  size_t half = W / 2, H = half + W % 2;
  if (i < half) return random::threefry2x32_hash(k, {uint32_t(i), uint32_t(i + H)}).first;
  if (i >= H) return random::threefry2x32_hash(k, {uint32_t(i - H), uint32_t(i)}).second;
  return random::threefry2x32_hash(k, {uint32_t(half), 0u}).first;
}

}  // namespace

TEST(Random, KeyKnownAnswers) {
  // mlx tests/random_tests.cpp "test random key"
  EXPECT_EQ(to_vec<uint32_t>(random::key(0)), (std::vector<uint32_t>{0, 0}));
  EXPECT_EQ(to_vec<uint32_t>(random::key(1)), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(to_vec<uint32_t>(random::key(uint64_t(1) << 32)), (std::vector<uint32_t>{1, 0}));
  EXPECT_EQ(to_vec<uint32_t>(random::key((uint64_t(1) << 32) + 1)), (std::vector<uint32_t>{1, 1}));
  EXPECT_EQ(random::key(5).dtype(), uint32);
  EXPECT_EQ(random::key(5).shape(), Shape{2});
}

TEST(Random, SplitKnownAnswers) {
  // mlx tests/random_tests.cpp "test random split"
  auto [k, sub] = random::split(random::key(0));
  EXPECT_EQ(to_vec<uint32_t>(k), (std::vector<uint32_t>{4146024105u, 967050713u}));
  EXPECT_EQ(to_vec<uint32_t>(sub), (std::vector<uint32_t>{2718843009u, 1272950319u}));
  auto keys = random::split(random::key(0), 3);
  EXPECT_EQ(keys.shape(), (Shape{3, 2}));
  EXPECT_EQ(to_vec<uint32_t>(keys), (std::vector<uint32_t>{2467461003u, 428148500u, 3186719485u,
                                                           3840466878u, 2562233961u, 1946702221u}));
  // The pair is the two rows of split(key, 2).
  auto two = to_vec<uint32_t>(random::split(random::key(0), 2));
  EXPECT_EQ(two, (std::vector<uint32_t>{4146024105u, 967050713u, 2718843009u, 1272950319u}));
  EXPECT_EQ(random::split(random::key(3), 0).shape(), (Shape{0, 2}));
}

TEST(Random, BitsKnownAnswers) {
  // mlx tests/random_tests.cpp "test random bits" (values from JAX's threefry2x32)
  auto k0 = random::key(0), k1 = random::key(1);
  EXPECT_EQ(random::bits({}, 4, k0).item<uint32_t>(), 1797259609u);
  EXPECT_EQ(random::bits({}, 2, k0).item<uint16_t>(), 345);
  EXPECT_EQ(random::bits({}, 1, k0).item<uint8_t>(), 89);
  EXPECT_EQ(random::bits({}, 4, k1).item<uint32_t>(), 507451445u);
  EXPECT_EQ(random::bits({}, 2, k1).item<uint16_t>(), 6197);
  EXPECT_EQ(random::bits({}, 1, k1).item<uint8_t>(), 53);
  EXPECT_EQ(to_vec<uint32_t>(random::bits({3, 1}, 4, k0)),
            (std::vector<uint32_t>{4146024105u, 1351547692u, 2718843009u}));
  EXPECT_EQ(to_vec<uint16_t>(random::bits({5}, 2, k0)),
            (std::vector<uint16_t>{20137, 63263, 64300, 20622, 16513}));
  EXPECT_EQ(to_vec<uint16_t>(random::bits({6}, 2, k0)),
            (std::vector<uint16_t>{20137, 63263, 64300, 20622, 16513, 41486}));
  EXPECT_EQ(to_vec<uint16_t>(random::bits({7}, 2, k0)),
            (std::vector<uint16_t>{20137, 63263, 1497, 14756, 16513, 41486, 44591}));
  EXPECT_EQ(to_vec<uint16_t>(random::bits({8}, 2, k0)),
            (std::vector<uint16_t>{20137, 63263, 1497, 14756, 16513, 41486, 44591, 19423}));
  // Same key, same bits.
  EXPECT_EQ(to_vec<uint32_t>(random::bits({9}, 4, k1)), to_vec<uint32_t>(random::bits({9}, 4, k1)));
  EXPECT_EQ(random::bits({0}, 4, k0).size(), 0u);
  EXPECT_EQ(random::bits({2, 0, 3}, 2, k0).shape(), (Shape{2, 0, 3}));
}

TEST(Random, BitsLayoutAgainstScalarHash) {
  // Sizes around the kernel's 16-lane vectors, 512-counter blocks and the per-thread split.
  for (uint64_t seed : {0ull, 7ull, 0xdeadbeefcafeull, ~0ull}) {
    auto key = random::key(seed);
    auto kv = to_vec<uint32_t>(key);
    std::pair<uint32_t, uint32_t> k{kv[0], kv[1]};
    for (int n : {1, 2, 3, 15, 16, 17, 31, 33, 1023, 1024, 1025, 40001, 70000}) {
      auto v = to_vec<uint32_t>(random::bits({n}, 4, key));
      size_t bad = 0;
      for (int i = 0; i < n; ++i) bad += v[i] != word(k, i, n);
      EXPECT_EQ(bad, 0u) << "seed " << seed << " n " << n;
    }
    // Narrow widths: the first bytes of the words of ceil(bytes / 4).
    for (int n : {1, 2, 3, 5, 9, 1001}) {
      auto b8 = to_vec<uint8_t>(random::bits({n}, 1, key));
      size_t W = (size_t(n) + 3) / 4;
      for (int i = 0; i < n; ++i) EXPECT_EQ(b8[i], uint8_t(word(k, i / 4, W) >> (8 * (i % 4))));
      auto b16 = to_vec<uint16_t>(random::bits({n}, 2, key));
      W = (size_t(n) * 2 + 3) / 4;
      for (int i = 0; i < n; ++i) EXPECT_EQ(b16[i], uint16_t(word(k, i / 2, W) >> (16 * (i % 2))));
    }
  }
}

TEST(Random, UniformKnownAnswers) {
  // mlx tests/random_tests.cpp "test random uniform"
  EXPECT_EQ(random::uniform({}, float32, random::key(0)).item<float>(), to_float(1797259609u));
  EXPECT_EQ(random::uniform({}, float32, random::key(1)).item<float>(), to_float(507451445u));
  auto x = to_vec<float>(random::uniform({3, 1}, float32, random::key(0)));
  EXPECT_EQ(x, (std::vector<float>{to_float(4146024105u), to_float(1351547692u), to_float(2718843009u)}));
  auto out = random::uniform(array(-1.0f), array(1.0f), {100}, float32, random::key(128291));
  for (float v : to_vec<float>(out)) EXPECT_TRUE(v >= -1.0f && v < 1.0f);
}

TEST(Random, UniformHalfTypes) {
  for (Dtype dt : {float16, bfloat16}) {
    auto out = random::uniform({1000}, dt, random::key(0));
    EXPECT_EQ(out.dtype(), dt);
    auto v = to_vec<float>(astype(out, float32));
    double mean = 0;
    for (float x : v) {
      EXPECT_TRUE(x >= 0.0f && x < 1.0f);
      mean += x;
    }
    EXPECT_NEAR(mean / v.size(), 0.5, 0.03);
    // u = min(float(w) / 2^32, largest below one) rounded to the dtype.
    auto w = to_vec<uint32_t>(random::bits({1000}, 4, random::key(0)));
    float upper = dt == float16 ? 0.99951171875f : 0.99609375f;
    for (int i = 0; i < 1000; ++i) {
      float u = std::min(float(w[i]) / 4294967296.0f, upper);
      float r = dt == float16 ? float(float16_t(u)) : float(bfloat16_t(u));
      ASSERT_EQ(v[i], r) << i;
    }
  }
}

TEST(Random, UniformBroadcastAndErrors) {
  auto x = random::uniform(zeros({3, 1}), ones({1, 3}), {3, 3}, float32, random::key(2));
  EXPECT_EQ(x.shape(), (Shape{3, 3}));
  EXPECT_THROW(random::uniform(zeros({3, 3}), array(1.0f), {1, 3}), std::invalid_argument);
  EXPECT_THROW(random::uniform(zeros({3, 3}), array(1.0f), {2, 3}), std::invalid_argument);
  EXPECT_THROW(random::uniform(zeros({3, 1}), ones({1, 3}), {1, 3}), std::invalid_argument);
  EXPECT_THROW(random::uniform({}, int32), std::invalid_argument);
  EXPECT_THROW(random::uniform({}, float64), std::invalid_argument);
  EXPECT_THROW(random::uniform({-1}, float32, random::key(0)), std::invalid_argument);
  // Wrong key dtype or shape (mlx's test).
  EXPECT_THROW(random::uniform({}, float32, i32({0, 0}, {2})), std::invalid_argument);
  EXPECT_THROW(random::uniform({}, float32, i32({0, 0}, {1, 2})), std::invalid_argument);
  EXPECT_THROW(random::uniform({}, float32, u32({0, 0, 0}, {3, 1})), std::invalid_argument);
  EXPECT_THROW(random::uniform({}, float32, u32({0, 0}, {2, 1})), std::invalid_argument);
  EXPECT_THROW(random::bits({}, 0, random::key(1)), std::invalid_argument);
  EXPECT_THROW(random::bits({}, 5, random::key(1)), std::invalid_argument);
  EXPECT_THROW(random::bits({}, -1, random::key(1)), std::invalid_argument);
  try {
    random::uniform({}, float32, i32({0, 0}, {2}));
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "[random.uniform] Expected key type uint32 but received int32.");
  }
}

TEST(Random, NormalDtypesAndStats) {
  auto key = random::key(128291);
  auto out = to_vec<float>(random::normal({20000}, float32, std::nullopt, std::nullopt, key));
  double m = 0, v = 0;
  for (float x : out) {
    EXPECT_TRUE(std::isfinite(x));
    m += x;
  }
  m /= out.size();
  for (float x : out) v += (x - m) * (x - m);
  v /= out.size();
  EXPECT_NEAR(m, 0.0, 0.03);
  EXPECT_NEAR(v, 1.0, 0.04);
  for (Dtype dt : {float16, bfloat16, float64}) {
    auto h = random::normal({200}, dt, std::nullopt, std::nullopt, key);
    EXPECT_EQ(h.dtype(), dt);
    // The same draws, rounded: float32 erfinv times sqrt(2) in the dtype.
    auto hv = to_vec<double>(astype(h, float64));
    auto fv = to_vec<float>(random::normal({200}, float32, std::nullopt, std::nullopt, key));
    double tol = dt == float64 ? 1e-6 : dt == float16 ? 4e-3 : 3e-2;
    for (int i = 0; i < 200; ++i) EXPECT_NEAR(hv[i], fv[i], tol * (1 + std::fabs(fv[i])));
  }
  auto c = random::normal({3, 4}, complex64, std::nullopt, std::nullopt, key);
  EXPECT_EQ(c.dtype(), complex64);
  EXPECT_EQ(c.shape(), (Shape{3, 4}));
  EXPECT_THROW(random::normal({}, int32), std::invalid_argument);
  // loc and scale: loc + (sqrt2 * scale) * e.
  auto a = to_vec<float>(random::normal({6}, float32, array(1.0f), array(2.0f), key));
  auto b = to_vec<float>(random::normal({6}, float32, std::nullopt, std::nullopt, key));
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(a[i], 1.0f + 2.0f * b[i], 1e-5f * (1 + std::fabs(a[i])));
  EXPECT_THROW(random::normal({2, 10, 2}, float32, zeros({10}), std::nullopt, key), std::invalid_argument);
}

TEST(Random, RandintBoundsAndDtypes) {
  EXPECT_THROW(random::randint(array(3), array(5), {1}, float32), std::invalid_argument);
  for (Dtype dt : {uint8, uint16, uint32, uint64, int8, int16, int32, int64, bool_}) {
    auto x = random::randint(array(0), array(2), {100}, dt, random::key(9));
    EXPECT_EQ(x.dtype(), dt);
    auto v = to_vec<int64_t>(astype(x, int64));
    for (auto e : v) EXPECT_TRUE(e == 0 || e == 1);
  }
  auto x = to_vec<int32_t>(random::randint(array(-10), array(20), {1000, 100}, int32, random::key(4)));
  std::vector<int> count(30, 0);
  for (int e : x) {
    ASSERT_TRUE(e >= -10 && e < 20);
    count[e + 10]++;
  }
  for (int c : count) EXPECT_NEAR(c, 100000 / 30.0, 400);  // low and high - 1 reachable too
  // high <= low: every value is low.
  for (int e : to_vec<int32_t>(random::randint(array(20), array(-10), {3, 3}, int32, random::key(4))))
    EXPECT_EQ(e, 20);
  // Array bounds broadcast.
  auto y = random::randint(reshape(i32({0, 10, 20}, {3}), {3, 1}), array(25), {3, 4}, int32,
                           random::key(1));
  auto yv = to_vec<int32_t>(y);
  for (int i = 0; i < 12; ++i) EXPECT_TRUE(yv[i] >= 10 * (i / 4) && yv[i] < 25);
  EXPECT_THROW(random::randint(array(0), array(5), {}, int32, i32({0, 0}, {1, 2})),
               std::invalid_argument);
}

TEST(Random, BernoulliAndErrors) {
  EXPECT_EQ(random::bernoulli().dtype(), bool_);
  EXPECT_THROW(random::bernoulli(array(1, int32)), std::invalid_argument);
  EXPECT_FALSE(random::bernoulli(array(-1.0f), random::key(0)).item<bool>());
  EXPECT_TRUE(random::bernoulli(array(5.0f), random::key(0)).item<bool>());
  EXPECT_EQ(random::bernoulli(array(0.5f), {3, 3}).shape(), (Shape{3, 3}));
  EXPECT_EQ(random::bernoulli(f32({}, {0})).size(), 0u);
  auto p = reshape(f32({0.1f, 0.2f, 0.3f}, {3}), {1, 3});
  EXPECT_EQ(random::bernoulli(p, {4, 3}).shape(), (Shape{4, 3}));
  EXPECT_THROW(random::bernoulli(f32({0.1f, 0.2f, 0.3f}, {3}), {2}), std::invalid_argument);
  auto v = to_vec<bool>(random::bernoulli(array(0.3f), {100000}, random::key(11)));
  size_t t = 0;
  for (bool b : v) t += b;
  EXPECT_NEAR(double(t) / v.size(), 0.3, 0.006);
}

TEST(Random, TruncatedNormal) {
  auto x = random::truncated_normal(array(-2.0f), array(2.0f));
  EXPECT_EQ(x.size(), 1u);
  EXPECT_EQ(x.dtype(), float32);
  EXPECT_EQ(random::truncated_normal(array(-2.0f), array(2.0f), {}, float16).dtype(), float16);
  EXPECT_EQ(random::truncated_normal(array(-2.0f), array(2.0f), {3, 4}).shape(), (Shape{3, 4}));
  EXPECT_EQ(random::truncated_normal(f32({}, {0}),
                                     f32({}, {0}))
                .size(),
            0u);
  auto lower = reshape(f32({-2.0f, -3.0f}, {2}), {1, 2});
  auto higher = reshape(f32({0.0f, 3.0f, 1.5f}, {3}), {3, 1});
  auto y = random::truncated_normal(lower, higher, float32, random::key(5));
  EXPECT_EQ(y.shape(), (Shape{3, 2}));
  auto yv = to_vec<float>(y);
  float lo[2] = {-2, -3}, hi[3] = {0, 3, 1.5};
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(yv[i] >= lo[i % 2] && yv[i] <= hi[i / 2]);
  for (float v : to_vec<float>(random::truncated_normal(array(2.0f), array(-2.0f), {5}))) EXPECT_EQ(v, 2.0f);
  EXPECT_THROW(random::truncated_normal(lower, higher, {4, 2}), std::invalid_argument);
  EXPECT_THROW(random::truncated_normal(array(-2.0f), array(2.0f), {1, 1}, float32,
                                        i32({0, 0}, {1, 2})),
               std::invalid_argument);
  EXPECT_THROW(random::truncated_normal(array(-2.0f), array(2.0f), {1}, int32), std::invalid_argument);
}

TEST(Random, GumbelLaplaceCategorical) {
  auto g = to_vec<float>(random::gumbel({100, 100}, float32, random::key(1)));
  double m = 0;
  for (float x : g) m += x;
  EXPECT_NEAR(m / g.size(), 0.5772, 0.05);
  EXPECT_THROW(random::gumbel({2}, int32), std::invalid_argument);
  auto l = to_vec<float>(random::laplace({20000}, float32, 0.0f, 1.0f, random::key(2)));
  double lm = 0, lv = 0;
  for (float x : l) lm += x;
  lm /= l.size();
  for (float x : l) lv += (x - lm) * (x - lm);
  EXPECT_NEAR(lm, 0.0, 0.05);
  EXPECT_NEAR(lv / l.size(), 2.0, 0.1);
  EXPECT_THROW(random::laplace({2}, int32), std::invalid_argument);

  auto logits = zeros({10, 20});
  EXPECT_THROW(random::categorical(logits, 2), std::out_of_range);
  EXPECT_THROW(random::categorical(logits, -3), std::out_of_range);
  EXPECT_THROW(random::categorical(logits, 1, Shape{1}), std::invalid_argument);
  EXPECT_THROW(random::categorical(logits, 1, Shape{11}), std::invalid_argument);
  EXPECT_EQ(random::categorical(logits, 1, Shape{3, 10}).shape(), (Shape{3, 10}));
  EXPECT_EQ(random::categorical(logits, 0, Shape{7, 20}).shape(), (Shape{7, 20}));
  EXPECT_EQ(random::categorical(logits, 1, 5).shape(), (Shape{10, 5}));
  EXPECT_EQ(random::categorical(logits, 0, 5).shape(), (Shape{20, 5}));
  auto c = random::categorical(logits);
  EXPECT_EQ(c.dtype(), uint32);
  EXPECT_EQ(c.shape(), Shape{10});
  // A single non-masked class is always drawn.
  float lg[4] = {-INFINITY, -INFINITY, 0.0f, -INFINITY};
  for (auto v : to_vec<uint32_t>(random::categorical(array(lg, {4}, float32), 0, 50, random::key(3))))
    EXPECT_EQ(v, 2u);
}

TEST(Random, Permutation) {
  auto p = to_vec<uint32_t>(random::permutation(100, random::key(8)));
  std::vector<uint32_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t i = 0; i < 100; ++i) EXPECT_EQ(sorted[i], i);
  // argsort of the words.
  auto w = to_vec<uint32_t>(random::bits({100}, 4, random::key(8)));
  for (int i = 1; i < 100; ++i) EXPECT_LT(w[p[i - 1]], w[p[i]]);
  auto x = random::permutation(reshape(arange(0, 16, 1, int32), {4, 4}), 1, random::key(8));
  auto xv = to_vec<int32_t>(x);
  auto perm = to_vec<uint32_t>(random::permutation(4, random::key(8)));
  for (int r = 0; r < 4; ++r)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(xv[r * 4 + j], int(r * 4 + perm[j]));
  EXPECT_THROW(random::permutation(zeros({2}), 1), std::out_of_range);
}

TEST(Random, GlobalKeySequence) {
  // mlx tests/random_tests.cpp "test global rng"
  random::seed(4);
  auto x = random::bits({}), y = random::bits({});
  random::seed(4);
  auto a = random::bits({}), b = random::bits({});
  EXPECT_EQ(x.item<uint32_t>(), a.item<uint32_t>());
  EXPECT_EQ(y.item<uint32_t>(), b.item<uint32_t>());
  EXPECT_NE(x.item<uint32_t>(), y.item<uint32_t>());
  // The first implicit key is the second half of split(key(seed)).
  random::seed(4);
  auto c = random::bits({3});
  EXPECT_EQ(to_vec<uint32_t>(c), to_vec<uint32_t>(random::bits({3}, 4, random::split(random::key(4)).second)));
}

TEST(Random, MultivariateNormal) {
  auto key = random::key(0);
  // Identity covariance: the standard normal draws of the same key.
  auto a = random::multivariate_normal(zeros({2}), eye(2), {3}, float32, key);
  EXPECT_EQ(a.shape(), (Shape{3, 2}));
  EXPECT_EQ(to_vec<float>(a), to_vec<float>(random::normal({3, 2}, float32, std::nullopt, std::nullopt, key)));
  EXPECT_EQ(random::multivariate_normal(f32({0, 7, 1, 2, 3, 4}, {3, 2}), f32({1, 0.5f, 0.5f, 1}, {2, 2}), {4, 3})
                .shape(),
            (Shape{4, 3, 2}));
  for (Dtype dt : {int32, float16, bfloat16, float64})
    EXPECT_THROW(random::multivariate_normal(zeros({2}), eye(2), {}, dt, key), std::invalid_argument);
  EXPECT_THROW(random::multivariate_normal(zeros({2, 2}), zeros({2, 2}), {3}, float32, key), std::invalid_argument);
  EXPECT_THROW(random::multivariate_normal(zeros({3}), zeros({2, 2}), {}, float32, key), std::invalid_argument);
  EXPECT_THROW(random::multivariate_normal(zeros({2}), zeros({2, 3}), {}, float32, key), std::invalid_argument);
  // Moments of 50000 draws.
  auto d = to_vec<float>(random::multivariate_normal(f32({4, 7}, {2}), f32({2, 0.5f, 0.5f, 1}, {2, 2}), {50000},
                                                     float32, key));
  double m0 = 0, m1 = 0, c00 = 0, c01 = 0, c11 = 0;
  for (size_t i = 0; i < d.size(); i += 2) m0 += d[i], m1 += d[i + 1];
  m0 /= 50000, m1 /= 50000;
  for (size_t i = 0; i < d.size(); i += 2) {
    c00 += (d[i] - m0) * (d[i] - m0), c01 += (d[i] - m0) * (d[i + 1] - m1), c11 += (d[i + 1] - m1) * (d[i + 1] - m1);
  }
  EXPECT_NEAR(m0, 4, 0.03);
  EXPECT_NEAR(m1, 7, 0.03);
  EXPECT_NEAR(c00 / 50000, 2, 0.05);
  EXPECT_NEAR(c01 / 50000, 0.5, 0.03);
  EXPECT_NEAR(c11 / 50000, 1, 0.03);
}

TEST(Random, UniformGradientsOfTheBounds) {
  // (hi - lo) * u + lo: d/dhi = sum(u), d/dlo = n - sum(u) for a cotangent of ones.
  auto key = random::key(5);
  auto fun = [&](const std::vector<array>& p) {
    return std::vector<array>{random::uniform(p[0], p[1], {64}, float32, key)};
  };
  auto [outs, grads] = vjp(fun, {array(-1.0f), array(3.0f)}, {ones({64})});
  auto u = to_vec<float>(random::uniform({64}, float32, key));
  double su = 0;
  for (float x : u) su += x;
  EXPECT_NEAR(grads[1].item<float>(), su, 1e-4);
  EXPECT_NEAR(grads[0].item<float>(), 64 - su, 1e-4);
  // Bernoulli's p and randint's bounds get zero gradients.
  auto bern = [&](const std::vector<array>& p) {
    return std::vector<array>{astype(random::bernoulli(p[0], {8}, key), float32)};
  };
  EXPECT_EQ(vjp(bern, {array(0.5f)}, {ones({8})}).second[0].item<float>(), 0.0f);
}
