// Elementwise math kernels: unary ops, comparisons, divmod and the binary ops after divide.
// Compiled once per instruction set, like kernels_isa.cpp. float32 exp/log/sin/cos/tanh/
// sigmoid/erf run as branch-free polynomials on GCC vectors of the ISA's width (16, 8 or 4
// floats), so they vectorise on every ISA and round identically on all of them
// (no FMA contraction here: -ffp-contract=off). float16/bfloat16 compute in float32 blocks;
// float64 and complex64 use the C library.
#include <algorithm>
#include <complex>

#include "kernels_common.h"

namespace mlx::core::cpu::MLX_ISA_NS {

namespace {

// ---- float32 vector math ------------------------------------------------------------------

// The ISA's own register width: GCC splits wider generic vectors badly (through memory).
// Every lane is computed independently, so results do not depend on the width.
#if defined(__AVX512F__)
constexpr size_t W = 16;
#elif defined(__AVX__)
constexpr size_t W = 8;
#else
constexpr size_t W = 4;
#endif
typedef float vf __attribute__((vector_size(W * 4)));
typedef int32_t vi __attribute__((vector_size(W * 4)));

#define VINL static inline __attribute__((always_inline))

VINL vf vsel(vi m, vf a, vf b) { return m ? a : b; }
VINL vf vabs(vf x) { return (vf)((vi)x & 0x7fffffff); }
VINL vf vcopysign(vf mag, vf sgn) {
  return (vf)(((vi)mag & 0x7fffffff) | ((vi)sgn & int32_t(0x80000000)));
}
// 2^n for integer n in [-126, 127].
VINL vf vpow2i(vi n) { return (vf)((n + 127) << 23); }

// minps/maxps: a < b ? a : b (b when either is NaN), the same instruction on every ISA.
VINL vf vmin(vf a, vf b) {
#if defined(__AVX512F__)
  return (vf)_mm512_min_ps((__m512)a, (__m512)b);
#elif defined(__AVX__)
  return (vf)_mm256_min_ps((__m256)a, (__m256)b);
#else
  return (vf)_mm_min_ps((__m128)a, (__m128)b);
#endif
}
VINL vf vmax(vf a, vf b) {
#if defined(__AVX512F__)
  return (vf)_mm512_max_ps((__m512)a, (__m512)b);
#elif defined(__AVX__)
  return (vf)_mm256_max_ps((__m256)a, (__m256)b);
#else
  return (vf)_mm_max_ps((__m128)a, (__m128)b);
#endif
}
// Round to nearest even, for |x| < 2^22 (the same value on every ISA).
VINL vf vround(vf x) {
#if defined(__AVX512F__)
  return (vf)_mm512_roundscale_ps((__m512)x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
#elif defined(__AVX__)
  return (vf)_mm256_round_ps((__m256)x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
#else
  return (x + 12582912.f) - 12582912.f;
#endif
}
VINL bool vany(vi m) {
#if defined(__AVX512F__)
  return _mm512_movepi32_mask((__m512i)m) != 0;
#elif defined(__AVX__)
  return _mm256_movemask_ps((__m256)m) != 0;
#else
  return _mm_movemask_ps((__m128)m) != 0;
#endif
}

// exp: x = n ln2 + r (Cody-Waite, Cephes' constants), e^r = 1 + r + r^2 P(r) with P of degree
// 4 fitted to (e^r - 1 - r) / r^2 on [-ln2/2, ln2/2] (under 1 ulp before the final rounding),
// then 2^n added to the exponent bits. Vectors holding |x| > 87.3 (results that overflow or
// are subnormal; rare) recompute those lanes clamped, with a two-step scale so they round
// once. NaN propagates through every step.
VINL vf vexp_core(vf x, vf& y, vi& n) {
  vf fx = vround(x * 1.44269504088896341f);
  vf r = x - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  // P by Estrin's scheme: half the dependent steps of Horner's, which bound the speed here.
  vf z = r * r;
  vf p01 = r * 0.166665152f + 0.49999994f;
  vf p23 = r * 0.00836939458f + 0.041668456f;
  vf p = (z * 0.00138130621f + p23) * z + p01;
  y = p * z + r + 1.f;
  n = __builtin_convertvector(fx, vi);
  return (vf)((vi)y + (n << 23));
}
VINL vf vexp(vf x) {
  vf y;
  vi n;
  vf res = vexp_core(x, y, n);
  vi out = vabs(x) > 87.33654f;
  if (__builtin_expect(vany(out), 0)) {
    vf xc = vmax(vf{} - 104.f, vmin(vf{} + 88.8f, x));
    vexp_core(xc, y, n);
    vi n1 = n >> 1;
    res = vsel(out, y * vpow2i(n1) * vpow2i(n - n1), res);
  }
  return res;
}

// log(1 + m) - m for m in [sqrt(1/2) - 1, sqrt(2) - 1] (Cephes logf), and the exponent.
struct LogParts {
  vf m, y, e;
};
VINL LogParts vlog_parts(vf x) {
  vi sub = x < 1.17549435e-38f;
  vf xs = vsel(sub, x * 8388608.f, x);  // subnormals: scale by 2^23
  vi ix = (vi)xs;
  vi e = ((ix >> 23) & 0xff) - 126;
  e = e - (sub & 23);
  vf m = (vf)((ix & 0x007fffff) | 0x3f000000);  // [0.5, 1)
  vi small = m < 0.707106781186547524f;
  e = e - (small & 1);
  m = vsel(small, m + m, m) - 1.f;
  vf z = m * m;
  vf p = vf{} + 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  vf y = p * m * z - 0.5f * z;
  return {m, y, __builtin_convertvector(e, vf)};
}
// Special values of every logarithm: NaN below 0 and for NaN, -inf at 0, inf at inf.
VINL vf vlog_special(vf x, vf r) {
  const float inf = std::numeric_limits<float>::infinity();
  r = vsel(x == inf, x, r);
  r = vsel(x == 0.f, vf{} - inf, r);
  return vsel((x < 0.f) | (x != x), vf{} + std::numeric_limits<float>::quiet_NaN(), r);
}
VINL vf vlog(vf x) {
  LogParts p = vlog_parts(x);
  vf r = p.y + p.e * -2.12194440e-4f;
  r = r + p.m;
  r = r + p.e * 0.693359375f;
  return vlog_special(x, r);
}
VINL vf vlog2(vf x) {
  LogParts p = vlog_parts(x);
  const float c = 0.44269504088896340736f;  // log2(e) - 1
  vf r = p.y * c;
  r = r + p.m * c;
  r = r + p.y;
  r = r + p.m;
  r = r + p.e;
  return vlog_special(x, r);
}
VINL vf vlog10(vf x) {
  LogParts p = vlog_parts(x);
  vf r = p.y * 7.00731903251827651129e-4f;
  r = r + p.m * 7.00731903251827651129e-4f;
  r = r + p.e * 2.48745663981195213739e-4f;
  r = r + p.y * 4.3359375e-1f;
  r = r + p.m * 4.3359375e-1f;
  r = r + p.e * 3.0078125e-1f;
  return vlog_special(x, r);
}

// Cephes sinf/cosf: reduction by pi/4 in three parts (exact for |x| < 8192), then the sine or
// cosine polynomial per octant. Vectors holding larger or non-finite values use the C library.
template <bool Cos>
VINL vf vsincos(vf x) {
  vf ax = vabs(x);
  vi big = ~(ax <= 8192.f);
  ax = vsel(big, vf{}, ax);
  vi j = __builtin_convertvector(ax * 1.27323954473516f, vi);
  j = (j + 1) & ~1;  // odd octants move up: j even
  vf y = __builtin_convertvector(j, vf);
  vi neg;
  if (Cos) {
    j = j & 7;
    neg = (j > 3);
    j = j - (neg & 4);
    neg = neg ^ (j > 1);
  } else {
    j = j & 7;
    neg = (j > 3) ^ (x < 0.f);
    j = j - ((j > 3) & 4);
  }
  vf r = ((ax - y * 0.78515625f) - y * 2.4187564849853515625e-4f) - y * 3.77489497744594108e-8f;
  vf z = r * r;
  vf pc = (((vf{} + 2.443315711809948e-5f) * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f) * z * z;
  pc = pc - 0.5f * z;
  pc = pc + 1.f;
  vf ps = (((vf{} - 1.9515295891e-4f) * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * r;
  ps = ps + r;
  // j is 0 or 2 now; for sine, j == 2 takes the cosine polynomial, for cosine j == 0 does.
  vi use_cos = Cos ? (j == 0) : (j == 2);
  vf res = vsel(use_cos, pc, ps);
  res = vsel(neg, -res, res);
  if (vany(big))
    for (size_t i = 0; i < W; ++i)
      if (big[i]) res[i] = Cos ? std::cos(x[i]) : std::sin(x[i]);
  return res;
}

// Cephes tanhf: a polynomial below 0.625, 1 - 2 / (e^2|x| + 1) above.
VINL vf vtanh(vf x) {
  vf z = vabs(x);
  vf s = x * x;
  vf p = (((((vf{} - 5.70498872745e-3f) * s + 2.06390887954e-2f) * s - 5.37397155531e-2f) * s +
           1.33314422036e-1f) * s - 3.33332819422e-1f) * s * x;
  p = p + x;
  vf zc = vsel(z > 10.f, vf{} + 10.f, z);
  vf e = vexp(zc + zc);
  vf big = 1.f - 2.f / (e + 1.f);
  big = vcopysign(big, x);
  return vsel(z < 0.625f, p, vsel(x != x, x, big));
}

// 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below: no overflow of e^-x for x < -88.7, so
// tiny results keep their value instead of flushing to 0.
VINL vf vsigmoid(vf x) {
  vf e = vexp((vf)((vi)x | int32_t(0x80000000)));  // e^-|x|
  return vsel(x >= 0.f, vf{} + 1.f, e) / (1.f + e);
}

// erf: x + x R(x^2) for |x| < 1; 1 - exp(Q(|x| - 2.5)) for 1 <= |x| < 4, with Q fitted to
// log(erfc) (weighted least squares against Python's math.erfc); +-1 beyond. At most about 3
// ulp against a float64 reference.
VINL vf verf(vf x) {
  vf a = vabs(x);
  vf s = x * x;
  vf r = vf{} + 7.8546138e-05f;
  r = r * s - 0.000801040849f;
  r = r * s + 0.00518835057f;
  r = r * s - 0.026853824f;
  r = r * s + 0.112835854f;
  r = r * s - 0.37612626f;
  r = r * s + 0.128379166f;
  vf small = x + r * x;
  vf u = vsel(a < 4.f, a, vf{} + 4.f) - 2.5f;
  vf q = vf{} - 4.37953638e-08f;
  q = q * u - 6.59591279e-08f;
  q = q * u + 1.86041268e-06f;
  q = q * u - 1.29754872e-05f;
  q = q * u + 7.69094186e-05f;
  q = q * u - 0.000420708006f;
  q = q * u + 0.00216555013f;
  q = q * u - 0.0108581651f;
  q = q * u - 0.943893731f;
  q = q * u - 5.35268068f;
  q = q * u - 7.80681515f;
  vf big = 1.f - vexp(q);
  big = vsel(a >= 4.f, vf{} + 1.f, big);
  big = vcopysign(big, x);
  return vsel(a < 1.f, small, vsel(x != x, x, big));
}

// Applies a vector function over n floats read with stride s (contiguous output).
template <typename F>
VINL void map_f32(const float* in, float* out, size_t n, int64_t s, F f) {
  size_t i = 0;
  if (s == 1) {
    // Two vectors per step: independent work for the out-of-order core to overlap.
    for (; i + 2 * W <= n; i += 2 * W) {
      vf x0, x1;
      std::memcpy(&x0, in + i, sizeof x0);
      std::memcpy(&x1, in + i + W, sizeof x1);
      vf y0 = f(x0), y1 = f(x1);
      std::memcpy(out + i, &y0, sizeof y0);
      std::memcpy(out + i + W, &y1, sizeof y1);
    }
    for (; i + W <= n; i += W) {
      vf x;
      std::memcpy(&x, in + i, sizeof x);
      vf y = f(x);
      std::memcpy(out + i, &y, sizeof y);
    }
  }
  while (i < n) {
    size_t m = std::min(W, n - i);
    vf x = {};
    for (size_t j = 0; j < m; ++j) x[j] = in[(i + j) * s];
    vf y = f(x);
    std::memcpy(out + i, &y, m * sizeof(float));
    i += m;
  }
}

// ---- scalar helpers -----------------------------------------------------------------------

template <typename T>
constexpr bool is_cplx_v = std::is_same_v<T, complex64_t>;
template <typename T>
constexpr bool is_flt_v = std::is_same_v<T, float> || std::is_same_v<T, double>;
template <typename T>
constexpr bool is_int_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// erfinv: Giles' single-precision approximation, then Newton steps on erf in double.
inline double erfinv_d(double y, int steps) {
  if (!(y >= -1.0 && y <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1.0) return std::numeric_limits<double>::infinity();
  if (y == -1.0) return -std::numeric_limits<double>::infinity();
  float yf = float(y);
  float w = -std::log((1.0f - yf) * (1.0f + yf)), p;
  if (w < 5.0f) {
    w = w - 2.5f;
    p = 2.81022636e-08f;
    p = 3.43273939e-07f + p * w;
    p = -3.5233877e-06f + p * w;
    p = -4.39150654e-06f + p * w;
    p = 0.00021858087f + p * w;
    p = -0.00125372503f + p * w;
    p = -0.00417768164f + p * w;
    p = 0.246640727f + p * w;
    p = 1.50140941f + p * w;
  } else {
    w = std::sqrt(w) - 3.0f;
    p = -0.000200214257f;
    p = 0.000100950558f + p * w;
    p = 0.00134934322f + p * w;
    p = -0.00367342844f + p * w;
    p = 0.00573950773f + p * w;
    p = -0.0076224613f + p * w;
    p = 0.00943887047f + p * w;
    p = 1.00167406f + p * w;
    p = 2.83297682f + p * w;
  }
  double x = double(p) * y;
  if (!std::isfinite(x)) return x;
  const double k = 1.1283791670955126;  // 2 / sqrt(pi)
  for (int i = 0; i < steps; ++i) {
    double d = k * std::exp(-x * x);
    if (d == 0) break;
    x -= (std::erf(x) - y) / d;
  }
  return x;
}

// ---- unary ops ----------------------------------------------------------------------------
// Each op: ok<T> (dtypes it computes; other slots write zeros), apply(T) for scalar types,
// and optionally vec(vf) for float32. Half types compute through float32.

#define SCALAR_OP(NAME, OKEXPR, ...)               \
  struct NAME {                                    \
    template <typename T>                          \
    static constexpr bool ok = OKEXPR;             \
    static constexpr bool has_vec = false;         \
    template <typename T>                          \
    static T apply(T x) __VA_ARGS__                \
  };

#define FLOAT_OP(NAME, FEXPR, CEXPR)                                   \
  struct NAME {                                                        \
    template <typename T>                                              \
    static constexpr bool ok = is_flt_v<T> || is_cplx_v<T>;            \
    static constexpr bool has_vec = false;                             \
    template <typename T>                                              \
    static T apply(T x) {                                              \
      if constexpr (is_cplx_v<T>) return CEXPR;                        \
      else return FEXPR;                                               \
    }                                                                  \
  };

#define VEC_OP(NAME, VFN, FEXPR, CEXPR)                                \
  struct NAME {                                                        \
    template <typename T>                                              \
    static constexpr bool ok = is_flt_v<T> || is_cplx_v<T>;            \
    static constexpr bool has_vec = true;                              \
    VINL vf vec(vf x) { return VFN(x); }                               \
    template <typename T>                                              \
    static T apply(T x) {                                              \
      if constexpr (is_cplx_v<T>) return CEXPR;                        \
      else return FEXPR;                                               \
    }                                                                  \
  };

SCALAR_OP(NegativeOp, true, {
  if constexpr (std::is_same_v<T, bool>) return x;
  else if constexpr (is_int_v<T>) return T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(x));
  else return -x;
})
SCALAR_OP(SignOp, true, {
  if constexpr (std::is_same_v<T, bool>) return x;
  else if constexpr (std::is_unsigned_v<T>) return T(x != 0);
  else if constexpr (is_cplx_v<T>) return x == T(0) ? x : x / std::abs(x);
  else return x < T(0) ? T(-1) : (x > T(0) ? T(1) : T(0));
})
SCALAR_OP(SquareOp, true, {
  if constexpr (std::is_same_v<T, bool>) return x;
  else if constexpr (is_int_v<T>) {
    using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
    return T(U(x) * U(x));
  } else return x * x;
})
FLOAT_OP(SqrtOp, std::sqrt(x), std::sqrt(x))
FLOAT_OP(RsqrtOp, T(1) / std::sqrt(x), T(1) / std::sqrt(x))
VEC_OP(ExpOp, vexp, std::exp(x), std::exp(x))
FLOAT_OP(Expm1Op, std::expm1(x), std::exp(x) - T(1))
VEC_OP(LogOp, vlog, std::log(x), std::log(x))
VEC_OP(Log2Op, vlog2, std::log2(x), std::log(x) / T(0.693147180559945309f))
VEC_OP(Log10Op, vlog10, std::log10(x), std::log10(x))
FLOAT_OP(Log1pOp, std::log1p(x), std::log(T(1) + x))
VEC_OP(SinOp, vsincos<false>, std::sin(x), std::sin(x))
VEC_OP(CosOp, vsincos<true>, std::cos(x), std::cos(x))
FLOAT_OP(TanOp, std::tan(x), std::tan(x))
FLOAT_OP(ArcSinOp, std::asin(x), std::asin(x))
FLOAT_OP(ArcCosOp, std::acos(x), std::acos(x))
FLOAT_OP(ArcTanOp, std::atan(x), std::atan(x))
FLOAT_OP(SinhOp, std::sinh(x), std::sinh(x))
FLOAT_OP(CoshOp, std::cosh(x), std::cosh(x))
VEC_OP(TanhOp, vtanh, std::tanh(x), std::tanh(x))
FLOAT_OP(ArcSinhOp, std::asinh(x), std::asinh(x))
FLOAT_OP(ArcCoshOp, std::acosh(x), std::acosh(x))
FLOAT_OP(ArcTanhOp, std::atanh(x), std::atanh(x))
template <typename T>
T sigmoid_real(T x) {
  T e = std::exp(-std::fabs(x));
  return (x >= 0 ? T(1) : e) / (T(1) + e);
}
VEC_OP(SigmoidOp, vsigmoid, sigmoid_real(x), T(1) / (T(1) + std::exp(-x)))

struct ErfOp {
  template <typename T>
  static constexpr bool ok = is_flt_v<T>;
  static constexpr bool has_vec = true;
  VINL vf vec(vf x) { return verf(x); }
  template <typename T>
  static T apply(T x) {
    return std::erf(x);
  }
};
struct ErfInvOp {
  template <typename T>
  static constexpr bool ok = is_flt_v<T>;
  static constexpr bool has_vec = false;
  template <typename T>
  static T apply(T x) {
    if constexpr (std::is_same_v<T, float>) return float(erfinv_d(x, 1));
    else return erfinv_d(x, 3);
  }
};

// Integers are already whole; complex64 rounds (round only: floor/ceil/trunc reject it).
// NaNs come out quiet on every ISA (roundps quiets a signaling NaN, SSE2's sequence not).
#define ROUNDING_OP(NAME, FN, OK_COMPLEX)                                    \
  SCALAR_OP(NAME, !is_cplx_v<T> || OK_COMPLEX, {                            \
    if constexpr (is_flt_v<T>) return x != x ? x + x : FN(x);               \
    else if constexpr (is_cplx_v<T>) return T(FN(x.real()), FN(x.imag()));  \
    else return x;                                                          \
  })
ROUNDING_OP(FloorOp, std::floor, false)
ROUNDING_OP(CeilOp, std::ceil, false)
ROUNDING_OP(TruncOp, std::trunc, false)
ROUNDING_OP(RoundOp, std::nearbyint, true)

SCALAR_OP(LogicalNotOp, (std::is_same_v<T, bool>), { return !x; })
SCALAR_OP(BitwiseInvertOp, is_int_v<T>, { return T(~x); })
SCALAR_OP(ConjugateOp, is_cplx_v<T>, { return std::conj(x); })

// abs, real and imag of complex64 write float32.
template <typename T>
using abs_out_t = std::conditional_t<is_cplx_v<T>, float, T>;
struct AbsOp {
  template <typename T>
  static constexpr bool ok = true;
  static constexpr bool has_vec = false;
  template <typename T>
  static abs_out_t<T> apply(T x) {
    if constexpr (std::is_same_v<T, bool> || std::is_unsigned_v<T>) return x;
    else if constexpr (is_int_v<T>) return x < 0 ? NegativeOp::apply(x) : x;
    else return std::abs(x);
  }
};
struct RealOp {
  template <typename T>
  static constexpr bool ok = is_cplx_v<T>;
  static constexpr bool has_vec = false;
  template <typename T>
  static abs_out_t<T> apply(T x) {
    return x.real();
  }
};
struct ImagOp {
  template <typename T>
  static constexpr bool ok = is_cplx_v<T>;
  static constexpr bool has_vec = false;
  template <typename T>
  static abs_out_t<T> apply(T x) {
    return x.imag();
  }
};

template <typename Op, typename T>
void unary_row(const void* iv, void* ov, size_t n, int64_t s) {
  using O = decltype(Op::apply(std::declval<std::conditional_t<is_half_v<T>, float, T>>()));
  const T* in = static_cast<const T*>(iv);
  if constexpr (!Op::template ok<std::conditional_t<is_half_v<T>, float, T>>) {
    std::memset(ov, 0, n * sizeof(T));  // a dtype the op never sees (its op function rejects or casts)
  } else if constexpr (is_half_v<T>) {
    T* o = static_cast<T*>(ov);
    constexpr size_t B = 512;
    alignas(64) float t[B];
    for (size_t i = 0; i < n; i += B) {
      size_t m = std::min(B, n - i);
      load_f32(in + i * s, t, m, s);
      if constexpr (Op::has_vec) {
        map_f32(t, t, m, 1, [](vf x) { return Op::vec(x); });
      } else {
        for (size_t j = 0; j < m; ++j) t[j] = Op::apply(t[j]);
      }
      store_f32(t, o + i, m);
    }
  } else if constexpr (std::is_same_v<T, float> && Op::has_vec) {
    map_f32(in, static_cast<float*>(ov), n, s, [](vf x) { return Op::vec(x); });
  } else {
    O* o = static_cast<O*>(ov);
    if (s == 1)
      for (size_t i = 0; i < n; ++i) o[i] = Op::apply(in[i]);
    else
      for (size_t i = 0; i < n; ++i) o[i] = Op::apply(in[i * s]);
  }
}

using AllTypes = std::tuple<bool, uint8_t, uint16_t, uint32_t, uint64_t, int8_t, int16_t,
                            int32_t, int64_t, float16_t, float, double, bfloat16_t, complex64_t>;

template <typename Op, size_t... I>
void fill_unary(UnaryFn* row, std::index_sequence<I...>) {
  ((row[I] = &unary_row<Op, std::tuple_element_t<I, AllTypes>>), ...);
}

// ---- comparisons --------------------------------------------------------------------------

// complex64 compares lexicographically (real part, then imaginary), as MLX does.
#define CMP_OP(NAME, EXPR)                                                        \
  struct NAME {                                                                   \
    template <typename T>                                                         \
    bool operator()(T a, T b) const {                                             \
      if constexpr (is_cplx_v<T>) {                                               \
        return cplx(a, b);                                                        \
      } else {                                                                    \
        return EXPR;                                                              \
      }                                                                           \
    }                                                                             \
    static bool cplx(complex64_t a, complex64_t b);                               \
  };
CMP_OP(EqualOp, a == b)
CMP_OP(NotEqualOp, a != b)
CMP_OP(LessOp, a < b)
CMP_OP(LessEqualOp, a <= b)
CMP_OP(GreaterOp, a > b)
CMP_OP(GreaterEqualOp, a >= b)
bool EqualOp::cplx(complex64_t a, complex64_t b) { return a == b; }
bool NotEqualOp::cplx(complex64_t a, complex64_t b) { return a != b; }
bool LessOp::cplx(complex64_t a, complex64_t b) {
  return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
}
bool LessEqualOp::cplx(complex64_t a, complex64_t b) {
  return a.real() < b.real() || (a.real() == b.real() && a.imag() <= b.imag());
}
bool GreaterOp::cplx(complex64_t a, complex64_t b) { return LessOp::cplx(b, a); }
bool GreaterEqualOp::cplx(complex64_t a, complex64_t b) { return LessEqualOp::cplx(b, a); }

template <typename T, typename Op>
void compare_row(const void* av, const void* bv, void* ov, size_t n, int64_t sa, int64_t sb) {
  const T* a = static_cast<const T*>(av);
  const T* b = static_cast<const T*>(bv);
  bool* o = static_cast<bool*>(ov);
  Op op;
  if constexpr (is_half_v<T>) {
    constexpr size_t B = 512;
    float ta[B], tb[B];
    for (size_t i = 0; i < n; i += B) {
      size_t m = std::min(B, n - i);
      if (sa == 0) { float x = float(a[0]); for (size_t j = 0; j < m; ++j) ta[j] = x; }
      else load_f32(a + i * sa, ta, m, sa);
      if (sb == 0) { float x = float(b[0]); for (size_t j = 0; j < m; ++j) tb[j] = x; }
      else load_f32(b + i * sb, tb, m, sb);
      for (size_t j = 0; j < m; ++j) o[i + j] = op(ta[j], tb[j]);
    }
  } else if (sa == 1 && sb == 1) {
    for (size_t i = 0; i < n; ++i) o[i] = op(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T y = b[0];
    for (size_t i = 0; i < n; ++i) o[i] = op(a[i], y);
  } else if (sa == 0 && sb == 1) {
    const T x = a[0];
    for (size_t i = 0; i < n; ++i) o[i] = op(x, b[i]);
  } else {
    for (size_t i = 0; i < n; ++i) o[i] = op(a[i * sa], b[i * sb]);
  }
}

template <typename Op, size_t... I>
void fill_compare(BinaryFn* row, std::index_sequence<I...>) {
  ((row[I] = &compare_row<std::tuple_element_t<I, AllTypes>, Op>), ...);
}

// ---- binary ops ---------------------------------------------------------------------------
// binary_row (kernels_common.h) calls op(T, T) with T = float for the half types. Dtypes an
// op never sees return zero.

struct MaximumOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (is_cplx_v<T>) {
      if (std::isnan(a.real()) || std::isnan(a.imag())) return a;
      return GreaterOp::cplx(a, b) ? a : b;
    } else if constexpr (is_flt_v<T>) {
      return a != a ? a : (a > b ? a : b);
    } else {
      return a > b ? a : b;
    }
  }
};
struct MinimumOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (is_cplx_v<T>) {
      if (std::isnan(a.real()) || std::isnan(a.imag())) return a;
      return LessOp::cplx(a, b) ? a : b;
    } else if constexpr (is_flt_v<T>) {
      return a != a ? a : (a < b ? a : b);
    } else {
      return a < b ? a : b;
    }
  }
};

// Integer powers are exact (wrapping on overflow); a negative exponent gives the truncated
// result (0 except for bases 1 and -1).
struct PowerOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) {
      return a || !b;
    } else if constexpr (is_int_v<T>) {
      using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
      if constexpr (std::is_signed_v<T>) {
        if (b < 0) return a == 1 ? T(1) : a == -1 ? T((b & 1) ? -1 : 1) : T(0);
      }
      U res = 1, base = U(a);
      using UT = std::make_unsigned_t<T>;
      UT e = UT(b);
      while (e) {
        if (e & 1) res = U(T(res * base));
        e >>= 1;
        base = U(T(base * base));
      }
      return T(res);
    } else {
      return std::pow(a, b);
    }
  }
};

// Python's sign rules: the remainder has the divisor's sign. x % 0 is 0 for integers.
struct RemainderOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) {
      return false;  // a % true == 0; a % false is 0 as for integers
    } else if constexpr (is_int_v<T>) {
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>) {
        if (b == T(-1)) return T(0);
        T r = T(a % b);
        if (r != 0 && ((r < 0) != (b < 0))) r = T(r + b);
        return r;
      } else {
        return T(a % b);
      }
    } else if constexpr (is_flt_v<T>) {
      T r = std::fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    } else {
      return T(0);
    }
  }
};

// Integer floor division; x // 0 is 0. Floats: floor(a / b) (the op uses this only in divmod).
struct FloorDivideOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) {
      return b ? a : false;
    } else if constexpr (is_int_v<T>) {
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>) {
        if (b == T(-1)) return NegativeOp::apply(a);
        T q = T(a / b);
        if ((a % b != 0) && ((a < 0) != (b < 0))) q = T(q - 1);
        return q;
      } else {
        return T(a / b);
      }
    } else if constexpr (is_flt_v<T>) {
      return std::floor(a / b);
    } else {
      return T(0);
    }
  }
};

struct ArcTan2Op {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (is_flt_v<T>) return std::atan2(a, b);
    else return T(0);
  }
};

struct LogAddExpOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (is_flt_v<T>) {
      if (a != a || b != b) return a + b;
      T hi = a > b ? a : b, lo = a > b ? b : a;
      const T inf = std::numeric_limits<T>::infinity();
      if (lo == -inf || hi == inf) return hi;
      return hi + std::log1p(std::exp(lo - hi));
    } else {
      return T(0);
    }
  }
};

template <typename T>
T as_bool_t(bool v) {
  return T(v);
}

struct LogicalAndOp {
  template <typename T>
  T operator()(T a, T b) const {
    return as_bool_t<T>(a != T(0) && b != T(0));
  }
};
struct LogicalOrOp {
  template <typename T>
  T operator()(T a, T b) const {
    return as_bool_t<T>(a != T(0) || b != T(0));
  }
};

#define BITWISE_OP(NAME, OP)                                        \
  struct NAME {                                                     \
    template <typename T>                                           \
    T operator()(T a, T b) const {                                  \
      if constexpr (std::is_integral_v<T>) return T(a OP b);        \
      else return T(0);                                             \
    }                                                               \
  };
BITWISE_OP(BitwiseAndOp, &)
BITWISE_OP(BitwiseOrOp, |)
BITWISE_OP(BitwiseXorOp, ^)

// Shifts by a negative count or by the width or more: 0, or -1 for right shifts of negative
// numbers (numpy's answer; C++ leaves it undefined).
struct LeftShiftOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) {
      using U = std::make_unsigned_t<T>;
      if (U(b) >= U(sizeof(T) * 8)) return T(0);
      using P = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, U>;
      return T(P(U(a)) << unsigned(b));
    } else {
      return T(0);
    }
  }
};
struct RightShiftOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) {
      using U = std::make_unsigned_t<T>;
      if (U(b) >= U(sizeof(T) * 8)) {
        if constexpr (std::is_signed_v<T>) return a < 0 ? T(-1) : T(0);
        else return T(0);
      }
      return T(a >> unsigned(b));
    } else {
      return T(0);
    }
  }
};

template <typename Op, size_t... I>
void fill_binary(BinaryFn* row, std::index_sequence<I...>) {
  ((row[I] = &binary_row<std::tuple_element_t<I, AllTypes>, Op>), ...);
}

// ---- divmod -------------------------------------------------------------------------------

template <typename T>
void divmod_row(const void* av, const void* bv, void* qv, void* rv, size_t n, int64_t sa,
                int64_t sb) {
  const T* a = static_cast<const T*>(av);
  const T* b = static_cast<const T*>(bv);
  T* q = static_cast<T*>(qv);
  T* r = static_cast<T*>(rv);
  FloorDivideOp fd;
  RemainderOp rm;
  if constexpr (is_half_v<T>) {
    constexpr size_t B = 512;
    float ta[B], tb[B], tq[B];
    for (size_t i = 0; i < n; i += B) {
      size_t m = std::min(B, n - i);
      if (sa == 0) { float x = float(a[0]); for (size_t j = 0; j < m; ++j) ta[j] = x; }
      else load_f32(a + i * sa, ta, m, sa);
      if (sb == 0) { float x = float(b[0]); for (size_t j = 0; j < m; ++j) tb[j] = x; }
      else load_f32(b + i * sb, tb, m, sb);
      for (size_t j = 0; j < m; ++j) {
        tq[j] = fd(ta[j], tb[j]);
        ta[j] = rm(ta[j], tb[j]);
      }
      store_f32(tq, q + i, m);
      store_f32(ta, r + i, m);
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      T x = a[i * sa], y = b[i * sb];
      q[i] = fd(x, y);
      r[i] = rm(x, y);
    }
  }
}

template <size_t... I>
void fill_divmod(DivModFn* row, std::index_sequence<I...>) {
  ((row[I] = &divmod_row<std::tuple_element_t<I, AllTypes>>), ...);
}

}  // namespace

void fill_elementwise(KernelTable& t) {
  constexpr auto seq = std::make_index_sequence<Dtype::count>{};
  auto U = [&](UnaryOp op) { return t.unary[int(op)]; };
  fill_unary<AbsOp>(U(UnaryOp::abs), seq);
  fill_unary<NegativeOp>(U(UnaryOp::negative), seq);
  fill_unary<SignOp>(U(UnaryOp::sign), seq);
  fill_unary<SquareOp>(U(UnaryOp::square), seq);
  fill_unary<SqrtOp>(U(UnaryOp::sqrt), seq);
  fill_unary<RsqrtOp>(U(UnaryOp::rsqrt), seq);
  fill_unary<ExpOp>(U(UnaryOp::exp), seq);
  fill_unary<Expm1Op>(U(UnaryOp::expm1), seq);
  fill_unary<LogOp>(U(UnaryOp::log), seq);
  fill_unary<Log2Op>(U(UnaryOp::log2), seq);
  fill_unary<Log10Op>(U(UnaryOp::log10), seq);
  fill_unary<Log1pOp>(U(UnaryOp::log1p), seq);
  fill_unary<SinOp>(U(UnaryOp::sin), seq);
  fill_unary<CosOp>(U(UnaryOp::cos), seq);
  fill_unary<TanOp>(U(UnaryOp::tan), seq);
  fill_unary<ArcSinOp>(U(UnaryOp::arcsin), seq);
  fill_unary<ArcCosOp>(U(UnaryOp::arccos), seq);
  fill_unary<ArcTanOp>(U(UnaryOp::arctan), seq);
  fill_unary<SinhOp>(U(UnaryOp::sinh), seq);
  fill_unary<CoshOp>(U(UnaryOp::cosh), seq);
  fill_unary<TanhOp>(U(UnaryOp::tanh), seq);
  fill_unary<ArcSinhOp>(U(UnaryOp::arcsinh), seq);
  fill_unary<ArcCoshOp>(U(UnaryOp::arccosh), seq);
  fill_unary<ArcTanhOp>(U(UnaryOp::arctanh), seq);
  fill_unary<SigmoidOp>(U(UnaryOp::sigmoid), seq);
  fill_unary<ErfOp>(U(UnaryOp::erf), seq);
  fill_unary<ErfInvOp>(U(UnaryOp::erfinv), seq);
  fill_unary<FloorOp>(U(UnaryOp::floor), seq);
  fill_unary<CeilOp>(U(UnaryOp::ceil), seq);
  fill_unary<RoundOp>(U(UnaryOp::round), seq);
  fill_unary<TruncOp>(U(UnaryOp::trunc), seq);
  fill_unary<LogicalNotOp>(U(UnaryOp::logical_not), seq);
  fill_unary<BitwiseInvertOp>(U(UnaryOp::bitwise_invert), seq);
  fill_unary<ConjugateOp>(U(UnaryOp::conjugate), seq);
  fill_unary<RealOp>(U(UnaryOp::real), seq);
  fill_unary<ImagOp>(U(UnaryOp::imag), seq);

  fill_compare<EqualOp>(t.compare[int(CompareOp::equal)], seq);
  fill_compare<NotEqualOp>(t.compare[int(CompareOp::not_equal)], seq);
  fill_compare<LessOp>(t.compare[int(CompareOp::less)], seq);
  fill_compare<LessEqualOp>(t.compare[int(CompareOp::less_equal)], seq);
  fill_compare<GreaterOp>(t.compare[int(CompareOp::greater)], seq);
  fill_compare<GreaterEqualOp>(t.compare[int(CompareOp::greater_equal)], seq);

  auto B = [&](BinaryOp op) { return t.binary[int(op)]; };
  fill_binary<MaximumOp>(B(BinaryOp::maximum), seq);
  fill_binary<MinimumOp>(B(BinaryOp::minimum), seq);
  fill_binary<PowerOp>(B(BinaryOp::power), seq);
  fill_binary<RemainderOp>(B(BinaryOp::remainder), seq);
  fill_binary<FloorDivideOp>(B(BinaryOp::floor_divide), seq);
  fill_binary<ArcTan2Op>(B(BinaryOp::arctan2), seq);
  fill_binary<LogAddExpOp>(B(BinaryOp::logaddexp), seq);
  fill_binary<LogicalAndOp>(B(BinaryOp::logical_and), seq);
  fill_binary<LogicalOrOp>(B(BinaryOp::logical_or), seq);
  fill_binary<BitwiseAndOp>(B(BinaryOp::bitwise_and), seq);
  fill_binary<BitwiseOrOp>(B(BinaryOp::bitwise_or), seq);
  fill_binary<BitwiseXorOp>(B(BinaryOp::bitwise_xor), seq);
  fill_binary<LeftShiftOp>(B(BinaryOp::left_shift), seq);
  fill_binary<RightShiftOp>(B(BinaryOp::right_shift), seq);
  fill_divmod(t.divmod, seq);
}

}  // namespace mlx::core::cpu::MLX_ISA_NS
