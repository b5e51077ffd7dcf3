// float16 and bfloat16 storage types with exact IEEE round-to-nearest-even conversions.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace mlx::core {

inline uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// float -> binary16, round to nearest even; NaN stays NaN (quieted, top payload kept) as F16C does.
inline uint16_t f32_to_f16_bits(float value) {
  uint32_t u = f32_bits(value);
  uint32_t sign = (u >> 16) & 0x8000u;
  uint32_t a = u & 0x7fffffffu;
  if (a >= 0x47800000u) {  // |x| >= 65536 (or inf/nan): inf, or nan with payload
    if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
    return uint16_t(sign | 0x7c00u);
  }
  if (a < 0x38800000u) {  // below 2^-14: the result is subnormal or zero
    // Adding 0.5 aligns the binary point so the FPU rounds (to nearest even) at 2^-24.
    float shifted = bits_f32(a) + 0.5f;
    return uint16_t(sign | (f32_bits(shifted) - 0x3f000000u));
  }
  uint32_t odd = (a >> 13) & 1u;
  a += 0xc8000fffu + odd;  // rebias exponent (-112 << 23) and round half to even
  return uint16_t(sign | (a >> 13));
}

inline float f16_bits_to_f32(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  // Inf, or NaN with its payload; a signalling NaN comes back quiet, as F16C's vcvtph2ps
  // does (so the scalar and vector paths agree bit for bit).
  if (exp == 0x1f) return bits_f32(sign | (mant ? 0x7fc00000u : 0x7f800000u) | (mant << 13));
  if (exp == 0) {
    // Subnormal: exact since mant * 2^-24 is representable in float.
    float f = float(mant) * 5.9604644775390625e-8f;
    return bits_f32(sign | f32_bits(f));
  }
  return bits_f32(sign | ((exp + 112u) << 23) | (mant << 13));
}

// float -> bfloat16, round to nearest even (subnormals kept); NaN quieted with payload.
inline uint16_t f32_to_bf16_bits(float value) {
  uint32_t u = f32_bits(value);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

inline float bf16_bits_to_f32(uint16_t b) { return bits_f32(uint32_t(b) << 16); }

// double -> float rounded to odd: a second rounding to a narrower format is then exact.
inline float f64_to_f32_round_odd(double d) {
  float f = static_cast<float>(d);
  if (std::isfinite(f) && double(f) != d && (f32_bits(f) & 1u) == 0) {
    f = std::nextafter(f, d > double(f) ? INFINITY : -INFINITY);
  }
  return f;
}

// 64-bit integer -> double rounded to odd (exact below 2^53). double(v) would round to
// nearest first, and a second rounding to bfloat16 could then be off by one ulp.
inline double u64_to_f64_round_odd(uint64_t u) {
  if (u < (uint64_t(1) << 53)) return double(u);
  int shift = 11 - __builtin_clzll(u);  // bits below the 53 kept
  uint64_t kept = u >> shift;
  if (u & ((uint64_t(1) << shift) - 1)) kept |= 1u;
  return std::ldexp(double(kept), shift);
}
template <typename T>
inline double int_to_f64_round_odd(T v) {
  if constexpr (sizeof(T) < 8) {
    return double(v);
  } else if constexpr (std::is_signed_v<T>) {
    return v < 0 ? -u64_to_f64_round_odd(uint64_t(0) - uint64_t(v)) : u64_to_f64_round_odd(uint64_t(v));
  } else {
    return u64_to_f64_round_odd(uint64_t(v));
  }
}

struct float16_t {
  uint16_t bits;
  float16_t() = default;
  float16_t(float f) : bits(f32_to_f16_bits(f)) {}
  float16_t(double d) : bits(f32_to_f16_bits(f64_to_f32_round_odd(d))) {}
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  float16_t(T v) : bits(f32_to_f16_bits(f64_to_f32_round_odd(int_to_f64_round_odd(v)))) {}
  static float16_t from_bits(uint16_t b) {
    float16_t h;
    h.bits = b;
    return h;
  }
  operator float() const { return f16_bits_to_f32(bits); }
};

struct bfloat16_t {
  uint16_t bits;
  bfloat16_t() = default;
  bfloat16_t(float f) : bits(f32_to_bf16_bits(f)) {}
  bfloat16_t(double d) : bits(f32_to_bf16_bits(f64_to_f32_round_odd(d))) {}
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  bfloat16_t(T v) : bits(f32_to_bf16_bits(f64_to_f32_round_odd(int_to_f64_round_odd(v)))) {}
  static bfloat16_t from_bits(uint16_t b) {
    bfloat16_t h;
    h.bits = b;
    return h;
  }
  operator float() const { return bf16_bits_to_f32(bits); }
};

}  // namespace mlx::core
