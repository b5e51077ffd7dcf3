// Quantization engine tests: quantized_matmul's two CPU paths (fused for few rows, dequantized
// tiles + sgemm for many) against a double-precision loop over the dequantized weights, across
// several tiles and both layouts; nvfp4's global scale (two-level scaling) against its formula;
// qqmm / gather_qqmm as products of the rounded operands; the x gradient of quantized_matmul;
// errors naming the op.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "mlx/autograd.h"
#include "mlx/ops_contract.h"
#include "mlx/quantized.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

array randf(Shape shape, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  size_t n = 1;
  for (auto d : shape) n *= size_t(d);
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 12345u;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = lo + (hi - lo) * float(s / 4294967296.0);
  }
  return array(v.data(), shape, float32);
}

// x (M, K) @ W^T (W (N, K)) or x @ W (W (K, N)) in double.
std::vector<double> ref_mm(const std::vector<float>& x, const std::vector<float>& w, int M, int K,
                           int N, bool transpose) {
  std::vector<double> out(size_t(M) * N, 0.0);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      double s = 0;
      for (int k = 0; k < K; ++k)
        s += double(x[size_t(m) * K + k]) *
             (transpose ? w[size_t(n) * K + k] : w[size_t(k) * N + n]);
      out[size_t(m) * N + n] = s;
    }
  return out;
}

void expect_close(const std::vector<float>& got, const std::vector<double>& exp, double tol) {
  ASSERT_EQ(got.size(), exp.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], exp[i], tol * (1 + std::abs(exp[i]))) << "at " << i;
}

}  // namespace

TEST(Quantized, MatmulFusedAndTiledPathsMatchLoops) {
  // (M, N, K, transpose): few rows (fused) and 16+ rows (tiles: K = 512 gives 1024 weight rows
  // per 2 MiB tile, so N = 1100 takes two; N = 2048 gives 256 rows per tile, K = 600 three).
  struct Case {
    int M, N, K;
    bool t;
    int gs, bits;
  } cases[] = {{3, 64, 256, true, 64, 4},    {15, 64, 256, false, 32, 3},
               {16, 1100, 512, true, 64, 4}, {17, 2048, 600, false, 128, 8},
               {32, 96, 128, true, 32, 6},   {40, 128, 64, false, 64, 2}};
  uint32_t seed = 1;
  for (auto c : cases) {
    int rows = c.t ? c.N : c.K, width = c.t ? c.K : c.N;
    array w = randf({rows, width}, seed++);
    auto q = quantize(w, c.gs, c.bits);
    array wd = dequantize(q[0], q[1], q[2], c.gs, c.bits);
    array x = randf({c.M, c.K}, seed++);
    array y = quantized_matmul(x, q[0], q[1], q[2], c.t, c.gs, c.bits);
    EXPECT_EQ(y.shape(), (Shape{c.M, c.N}));
    expect_close(to_vec<float>(y), ref_mm(to_vec<float>(x), to_vec<float>(wd), c.M, c.K, c.N, c.t),
                 2e-5);
  }
}

TEST(Quantized, Nvfp4GlobalScale) {
  array w = randf({4, 64}, 7, -3.f, 3.f);
  auto wv = to_vec<float>(w);
  float g = 3.0f;  // the tensor's amax bound: block scales then stay below fp8's 448
  array G = array(g);
  auto q = quantize(w, std::nullopt, std::nullopt, "nvfp4", G);
  ASSERT_EQ(q.size(), 2u);
  array d = dequantize(q[0], q[1], std::nullopt, std::nullopt, std::nullopt, "nvfp4", G, float32);
  auto dv = to_vec<float>(d);
  auto sv = to_vec<uint8_t>(q[1]);
  // Block scale byte = fp8((amax / 6) * 2688 / g): decoded and multiplied by g / 2688 it is
  // within fp8's 1/16 relative step of amax / 6; every value is within half an fp4 step.
  for (int b = 0; b < 16; ++b) {
    float amax = 0;
    for (int j = 0; j < 16; ++j) amax = std::max(amax, std::abs(wv[b * 16 + j]));
    array one = dequantize(array(std::vector<uint32_t>{0x22222222u, 0x22222222u}.data(), {1, 2}, uint32),
                           array(&sv[b], {1, 1}, uint8), std::nullopt, std::nullopt, std::nullopt,
                           "nvfp4", G, float32);
    float scale = to_vec<float>(one)[0];  // code 2 is 1.0: the block's decoded scale
    EXPECT_NEAR(scale, amax / 6, amax / 6 / 16 + 1e-7) << "block " << b;
    for (int j = 0; j < 16; ++j) EXPECT_LE(std::abs(dv[b * 16 + j] - wv[b * 16 + j]), scale + 1e-6);
  }
  EXPECT_THROW(quantize(w, std::nullopt, std::nullopt, "mxfp4", G), std::invalid_argument);
  EXPECT_THROW(quantize(w, std::nullopt, std::nullopt, "nvfp4", array(1)), std::invalid_argument);
}

TEST(Quantized, QqmmIsTheProductOfRoundedOperands) {
  array x = randf({5, 64}, 11, -2.f, 2.f), w = randf({8, 64}, 12);
  for (const char* mode : {"nvfp4", "mxfp8", "mxfp4"}) {
    auto qx = quantize(x, std::nullopt, std::nullopt, mode);
    auto qw = quantize(w, std::nullopt, std::nullopt, mode);
    array xh = dequantize(qx[0], qx[1], std::nullopt, std::nullopt, std::nullopt, mode,
                          std::nullopt, float32);
    array wh = dequantize(qw[0], qw[1], std::nullopt, std::nullopt, std::nullopt, mode,
                          std::nullopt, float32);
    auto exp = ref_mm(to_vec<float>(xh), to_vec<float>(wh), 5, 64, 8, true);
    expect_close(to_vec<float>(qqmm(x, w, std::nullopt, std::nullopt, std::nullopt, mode)), exp,
                 1e-5);
    expect_close(to_vec<float>(qqmm(x, qw[0], qw[1], std::nullopt, std::nullopt, mode)), exp,
                 1e-5);
    // gather_qqmm over a stack of two weights, second one picked
    array ws = stack({w, multiply(w, array(0.5f))}, 0);
    array xs = expand_dims(x, {0});
    array gq = gather_qqmm(xs, ws, std::nullopt, array(std::vector<uint32_t>{0}.data(), {1}, uint32),
                           array(std::vector<uint32_t>{0}.data(), {1}, uint32), std::nullopt,
                           std::nullopt, mode);
    expect_close(to_vec<float>(reshape(gq, {5, 8})), exp, 1e-5);
  }
  EXPECT_THROW(qqmm(x, w, std::nullopt, std::nullopt, std::nullopt, "affine"),
               std::invalid_argument);
}

TEST(Quantized, XGradientIsTheProductWithTheDequantizedWeights) {
  array w = randf({8, 64}, 21);
  auto q = quantize(w, 32, 4);
  array wd = dequantize(q[0], q[1], q[2], 32, 4);
  for (int M : {3, 20}) {
    array x = randf({M, 64}, 22 + M), c = randf({M, 8}, 23 + M);
    auto [outs, grads] = vjp(
        [&](const std::vector<array>& in) {
          return std::vector<array>{quantized_matmul(in[0], q[0], q[1], q[2], true, 32, 4)};
        },
        {x}, {c});
    expect_close(to_vec<float>(grads[0]), ref_mm(to_vec<float>(c), to_vec<float>(wd), M, 8, 64, false),
                 1e-5);
  }
}
