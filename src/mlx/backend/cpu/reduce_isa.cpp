// float32 inner loops of the reductions and softmax. Compiled once per instruction set
// (MLX_ISA_NS names the namespace), like kernels_isa.cpp: every loop is written with
// independent lanes so the compiler vectorises it without reassociating float math.
// The polynomial exp here duplicates what the elementwise exp may also provide; one can
// be merged into the other later.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "reduce_kernels.h"

#ifndef MLX_ISA_NS
#error "MLX_ISA_NS must name the instruction-set namespace"
#endif

namespace mlx::core::cpu::MLX_ISA_NS {

namespace {

constexpr size_t L = 64;  // lanes: 4 zmm, 8 ymm or 16 xmm registers of float32

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Sum of 64 lanes as a balanced tree.
inline float tree(float* acc) {
  for (size_t w = L / 2; w > 0; w /= 2)
    for (size_t j = 0; j < w; ++j) acc[j] += acc[j + w];
  return acc[0];
}

double sum_f32(const float* x, size_t n) {
  constexpr size_t B = 4096;  // 64 elements per lane per block, then the block goes to double
  double total = 0;
  size_t i = 0;
  while (n - i >= L) {
    size_t end = i + std::min(B, (n - i) / L * L);
    alignas(64) float acc[L] = {};
    for (; i < end; i += L)
      for (size_t j = 0; j < L; ++j) acc[j] += x[i + j];
    total += double(tree(acc));
  }
  for (; i < n; ++i) total += double(x[i]);
  return total;
}

template <bool Max>
float extreme_f32(const float* x, size_t n) {
  alignas(64) float acc[L];
  alignas(64) int32_t bad[L] = {};
  for (size_t j = 0; j < L; ++j) acc[j] = Max ? -kInf : kInf;
  size_t i = 0;
  for (; i + L <= n; i += L)
    for (size_t j = 0; j < L; ++j) {
      float v = x[i + j];
      acc[j] = (Max ? v > acc[j] : v < acc[j]) ? v : acc[j];
      bad[j] |= int32_t(v != v);
    }
  float r = Max ? -kInf : kInf;
  int32_t any_bad = 0;
  for (size_t j = 0; j < L; ++j) {
    r = (Max ? acc[j] > r : acc[j] < r) ? acc[j] : r;
    any_bad |= bad[j];
  }
  for (; i < n; ++i) {
    float v = x[i];
    r = (Max ? v > r : v < r) ? v : r;
    any_bad |= int32_t(v != v);
  }
  return any_bad ? kNaN : r;
}

float max_f32(const float* x, size_t n) { return extreme_f32<true>(x, n); }
float min_f32(const float* x, size_t n) { return extreme_f32<false>(x, n); }

void add_f32(float* acc, const float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += x[i];
}
void add_f64(double* acc, const float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += double(x[i]);
}
template <bool Max>
void extacc_f32(float* acc, const float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    float a = acc[i], v = x[i];
    float m = (Max ? v > a : v < a) ? v : a;
    m = v != v ? v : m;
    acc[i] = a != a ? a : m;
  }
}
void maxacc_f32(float* acc, const float* x, size_t n) { extacc_f32<true>(acc, x, n); }
void minacc_f32(float* acc, const float* x, size_t n) { extacc_f32<false>(acc, x, n); }

// exp(x) for float32: Cephes' range reduction and polynomial, 2^n applied in two halves so
// results down to the smallest subnormal and up to FLT_MAX need no special path.
inline float exp_poly(float x) {
  float xc = x < -104.f ? -104.f : x;
  xc = xc > 88.73f ? 88.73f : xc;
  float t = xc * 1.44269504088896341f;
  float fn = (t + 12582912.f) - 12582912.f;  // round to nearest integer
  int32_t n = int32_t(fn);
  float r = xc - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * (r * r) + r + 1.f;
  int32_t n1 = n >> 1, n2 = n - n1;
  float s1 = std::bit_cast<float>((n1 + 127) << 23);
  float s2 = std::bit_cast<float>((n2 + 127) << 23);
  y = (y * s1) * s2;
  y = x > 88.72283935546875f ? kInf : y;
  y = x < -103.972084f ? 0.f : y;
  y = x != x ? x : y;
  return y;
}

void exp_f32(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = exp_poly(x[i]);
}

void softmax_f32(const float* x, float* y, size_t n) {
  if (n == 0) return;
  float m = max_f32(x, n);
  for (size_t i = 0; i < n; ++i) y[i] = exp_poly(x[i] - m);
  float inv = float(1.0 / sum_f32(y, n));
  for (size_t i = 0; i < n; ++i) y[i] *= inv;
}

float logsumexp_f32(const float* x, size_t n) {
  float m = max_f32(x, n);
  if (std::isinf(m) || std::isnan(m)) return m;
  constexpr size_t B = 1024;
  alignas(64) float tmp[B];
  double s = 0;
  for (size_t i = 0; i < n; i += B) {
    size_t k = std::min(B, n - i);
    for (size_t j = 0; j < k; ++j) tmp[j] = exp_poly(x[i + j] - m);
    s += sum_f32(tmp, k);
  }
  return float(double(m) + std::log(s));
}

}  // namespace

void fill_reduce(ReduceKernels& t) {
  t.sum_f32 = sum_f32;
  t.max_f32 = max_f32;
  t.min_f32 = min_f32;
  t.add_f32 = add_f32;
  t.add_f64 = add_f64;
  t.maxacc_f32 = maxacc_f32;
  t.minacc_f32 = minacc_f32;
  t.softmax_f32 = softmax_f32;
  t.logsumexp_f32 = logsumexp_f32;
  t.exp_f32 = exp_f32;
}

}  // namespace mlx::core::cpu::MLX_ISA_NS
