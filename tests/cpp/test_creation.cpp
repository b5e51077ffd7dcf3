// Creation and dtype extras: linspace (MLX's float32 arithmetic, bit for bit), eye/tri/tril/triu
// against naive loops (batches, strided inputs, every item size), meshgrid, the windows against
// numpy's formulas, view (shared memory, copies, misaligned starts), the fp8 conversions against
// a nearest-value search over the e4m3 grid, and the print precision.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "mlx/print.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

float f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Magnitudes of the finite e4m3 codes 0..126 (0x7F is NaN).
std::vector<double> fp8_grid() {
  std::vector<double> g(127);
  for (int c = 0; c < 127; ++c) {
    int e = c >> 3, m = c & 7;
    g[c] = e == 0 ? m * std::ldexp(1.0, -9) : (8 + m) * std::ldexp(1.0, e - 10);
  }
  return g;
}

// Reference encoder: nearest grid point, ties to the even code; |x| >= 448 (the largest
// value), inf and NaN saturate to 0x7E with the sign.
uint8_t ref_to_fp8(float x, const std::vector<double>& g) {
  uint8_t sign = std::signbit(x) ? 0x80 : 0;
  double a = std::fabs(double(x));
  if (std::isnan(x) || a >= 448) return sign | 0x7E;
  int best = 0;
  for (int c = 1; c < 127; ++c) {
    double d = std::fabs(g[c] - a), db = std::fabs(g[best] - a);
    if (d < db || (d == db && c % 2 == 0)) best = c;
  }
  return sign | uint8_t(best);
}

}  // namespace

TEST(Creation, LinspaceMatchesMlxArithmetic) {
  struct Case {
    double start, stop;
    int num;
    bool endpoint;
  };
  for (auto c : {Case{0, 1, 7, true}, Case{0.21436651, 0.96568555, 6, true},
                 Case{-3.5, 11.25, 50, false}, Case{1e6, -2.5, 33, true}, Case{2, 3, 2, false}}) {
    auto v = to_vec<float>(linspace(c.start, c.stop, c.num, c.endpoint));
    ASSERT_EQ(v.size(), size_t(c.num));
    float d = float(c.endpoint ? c.num - 1 : c.num), s = float(c.start), e = float(c.stop);
    for (int i = 0; i < c.num; ++i) {
      volatile float t = float(i) / d;
      volatile float a = (1.0f - t) * s;
      volatile float b = t * e;
      float ref = a + b;
      EXPECT_EQ(bits(v[i]), bits(ref)) << "i=" << i << " start=" << c.start;
    }
  }
  // float64 computes in double.
  auto w = to_vec<double>(linspace(0.1, 0.7, 4, true, float64));
  for (int i = 0; i < 4; ++i) {
    volatile double t = double(i) / 3.0;
    volatile double a = (1 - t) * 0.1;
    volatile double b = t * 0.7;
    EXPECT_EQ(w[i], a + b);
  }
}

TEST(Creation, LinspaceEdgesAndDtypes) {
  EXPECT_EQ(linspace(0, 1, 0).shape(), (Shape{0}));
  // One sample is start itself, converted from double.
  EXPECT_EQ(to_vec<double>(linspace(0.1, 9, 1, true, float64))[0], 0.1);
  EXPECT_EQ(to_vec<float>(linspace(0.1, 9, 1, false))[0], 0.1f);
  // Integer outputs truncate the float32 values.
  auto iv = to_vec<int32_t>(linspace(0, 10, 4, true, int32));
  EXPECT_EQ(iv, (std::vector<int32_t>{0, 3, 6, 10}));
  auto bv = to_vec<bool>(linspace(0, 1, 3, true, bool_));
  EXPECT_EQ(bv, (std::vector<bool>{false, true, true}));
  EXPECT_INVALID(linspace(0, 1, -1), "linspace");
}

TEST(Creation, LinspaceFollowsMlxArangeStallPast2To24) {
  // MLX's float32 arange accumulates, so its index stops growing at 2^24; linspace inherits it.
  int n = (1 << 24) + 3;
  array a = linspace(0, 1, n);
  a.eval();
  const float* p = a.data<float>();
  float t = float(1 << 24) / float(n - 1);
  volatile float lo = (1.0f - t) * 0.0f;
  volatile float hi = t * 1.0f;
  float stalled = lo + hi;
  for (int i = 1 << 24; i < n; ++i) EXPECT_EQ(p[i], stalled);
  EXPECT_LT(p[(1 << 24) - 1], stalled);
}

TEST(Creation, EyeAndTri) {
  for (int k : {-5, -1, 0, 2, 7}) {
    auto v = to_vec<float>(eye(3, 5, k));
    auto t = to_vec<int16_t>(tri(4, 3, k, int16));
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 5; ++j) EXPECT_EQ(v[i * 5 + j], j - i == k ? 1.0f : 0.0f);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 3; ++j) EXPECT_EQ(t[i * 3 + j], j <= i + k ? 1 : 0);
  }
  auto c = to_vec<complex64_t>(identity(2, complex64));
  EXPECT_EQ(c[0], complex64_t(1, 0));
  EXPECT_EQ(c[1], complex64_t(0, 0));
  EXPECT_EQ(tri(-2, 3).shape(), (Shape{0, 3}));
  EXPECT_INVALID(eye(0, 3), "eye");
  EXPECT_INVALID(eye(3, -1), "eye");
  // Extreme diagonals do not overflow.
  auto x = to_vec<uint8_t>(tri(3, 3, std::numeric_limits<int>::max(), uint8));
  for (auto e : x) EXPECT_EQ(e, 1);
  auto y = to_vec<uint8_t>(tri(3, 3, std::numeric_limits<int>::min(), uint8));
  for (auto e : y) EXPECT_EQ(e, 0);
}

TEST(Creation, TrilTriuBatchesAndLayouts) {
  std::vector<int64_t> data(2 * 3 * 4);
  for (size_t i = 0; i < data.size(); ++i) data[i] = int64_t(i) + 1;
  array a = make(data, {2, 3, 4});
  // A transposed input (non-contiguous last axis) and a broadcast one.
  array at = transpose(a, {0, 2, 1});  // (2, 4, 3)
  array ab = broadcast_to(make(std::vector<int64_t>{1, 2, 3}, {1, 3}), {2, 4, 3});
  // The batch axis innermost in memory: (3, 4, 2) laid out, seen as (2, 3, 4).
  array am = transpose(make(data, {3, 4, 2}), {2, 0, 1});
  for (int k : {-2, 0, 1, 5}) {
    for (bool upper : {false, true}) {
      for (const array* src : {&a, &at, &ab, &am}) {
        auto in = to_vec<int64_t>(*src);
        auto out = to_vec<int64_t>(upper ? triu(*src, k) : tril(*src, k));
        int R = src->shape(1), C = src->shape(2);
        for (int b = 0; b < 2; ++b)
          for (int i = 0; i < R; ++i)
            for (int j = 0; j < C; ++j) {
              size_t idx = size_t((b * R + i) * C + j);
              bool keep = upper ? j >= i + k : j <= i + k;
              EXPECT_EQ(out[idx], keep ? in[idx] : 0) << "k=" << k << " upper=" << upper;
            }
      }
    }
  }
  // One- and two-byte items, and an empty batch.
  auto h = to_vec<uint16_t>(tril(make(std::vector<uint16_t>{1, 2, 3, 4}, {2, 2})));
  EXPECT_EQ(h, (std::vector<uint16_t>{1, 0, 3, 4}));
  EXPECT_EQ(triu(zeros({0, 3, 3})).shape(), (Shape{0, 3, 3}));
  EXPECT_INVALID(tril(zeros({3})), "tril");
  EXPECT_INVALID(triu(array(1.0f)), "triu");
}

TEST(Creation, Meshgrid) {
  array x = make(std::vector<int32_t>{1, 2, 3});
  array y = make(std::vector<float>{4, 5});
  auto xy = meshgrid({x, y});
  ASSERT_EQ(xy.size(), 2u);
  EXPECT_EQ(xy[0].shape(), (Shape{2, 3}));
  EXPECT_EQ(to_vec<int32_t>(xy[0]), (std::vector<int32_t>{1, 2, 3, 1, 2, 3}));
  EXPECT_EQ(to_vec<float>(xy[1]), (std::vector<float>{4, 4, 4, 5, 5, 5}));
  auto ij = meshgrid({x, y}, false, "ij");
  EXPECT_EQ(ij[0].shape(), (Shape{3, 2}));
  EXPECT_EQ(to_vec<int32_t>(ij[0]), (std::vector<int32_t>{1, 1, 2, 2, 3, 3}));
  auto sp = meshgrid({x, y}, true);
  EXPECT_EQ(sp[0].shape(), (Shape{1, 3}));
  EXPECT_EQ(sp[1].shape(), (Shape{2, 1}));
  EXPECT_TRUE(meshgrid({}).empty());
  EXPECT_INVALID(meshgrid({x}, false, "yx"), "meshgrid");
}

TEST(Creation, WindowsFollowNumpy) {
  const double pi = std::numbers::pi;
  for (int M : {2, 3, 8, 51}) {
    auto b = to_vec<float>(bartlett(M)), h = to_vec<float>(hanning(M));
    auto m = to_vec<float>(hamming(M)), k = to_vec<float>(blackman(M));
    for (int i = 0; i < M; ++i) {
      double n = 2.0 * i + 1 - M, d = M - 1;
      EXPECT_EQ(b[i], float(n <= 0 ? 1 + n / d : 1 - n / d));
      EXPECT_EQ(h[i], float(0.5 + 0.5 * std::cos(pi * n / d)));
      EXPECT_EQ(m[i], float(0.54 + 0.46 * std::cos(pi * n / d)));
      EXPECT_EQ(k[i], float(0.42 + 0.5 * std::cos(pi * n / d) + 0.08 * std::cos(2.0 * pi * n / d)));
    }
  }
  EXPECT_EQ(to_vec<float>(hanning(1)), (std::vector<float>{1}));
  EXPECT_EQ(blackman(0).shape(), (Shape{0}));
  EXPECT_EQ(bartlett(-4).shape(), (Shape{0}));
}

TEST(Creation, ViewSharesOrCopies) {
  array a = make(std::vector<int32_t>{1, 2, 3, 4, 5, 6}, {2, 3});
  array v = view(a, uint8);
  EXPECT_EQ(v.shape(), (Shape{2, 12}));
  v.eval();
  a.eval();
  EXPECT_EQ(v.data<void>(), a.data<void>());  // row contiguous: shared
  EXPECT_EQ(to_bytes(v), to_bytes(a));
  // Larger items over a row-contiguous input.
  array u = view(make(std::vector<uint8_t>{1, 0, 0, 0, 0, 1, 0, 0}, {2, 4}), int32);
  EXPECT_EQ(to_vec<int32_t>(u), (std::vector<int32_t>{1, 256}));
  // Transposed: same item size shares with the same strides; a smaller one over a strided
  // last axis is copied in row order first.
  array t = transpose(a);
  auto tb = to_bytes(t);
  EXPECT_EQ(to_bytes(view(t, float32)), tb);
  array tv = view(t, uint16);
  EXPECT_EQ(tv.shape(), (Shape{3, 4}));
  EXPECT_EQ(to_bytes(tv), tb);
  // A start that is not aligned to the new item size is copied.
  std::vector<uint8_t> raw(9);
  for (int i = 0; i < 9; ++i) raw[i] = uint8_t(i);
  allocator::Buffer buf{raw.data() + 1, 8};
  array odd(std::make_shared<Data>(buf, [](allocator::Buffer) {}), Shape{8}, uint8);
  array ov = view(odd, uint32);
  EXPECT_EQ(to_vec<uint32_t>(ov), (std::vector<uint32_t>{0x04030201u, 0x08070605u}));
  ov.eval();
  EXPECT_EQ(reinterpret_cast<uintptr_t>(ov.data<void>()) % 4, 0u);
  // Bytes survive unchanged through bool and float views (no normalisation, NaN payloads kept).
  array nan = make(std::vector<uint32_t>{0x7FA00001u, 0xFFFFFFFFu});
  EXPECT_EQ(to_vec<uint32_t>(view(view(nan, float32), uint32)),
            (std::vector<uint32_t>{0x7FA00001u, 0xFFFFFFFFu}));
  EXPECT_EQ(to_vec<uint8_t>(view(
                transpose(view(make(std::vector<uint8_t>{2, 0, 7, 1}, {2, 2}), bool_)), uint8)),
            (std::vector<uint8_t>{2, 7, 0, 1}));
  EXPECT_EQ(view(a, int32).id(), a.id());
  EXPECT_INVALID(view(array(1.0f), uint8), "view");
  EXPECT_INVALID(view(zeros({2, 3}, uint8), int32), "view");
}

TEST(Creation, Fp8DecodeEveryCode) {
  std::vector<uint8_t> codes(256);
  for (int i = 0; i < 256; ++i) codes[i] = uint8_t(i);
  auto out = to_vec<float>(from_fp8(make(codes), float32));
  auto g = fp8_grid();
  for (int i = 0; i < 256; ++i) {
    if ((i & 0x7F) == 0x7F) {
      EXPECT_TRUE(std::isnan(out[i]));
      continue;
    }
    double mag = g[i & 0x7F];
    EXPECT_EQ(out[i], float(i & 0x80 ? -mag : mag)) << i;
    EXPECT_EQ(std::signbit(out[i]), (i & 0x80) != 0);
  }
  // Other float outputs hold the same (exact) values.
  auto h = to_vec<float16_t>(from_fp8(make(codes), float16));
  auto b = to_vec<bfloat16_t>(from_fp8(make(codes), bfloat16));
  auto d = to_vec<double>(from_fp8(make(codes), float64));
  for (int i = 0; i < 256; ++i) {
    if ((i & 0x7F) == 0x7F) continue;
    EXPECT_EQ(float(h[i]), out[i]);
    EXPECT_EQ(float(b[i]), out[i]);
    EXPECT_EQ(d[i], double(out[i]));
  }
}

TEST(Creation, Fp8EncodeSweep) {
  auto g = fp8_grid();
  // Every 9973rd float32 bit pattern (all exponents, both signs, subnormals, inf, NaN) plus the
  // grid points and midpoints, where rounding ties happen.
  std::vector<float> xs;
  for (uint64_t u = 0; u <= 0xFFFFFFFFull; u += 9973) xs.push_back(f32(uint32_t(u)));
  for (int c = 0; c < 126; ++c) {
    for (double v :
         {g[c], (g[c] + g[c + 1]) / 2, std::nextafter(float((g[c] + g[c + 1]) / 2), 0.f) * 1.0})
      for (double s : {1.0, -1.0}) xs.push_back(float(s * v));
  }
  for (float v : {440.f, 447.99f, 448.f, 464.f, 470.f, 480.f, 1e30f,
                  std::numeric_limits<float>::infinity(), -0.f})
    xs.push_back(v);
  array x = make(xs);
  auto got = to_vec<uint8_t>(to_fp8(x));
  size_t bad = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    uint8_t ref = ref_to_fp8(xs[i], g);
    if (got[i] != ref && bad++ < 10)
      ADD_FAILURE() << "x=" << xs[i] << " bits=" << bits(xs[i]) << " got " << int(got[i])
                    << " want " << int(ref);
  }
  EXPECT_EQ(bad, 0u);
  // Round trip of every finite code through float16 / bfloat16 / float64 inputs.
  std::vector<uint8_t> codes;
  for (int i = 0; i < 256; ++i)
    if ((i & 0x7F) != 0x7F) codes.push_back(uint8_t(i));
  for (Dtype dt : {float16, bfloat16, float32, float64})
    EXPECT_EQ(to_vec<uint8_t>(to_fp8(from_fp8(make(codes), dt))), codes) << dtype_name(dt);
  EXPECT_INVALID(to_fp8(zeros({2}, int32)), "to_fp8");
  EXPECT_INVALID(from_fp8(zeros({2}, int8), float32), "from_fp8");
  EXPECT_INVALID(from_fp8(zeros({2}, uint8), int32), "from_fp8");
}

TEST(Creation, PrintPrecision) {
  array a = make(std::vector<float>{1.23456f, 2.0f});
  EXPECT_EQ(repr(a), "array([1.23456, 2], dtype=float32)");
  set_print_precision(3);
  EXPECT_EQ(get_print_precision(), 3);
  EXPECT_EQ(repr(a), "array([1.235, 2.000], dtype=float32)");
  EXPECT_EQ(repr(make(std::vector<int32_t>{7})), "array([7], dtype=int32)");
  set_print_precision(-1);
  EXPECT_EQ(repr(a), "array([1.23456, 2], dtype=float32)");
}
