// CPU kernels of the primitives in primitives_random.h. threefry2x32 runs on 16 counters at a
// time in GCC vector code compiled three times (AVX-512, AVX2, baseline) and picked by the
// same rule as the elementwise tables; blocks of counters are split over the cores. The
// per-element arithmetic of each distribution then rounds every step the way MLX's separate
// ops round it, and uses MLX's own erf, erfinv and exp where MLX has its own.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <immintrin.h>

#include "../../primitives_random.h"
#include "../../random.h"
#include "kernels.h"
#include "layout.h"
#include "parallel.h"

// MLX computes a * b + c as two ops (two roundings); only its explicit fma calls fuse.
#pragma GCC optimize("fp-contract=off")

namespace mlx::core {

namespace {

#define INL [[gnu::always_inline]] inline

typedef uint32_t u32x16 __attribute__((vector_size(64)));
typedef int32_t i32x16 __attribute__((vector_size(64)));
typedef float f32x16 __attribute__((vector_size(64)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
constexpr size_t kLanes = 16;
constexpr size_t kBlock = 512;  // counters per block: 2 x 2 KiB of words, in L1

// ---- threefry2x32 ---------------------------------------------------------------------------

template <int R>
INL void mix(u32x16& a, u32x16& b) {
  a += b;
  b = (b << R) | (b >> (32 - R));
  b ^= a;
}

// Counters (c0 + l, c1 + l), l = 0..15, under the key (k0, k1): MLX's 20 rounds.
INL void hash16(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1, u32x16& a, u32x16& b) {
  const uint32_t k2 = k0 ^ k1 ^ 0x1BD11BDAu;
  const u32x16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  a = lane + (c0 + k0);
  b = lane + (c1 + k1);
  mix<13>(a, b), mix<15>(a, b), mix<26>(a, b), mix<6>(a, b);
  a += k1, b += k2 + 1;
  mix<17>(a, b), mix<29>(a, b), mix<16>(a, b), mix<24>(a, b);
  a += k2, b += k0 + 2;
  mix<13>(a, b), mix<15>(a, b), mix<26>(a, b), mix<6>(a, b);
  a += k0, b += k1 + 3;
  mix<17>(a, b), mix<29>(a, b), mix<16>(a, b), mix<24>(a, b);
  a += k1, b += k2 + 4;
  mix<13>(a, b), mix<15>(a, b), mix<26>(a, b), mix<6>(a, b);
  a += k2, b += k0 + 5;
}

// AVX2 has no vector rotate: rotations by 16 and 24 become byte shuffles, a fifth fewer
// shifts (on AMD Zen the shifts, on one port, are what limits the generic form).
template <int R>
__attribute__((target("avx2"))) INL __m256i rotl_avx2(__m256i b) {
  if constexpr (R == 16)
    return _mm256_shuffle_epi8(b, _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2,
                                                   3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  else if constexpr (R == 24)
    return _mm256_shuffle_epi8(b, _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1,
                                                   2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12));
  else
    return _mm256_or_si256(_mm256_slli_epi32(b, R), _mm256_srli_epi32(b, 32 - R));
}

template <int R>
__attribute__((target("avx2"))) INL void mix_avx2(__m256i* a, __m256i* b) {
  for (int g = 0; g < 2; ++g) {
    a[g] = _mm256_add_epi32(a[g], b[g]);
    b[g] = _mm256_xor_si256(rotl_avx2<R>(b[g]), a[g]);
  }
}

__attribute__((target("avx2"))) INL void hash16_avx2(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1,
                                                     u32x16& ao, u32x16& bo) {
  const uint32_t k2 = k0 ^ k1 ^ 0x1BD11BDAu;
  const __m256i l0 = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i l1 = _mm256_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15);
  const __m256i s0 = _mm256_set1_epi32(int(c0 + k0)), s1 = _mm256_set1_epi32(int(c1 + k1));
  __m256i a[2] = {_mm256_add_epi32(l0, s0), _mm256_add_epi32(l1, s0)};
  __m256i b[2] = {_mm256_add_epi32(l0, s1), _mm256_add_epi32(l1, s1)};
  auto inject = [&](uint32_t x, uint32_t y) __attribute__((always_inline)) {
    for (int g = 0; g < 2; ++g) {
      a[g] = _mm256_add_epi32(a[g], _mm256_set1_epi32(int(x)));
      b[g] = _mm256_add_epi32(b[g], _mm256_set1_epi32(int(y)));
    }
  };
  mix_avx2<13>(a, b), mix_avx2<15>(a, b), mix_avx2<26>(a, b), mix_avx2<6>(a, b);
  inject(k1, k2 + 1);
  mix_avx2<17>(a, b), mix_avx2<29>(a, b), mix_avx2<16>(a, b), mix_avx2<24>(a, b);
  inject(k2, k0 + 2);
  mix_avx2<13>(a, b), mix_avx2<15>(a, b), mix_avx2<26>(a, b), mix_avx2<6>(a, b);
  inject(k0, k1 + 3);
  mix_avx2<17>(a, b), mix_avx2<29>(a, b), mix_avx2<16>(a, b), mix_avx2<24>(a, b);
  inject(k1, k2 + 4);
  mix_avx2<13>(a, b), mix_avx2<15>(a, b), mix_avx2<26>(a, b), mix_avx2<6>(a, b);
  inject(k2, k0 + 5);
  std::memcpy(&ao, a, sizeof ao);
  std::memcpy(&bo, b, sizeof bo);
}

// x[i], y[i] = hash((c0 + i, c1 + i)) for i < n (counters wrap at 2^32, as MLX's do).
#define MLXJS_HASH_LOOP(HASH16)                                   \
  for (size_t i = 0; i < n; i += kLanes) {                        \
    u32x16 a, b;                                                  \
    HASH16(k0, k1, c0 + uint32_t(i), c1 + uint32_t(i), a, b);     \
    size_t m = std::min(kLanes, n - i) * 4;                       \
    std::memcpy(x + i, &a, m);                                    \
    std::memcpy(y + i, &b, m);                                    \
  }

INL void hash_body(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1, size_t n, uint32_t* x,
                   uint32_t* y) {
  MLXJS_HASH_LOOP(hash16)
}

__attribute__((target("avx2"))) INL void hash_body_avx2(uint32_t k0, uint32_t k1, uint32_t c0,
                                                        uint32_t c1, size_t n, uint32_t* x, uint32_t* y) {
  MLXJS_HASH_LOOP(hash16_avx2)
}

// ---- uniform words ---------------------------------------------------------------------------

// MLX's uniform: min(float(w) / 2^32, upper) (float32), then (range * u + lo) in float32.
INL float u01_one(uint32_t w, float upper, float range, float lo) {
  float u = float(w) * 0x1p-32f;  // the division by 2^32 is exact
  u = u < upper ? u : upper;
  return u * range + lo;
}

INL void u01_body(const uint32_t* w, size_t n, float upper, float range, float lo, float* out) {
  size_t i = 0;
  const f32x16 up = f32x16{} + upper, rg = f32x16{} + range, lv = f32x16{} + lo;
  for (; i + kLanes <= n; i += kLanes) {
    u32x16 v;
    std::memcpy(&v, w + i, sizeof v);
    // float(w) rounded once: both 16-bit halves convert exactly, their sum rounds.
    f32x16 f = __builtin_convertvector((i32x16)(v >> 16), f32x16) * 65536.0f +
               __builtin_convertvector((i32x16)(v & 0xffffu), f32x16);
    f32x16 u = f * 0x1p-32f;
    u = u < up ? u : up;
    u = u * rg + lv;
    std::memcpy(out + i, &u, sizeof u);
  }
  for (; i < n; ++i) out[i] = u01_one(w[i], upper, range, lo);
}

// bernoulli: float(w) < thr (float32 compare, as MLX's less on uint32 and float32).
INL void bern_body(const uint32_t* w, size_t n, float thr, bool* out) {
  size_t i = 0;
  const f32x16 t = f32x16{} + thr;
  for (; i + kLanes <= n; i += kLanes) {
    u32x16 v;
    std::memcpy(&v, w + i, sizeof v);
    f32x16 f = __builtin_convertvector((i32x16)(v >> 16), f32x16) * 65536.0f +
               __builtin_convertvector((i32x16)(v & 0xffffu), f32x16);
    u8x16 b = __builtin_convertvector((f < t) & 1, u8x16);
    std::memcpy(out + i, &b, sizeof b);
  }
  for (; i < n; ++i) out[i] = float(w[i]) < thr;
}

// uniform in float16 / bfloat16: u (as u01_body, rounded to the dtype), then
// (range * u) and (+ lo), each rounded to the dtype, stored as the dtype's bits.
INL void u01_half_body(const uint32_t* w, size_t n, bool bf16, float upper, float range, float lo,
                       uint16_t* out) {
  for (size_t i = 0; i < n; ++i) {
    float u = u01_one(w[i], upper, 1.0f, 0.0f);
    if (bf16) {
      float r = float(bfloat16_t(range * float(bfloat16_t(u))));
      out[i] = bfloat16_t(r + lo).bits;
    } else {
      float r = float(float16_t(range * float(float16_t(u))));
      out[i] = float16_t(r + lo).bits;
    }
  }
}

// The same with F16C conversions (round to nearest even, NaN quieted as the scalar form) and
// bfloat16 rounded in integer lanes.
__attribute__((target("avx2,f16c"))) INL __m256 round_half_avx2(__m256 x, bool bf16, __m256i* bits) {
  if (!bf16) {
    __m128i h = _mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    *bits = _mm256_cvtepu16_epi32(h);
    return _mm256_cvtph_ps(h);
  }
  __m256i u = _mm256_castps_si256(x);
  __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
  __m256i r = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff))), 16);
  __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, _mm256_set1_epi32(0x7fffffff)), _mm256_set1_epi32(0x7f800000));
  __m256i q = _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(0x40));
  *bits = _mm256_blendv_epi8(r, q, nan);
  return _mm256_castsi256_ps(_mm256_slli_epi32(*bits, 16));
}

__attribute__((target("avx2,f16c"))) INL void u01_half_avx2(const uint32_t* w, size_t n, bool bf16, float upper,
                                                           float range, float lo, uint16_t* out) {
  size_t i = 0;
  const __m256 up = _mm256_set1_ps(upper), rg = _mm256_set1_ps(range), lv = _mm256_set1_ps(lo);
  for (; i + 8 <= n; i += 8) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i));
    __m256 f = _mm256_add_ps(
        _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(v, 16)), _mm256_set1_ps(65536.0f)),
        _mm256_cvtepi32_ps(_mm256_and_si256(v, _mm256_set1_epi32(0xffff))));
    __m256 u = _mm256_mul_ps(f, _mm256_set1_ps(0x1p-32f));
    u = _mm256_blendv_ps(up, u, _mm256_cmp_ps(u, up, _CMP_LT_OQ));  // u < upper ? u : upper
    __m256i b;
    u = round_half_avx2(u, bf16, &b);
    __m256 r = round_half_avx2(_mm256_mul_ps(rg, u), bf16, &b);
    round_half_avx2(_mm256_add_ps(r, lv), bf16, &b);
    __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), packed);
  }
  u01_half_body(w + i, n - i, bf16, upper, range, lo, out + i);
}

// ---- MLX's math (mlx/backend/cpu/simd/math.h, the one-lane forms MLX runs on x86) -----------

// Cephes-style exp: 2^floor(x log2(e) + 0.5) times a degree-6 polynomial.
INL float exp_mlx(float x_init) {
  float x = x_init * 1.442695f;
  float ipart = float(std::floor(double(x) + 0.5));  // MLX adds the double 0.5
  float fpart = x - ipart;
  x = 1.535336188319500e-4f;
  x = std::fma(x, fpart, 1.339887440266574e-3f);
  x = std::fma(x, fpart, 9.618437357674640e-3f);
  x = std::fma(x, fpart, 5.550332471162809e-2f);
  x = std::fma(x, fpart, 2.402264791363012e-1f);
  x = std::fma(x, fpart, 6.931472028550421e-1f);
  x = std::fma(x, fpart, 1.000000000000000f);
  if (std::isnan(x_init)) return x_init;
  if (x_init > 88.0f) return std::numeric_limits<float>::infinity();
  if (x_init < -88.0f) return 0.0f;
  uint32_t e = uint32_t(int32_t(ipart) + 127) << 23;
  float scale;
  std::memcpy(&scale, &e, 4);
  return scale * x;
}

// erf before its rounding to the dtype and the sign: fma(-exp(-v^2) t, r(t), 1).
INL float erf_core(float v) {
  float t = 1.0f / std::fma(0.3275911f, std::fabs(v), 1.0f);
  float r = std::fma(1.061405429f, t, -1.453152027f);
  r = std::fma(r, t, 1.421413741f);
  r = std::fma(r, t, -0.284496736f);
  r = std::fma(r, t, 0.254829592f);
  float e = -exp_mlx(-v * v);
  return std::fma(e * t, r, 1.0f);
}

INL float erfinv_mlx(float a) {
  float t = std::fma(a, 0.0f - a, 1.0f);
  t = std::log(t);
  float p;
  if (std::fabs(t) > 6.125f) {
    p = 3.03697567e-10f;
    p = std::fma(p, t, 2.93243101e-8f);
    p = std::fma(p, t, 1.22150334e-6f);
    p = std::fma(p, t, 2.84108955e-5f);
    p = std::fma(p, t, 3.93552968e-4f);
    p = std::fma(p, t, 3.02698812e-3f);
    p = std::fma(p, t, 4.83185798e-3f);
    p = std::fma(p, t, -2.64646143e-1f);
    p = std::fma(p, t, 8.40016484e-1f);
  } else {
    p = 5.43877832e-9f;
    p = std::fma(p, t, 1.43285448e-7f);
    p = std::fma(p, t, 1.22774793e-6f);
    p = std::fma(p, t, 1.12963626e-7f);
    p = std::fma(p, t, -5.61530760e-5f);
    p = std::fma(p, t, -1.47697632e-4f);
    p = std::fma(p, t, 2.31468678e-3f);
    p = std::fma(p, t, 1.15392581e-2f);
    p = std::fma(p, t, -2.32015476e-1f);
    p = std::fma(p, t, 8.86226892e-1f);
  }
  return a * p;
}

// normal()'s float32 uniform on [nextafter(-1, 0), 1): range 1 - lo rounds to 2.
constexpr float kNormalLo = -0.99999994f;  // nextafter(-1.0f, 0.0f)
constexpr float kBelowOne = 0.99999994f;   // nextafter(1.0f, 0.0f)

INL void normal_body(const uint32_t* w, size_t n, float* out) {
  const float range = 1.0f - kNormalLo;
  u01_body(w, n, kBelowOne, range, kNormalLo, out);
  for (size_t i = 0; i < n; ++i) out[i] = erfinv_mlx(out[i]);
}

INL void erf_body(const float* x, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = erf_core(x[i]);
}

INL void erfinv_body(const float* x, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = erfinv_mlx(x[i]);
}

// ---- one table per instruction set ---------------------------------------------------------

struct Fns {
  void (*hash)(uint32_t, uint32_t, uint32_t, uint32_t, size_t, uint32_t*, uint32_t*);
  void (*u01)(const uint32_t*, size_t, float, float, float, float*);
  void (*bern)(const uint32_t*, size_t, float, bool*);
  void (*u01h)(const uint32_t*, size_t, bool, float, float, float, uint16_t*);  // float16 / bfloat16
  void (*normal)(const uint32_t*, size_t, float*);  // erfinv of normal()'s uniform
  void (*erf)(const float*, size_t, float*);        // erf_core
  void (*erfinv)(const float*, size_t, float*);
};

#define MLXJS_RANDOM_ISA(NS, ATTR, HASH, HALF)                                                    \
  namespace NS {                                                                                \
  ATTR void hash(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1, size_t n, uint32_t* x,     \
                 uint32_t* y) {                                                                 \
    HASH(k0, k1, c0, c1, n, x, y);                                                              \
  }                                                                                             \
  ATTR void u01(const uint32_t* w, size_t n, float up, float rg, float lo, float* o) {          \
    u01_body(w, n, up, rg, lo, o);                                                              \
  }                                                                                             \
  ATTR void bern(const uint32_t* w, size_t n, float t, bool* o) { bern_body(w, n, t, o); }      \
  ATTR void u01h(const uint32_t* w, size_t n, bool bf, float up, float rg, float lo, uint16_t* o) { \
    HALF(w, n, bf, up, rg, lo, o);                                                              \
  }                                                                                             \
  ATTR void normal(const uint32_t* w, size_t n, float* o) { normal_body(w, n, o); }             \
  ATTR void erf(const float* x, size_t n, float* o) { erf_body(x, n, o); }                      \
  ATTR void erfinv(const float* x, size_t n, float* o) { erfinv_body(x, n, o); }                \
  constexpr Fns fns = {&hash, &u01, &bern, &u01h, &normal, &erf, &erfinv};                             \
  }

MLXJS_RANDOM_ISA(isa_generic, , hash_body, u01_half_body)
MLXJS_RANDOM_ISA(isa_avx2, __attribute__((target("avx2,fma,f16c"))), hash_body_avx2, u01_half_avx2)
MLXJS_RANDOM_ISA(isa_avx512,
                 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma,f16c"))), hash_body,
                 u01_half_avx2)

// The instruction set of the elementwise tables (MLX_CPU_ISA lowers it for tests).
const Fns& fns() {
  static const Fns* f = [] {
    const char* isa = cpu::kernels().isa;
    if (std::strcmp(isa, "avx512") == 0) return &isa_avx512::fns;
    if (std::strcmp(isa, "avx2") == 0) return &isa_avx2::fns;
    return &isa_generic::fns;
  }();
  return *f;
}

// ---- words in MLX's RandomBits order ---------------------------------------------------------

constexpr size_t kGrainFast = size_t(1) << 14;  // counters per task for bits and uniform
constexpr size_t kGrainSlow = size_t(1) << 11;  // ... where every element calls log/erf

// emit(words, m, index): words of the output elements [index, index + m), from any thread.
template <class Emit>
void generate(std::pair<uint32_t, uint32_t> key, size_t nw, size_t grain, Emit&& emit) {
  const Fns& f = fns();
  size_t half = nw / 2, H = half + (nw & 1);
  auto [k0, k1] = key;
  cpu::parallel_for(half, grain, [&](size_t b, size_t e) {
    alignas(64) uint32_t x[kBlock], y[kBlock];
    for (size_t j = b; j < e; j += kBlock) {
      size_t m = std::min(kBlock, e - j);
      f.hash(k0, k1, uint32_t(j), uint32_t(j + H), m, x, y);
      emit(static_cast<const uint32_t*>(x), m, j);
      emit(static_cast<const uint32_t*>(y), m, j + H);
    }
  });
  if (nw & 1) {
    uint32_t w = random::threefry2x32_hash(key, {uint32_t(half), 0u}).first;
    emit(static_cast<const uint32_t*>(&w), size_t(1), half);
  }
}

std::pair<uint32_t, uint32_t> read_key(const array& k) {
  const uint32_t* p = k.data<uint32_t>();
  return {p[0], p[k.strides()[0]]};
}

// Places finished blocks; outputs larger than the caches bypass them.
struct Sink {
  char* base;
  size_t osz;
  bool stream;
  Sink(array& out, size_t item)
      : base(out.data<char>()), osz(item), stream(out.nbytes() >= cpu::layout::kStreamBytes) {}
  void put(size_t idx, const void* src, size_t m) const {
    if (stream)
      cpu::kernels().copy_stream(base + idx * osz, src, m * osz);
    else
      std::memcpy(base + idx * osz, src, m * osz);
  }
};

// ---- dtype helpers ---------------------------------------------------------------------------

// x rounded to T (an op of MLX returning T), as float.
template <typename T>
INL float rnd(float x) {
  if constexpr (std::is_same_v<T, float>)
    return x;
  else
    return float(T(x));
}

// The largest value below one of a uniform of dtype t (MLX's get_upper), as float32.
float below_one(Dtype t) {
  if (t == float16) return f16_bits_to_f32(0x3bff);   // 1.0h minus one ulp
  if (t == bfloat16) return bf16_bits_to_f32(0x3f7f);
  return kBelowOne;
}

// Element 0 of a size-1 floating array.
double scalar_f64(const array& a) {
  return dispatch_dtype(a.dtype(), [&](auto z) -> double {
    using U = decltype(z);
    if constexpr (std::is_same_v<U, complex64_t>)
      return double(a.data<U>()[0].real());
    else if constexpr (std::is_same_v<U, float16_t> || std::is_same_v<U, bfloat16_t>)
      return double(float(a.data<U>()[0]));
    else
      return double(a.data<U>()[0]);
  });
}

// f(T{}) for T the C++ type of the real floating dtype t.
template <typename F>
void with_float(Dtype t, F&& f) {
  if (t == float32)
    f(float{});
  else if (t == float16)
    f(float16_t{});
  else if (t == bfloat16)
    f(bfloat16_t{});
  else if (t == float64)
    f(double{});
  else
    throw std::invalid_argument("[random] Unsupported dtype.");
}

// Offsets of the flat elements [start, start + m) of a (any strides).
void offsets(const array& a, size_t start, size_t m, int64_t* out) {
  int nd = a.ndim();
  std::vector<int64_t> idx(nd);
  int64_t off = 0;
  size_t r = start;
  for (int d = nd - 1; d >= 0; --d) {
    idx[d] = int64_t(r % size_t(a.shape(d)));
    r /= size_t(a.shape(d));
    off += idx[d] * a.strides()[d];
  }
  for (size_t i = 0; i < m; ++i) {
    out[i] = off;
    for (int d = nd - 1; d >= 0; --d) {
      off += a.strides()[d];
      if (++idx[d] < a.shape(d)) break;
      off -= a.strides()[d] * a.shape(d);
      idx[d] = 0;
    }
  }
}

// ---- the distributions ------------------------------------------------------------------------

void eval_uniform(const std::vector<array>& in, array& out) {
  Dtype dt = out.dtype();
  float lo = float(scalar_f64(in[1])), hi = float(scalar_f64(in[2]));
  float upper = below_one(dt);
  Sink sink(out, out.itemsize());
  const Fns& f = fns();
  with_float(dt, [&](auto z) {
    using T = decltype(z);
    if constexpr (std::is_same_v<T, double>) {
      throw std::invalid_argument("[random.uniform] Unsupported type float64.");
    } else {
      float range = rnd<T>(hi - lo);
      generate(read_key(in[0]), out.size(), kGrainFast, [&](const uint32_t* w, size_t m, size_t idx) {
        alignas(64) float u[kBlock];
        if constexpr (std::is_same_v<T, float>) {
          f.u01(w, m, upper, range, lo, u);
          sink.put(idx, u, m);
        } else {
          uint16_t o[kBlock];
          f.u01h(w, m, std::is_same_v<T, bfloat16_t>, upper, range, lo, o);
          sink.put(idx, o, m);
        }
      });
    }
  });
}

void eval_normal(const std::vector<array>& in, array& out, bool sqrt2) {
  Dtype dt = out.dtype();
  const Fns& f = fns();
  if (dt == complex64) {
    Sink sink(out, 4);  // float32 pairs
    generate(read_key(in[0]), 2 * out.size(), kGrainSlow, [&](const uint32_t* w, size_t m, size_t idx) {
      alignas(64) float e[kBlock];
      f.normal(w, m, e);
      sink.put(idx, e, m);
    });
    return;
  }
  Sink sink(out, out.itemsize());
  with_float(dt, [&](auto z) {
    using T = decltype(z);
    generate(read_key(in[0]), out.size(), kGrainSlow, [&](const uint32_t* w, size_t m, size_t idx) {
      alignas(64) float e[kBlock];
      f.normal(w, m, e);
      T o[kBlock];
      if constexpr (std::is_same_v<T, double>) {
        const double sq = std::sqrt(2.0);
        for (size_t i = 0; i < m; ++i) o[i] = sqrt2 ? sq * double(e[i]) : double(e[i]);
      } else {
        const float sq = rnd<T>(float(std::sqrt(2.0)));
        for (size_t i = 0; i < m; ++i) o[i] = sqrt2 ? T(sq * rnd<T>(e[i])) : T(e[i]);
      }
      sink.put(idx, o, m);
    });
  });
}

void eval_gumbel(const std::vector<array>& in, array& out) {
  Dtype dt = out.dtype();
  float upper = below_one(dt);
  const Fns& f = fns();
  Sink sink(out, out.itemsize());
  with_float(dt, [&](auto z) {
    using T = decltype(z);
    if constexpr (!std::is_same_v<T, double>) {
      generate(read_key(in[0]), out.size(), kGrainSlow, [&](const uint32_t* w, size_t m, size_t idx) {
        alignas(64) float u[kBlock];
        f.u01(w, m, upper, 1.0f, 0.0f, u);
        T o[kBlock];
        // -log(-log(u)), each log rounded to the dtype.
        for (size_t i = 0; i < m; ++i) {
          float l1 = rnd<T>(std::log(rnd<T>(u[i])));
          o[i] = T(-rnd<T>(std::log(-l1)));
        }
        sink.put(idx, o, m);
      });
    }
  });
}

void eval_laplace(const std::vector<array>& in, array& out, float loc, float scale) {
  Dtype dt = out.dtype();
  const Fns& f = fns();
  Sink sink(out, out.itemsize());
  with_float(dt, [&](auto z) {
    using T = decltype(z);
    generate(read_key(in[0]), out.size(), kGrainSlow, [&](const uint32_t* w, size_t m, size_t idx) {
      alignas(64) float s[kBlock];
      f.u01(w, m, kBelowOne, 1.0f - kNormalLo, kNormalLo, s);
      T o[kBlock];
      for (size_t i = 0; i < m; ++i) {
        // sign(s) * log1p(-1 * |s|); MLX's -1 has the output dtype, so float64 works in double.
        float sg = s[i] < 0.0f ? -1.0f : (s[i] == 0.0f ? 0.0f : 1.0f);
        if constexpr (std::is_same_v<T, double>) {
          double r = double(sg) * std::log1p(-1.0 * double(std::fabs(s[i])));
          if (scale != 1.0f) r = double(scale) * r;
          if (loc != 0.0f) r = double(loc) + r;
          o[i] = r;
        } else {
          float r = rnd<T>(sg * std::log1p(-1.0f * std::fabs(s[i])));
          if (scale != 1.0f) r = rnd<T>(rnd<T>(scale) * r);
          if (loc != 0.0f) r = rnd<T>(rnd<T>(loc) + r);
          o[i] = T(r);
        }
      }
      sink.put(idx, o, m);
    });
  });
}

void eval_bernoulli(const std::vector<array>& in, array& out) {
  const float upper = std::nextafter(float(std::numeric_limits<uint32_t>::max()),
                                     std::numeric_limits<float>::max());
  const Fns& f = fns();
  Sink sink(out, 1);
  double p = scalar_f64(in[1]);
  if (in[1].dtype() == float64) {
    // multiply(p, upper) and the comparison in float64.
    double thr = p * double(upper);
    generate(read_key(in[0]), out.size(), kGrainFast, [&](const uint32_t* w, size_t m, size_t idx) {
      bool o[kBlock];
      for (size_t i = 0; i < m; ++i) o[i] = double(w[i]) < thr;
      sink.put(idx, o, m);
    });
    return;
  }
  float thr = float(p) * upper;
  generate(read_key(in[0]), out.size(), kGrainFast, [&](const uint32_t* w, size_t m, size_t idx) {
    alignas(64) bool o[kBlock];
    f.bern(w, m, thr, o);
    sink.put(idx, o, m);
  });
}

void eval_randint(const std::vector<array>& in, array& out) {
  Dtype dt = out.dtype();
  float lo = float(scalar_f64(in[1])), hi = float(scalar_f64(in[2]));
  float range = hi - lo;
  const Fns& f = fns();
  auto convert = cpu::kernels().convert[float32.index()][dt.index()];
  Sink sink(out, out.itemsize());
  dispatch_dtype(dt, [&](auto z) {
    using T = decltype(z);
    if constexpr (std::is_integral_v<T>) {
      const T lo_d = in[3].data<T>()[0], hi_d = in[4].data<T>()[0];
      generate(read_key(in[0]), out.size(), kGrainFast, [&](const uint32_t* w, size_t m, size_t idx) {
        alignas(64) float u[kBlock];
        f.u01(w, m, kBelowOne, range, lo, u);
        for (size_t i = 0; i < m; ++i) u[i] = std::floor(u[i]);
        T o[kBlock];
        convert(u, o, m, 1);  // the cast of astype(floor(u), dtype)
        for (size_t i = 0; i < m; ++i) {
          T v = o[i] < hi_d ? o[i] : hi_d;  // minimum(out, high - 1)
          o[i] = v > lo_d ? v : lo_d;       // maximum(.., low)
        }
        sink.put(idx, o, m);
      });
    }
  });
}

void eval_trunc_normal(const std::vector<array>& in, array& out) {
  Dtype dt = out.dtype();
  const array& lower = in[1];
  const array& upper = in[2];
  float up = below_one(dt);
  const Fns& f = fns();
  Sink sink(out, out.itemsize());
  with_float(dt, [&](auto z) {
    using T = decltype(z);
    if constexpr (!std::is_same_v<T, double>) {
      const T* lp = lower.data<T>();
      const T* hp = upper.data<T>();
      const float sq = rnd<T>(float(std::sqrt(2.0)));
      generate(read_key(in[0]), out.size(), kGrainSlow, [&](const uint32_t* w, size_t m, size_t idx) {
        alignas(64) float l[kBlock], h[kBlock], xa[kBlock], xb[kBlock], ea[kBlock], eb[kBlock], u[kBlock];
        int64_t off[kBlock];
        offsets(lower, idx, m, off);
        for (size_t i = 0; i < m; ++i) l[i] = float(lp[off[i]]);
        offsets(upper, idx, m, off);
        for (size_t i = 0; i < m; ++i) h[i] = float(hp[off[i]]);
        // a = erf(lower / sqrt2), b = erf(upper / sqrt2), each op rounded to the dtype.
        for (size_t i = 0; i < m; ++i) xa[i] = rnd<T>(l[i] / sq), xb[i] = rnd<T>(h[i] / sq);
        f.erf(xa, m, ea);
        f.erf(xb, m, eb);
        f.u01(w, m, up, 1.0f, 0.0f, u);
        for (size_t i = 0; i < m; ++i) {
          float ra = rnd<T>(ea[i]), rb = rnd<T>(eb[i]);
          float a = xa[i] > 0.0f ? ra : -ra, b = xb[i] > 0.0f ? rb : -rb;
          // uniform(a, b): (b - a) * u + a
          u[i] = rnd<T>(rnd<T>(rnd<T>(b - a) * rnd<T>(u[i])) + a);
        }
        f.erfinv(u, m, ea);
        T o[kBlock];
        for (size_t i = 0; i < m; ++i) {
          float v = rnd<T>(sq * rnd<T>(ea[i]));
          // maximum(minimum(upper, v), lower) with MLX's NaN rules (a NaN operand wins).
          float mn = std::isnan(v) ? v : std::isnan(h[i]) ? h[i] : (h[i] < v ? h[i] : v);
          o[i] = T(std::isnan(l[i]) ? l[i] : std::isnan(mn) ? mn : (mn > l[i] ? mn : l[i]));
        }
        sink.put(idx, o, m);
      });
    }
  });
}

}  // namespace

void RandomBits::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  auto key = read_key(inputs[0]);
  if (width_ == 4) {
    Sink sink(out, 4);
    generate(key, out.size(), kGrainFast,
             [&](const uint32_t* w, size_t m, size_t idx) { sink.put(idx, w, m); });
    return;
  }
  // Narrow widths: the first bytes of the words of ceil(bytes / 4).
  size_t bytes = out.nbytes();
  std::vector<uint32_t> words((bytes + 3) / 4);
  generate(key, words.size(), kGrainFast, [&](const uint32_t* w, size_t m, size_t idx) {
    std::memcpy(words.data() + idx, w, m * 4);
  });
  std::memcpy(out.data<char>(), words.data(), bytes);
}

void RandomSplit::eval_cpu(const std::vector<array>& inputs, array& out) {
  auto key = read_key(inputs[0]);
  // bits({2, 2}): words (x(0,2), x(1,3), y(0,2), y(1,3)); row 0 is the new key, row 1 the subkey.
  auto c0 = random::threefry2x32_hash(key, {0u, 2u});
  auto c1 = random::threefry2x32_hash(key, {1u, 3u});
  const uint32_t row[2] = {row_ ? c0.second : c0.first, row_ ? c1.second : c1.first};
  out.set_data(allocator::malloc(8));
  std::memcpy(out.data<uint32_t>(), row, 8);
}

const char* RandomSample::name() const {
  static const char* const names[] = {"RandomUniform", "RandomNormal", "RandomGumbel",
                                      "RandomLaplace", "RandomBernoulli", "RandomInt",
                                      "RandomTruncatedNormal"};
  return names[int(kind_)];
}

void RandomSample::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  switch (kind_) {
    case RandomKind::Uniform: return eval_uniform(inputs, out);
    case RandomKind::Normal: return eval_normal(inputs, out, flag_);
    case RandomKind::Gumbel: return eval_gumbel(inputs, out);
    case RandomKind::Laplace: return eval_laplace(inputs, out, a_, b_);
    case RandomKind::Bernoulli: return eval_bernoulli(inputs, out);
    case RandomKind::RandInt: return eval_randint(inputs, out);
    case RandomKind::TruncNormal: return eval_trunc_normal(inputs, out);
  }
}

}  // namespace mlx::core
