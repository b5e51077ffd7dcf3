// Pieces shared by the per-instruction-set kernel files (kernels_isa.cpp,
// kernels_elementwise_isa.cpp): float16/bfloat16 block conversions, wrapping integer
// arithmetic and the binary row loop. Included inside each file's ISA namespace build, so
// every definition here is compiled for that file's instruction set.
#pragma once

#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels.h"

#ifndef MLX_ISA_NS
#error "MLX_ISA_NS must name the instruction-set namespace"
#endif

namespace mlx::core::cpu::MLX_ISA_NS {

// Fills the elementwise tables (unary, compare, divmod and binary ops from maximum on);
// defined in kernels_elementwise_isa.cpp.
void fill_elementwise(KernelTable& t);

namespace {

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;

// ---- float16 / bfloat16 <-> float32 over a block ----------------------------------------

void f16_to_f32(const float16_t* in, float* out, size_t n, int64_t s) {
  size_t i = 0;
#if defined(__AVX512F__)
  if (s == 1)
    for (; i + 16 <= n; i += 16)
      _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i*)(in + i))));
#elif defined(__F16C__)
  if (s == 1)
    for (; i + 8 <= n; i += 8)
      _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*)(in + i))));
#endif
  for (; i < n; ++i) out[i] = f16_bits_to_f32(in[i * s].bits);
}

void f32_to_f16(const float* in, float16_t* out, size_t n) {
  size_t i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256((__m256i*)(out + i),
                        _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
#elif defined(__F16C__)
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128((__m128i*)(out + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
#endif
  for (; i < n; ++i) out[i].bits = f32_to_f16_bits(in[i]);
}

void bf16_to_f32(const bfloat16_t* in, float* out, size_t n, int64_t s) {
  if (s == 1) {
    const uint16_t* b = reinterpret_cast<const uint16_t*>(in);
    uint32_t* o = reinterpret_cast<uint32_t*>(out);
    for (size_t i = 0; i < n; ++i) o[i] = uint32_t(b[i]) << 16;
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = bf16_bits_to_f32(in[i * s].bits);
  }
}

void f32_to_bf16(const float* in, bfloat16_t* out, size_t n) {
  const uint32_t* u = reinterpret_cast<const uint32_t*>(in);
  uint16_t* o = reinterpret_cast<uint16_t*>(out);
  // Branch-free so the loop vectorises: NaN keeps its payload and is quieted.
  for (size_t i = 0; i < n; ++i) {
    uint32_t x = u[i];
    uint32_t rounded = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
    uint32_t nan = (x >> 16) | 0x40u;
    o[i] = uint16_t((x & 0x7fffffffu) > 0x7f800000u ? nan : rounded);
  }
}

template <typename T>
void load_f32(const T* in, float* out, size_t n, int64_t s) {
  if constexpr (std::is_same_v<T, float16_t>)
    f16_to_f32(in, out, n, s);
  else
    bf16_to_f32(in, out, n, s);
}
template <typename T>
void store_f32(const float* in, T* out, size_t n) {
  if constexpr (std::is_same_v<T, float16_t>)
    f32_to_f16(in, out, n);
  else
    f32_to_bf16(in, out, n);
}

// Signed integers wrap on overflow as two's complement (computed unsigned to avoid UB).
template <typename T, typename F>
inline T wrapping(T a, T b, F f) {
  using U = std::make_unsigned_t<T>;
  return T(f(U(a), U(b)));
}

template <typename T, typename Op>
void binary_row(const void* av, const void* bv, void* ov, size_t n, int64_t sa, int64_t sb) {
  const T* a = static_cast<const T*>(av);
  const T* b = static_cast<const T*>(bv);
  T* o = static_cast<T*>(ov);
  Op op;
  if constexpr (is_half_v<T>) {
    constexpr size_t B = 512;
    float ta[B], tb[B];
    for (size_t i = 0; i < n; i += B) {
      size_t m = n - i < B ? n - i : B;
      if (sa == 0) { float x = float(a[0]); for (size_t j = 0; j < m; ++j) ta[j] = x; }
      else load_f32(a + i * sa, ta, m, sa);
      if (sb == 0) { float x = float(b[0]); for (size_t j = 0; j < m; ++j) tb[j] = x; }
      else load_f32(b + i * sb, tb, m, sb);
      for (size_t j = 0; j < m; ++j) ta[j] = op(ta[j], tb[j]);
      store_f32(ta, o + i, m);
    }
  } else {
    if (sa == 1 && sb == 1) {
      for (size_t i = 0; i < n; ++i) o[i] = op(a[i], b[i]);
    } else if (sa == 0 && sb == 1) {
      const T x = a[0];
      for (size_t i = 0; i < n; ++i) o[i] = op(x, b[i]);
    } else if (sa == 1 && sb == 0) {
      const T y = b[0];
      for (size_t i = 0; i < n; ++i) o[i] = op(a[i], y);
    } else {
      for (size_t i = 0; i < n; ++i) o[i] = op(a[i * sa], b[i * sb]);
    }
  }
}

}  // namespace

}  // namespace mlx::core::cpu::MLX_ISA_NS
