// mx.fast engine ops against naive double-precision loops: rms_norm, layer_norm, rope (both
// layouts, per-batch offsets, the inverse rotation of the primitive), scaled dot-product
// attention (GQA, causal, boolean/additive masks, sinks, fully hidden rows, both threading
// paths), the per-ISA row kernels against scalar references, and the errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "mlx/backend/cpu/fast_kernels.h"
#include "mlx/fast.h"
#include "mlx/primitives_fast.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

std::vector<float> randf(size_t n, uint32_t seed, float amp = 1.f) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-amp, amp);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

array arr(const std::vector<float>& v, Shape s) { return array(v.data(), std::move(s), float32); }

void expect_near_all(const std::vector<float>& got, const std::vector<double>& exp, double tol,
                     const char* what) {
  ASSERT_EQ(got.size(), exp.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], exp[i], tol * (1 + std::abs(exp[i]))) << what << " element " << i;
}

std::vector<double> norm_ref(const std::vector<float>& x, size_t n, const float* w, const float* b,
                             double eps, bool layer) {
  std::vector<double> out(x.size());
  for (size_t r = 0; r * n < x.size(); ++r) {
    double mean = 0, ss = 0;
    if (layer) {
      for (size_t i = 0; i < n; ++i) mean += x[r * n + i];
      mean /= double(n);
    }
    for (size_t i = 0; i < n; ++i) ss += (x[r * n + i] - mean) * (x[r * n + i] - mean);
    double rs = 1 / std::sqrt(ss / double(n) + eps);
    for (size_t i = 0; i < n; ++i) {
      double y = (x[r * n + i] - mean) * rs;
      if (w) y *= w[i];
      if (b) y += b[i];
      out[r * n + i] = y;
    }
  }
  return out;
}

// MLX's float32 angles: (t + offset) * scale times exp(-i log(base) / half).
std::vector<double> rope_ref(const std::vector<float>& x, Shape shape, int dims, bool trad,
                             float base, float scale, const std::vector<int>& offs, bool forward) {
  int D = shape.back(), T = shape[shape.size() - 2], B = shape[0];
  size_t per_b = x.size() / size_t(B);
  int half = dims / 2;
  std::vector<double> out(x.begin(), x.end());
  float coef = std::log(base) / float(half);
  for (size_t r = 0; r * D < x.size(); ++r) {
    size_t b = r * D / per_b;
    int t = int(r % size_t(T));
    float pos = (float(t) + float(offs.size() == 1 ? offs[0] : offs[b])) * scale;
    for (int i = 0; i < half; ++i) {
      float inv = float(std::exp(double(-float(i) * coef)));
      double th = double(pos * inv);
      double c = std::cos(th), s = forward ? std::sin(th) : -std::sin(th);
      int i1 = trad ? 2 * i : i, i2 = trad ? 2 * i + 1 : i + half;
      double a = x[r * D + i1], bb = x[r * D + i2];
      out[r * D + i1] = a * c - bb * s;
      out[r * D + i2] = a * s + bb * c;
    }
  }
  return out;
}

// mask: 0 none, 1 causal, 2 boolean (Tq, Tk), 3 additive (Tq, Tk).
std::vector<double> sdpa_ref(const std::vector<float>& q, const std::vector<float>& k,
                             const std::vector<float>& v, int B, int Nq, int Nkv, int Tq, int Tk,
                             int D, int Dv, float scale, int mask, const std::vector<float>& m,
                             const std::vector<float>* sinks) {
  std::vector<double> out(size_t(B) * Nq * Tq * Dv, 0.0);
  int rep = Nq / Nkv;
  double lowest = -double(std::numeric_limits<float>::max());
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < Nq; ++h)
      for (int i = 0; i < Tq; ++i) {
        int hk = h / rep;
        std::vector<double> s(Tk);
        for (int j = 0; j < Tk; ++j) {
          double acc = 0;
          for (int d = 0; d < D; ++d)
            acc += double(q[((size_t(b) * Nq + h) * Tq + i) * D + d]) *
                   k[((size_t(b) * Nkv + hk) * Tk + j) * D + d];
          s[j] = scale * acc;
          if (mask == 1 && j > i + Tk - Tq) s[j] = lowest;
          if (mask == 2 && m[size_t(i) * Tk + j] == 0) s[j] = lowest;
          if (mask == 3) s[j] += m[size_t(i) * Tk + j];
        }
        double mx = sinks ? (*sinks)[h] : -INFINITY;
        for (double x : s) mx = std::max(mx, x);
        double z = sinks ? std::exp((*sinks)[h] - mx) : 0;
        for (double& x : s) z += (x = std::exp(x - mx));
        for (int j = 0; j < Tk; ++j)
          for (int d = 0; d < Dv; ++d)
            out[((size_t(b) * Nq + h) * Tq + i) * Dv + d] +=
                s[j] / z * v[((size_t(b) * Nkv + hk) * Tk + j) * Dv + d];
      }
  return out;
}

}  // namespace

TEST(Fast, RmsNormAndLayerNorm) {
  for (Shape shape : {Shape{7}, Shape{3, 5}, Shape{2, 3, 64}, Shape{1, 1}, Shape{4096, 40}}) {
    size_t n = size_t(shape.back()), total = shape_size(shape);
    auto xv = randf(total, 1, 3), wv = randf(n, 2), bv = randf(n, 3);
    array x = arr(xv, shape), w = arr(wv, {int(n)}), b = arr(bv, {int(n)});
    expect_near_all(to_vec<float>(fast::rms_norm(x, w, 1e-5f)),
                    norm_ref(xv, n, wv.data(), nullptr, double(1e-5f), false), 2e-6, "rms");
    expect_near_all(to_vec<float>(fast::rms_norm(x, std::nullopt, 0.25f)),
                    norm_ref(xv, n, nullptr, nullptr, 0.25, false), 2e-6, "rms no weight");
    expect_near_all(to_vec<float>(fast::layer_norm(x, w, b, 1e-5f)),
                    norm_ref(xv, n, wv.data(), bv.data(), double(1e-5f), true), 4e-6, "ln");
    expect_near_all(to_vec<float>(fast::layer_norm(x, std::nullopt, b, 1e-5f)),
                    norm_ref(xv, n, nullptr, bv.data(), double(1e-5f), true), 4e-6, "ln bias");
  }
  // float64 is computed in double.
  auto xv = randf(60, 4, 2);
  std::vector<double> xd(xv.begin(), xv.end());
  array x = astype(arr(xv, {6, 10}), float64);
  auto got = to_vec<double>(fast::layer_norm(x, std::nullopt, std::nullopt, 1e-5f));
  auto exp = norm_ref(xv, 10, nullptr, nullptr, double(1e-5f), true);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], exp[i], 1e-13);
  // Result dtypes: promotion with the weight, half inputs stay half.
  EXPECT_EQ(fast::rms_norm(astype(x, float16), arr(randf(10, 5), {10}), 1e-5f).dtype(), float32);
  EXPECT_EQ(fast::rms_norm(astype(x, bfloat16), std::nullopt, 1e-5f).dtype(), bfloat16);
  EXPECT_EQ(fast::layer_norm(astype(x, float16), std::nullopt, arr(randf(10, 5), {10}), 1e-5f).dtype(),
            float16);
}

TEST(Fast, NormErrors) {
  array x = ones({2, 4});
  EXPECT_INVALID(fast::rms_norm(array(1.f), std::nullopt, 1e-5f), "fast.rms_norm");
  EXPECT_INVALID(fast::rms_norm(x, ones({2, 4}), 1e-5f), "fast.rms_norm");
  EXPECT_INVALID(fast::rms_norm(x, ones({3}), 1e-5f), "fast.rms_norm");
  EXPECT_INVALID(fast::rms_norm(ones({2, 4}, int32), std::nullopt, 1e-5f), "fast.rms_norm");
  EXPECT_INVALID(fast::layer_norm(x, std::nullopt, ones({5}), 1e-5f), "fast.layer_norm");
  EXPECT_INVALID(fast::layer_norm(ones({2}, complex64), std::nullopt, std::nullopt, 1e-5f),
                 "fast.layer_norm");
}

TEST(Fast, RopeLayoutsOffsetsAndInverse) {
  Shape shape{3, 2, 5, 12};
  auto xv = randf(shape_size(shape), 7, 2);
  array x = arr(xv, shape);
  for (bool trad : {false, true})
    for (int dims : {12, 8, 2}) {
      auto got = to_vec<float>(fast::rope(x, dims, trad, 10000.f, 0.5f, 7));
      expect_near_all(got, rope_ref(xv, shape, dims, trad, 10000.f, 0.5f, {7}, true), 2e-6, "rope");
      std::vector<int32_t> offs{0, 4, 100};
      array ov(offs.data(), Shape{3}, int32);
      got = to_vec<float>(fast::rope(x, dims, trad, 500.f, 1.f, ov));
      expect_near_all(got, rope_ref(xv, shape, dims, trad, 500.f, 1.f, {0, 4, 100}, true), 2e-6,
                      "rope offsets");
      // The primitive's inverse rotation (used by its gradient) undoes the forward one.
      array fwd = fast::rope(x, dims, trad, 10000.f, 1.f, 3);
      array inv(shape, float32,
                std::make_shared<fast::RoPE>(to_stream({}), dims, trad, 10000.f, 1.f, false),
                {fwd, array(3, int32)});
      expect_near_all(to_vec<float>(inv), std::vector<double>(xv.begin(), xv.end()), 4e-6,
                      "rope inverse");
    }
  // A (B, T, N, D) input seen as (B, N, T, D).
  auto tv = randf(2 * 4 * 3 * 8, 8);
  array t = swapaxes(arr(tv, {2, 4, 3, 8}), 1, 2);
  auto tc = to_vec<float>(t);
  expect_near_all(to_vec<float>(fast::rope(t, 8, false, 10000.f, 1.f, 2)),
                  rope_ref(tc, {2, 3, 4, 8}, 8, false, 10000.f, 1.f, {2}, true), 2e-6,
                  "rope strided");
}

TEST(Fast, RopeErrors) {
  array x = ones({2, 3, 8});
  EXPECT_INVALID(fast::rope(ones({3, 8}), 8, false, 1e4f, 1.f, 0), "fast.rope");
  EXPECT_INVALID(fast::rope(ones({2, 3, 8}, int32), 8, false, 1e4f, 1.f, 0), "fast.rope");
  EXPECT_INVALID(fast::rope(x, 7, false, 1e4f, 1.f, 0), "fast.rope");
  EXPECT_INVALID(fast::rope(x, 10, false, 1e4f, 1.f, 0), "fast.rope");
  EXPECT_INVALID(fast::rope(x, 0, false, 1e4f, 1.f, 0), "fast.rope");
  EXPECT_INVALID(fast::rope(x, 8, false, 1e4f, 1.f, ones({3}, int32)), "fast.rope");
  EXPECT_INVALID(fast::rope(x, 8, false, 1e4f, 1.f, ones({1}, float32)), "fast.rope");
  EXPECT_INVALID(fast::rope(x, 8, false, std::nullopt, 1.f, 0), "fast.rope");
  EXPECT_INVALID(fast::rope(x, 8, false, 1e4f, 1.f, 0, ones({4})), "fast.rope");
  EXPECT_INVALID(fast::rope(x, 8, false, std::nullopt, 1.f, 0, ones({3})), "fast.rope");
}

TEST(Fast, SdpaAgainstReference) {
  struct Case {
    int B, Nq, Nkv, Tq, Tk, D, Dv, mask;
    bool sinks;
  };
  const Case cases[] = {
      {1, 1, 1, 1, 1, 4, 4, 0, false},   {2, 4, 2, 3, 7, 8, 5, 0, false},
      {2, 4, 2, 5, 5, 8, 8, 1, false},   {1, 6, 3, 7, 4, 4, 4, 1, true},
      {1, 4, 1, 3, 6, 16, 16, 2, false}, {2, 2, 2, 4, 9, 8, 3, 3, true},
      {1, 2, 2, 300, 600, 32, 32, 1, false},  // blocks of rows, rows over the cores
      {2, 8, 2, 1, 500, 16, 16, 0, true},     // small products: tasks over the cores
      {1, 1, 1, 130, 2048, 16, 20, 3, false}, // 64-row BLAS blocks, then a 2-row block
  };
  uint32_t seed = 10;
  for (const auto& c : cases) {
    auto qv = randf(size_t(c.B) * c.Nq * c.Tq * c.D, seed++, 2);
    auto kv = randf(size_t(c.B) * c.Nkv * c.Tk * c.D, seed++, 2);
    auto vv = randf(size_t(c.B) * c.Nkv * c.Tk * c.Dv, seed++);
    auto mv = randf(size_t(c.Tq) * c.Tk, seed++, 3);
    auto sv = randf(size_t(c.Nq), seed++, 2);
    std::optional<array> m;
    std::string mode;
    if (c.mask == 1) mode = "causal";
    if (c.mask == 2) {
      for (auto& x : mv) x = x > -1.f ? 1.f : 0.f;
      m = astype(arr(mv, {c.Tq, c.Tk}), bool_);
    }
    if (c.mask == 3) m = arr(mv, {c.Tq, c.Tk});
    std::optional<array> sinks;
    if (c.sinks) sinks = arr(sv, {c.Nq});
    float scale = 1.f / std::sqrt(float(c.D));
    array out = fast::scaled_dot_product_attention(arr(qv, {c.B, c.Nq, c.Tq, c.D}),
                                                   arr(kv, {c.B, c.Nkv, c.Tk, c.D}),
                                                   arr(vv, {c.B, c.Nkv, c.Tk, c.Dv}), scale, mode,
                                                   m, sinks);
    EXPECT_EQ(out.shape(), (Shape{c.B, c.Nq, c.Tq, c.Dv}));
    expect_near_all(to_vec<float>(out),
                    sdpa_ref(qv, kv, vv, c.B, c.Nq, c.Nkv, c.Tq, c.Tk, c.D, c.Dv, scale, c.mask, mv,
                             c.sinks ? &sv : nullptr),
                    2e-5, "sdpa");
  }
}

TEST(Fast, SdpaHiddenRowsAndEmpty) {
  // Causal with more queries than keys: rows before the first key average all values.
  auto qv = randf(5 * 4, 1), kv = randf(2 * 4, 2), vv = randf(2 * 3, 3);
  auto got = to_vec<float>(fast::scaled_dot_product_attention(
      arr(qv, {1, 1, 5, 4}), arr(kv, {1, 1, 2, 4}), arr(vv, {1, 1, 2, 3}), 1.f, "causal"));
  for (int i = 0; i < 3; ++i)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(got[i * 3 + d], (vv[d] + vv[3 + d]) / 2, 1e-6);
  // No keys: zeros.
  got = to_vec<float>(fast::scaled_dot_product_attention(ones({1, 2, 3, 4}), zeros({1, 1, 0, 4}),
                                                         zeros({1, 1, 0, 2}), 1.f));
  EXPECT_EQ(got, std::vector<float>(12, 0.f));
  EXPECT_EQ(fast::scaled_dot_product_attention(zeros({1, 2, 0, 4}), zeros({1, 2, 3, 4}),
                                               zeros({1, 2, 3, 4}), 1.f)
                .shape(),
            (Shape{1, 2, 0, 4}));
}

TEST(Fast, SdpaErrors) {
  const char* op = "fast.scaled_dot_product_attention";
  array q = ones({1, 4, 3, 8}), k = ones({1, 2, 5, 8}), v = ones({1, 2, 5, 8});
  EXPECT_INVALID(fast::scaled_dot_product_attention(ones({4, 3, 8}), k, v, 1.f), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, k, v, 1.f, "upper"), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, k, v, 1.f, "causal", ones({3, 5})), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, ones({2, 2, 5, 8}), v, 1.f), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, ones({1, 2, 5, 4}), v, 1.f), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, k, ones({1, 1, 5, 8}), 1.f), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, ones({1, 3, 5, 8}), ones({1, 3, 5, 8}), 1.f), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, ones({1, 0, 5, 8}), ones({1, 0, 5, 8}), 1.f), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, k, ones({1, 2, 4, 8}), 1.f), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(astype(q, int32), astype(k, int32),
                                                    astype(v, int32), 1.f),
                 op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, k, v, 1.f, "", ones({3, 4})), op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(astype(q, float16), astype(k, float16),
                                                    astype(v, float16), 1.f, "", ones({3, 5})),
                 op);
  EXPECT_INVALID(fast::scaled_dot_product_attention(q, k, v, 1.f, "", std::nullopt, ones({2})), op);
}

TEST(Fast, IsaRowKernels) {
  std::vector<cpu::FastKernels> tables;
  cpu::FastKernels t{};
  cpu::isa_generic::fill_fast(t);
  tables.push_back(t);
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
    cpu::isa_avx2::fill_fast(t);
    tables.push_back(t);
  }
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
    cpu::isa_avx512::fill_fast(t);
    tables.push_back(t);
  }
  for (const auto& K : tables) {
    for (size_t n : {size_t(0), size_t(1), size_t(15), size_t(16), size_t(17), size_t(1000)}) {
      auto x = randf(n, 20 + uint32_t(n), 3), w = randf(n, 21), b = randf(n, 22);
      double ss = 0, s1 = 0, s2 = 0;
      float shift = n ? x[0] : 0.f;
      for (float v : x) {
        ss += double(v) * v;
        s1 += double(v) - shift;
        s2 += (double(v) - shift) * (double(v) - shift);
      }
      EXPECT_NEAR(K.sumsq_f32(x.data(), n), ss, 1e-12 * (1 + ss));
      double m1, m2;
      K.moments_f32(x.data(), n, shift, &m1, &m2);
      EXPECT_NEAR(m1, s1, 1e-12 * (1 + std::abs(s1)));
      EXPECT_NEAR(m2, s2, 1e-12 * (1 + s2));
      // The elementwise loops round each op to float32 as written.
      std::vector<float> y(n), c(n / 2), s(n / 2);
      K.rms_apply_f32(x.data(), 0.7f, w.data(), y.data(), n);
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(y[i], (x[i] * 0.7f) * w[i]);
      K.ln_apply_f32(x.data(), 0.5f, 0.25f, 1.5f, w.data(), b.data(), y.data(), n);
      for (size_t i = 0; i < n; ++i) {
        volatile float e = (((x[i] - 0.5f) - 0.25f) * 1.5f) * w[i];
        EXPECT_EQ(y[i], e + b[i]);
      }
      for (size_t i = 0; i < n / 2; ++i) {
        c[i] = std::cos(float(i));
        s[i] = std::sin(float(i));
      }
      for (bool trad : {false, true}) {
        K.rope_f32(x.data(), y.data(), c.data(), s.data(), n / 2, trad);
        for (size_t i = 0; i < n / 2; ++i) {
          size_t i1 = trad ? 2 * i : i, i2 = trad ? 2 * i + 1 : i + n / 2;
          volatile float p = x[i1] * c[i], q = x[i2] * s[i], r = x[i1] * s[i], u = x[i2] * c[i];
          EXPECT_EQ(y[i1], p - q);
          EXPECT_EQ(y[i2], r + u);
        }
      }
      std::vector<uint8_t> mb(n);
      for (size_t i = 0; i < n; ++i) mb[i] = x[i] > 0;
      std::vector<float> z = x;
      K.select_f32(z.data(), reinterpret_cast<const bool*>(mb.data()), n, -5.f);
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(z[i], mb[i] ? x[i] : -5.f);
      z = x;
      K.add_f32(z.data(), w.data(), n);
      K.add_scalar_f32(z.data(), 2.f, n);
      K.scale_f32(z.data(), 0.5f, n);
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(z[i], ((x[i] + w[i]) + 2.f) * 0.5f);
    }
    // Few-row products (row strides wider than the rows), every count of rows up to 9 and
    // feature counts around the 8/16-lane blocks.
    for (size_t m : {1, 2, 3, 4, 5, 9})
      for (size_t d : {1, 7, 8, 16, 37}) {
        size_t nk = 13, ld = d + 3;
        auto q = randf(m * ld, 30), k = randf(nk * ld, 31), p = randf(m * (nk + 2), 32);
        std::vector<float> sc(m * (nk + 2)), o(m * ld);
        K.qk_f32(q.data(), ld, k.data(), ld, sc.data(), nk + 2, m, nk, d, 0.5f);
        K.pv_f32(p.data(), nk + 2, k.data(), ld, o.data(), ld, m, nk, d);
        for (size_t r = 0; r < m; ++r)
          for (size_t j = 0; j < nk; ++j) {
            double e = 0;
            for (size_t c = 0; c < d; ++c) e += double(q[r * ld + c]) * k[j * ld + c];
            EXPECT_NEAR(sc[r * (nk + 2) + j], 0.5 * e, 1e-5) << K.isa << " qk m=" << m << " d=" << d;
          }
        for (size_t r = 0; r < m; ++r)
          for (size_t c = 0; c < d; ++c) {
            double e = 0;
            for (size_t j = 0; j < nk; ++j) e += double(p[r * (nk + 2) + j]) * k[j * ld + c];
            EXPECT_NEAR(o[r * ld + c], e, 1e-5) << K.isa << " pv m=" << m << " d=" << d;
          }
      }
  }
}
