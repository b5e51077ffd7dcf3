// float32 inner loops of the reductions and softmax. Compiled once per instruction set
// (MLX_ISA_NS names the namespace), like kernels_isa.cpp: every loop is written with
// independent lanes so the compiler vectorises it without reassociating float math.
// The polynomial exp here duplicates what the elementwise exp may also provide; one can
// be merged into the other later.
#include <immintrin.h>

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

// The same computation on whole registers, with FMA (so within an ulp of exp_poly rather
// than bit-identical). GCC does not vectorise exp_poly by itself.
#if defined(__AVX512F__)
constexpr size_t V = 16;
inline void exp_block(const float* x, float* y, float sub) {
  __m512 v = _mm512_sub_ps(_mm512_loadu_ps(x), _mm512_set1_ps(sub));
  __m512 xc = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(-104.f)), _mm512_set1_ps(88.73f));
  __m512 fn = _mm512_roundscale_ps(_mm512_mul_ps(xc, _mm512_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512i n = _mm512_cvtps_epi32(fn);
  __m512 r = _mm512_fnmadd_ps(fn, _mm512_set1_ps(0.693359375f), xc);
  r = _mm512_fnmadd_ps(fn, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  __m512 e = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.f));
  __m512i n1 = _mm512_srai_epi32(n, 1), n2 = _mm512_sub_epi32(n, n1);
  __m512i b127 = _mm512_set1_epi32(127);
  __m512 s1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n1, b127), 23));
  __m512 s2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n2, b127), 23));
  e = _mm512_mul_ps(_mm512_mul_ps(e, s1), s2);
  e = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(88.72283935546875f), _CMP_GT_OQ), e,
                           _mm512_set1_ps(kInf));
  e = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(-103.972084f), _CMP_LT_OQ), e,
                           _mm512_setzero_ps());
  e = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), e, v);
  _mm512_storeu_ps(y, e);
}
#elif defined(__AVX2__)
constexpr size_t V = 8;
inline void exp_block(const float* x, float* y, float sub) {
  __m256 v = _mm256_sub_ps(_mm256_loadu_ps(x), _mm256_set1_ps(sub));
  __m256 xc = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-104.f)), _mm256_set1_ps(88.73f));
  __m256 fn = _mm256_round_ps(_mm256_mul_ps(xc, _mm256_set1_ps(1.44269504088896341f)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256i n = _mm256_cvtps_epi32(fn);
  __m256 r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(0.693359375f), xc);
  r = _mm256_fnmadd_ps(fn, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  __m256 e = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.f));
  __m256i n1 = _mm256_srai_epi32(n, 1), n2 = _mm256_sub_epi32(n, n1);
  __m256i b127 = _mm256_set1_epi32(127);
  __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, b127), 23));
  __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, b127), 23));
  e = _mm256_mul_ps(_mm256_mul_ps(e, s1), s2);
  e = _mm256_blendv_ps(e, _mm256_set1_ps(kInf), _mm256_cmp_ps(v, _mm256_set1_ps(88.72283935546875f), _CMP_GT_OQ));
  e = _mm256_blendv_ps(e, _mm256_setzero_ps(), _mm256_cmp_ps(v, _mm256_set1_ps(-103.972084f), _CMP_LT_OQ));
  e = _mm256_blendv_ps(e, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  _mm256_storeu_ps(y, e);
}
#else
constexpr size_t V = 1;
inline void exp_block(const float* x, float* y, float sub) { y[0] = exp_poly(x[0] - sub); }
#endif

// y[i] = exp(x[i] - sub).
inline void exp_sub(const float* x, float* y, size_t n, float sub) {
  size_t i = 0;
  for (; i + 4 * V <= n; i += 4 * V) {  // four independent chains in flight
    exp_block(x + i, y + i, sub);
    exp_block(x + i + V, y + i + V, sub);
    exp_block(x + i + 2 * V, y + i + 2 * V, sub);
    exp_block(x + i + 3 * V, y + i + 3 * V, sub);
  }
  for (; i + V <= n; i += V) exp_block(x + i, y + i, sub);
  for (; i < n; ++i) y[i] = exp_poly(x[i] - sub);
}

void exp_f32(const float* x, float* y, size_t n) { exp_sub(x, y, n, 0.f); }

// exp(x - m) for a finite row maximum m, so every argument is in [-inf, 0] (or NaN): one
// clamp at -88, k = round(8 (x - m) / ln2) from the bits of a rounding sum, then
// exp = 2^(k >> 3) * 2^((k & 7) / 8) * p(r) with |r| <= ln2/16: an 8-entry table (a register
// permute), a degree-3 polynomial (1.4 ulp) and the power of two added to the table entry's
// exponent. At the clamp, k = -1016 gives a scale of exactly +0 (so -inf gives 0). About a
// third of the work of exp_block.
#if defined(__AVX512F__)
inline __m512 exp_nonpos_block(const float* x, float* y, float m) {
  const __m512 magic = _mm512_set1_ps(12582912.f);  // 1.5 * 2^23: t's low bits hold k
  const __m512i table = _mm512_setr_epi32(0x3f800000, 0x3f8b95c2, 0x3f9837f0, 0x3fa5fed7, 0x3fb504f3,
                                          0x3fc5672a, 0x3fd744fd, 0x3feac0c7, 0x3f800000, 0x3f8b95c2,
                                          0x3f9837f0, 0x3fa5fed7, 0x3fb504f3, 0x3fc5672a, 0x3fd744fd,
                                          0x3feac0c7);  // 2^(j/8), twice
  __m512 v = _mm512_max_ps(_mm512_set1_ps(-88.f), _mm512_sub_ps(_mm512_loadu_ps(x), _mm512_set1_ps(m)));  // NaN stays NaN
  __m512 t = _mm512_fmadd_ps(v, _mm512_set1_ps(11.541560173034668f), magic);  // k = round(8 v / ln2)
  __m512 r = _mm512_fnmadd_ps(_mm512_sub_ps(t, magic), _mm512_set1_ps(0.08664339780807495f), v);
  __m512 e = _mm512_fmadd_ps(_mm512_set1_ps(0.16664297878742218f), r, _mm512_set1_ps(0.5000647902488708f));
  e = _mm512_fmadd_ps(e, r, _mm512_set1_ps(1.f));
  e = _mm512_fmadd_ps(e, r, _mm512_set1_ps(1.f));
  __m512i tb = _mm512_castps_si512(t);
  __m512i sb = _mm512_add_epi32(_mm512_permutexvar_epi32(tb, table), _mm512_slli_epi32(_mm512_srli_epi32(tb, 3), 23));
  e = _mm512_mul_ps(e, _mm512_castsi512_ps(sb));
  _mm512_storeu_ps(y, e);
  return e;
}
#elif defined(__AVX2__)
inline __m256 exp_nonpos_block(const float* x, float* y, float m) {
  const __m256 magic = _mm256_set1_ps(12582912.f);  // 1.5 * 2^23: t's low bits hold k
  const __m256i table = _mm256_setr_epi32(0x3f800000, 0x3f8b95c2, 0x3f9837f0, 0x3fa5fed7, 0x3fb504f3,
                                          0x3fc5672a, 0x3fd744fd, 0x3feac0c7);  // 2^(j/8)
  __m256 v = _mm256_max_ps(_mm256_set1_ps(-88.f), _mm256_sub_ps(_mm256_loadu_ps(x), _mm256_set1_ps(m)));  // NaN stays NaN
  __m256 t = _mm256_fmadd_ps(v, _mm256_set1_ps(11.541560173034668f), magic);  // k = round(8 v / ln2)
  __m256 r = _mm256_fnmadd_ps(_mm256_sub_ps(t, magic), _mm256_set1_ps(0.08664339780807495f), v);
  __m256 e = _mm256_fmadd_ps(_mm256_set1_ps(0.16664297878742218f), r, _mm256_set1_ps(0.5000647902488708f));
  e = _mm256_fmadd_ps(e, r, _mm256_set1_ps(1.f));
  e = _mm256_fmadd_ps(e, r, _mm256_set1_ps(1.f));
  __m256i tb = _mm256_castps_si256(t);
  __m256i sb = _mm256_add_epi32(_mm256_permutevar8x32_epi32(table, tb), _mm256_slli_epi32(_mm256_srli_epi32(tb, 3), 23));
  e = _mm256_mul_ps(e, _mm256_castsi256_ps(sb));
  _mm256_storeu_ps(y, e);
  return e;
}
#else
inline void exp_nonpos_block(const float* x, float* y, float m) { y[0] = exp_poly(x[0] - m); }
#endif

inline void exp_nonpos(const float* x, float* y, size_t n, float m) {
  size_t i = 0;
  for (; i + V <= n; i += V) exp_nonpos_block(x + i, y + i, m);
  for (; i < n; ++i) y[i] = exp_poly(x[i] - m);
}

#if defined(__AVX512F__) || defined(__AVX2__)
#if defined(__AVX512F__)
using VF = __m512;
inline VF vzero() { return _mm512_setzero_ps(); }
inline VF vadd(VF a, VF b) { return _mm512_add_ps(a, b); }
inline VF vmax(VF a, VF b) { return _mm512_max_ps(a, b); }
inline VF vload(const float* p) { return _mm512_loadu_ps(p); }
inline float hsum(VF a) { return _mm512_reduce_add_ps(a); }
inline float hmax(VF a) { return _mm512_reduce_max_ps(a); }
inline void vstream_scaled(float* y, const float* e, float inv) {
  _mm512_stream_ps(y, _mm512_mul_ps(_mm512_loadu_ps(e), _mm512_set1_ps(inv)));
}
#else
using VF = __m256;
inline VF vzero() { return _mm256_setzero_ps(); }
inline VF vadd(VF a, VF b) { return _mm256_add_ps(a, b); }
inline VF vmax(VF a, VF b) { return _mm256_max_ps(a, b); }
inline VF vload(const float* p) { return _mm256_loadu_ps(p); }
inline float hsum(VF a) {
  alignas(32) float t[8];
  _mm256_store_ps(t, a);
  return ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
}
inline float hmax(VF a) {
  alignas(32) float t[8];
  _mm256_store_ps(t, a);
  float r = t[0];
  for (int i = 1; i < 8; ++i) r = std::max(r, t[i]);
  return r;
}
inline void vstream_scaled(float* y, const float* e, float inv) {
  _mm256_stream_ps(y, _mm256_mul_ps(_mm256_loadu_ps(e), _mm256_set1_ps(inv)));
}
#endif

// Row maximum ignoring NaN (maxps keeps its second operand when either is NaN); a NaN in
// the row is caught afterwards through the NaN sum of the exponentials.
inline float max_ignoring_nan(const float* x, size_t n) {
  VF a0 = vload(x), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 4 * V <= n; i += 4 * V) {
    a0 = vmax(vload(x + i), a0);
    a1 = vmax(vload(x + i + V), a1);
    a2 = vmax(vload(x + i + 2 * V), a2);
    a3 = vmax(vload(x + i + 3 * V), a3);
  }
  for (; i + V <= n; i += V) a0 = vmax(vload(x + i), a0);
  float m = hmax(vmax(vmax(a0, a1), vmax(a2, a3)));
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}
#endif

// One softmax row. With `scratch`, the exponentials go there and y receives the scaled
// values through non-temporal stores; otherwise y holds both.
void softmax_f32(const float* x, float* y, size_t n, float* scratch) {
  if (n == 0) return;
  float* e = scratch ? scratch : y;
  constexpr size_t B = 1024;  // float32 lane sums per block, blocks added in double
  double s = 0;
  float m;
#if defined(__AVX512F__) || defined(__AVX2__)
  m = n >= V ? max_ignoring_nan(x, n) : max_f32(x, n);
  if (std::isfinite(m)) {
    for (size_t i = 0; i < n; i += B) {
      size_t k = std::min(B, n - i), j = 0;
      // Rows come one after another: fetch the next row while this one computes, so the
      // memory traffic overlaps the exp (prefetches never fault past the end).
      for (size_t p = 0; p < k; p += 64 / sizeof(float))
        _mm_prefetch(reinterpret_cast<const char*>(x + n + i + p), _MM_HINT_T0);
      VF acc0 = vzero(), acc1 = vzero();
      for (; j + 2 * V <= k; j += 2 * V) {
        acc0 = vadd(acc0, exp_nonpos_block(x + i + j, e + i + j, m));
        acc1 = vadd(acc1, exp_nonpos_block(x + i + j + V, e + i + j + V, m));
      }
      for (; j + V <= k; j += V) acc0 = vadd(acc0, exp_nonpos_block(x + i + j, e + i + j, m));
      float part = hsum(vadd(acc0, acc1));
      for (; j < k; ++j) part += (e[i + j] = exp_poly(x[i + j] - m));
      s += double(part);
    }
  }
#else
  m = max_f32(x, n);
  if (std::isfinite(m))
    for (size_t i = 0; i < n; i += B) {
      size_t k = std::min(B, n - i);
      exp_nonpos(x + i, e + i, k, m);
      s += sum_f32(e + i, k);
    }
#endif
  if (!std::isfinite(m)) {  // NaN or infinite maximum: NaN/inf rules of exp_poly
    m = max_f32(x, n);
    for (size_t i = 0; i < n; i += B) {
      size_t k = std::min(B, n - i);
      exp_sub(x + i, e + i, k, m);
      s += sum_f32(e + i, k);
    }
  }
  if (s != s) {  // a NaN in the row: every output is NaN
    for (size_t i = 0; i < n; ++i) y[i] = kNaN;
    return;
  }
  float inv = float(1.0 / s);
  size_t i = 0;
#if defined(__AVX512F__) || defined(__AVX2__)
  if (scratch) {
    constexpr size_t A = V * sizeof(float);
    for (; i < n && (reinterpret_cast<uintptr_t>(y + i) % A) != 0; ++i) y[i] = e[i] * inv;
    for (; i + V <= n; i += V) vstream_scaled(y + i, e + i, inv);
    _mm_sfence();
  }
#endif
  for (; i < n; ++i) y[i] = e[i] * inv;
}

float logsumexp_f32(const float* x, size_t n) {
  float m = max_f32(x, n);
  if (std::isinf(m) || std::isnan(m)) return m;
  constexpr size_t B = 1024;
  alignas(64) float tmp[B];
  double s = 0;
  for (size_t i = 0; i < n; i += B) {
    size_t k = std::min(B, n - i);
    exp_nonpos(x + i, tmp, k, m);  // m is finite here
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
