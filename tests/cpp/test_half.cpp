// float16 and bfloat16 conversions, checked against oracles that share no code with the
// engine: a reference rounding written with double arithmetic, an integer round-to-nearest-
// even for bfloat16, and the CPU's own conversion instructions (F16C; AVX512-BF16 where the
// CPU has it).
//
// MLX_TEST_EXHAUSTIVE=1 also compares all 2^32 float32 inputs (about 15 s per format).
#include <gtest/gtest.h>
#include <immintrin.h>

#include <cfenv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "mlx/half_types.h"

using namespace mlx::core;

namespace {

// ---- independent references -----------------------------------------------------------

struct Format {
  int p;     // stored mantissa bits
  int bias;  // exponent bias (emax == bias)
};
constexpr Format kF16{10, 15};
constexpr Format kBF16{7, 127};

// Rounds a finite or infinite double to the format, to nearest with ties to even, with
// gradual underflow. Everything here is exact double arithmetic on powers of two and small
// integers; only the final tie decision is made by hand. NaN is not handled here.
uint16_t ref_round(double x, Format f) {
  uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  double a = std::fabs(x);
  uint16_t inf = uint16_t(sign | (((1u << (15 - f.p)) - 1u) << f.p));
  int emin = 1 - f.bias, emax = f.bias;
  // Halfway between the largest finite value and 2^(emax+1): at or above it, infinity.
  double overflow = std::ldexp(2.0 - std::ldexp(1.0, -(f.p + 1)), emax);
  if (a >= overflow) return inf;
  if (a == 0) return sign;
  int e = std::ilogb(a);
  if (e < emin) e = emin;
  double q = std::ldexp(a, f.p - e);  // exact: a / ulp
  double fl = std::floor(q);
  double frac = q - fl;  // exact
  double r = fl;
  if (frac > 0.5 || (frac == 0.5 && std::fmod(fl, 2.0) == 1.0)) r = fl + 1;
  double hidden = std::ldexp(1.0, f.p);
  if (r >= hidden) {  // normal (possibly carried into the next binade)
    if (r == 2 * hidden) {
      r = hidden;
      ++e;
    }
    return uint16_t(sign | (uint32_t(e + f.bias) << f.p) | uint32_t(r - hidden));
  }
  return uint16_t(sign | uint32_t(r));  // subnormal (e == emin)
}

// float16 NaN from float32: quiet, with the top 10 payload bits (IEEE 754 and F16C).
uint16_t ref_f16(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  if (std::isnan(x)) return uint16_t(((u >> 16) & 0x8000u) | 0x7e00u | ((u >> 13) & 0x3ffu));
  return ref_round(double(x), kF16);
}

// bfloat16 by integer round to nearest even on the float32 bits.
uint16_t ref_bf16_int(uint32_t u) {
  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffffu)) return uint16_t((u >> 16) | 0x40u);
  uint32_t upper = u >> 16, lower = u & 0xffffu;
  if (lower > 0x8000u || (lower == 0x8000u && (upper & 1u))) ++upper;
  return uint16_t(upper);
}

// Exact value of a float16 / bfloat16 bit pattern (non-NaN) by its definition.
double ref_decode(uint16_t b, Format f) {
  int ebits = 15 - f.p;
  uint32_t e = (b >> f.p) & ((1u << ebits) - 1u);
  uint32_t m = b & ((1u << f.p) - 1u);
  double s = (b & 0x8000) ? -1.0 : 1.0;
  if (e == (1u << ebits) - 1u) return s * INFINITY;
  if (e == 0) return s * std::ldexp(double(m), 1 - f.bias - f.p);
  return s * std::ldexp(double(m) + std::ldexp(1.0, f.p), int(e) - f.bias - f.p);
}

// 64-bit integer to bfloat16 / float16 by integer rounding (no floating point at all).
uint16_t ref_u64_round(uint64_t u, bool negative, Format f) {
  uint16_t sign = negative ? 0x8000 : 0;
  if (u == 0) return sign;
  int msb = 63 - __builtin_clzll(u);
  int drop = msb - f.p;  // bits below the kept f.p + 1
  uint64_t kept = u;
  if (drop > 0) {
    kept = u >> drop;
    uint64_t rest = u & ((uint64_t(1) << drop) - 1);
    uint64_t half = uint64_t(1) << (drop - 1);
    if (rest > half || (rest == half && (kept & 1))) ++kept;
    if (kept >> (f.p + 1)) {
      kept >>= 1;
      ++msb;
    }
  } else {
    kept <<= -drop;
  }
  if (msb > f.bias) return uint16_t(sign | (((1u << (15 - f.p)) - 1u) << f.p));
  return uint16_t(sign | (uint32_t(msb + f.bias) << f.p) | uint32_t(kept & ((1u << f.p) - 1)));
}

uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// ---- hardware oracles -----------------------------------------------------------------

bool has_f16c() { return __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx"); }
bool has_avx512bf16() {
  return __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512f");
}

__attribute__((target("avx,f16c"))) void hw_f32_to_f16(const float* in, uint16_t* out, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; ++i)
    out[i] = uint16_t(_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(in[i]), _MM_FROUND_TO_NEAREST_INT), 0));
}

__attribute__((target("avx,f16c"))) float hw_f16_to_f32(uint16_t h) {
  return _mm_cvtss_f32(_mm_cvtph_ps(_mm_set1_epi16(short(h))));
}

// vcvtneps2bf16: round to nearest even, but float32 subnormal inputs are read as zero.
__attribute__((target("avx512bf16,avx512f"))) void hw_f32_to_bf16(const float* in, uint16_t* out,
                                                                   size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    alignas(64) float buf[16] = {};
    size_t m = n - i < 16 ? n - i : 16;
    std::memcpy(buf, in + i, m * 4);
    __m256bh r = _mm512_cvtneps_pbh(_mm512_load_ps(buf));
    alignas(32) uint16_t o[16];
    std::memcpy(o, &r, 32);
    std::memcpy(out + i, o, m * 2);
  }
}

bool exhaustive() {
  const char* e = std::getenv("MLX_TEST_EXHAUSTIVE");
  return e && *e && std::strcmp(e, "0") != 0;
}

// Float32 bit patterns that exercise rounding: every top-16-bit prefix (sign, exponent and
// top 7 mantissa bits) with low halves around every rounding point, plus random patterns.
std::vector<uint32_t> test_patterns(size_t random_count) {
  const uint32_t lows[] = {0x0000, 0x0001, 0x0002, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x2000,
                           0x2001, 0x3000, 0x5000, 0x6000, 0x7fff, 0x8000, 0x8001, 0x9000,
                           0xa000, 0xbfff, 0xc000, 0xd000, 0xe000, 0xefff, 0xf000, 0xffff};
  std::vector<uint32_t> v;
  v.reserve(65536 * std::size(lows) + random_count);
  for (uint32_t hi = 0; hi < 65536; ++hi)
    for (uint32_t lo : lows) v.push_back((hi << 16) | lo);
  std::mt19937 rng(12345);
  for (size_t i = 0; i < random_count; ++i) v.push_back(uint32_t(rng()));
  return v;
}

std::string hex(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

}  // namespace

// ---- float16 --------------------------------------------------------------------------------

TEST(Float16, ReferenceSanity) {
  ASSERT_EQ(std::fegetround(), FE_TONEAREST);
  EXPECT_EQ(ref_round(1.0, kF16), 0x3c00);
  EXPECT_EQ(ref_round(65504.0, kF16), 0x7bff);
  EXPECT_EQ(ref_round(65520.0, kF16), 0x7c00);
  EXPECT_EQ(ref_round(std::ldexp(1.0, -24), kF16), 0x0001);
  EXPECT_EQ(ref_round(std::ldexp(1.0, -14), kF16), 0x0400);
  EXPECT_EQ(ref_decode(0x3c00, kF16), 1.0);
  EXPECT_EQ(ref_decode(0x0001, kF16), std::ldexp(1.0, -24));
  EXPECT_EQ(ref_decode(0x7bff, kF16), 65504.0);
  EXPECT_EQ(ref_round(1.0, kBF16), 0x3f80);
  EXPECT_EQ(ref_u64_round(1, false, kBF16), 0x3f80);
  EXPECT_EQ(ref_u64_round(257, false, kBF16), 0x4380);  // tie between 256 and 258: even
  EXPECT_EQ(ref_u64_round(259, false, kBF16), 0x4382);  // tie between 258 and 260: even
}

// Every float16 bit pattern survives f16 -> f32 -> f16. NaNs keep sign and payload; a
// signalling NaN comes back quiet (bit 9 set), as the F16C instructions do.
TEST(Float16, AllBitPatternsRoundTrip) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = f16_bits_to_f32(uint16_t(h));
    uint16_t back = f32_to_f16_bits(f);
    float16_t s = float16_t::from_bits(uint16_t(h));
    bool nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff);
    if (!nan) {
      ASSERT_EQ(back, h) << hex(h);
      ASSERT_EQ(double(f), ref_decode(uint16_t(h), kF16)) << hex(h);
      ASSERT_EQ(float16_t(float(s)).bits, h) << hex(h);
      ASSERT_EQ(std::signbit(f), bool(h & 0x8000)) << hex(h);
    } else {
      ASSERT_TRUE(std::isnan(f)) << hex(h);
      ASSERT_EQ(back, h | 0x200u) << hex(h);  // same sign and payload, quiet
      ASSERT_EQ(bits_of(f) >> 31, h >> 15) << hex(h);
      ASSERT_EQ((bits_of(f) >> 13) & 0x1ffu, h & 0x1ffu) << hex(h);  // payload
    }
  }
}

TEST(Float16, DecodeMatchesF16C) {
  if (!has_f16c()) GTEST_SKIP() << "CPU lacks F16C";
  for (uint32_t h = 0; h < 65536; ++h)
    ASSERT_EQ(bits_of(f16_bits_to_f32(uint16_t(h))), bits_of(hw_f16_to_f32(uint16_t(h)))) << hex(h);
}

TEST(Float16, HandPickedRoundings) {
  auto f16 = [](double d) { return f32_to_f16_bits(float(d)); };
  EXPECT_EQ(f16(0.0), 0x0000);
  EXPECT_EQ(f16(-0.0), 0x8000);
  EXPECT_EQ(f16(INFINITY), 0x7c00);
  EXPECT_EQ(f16(-INFINITY), 0xfc00);
  EXPECT_EQ(f16(1.0), 0x3c00);
  EXPECT_EQ(f16(-2.0), 0xc000);
  EXPECT_EQ(f16(65504.0), 0x7bff);                 // largest finite
  EXPECT_EQ(f16(65519.99609375), 0x7bff);          // just below the overflow threshold
  EXPECT_EQ(f16(65520.0), 0x7c00);                 // the threshold itself: tie to even = inf
  EXPECT_EQ(f16(-65520.0), 0xfc00);
  EXPECT_EQ(f16(65536.0), 0x7c00);
  EXPECT_EQ(f16(1e30), 0x7c00);
  EXPECT_EQ(f16(1.0 + std::ldexp(1.0, -11)), 0x3c00);      // tie, even below
  EXPECT_EQ(f16(1.0 + 3 * std::ldexp(1.0, -11)), 0x3c02);  // tie, even above
  EXPECT_EQ(f16(1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -20)), 0x3c01);
  EXPECT_EQ(f16(std::ldexp(1.0, -14)), 0x0400);           // smallest normal
  EXPECT_EQ(f16(std::ldexp(1023.0, -24)), 0x03ff);        // largest subnormal
  EXPECT_EQ(f16(std::ldexp(2047.0, -25)), 0x0400);        // tie between them: even (normal)
  EXPECT_EQ(f16(std::ldexp(1.0, -24)), 0x0001);           // smallest subnormal
  EXPECT_EQ(f16(std::ldexp(1.0, -25)), 0x0000);           // tie with zero: even
  EXPECT_EQ(f16(-std::ldexp(1.0, -25)), 0x8000);
  EXPECT_EQ(f16(std::ldexp(1.0, -25) * (1 + std::ldexp(1.0, -20))), 0x0001);
  EXPECT_EQ(f16(std::ldexp(3.0, -25)), 0x0002);           // 1.5 ulp: tie to even 2
  EXPECT_EQ(f16(std::ldexp(5.0, -25)), 0x0002);           // 2.5 ulp: tie to even 2
  EXPECT_EQ(f16(std::ldexp(1.0, -40)), 0x0000);
  EXPECT_EQ(f32_to_f16_bits(float_of(0x00000001)), 0x0000);  // float32 subnormal
  EXPECT_EQ(f32_to_f16_bits(float_of(0x80000001)), 0x8000);
  // NaNs: quiet, top payload bits kept, sign kept.
  EXPECT_EQ(f32_to_f16_bits(float_of(0x7fc00000)), 0x7e00);
  EXPECT_EQ(f32_to_f16_bits(float_of(0xffc00000)), 0xfe00);
  EXPECT_EQ(f32_to_f16_bits(float_of(0x7f800001)), 0x7e00);  // payload below the kept bits
  EXPECT_EQ(f32_to_f16_bits(float_of(0x7fa02000)), 0x7f01);
  EXPECT_EQ(f32_to_f16_bits(float_of(0x7fffe000)), 0x7fff);
}

TEST(Float16, FromFloat32MatchesReference) {
  auto v = test_patterns(8u << 20);
  for (uint32_t u : v) {
    float f = float_of(u);
    ASSERT_EQ(f32_to_f16_bits(f), ref_f16(f)) << hex(u);
  }
}

TEST(Float16, FromFloat32MatchesF16C) {
  if (!has_f16c()) GTEST_SKIP() << "CPU lacks F16C";
  auto v = test_patterns(8u << 20);
  std::vector<uint16_t> hw(v.size());
  hw_f32_to_f16(reinterpret_cast<const float*>(v.data()), hw.data(), v.size());
  for (size_t i = 0; i < v.size(); ++i)
    ASSERT_EQ(f32_to_f16_bits(float_of(v[i])), hw[i]) << hex(v[i]);
}

TEST(Float16, AllFloat32InputsMatchF16C) {
  if (!exhaustive()) GTEST_SKIP() << "set MLX_TEST_EXHAUSTIVE=1 to compare all 2^32 inputs";
  if (!has_f16c()) GTEST_SKIP() << "CPU lacks F16C";
  constexpr size_t B = 1 << 16;
  std::vector<uint32_t> in(B);
  std::vector<uint16_t> hw(B);
  for (uint64_t base = 0; base < (uint64_t(1) << 32); base += B) {
    for (size_t i = 0; i < B; ++i) in[i] = uint32_t(base + i);
    hw_f32_to_f16(reinterpret_cast<const float*>(in.data()), hw.data(), B);
    for (size_t i = 0; i < B; ++i)
      if (f32_to_f16_bits(float_of(in[i])) != hw[i]) FAIL() << hex(in[i]);
  }
}

// ---- bfloat16 -------------------------------------------------------------------------------

TEST(BFloat16, AllBitPatternsRoundTrip) {
  for (uint32_t b = 0; b < 65536; ++b) {
    float f = bf16_bits_to_f32(uint16_t(b));
    ASSERT_EQ(bits_of(f), b << 16);  // widening is exact, NaNs included
    uint16_t back = f32_to_bf16_bits(f);
    bool nan = (b & 0x7f80) == 0x7f80 && (b & 0x7f);
    if (!nan) {
      ASSERT_EQ(back, b) << hex(b);
      ASSERT_EQ(double(f), ref_decode(uint16_t(b), kBF16)) << hex(b);
    } else {
      ASSERT_EQ(back, b | 0x40u) << hex(b);  // quiet, payload and sign kept
    }
    ASSERT_EQ(bfloat16_t(float(bfloat16_t::from_bits(uint16_t(b)))).bits, back);
  }
}

TEST(BFloat16, HandPickedRoundings) {
  auto bf = [](uint32_t u) { return f32_to_bf16_bits(float_of(u)); };
  EXPECT_EQ(bf(0x00000000), 0x0000);
  EXPECT_EQ(bf(0x80000000), 0x8000);
  EXPECT_EQ(bf(0x3f800000), 0x3f80);
  EXPECT_EQ(bf(0x3f808000), 0x3f80);  // tie, even below
  EXPECT_EQ(bf(0x3f818000), 0x3f82);  // tie, even above
  EXPECT_EQ(bf(0x3f808001), 0x3f81);
  EXPECT_EQ(bf(0x3f807fff), 0x3f80);
  EXPECT_EQ(bf(0x7f7f7fff), 0x7f7f);  // largest finite stays
  EXPECT_EQ(bf(0x7f7f8000), 0x7f80);  // tie at the top: even = inf
  EXPECT_EQ(bf(0x7f7fffff), 0x7f80);  // FLT_MAX overflows
  EXPECT_EQ(bf(0xff7fffff), 0xff80);
  EXPECT_EQ(bf(0x7f800000), 0x7f80);
  EXPECT_EQ(bf(0x00010000), 0x0001);  // subnormals are kept (no flush to zero)
  EXPECT_EQ(bf(0x00008000), 0x0000);  // tie with zero: even
  EXPECT_EQ(bf(0x00018000), 0x0002);  // tie: even above
  EXPECT_EQ(bf(0x00008001), 0x0001);
  EXPECT_EQ(bf(0x007fffff), 0x0080);  // largest subnormal rounds up to the smallest normal
  EXPECT_EQ(bf(0x80008001), 0x8001);
  EXPECT_EQ(bf(0x7f800001), 0x7fc0);  // signalling NaN: quieted, payload bits below lost
  EXPECT_EQ(bf(0x7fa10000), 0x7fe1);
  EXPECT_EQ(bf(0xffc00000), 0xffc0);
}

TEST(BFloat16, FromFloat32MatchesIntegerReference) {
  auto v = test_patterns(8u << 20);
  for (uint32_t u : v) ASSERT_EQ(f32_to_bf16_bits(float_of(u)), ref_bf16_int(u)) << hex(u);
}

TEST(BFloat16, FromFloat32MatchesDoubleReference) {
  auto v = test_patterns(2u << 20);
  for (uint32_t u : v) {
    float f = float_of(u);
    if (std::isnan(f)) continue;
    ASSERT_EQ(f32_to_bf16_bits(f), ref_round(double(f), kBF16)) << hex(u);
  }
}

// vcvtneps2bf16 reads float32 subnormal inputs as zero, so only normal inputs (and zeros,
// infinities and NaNs) are compared with it; subnormal inputs are covered by the integer
// reference above.
TEST(BFloat16, FromFloat32MatchesAvx512Bf16OnNormalInputs) {
  if (!has_avx512bf16()) GTEST_SKIP() << "CPU lacks AVX512-BF16: compared with the integer reference only";
  auto v = test_patterns(8u << 20);
  std::vector<uint16_t> hw(v.size());
  hw_f32_to_bf16(reinterpret_cast<const float*>(v.data()), hw.data(), v.size());
  size_t compared = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t u = v[i];
    if ((u & 0x7f800000u) == 0 && (u & 0x7fffffu)) continue;  // subnormal input
    ++compared;
    ASSERT_EQ(f32_to_bf16_bits(float_of(u)), hw[i]) << hex(u);
  }
  EXPECT_GT(compared, v.size() / 2);
}

TEST(BFloat16, AllFloat32InputsMatchIntegerReference) {
  if (!exhaustive()) GTEST_SKIP() << "set MLX_TEST_EXHAUSTIVE=1 to compare all 2^32 inputs";
  for (uint64_t x = 0; x < (uint64_t(1) << 32); ++x)
    if (f32_to_bf16_bits(float_of(uint32_t(x))) != ref_bf16_int(uint32_t(x))) FAIL() << hex(uint32_t(x));
}

// ---- double -> float16 / bfloat16 is one rounding ---------------------------------------------

namespace {

// Doubles just off the midpoint between two adjacent values of the format: rounding them to
// float32 first lands exactly on the midpoint, and the tie then goes the wrong way.
std::vector<double> double_rounding_traps(Format f, std::mt19937_64& rng, int count) {
  std::vector<double> out;
  int ebits = 15 - f.p;
  uint32_t max_finite = ((((1u << ebits) - 1u) - 1u) << f.p) | ((1u << f.p) - 1u);
  for (int i = 0; i < count; ++i) {
    uint16_t lo = uint16_t(rng() % max_finite);  // positive finite, next one too
    double a = ref_decode(lo, f), b = ref_decode(uint16_t(lo + 1), f);
    double mid = (a + b) / 2;  // exact
    double tiny = std::ldexp(std::fabs(mid), -40);  // far below float32's half ulp
    if (mid == 0 || tiny == 0) continue;
    for (double d : {mid + tiny, mid - tiny, mid, -(mid + tiny), -(mid - tiny)}) out.push_back(d);
  }
  return out;
}

}  // namespace

TEST(DoubleToHalf, HandPickedDoubleRoundingCases) {
  double up = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);     // above the tie
  double down = 1.0 + 3 * std::ldexp(1.0, -11) - std::ldexp(1.0, -40);  // below the tie
  // float32 lands on the ties, which then round to even: the wrong answers.
  EXPECT_EQ(f32_to_f16_bits(float(up)), 0x3c00);
  EXPECT_EQ(f32_to_f16_bits(float(down)), 0x3c02);
  EXPECT_EQ(float16_t(up).bits, 0x3c01);
  EXPECT_EQ(float16_t(down).bits, 0x3c01);
  EXPECT_EQ(float16_t(-up).bits, 0xbc01);
  // Subnormal float16 range.
  double sub = std::ldexp(1.0, -25) + std::ldexp(1.0, -60);
  EXPECT_EQ(f32_to_f16_bits(float(sub)), 0x0000);
  EXPECT_EQ(float16_t(sub).bits, 0x0001);
  // bfloat16.
  double bup = 1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -40);
  EXPECT_EQ(f32_to_bf16_bits(float(bup)), 0x3f80);
  EXPECT_EQ(bfloat16_t(bup).bits, 0x3f81);
  // Overflow thresholds are decided on the double, not on a float32 rounding of it.
  EXPECT_EQ(float16_t(65520.0 - std::ldexp(1.0, -30)).bits, 0x7bff);
  EXPECT_EQ(float16_t(65520.0).bits, 0x7c00);
  double bmax_tie = ref_decode(0x7f7f, kBF16) + std::ldexp(1.0, 127 - 8);
  EXPECT_EQ(bfloat16_t(bmax_tie - std::ldexp(1.0, 80)).bits, 0x7f7f);
  EXPECT_EQ(bfloat16_t(bmax_tie).bits, 0x7f80);
  EXPECT_EQ(bfloat16_t(1e300).bits, 0x7f80);
  EXPECT_EQ(bfloat16_t(1e-300).bits, 0x0000);
  EXPECT_EQ(bfloat16_t(-1e-300).bits, 0x8000);
  EXPECT_EQ(float16_t(-1e-300).bits, 0x8000);
  EXPECT_TRUE(std::isnan(float(float16_t(std::nan("")))));
  EXPECT_TRUE(std::isnan(float(bfloat16_t(-std::nan("")))));
}

TEST(DoubleToHalf, TrapsAndRandomDoublesMatchReference) {
  std::mt19937_64 rng(7);
  for (Format f : {kF16, kBF16}) {
    auto v = double_rounding_traps(f, rng, 200000);
    // Random doubles over the whole range of each format (and beyond it).
    std::uniform_real_distribution<double> mant(1.0, 2.0);
    for (int i = 0; i < 400000; ++i) {
      int e = int(rng() % uint64_t(2 * f.bias + 2 * f.p + 8)) - f.bias - f.p - 4;
      v.push_back((rng() & 1 ? -1 : 1) * std::ldexp(mant(rng), e));
    }
    size_t wrong_via_float = 0;
    for (double d : v) {
      uint16_t got = f.p == 10 ? float16_t(d).bits : bfloat16_t(d).bits;
      ASSERT_EQ(got, ref_round(d, f)) << "p=" << f.p << " d=" << d;
      uint16_t naive = f.p == 10 ? f32_to_f16_bits(float(d)) : f32_to_bf16_bits(float(d));
      wrong_via_float += naive != got;
    }
    // The traps really are traps: the naive double -> float -> half path fails them.
    EXPECT_GT(wrong_via_float, 100000u) << "p=" << f.p;
  }
}

// ---- integers -> float16 / bfloat16 -------------------------------------------------------------

TEST(IntToHalf, SixtyFourBitIntegersRoundOnce) {
  // 2^63 + 2^55 + 1 lies just above a bfloat16 tie; double(x) drops the +1 and lands on it.
  uint64_t x = (uint64_t(1) << 63) + (uint64_t(1) << 55) + 1;
  EXPECT_EQ(f32_to_bf16_bits(float(double(x))), 0x5f00);  // the double-rounded answer
  EXPECT_EQ(bfloat16_t(x).bits, 0x5f01);
  EXPECT_EQ(bfloat16_t(int64_t((uint64_t(1) << 62) + (uint64_t(1) << 54) + 1)).bits, 0x5e81);
  EXPECT_EQ(bfloat16_t(-int64_t((uint64_t(1) << 62) + (uint64_t(1) << 54) + 1)).bits, 0xde81);
  EXPECT_EQ(bfloat16_t(std::numeric_limits<uint64_t>::max()).bits, 0x5f80);  // 2^64
  EXPECT_EQ(bfloat16_t(std::numeric_limits<int64_t>::min()).bits, 0xdf00);
  EXPECT_EQ(float16_t(std::numeric_limits<int64_t>::min()).bits, 0xfc00);
  EXPECT_EQ(float16_t(uint64_t(65519)).bits, 0x7bff);
  EXPECT_EQ(float16_t(uint64_t(65520)).bits, 0x7c00);
  EXPECT_EQ(float16_t(int32_t(-2049)).bits, 0xe800);  // tie: even
  EXPECT_EQ(float16_t(int32_t(2051)).bits, 0x6802);
  EXPECT_EQ(float16_t(true).bits, 0x3c00);
}

TEST(IntToHalf, RandomIntegersMatchIntegerReference) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 2000000; ++i) {
    uint64_t u = rng() >> (rng() % 64);
    // Make near-ties common: clear a run of bits below the rounding point, keep a low bit.
    if (i % 3 == 0 && u > 256) {
      int msb = 63 - __builtin_clzll(u);
      if (msb > 9) u = (u & ~((uint64_t(1) << (msb - 8)) - 1)) | (uint64_t(1) << (msb - 9)) | (rng() & 1);
    }
    ASSERT_EQ(bfloat16_t(u).bits, ref_u64_round(u, false, kBF16)) << u;
    ASSERT_EQ(float16_t(u).bits, ref_u64_round(u, false, kF16)) << u;
    int64_t s = int64_t(u);
    uint64_t mag = s < 0 ? uint64_t(0) - uint64_t(s) : uint64_t(s);
    ASSERT_EQ(bfloat16_t(s).bits, ref_u64_round(mag, s < 0, kBF16)) << s;
    ASSERT_EQ(float16_t(s).bits, ref_u64_round(mag, s < 0, kF16)) << s;
    int32_t s32 = int32_t(uint32_t(u));
    uint64_t mag32 = s32 < 0 ? uint64_t(-int64_t(s32)) : uint64_t(s32);
    ASSERT_EQ(bfloat16_t(s32).bits, ref_u64_round(mag32, s32 < 0, kBF16)) << s32;
    ASSERT_EQ(float16_t(s32).bits, ref_u64_round(mag32, s32 < 0, kF16)) << s32;
  }
}
