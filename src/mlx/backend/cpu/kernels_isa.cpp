// Elementwise inner loops. This file is compiled once per instruction set (MLX_ISA_NS names
// the namespace) so the compiler vectorises each loop for that set.
#include "kernels_common.h"

namespace mlx::core::cpu::MLX_ISA_NS {

namespace {

// ---- binary ops (binary_row, the loop, is in kernels_common.h) ----------------------------

struct AddOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a || b;
    else if constexpr (std::is_integral_v<T>) return wrapping(a, b, [](auto x, auto y) { return x + y; });
    else return a + b;
  }
};
struct SubOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a != b;
    else if constexpr (std::is_integral_v<T>) return wrapping(a, b, [](auto x, auto y) { return x - y; });
    else return a - b;
  }
};
struct MulOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a && b;
    else if constexpr (std::is_integral_v<T>) {
      // Promote narrow unsigned types to unsigned int so the product cannot overflow int.
      using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
      return T(U(a) * U(b));
    } else return a * b;
  }
};
struct DivOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return b ? a : false;
    else if constexpr (std::is_integral_v<T>) {
      // Never trap: x / 0 and INT_MIN / -1 have no hardware answer.
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>)
        if (b == T(-1)) return wrapping(T(0), a, [](auto x, auto y) { return x - y; });
      return T(a / b);
    } else return a / b;
  }
};


// ---- conversions --------------------------------------------------------------------------

// Float to integer with the x86 answer for out-of-range values (what a scalar C cast gives
// there): truncate toward zero, values outside int64 (and NaN) become INT64_MIN, then the
// integer wraps to the target width.
template <typename To>
inline To float_to_int(double v) {
  int64_t i;
  if (!(v > -9223372036854775808.0 && v < 9223372036854775808.0)) {
    if constexpr (std::is_same_v<To, uint64_t>) {
      if (v >= 9223372036854775808.0 && v < 18446744073709551616.0) return To(v);
    }
    i = std::numeric_limits<int64_t>::min();
  } else {
    i = int64_t(v);
  }
  return To(uint64_t(i));
}

template <typename From, typename To>
inline To convert_one(From x) {
  if constexpr (std::is_same_v<From, To>) {
    return x;
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (std::is_same_v<From, complex64_t>) return x != complex64_t(0.f, 0.f);
    else if constexpr (is_half_v<From>) return float(x) != 0.f;
    else return x != From(0);
  } else if constexpr (std::is_same_v<From, complex64_t>) {
    return convert_one<float, To>(x.real());
  } else if constexpr (std::is_same_v<To, complex64_t>) {
    if constexpr (std::is_same_v<From, double>) return complex64_t(float(x), 0.f);
    else return complex64_t(convert_one<From, float>(x), 0.f);
  } else if constexpr (std::is_integral_v<To>) {
    if constexpr (std::is_integral_v<From>) return To(x);  // bool and integer wrap
    else if constexpr (is_half_v<From>) return float_to_int<To>(double(float(x)));
    else return float_to_int<To>(double(x));
  } else if constexpr (is_half_v<To>) {
    if constexpr (is_half_v<From>) return To(float(x));  // exact in float
    else if constexpr (std::is_same_v<From, float>) return To(x);
    else return To(x);  // integers and double: one correct rounding (through round-to-odd)
  } else {  // To is float or double
    if constexpr (is_half_v<From>) return To(float(x));
    else return static_cast<To>(x);
  }
}

template <typename From, typename To>
void convert_row(const void* iv, void* ov, size_t n, int64_t s) {
  const From* in = static_cast<const From*>(iv);
  To* out = static_cast<To*>(ov);
  if constexpr (std::is_same_v<From, To>) {
    // Same dtype: a copy of the bits (a float16/bfloat16 round trip through float32 would
    // quiet signalling NaNs).
    if (s == 1) std::memcpy(out, in, n * sizeof(To));
    else for (size_t i = 0; i < n; ++i) out[i] = in[i * s];
  } else if constexpr (is_half_v<From> && std::is_same_v<To, float>) {
    load_f32(in, out, n, s);
  } else if constexpr (std::is_same_v<From, float> && is_half_v<To>) {
    if (s == 1) {
      store_f32(in, out, n);
    } else {
      for (size_t i = 0; i < n; ++i) out[i] = convert_one<From, To>(in[i * s]);
    }
  } else if constexpr (is_half_v<From> && !std::is_same_v<To, complex64_t>) {
    constexpr size_t B = 512;
    float t[B];
    for (size_t i = 0; i < n; i += B) {
      size_t m = n - i < B ? n - i : B;
      load_f32(in + i * s, t, m, s);
      if constexpr (is_half_v<To>) store_f32(t, out + i, m);
      else for (size_t j = 0; j < m; ++j) out[i + j] = convert_one<float, To>(t[j]);
    }
  } else if (s == 1) {
    for (size_t i = 0; i < n; ++i) out[i] = convert_one<From, To>(in[i]);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = convert_one<From, To>(in[i * s]);
  }
}

// ---- select -------------------------------------------------------------------------------

template <typename T>
void select_row(const bool* c, const void* xv, const void* yv, void* ov, size_t n, int64_t sc,
                int64_t sx, int64_t sy) {
  const T* x = static_cast<const T*>(xv);
  const T* y = static_cast<const T*>(yv);
  T* o = static_cast<T*>(ov);
  if (sc == 1 && sx == 1 && sy == 1) {
    for (size_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : y[i];
  } else {
    for (size_t i = 0; i < n; ++i) o[i] = c[i * sc] ? x[i * sx] : y[i * sy];
  }
}

using AllTypes = std::tuple<bool, uint8_t, uint16_t, uint32_t, uint64_t, int8_t, int16_t,
                            int32_t, int64_t, float16_t, float, double, bfloat16_t, complex64_t>;

template <typename Op, size_t... I>
void fill_binary(BinaryFn* row, std::index_sequence<I...>) {
  ((row[I] = &binary_row<std::tuple_element_t<I, AllTypes>, Op>), ...);
}

template <typename From, size_t... I>
void fill_convert_row(ConvertFn* row, std::index_sequence<I...>) {
  ((row[I] = &convert_row<From, std::tuple_element_t<I, AllTypes>>), ...);
}

template <size_t... I>
void fill_convert(KernelTable& t, std::index_sequence<I...> seq) {
  (fill_convert_row<std::tuple_element_t<I, AllTypes>>(t.convert[I], seq), ...);
}

void copy_stream(void* dstv, const void* srcv, size_t n) {
  char* dst = static_cast<char*>(dstv);
  const char* src = static_cast<const char*>(srcv);
  // Align the destination, stream whole vectors, copy the tail normally.
  size_t head = (64 - (reinterpret_cast<uintptr_t>(dst) & 63)) & 63;
  if (head > n) head = n;
  std::memcpy(dst, src, head);
  dst += head, src += head, n -= head;
  size_t i = 0;
#if defined(__AVX512F__)
  for (; i + 64 <= n; i += 64)
    _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + i),
                        _mm512_loadu_si512(reinterpret_cast<const void*>(src + i)));
#elif defined(__AVX2__)
  for (; i + 32 <= n; i += 32)
    _mm256_stream_si256(reinterpret_cast<__m256i*>(dst + i),
                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i)));
#else
  for (; i + 16 <= n; i += 16)
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
#endif
  _mm_sfence();
  std::memcpy(dst + i, src + i, n - i);
}

}  // namespace

void fill(KernelTable& t) {
  t.copy_stream = &copy_stream;
  constexpr auto seq = std::make_index_sequence<Dtype::count>{};
  fill_binary<AddOp>(t.binary[int(BinaryOp::add)], seq);
  fill_binary<SubOp>(t.binary[int(BinaryOp::subtract)], seq);
  fill_binary<MulOp>(t.binary[int(BinaryOp::multiply)], seq);
  fill_binary<DivOp>(t.binary[int(BinaryOp::divide)], seq);
  fill_convert(t, seq);
  t.select[0] = &select_row<uint8_t>;
  t.select[1] = &select_row<uint16_t>;
  t.select[2] = &select_row<uint32_t>;
  t.select[3] = &select_row<uint64_t>;
  fill_elementwise(t);
}

}  // namespace mlx::core::cpu::MLX_ISA_NS
