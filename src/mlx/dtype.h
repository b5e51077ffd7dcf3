// The 14 MLX dtypes, their categories and the promotion table.
#pragma once

#include <complex>
#include <cstdint>
#include <string>

#include "half_types.h"

namespace mlx::core {

using complex64_t = std::complex<float>;

struct Dtype {
  // Order is MLX's Dtype::Val order: it indexes the promotion table.
  enum class Val : uint8_t {
    bool_, uint8, uint16, uint32, uint64, int8, int16, int32, int64,
    float16, float32, float64, bfloat16, complex64,
  };
  enum class Kind : char { b = 'b', u = 'u', i = 'i', f = 'f', V = 'V', c = 'c' };
  static constexpr int count = 14;

  Val val;
  constexpr Dtype(Val v = Val::float32) : val(v) {}
  constexpr bool operator==(const Dtype& o) const { return val == o.val; }
  constexpr bool operator!=(const Dtype& o) const { return val != o.val; }
  constexpr int index() const { return int(val); }
  int size() const;
};

enum class Category : uint8_t {
  complexfloating, floating, inexact, signedinteger, unsignedinteger, integer, number, generic,
};

inline constexpr Dtype bool_{Dtype::Val::bool_};
inline constexpr Dtype uint8{Dtype::Val::uint8};
inline constexpr Dtype uint16{Dtype::Val::uint16};
inline constexpr Dtype uint32{Dtype::Val::uint32};
inline constexpr Dtype uint64{Dtype::Val::uint64};
inline constexpr Dtype int8{Dtype::Val::int8};
inline constexpr Dtype int16{Dtype::Val::int16};
inline constexpr Dtype int32{Dtype::Val::int32};
inline constexpr Dtype int64{Dtype::Val::int64};
inline constexpr Dtype float16{Dtype::Val::float16};
inline constexpr Dtype float32{Dtype::Val::float32};
inline constexpr Dtype float64{Dtype::Val::float64};
inline constexpr Dtype bfloat16{Dtype::Val::bfloat16};
inline constexpr Dtype complex64{Dtype::Val::complex64};

Dtype::Kind kindof(Dtype t);
Category category_of(Dtype t);
Dtype promote_types(Dtype a, Dtype b);
bool issubdtype(Dtype a, Dtype b);
bool issubdtype(Dtype a, Category b);
bool issubdtype(Category a, Dtype b);
bool issubdtype(Category a, Category b);
const char* dtype_name(Dtype t);      // "float32", "bool" (as Python prints it)
const char* category_name(Category c);
std::string dtype_repr(Dtype t);      // "mlx.core.float32"

inline bool is_floating(Dtype t) {
  return t == float16 || t == float32 || t == float64 || t == bfloat16;
}
inline bool is_complex(Dtype t) { return t == complex64; }
inline bool is_inexact(Dtype t) { return is_floating(t) || is_complex(t); }
inline bool is_integral(Dtype t) { return !is_inexact(t) && t != bool_; }
inline bool is_unsigned(Dtype t) {
  return t == uint8 || t == uint16 || t == uint32 || t == uint64;
}
inline Dtype at_least_float(Dtype t) { return is_inexact(t) ? t : promote_types(t, float32); }

template <typename T>
struct TypeToDtype;
#define MLX_TYPE_TO_DTYPE(T, D) \
  template <>                   \
  struct TypeToDtype<T> {       \
    static constexpr Dtype value = D; \
  };
MLX_TYPE_TO_DTYPE(bool, bool_)
MLX_TYPE_TO_DTYPE(uint8_t, uint8)
MLX_TYPE_TO_DTYPE(uint16_t, uint16)
MLX_TYPE_TO_DTYPE(uint32_t, uint32)
MLX_TYPE_TO_DTYPE(uint64_t, uint64)
MLX_TYPE_TO_DTYPE(int8_t, int8)
MLX_TYPE_TO_DTYPE(int16_t, int16)
MLX_TYPE_TO_DTYPE(int32_t, int32)
MLX_TYPE_TO_DTYPE(int64_t, int64)
MLX_TYPE_TO_DTYPE(float16_t, float16)
MLX_TYPE_TO_DTYPE(float, float32)
MLX_TYPE_TO_DTYPE(double, float64)
MLX_TYPE_TO_DTYPE(bfloat16_t, bfloat16)
MLX_TYPE_TO_DTYPE(complex64_t, complex64)
#undef MLX_TYPE_TO_DTYPE

// Calls f(T{}) with the C++ type of dtype t.
template <typename F>
decltype(auto) dispatch_dtype(Dtype t, F&& f) {
  switch (t.val) {
    case Dtype::Val::bool_: return f(bool{});
    case Dtype::Val::uint8: return f(uint8_t{});
    case Dtype::Val::uint16: return f(uint16_t{});
    case Dtype::Val::uint32: return f(uint32_t{});
    case Dtype::Val::uint64: return f(uint64_t{});
    case Dtype::Val::int8: return f(int8_t{});
    case Dtype::Val::int16: return f(int16_t{});
    case Dtype::Val::int32: return f(int32_t{});
    case Dtype::Val::int64: return f(int64_t{});
    case Dtype::Val::float16: return f(float16_t{});
    case Dtype::Val::float32: return f(float{});
    case Dtype::Val::float64: return f(double{});
    case Dtype::Val::bfloat16: return f(bfloat16_t{});
    default: return f(complex64_t{});
  }
}

}  // namespace mlx::core
