// Engine tests of the elementwise ops (ops_elementwise.cpp, backend/cpu/unary.cpp,
// kernels_elementwise_isa.cpp): result dtypes, values against the C library in double,
// float32 accuracy of the polynomial kernels in ulps (generic table; the ISA tables are pinned
// to it bit for bit by test_kernels.cpp), layouts, divmod's two outputs, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "mlx/backend/cpu/kernels.h"
#include "mlx/ops.h"
#include "test_util.h"

using namespace mlx::core;
using mlx_test::make;
using mlx_test::to_vec;

namespace {

// Distance in float32 ulps between a float result and a double reference.
double ulps(float got, double ref) {
  float r = float(ref);
  if (std::isnan(ref)) return std::isnan(got) ? 0 : 1e30;
  if (std::isinf(r)) return got == r ? 0 : 1e30;
  float next = std::nextafter(std::fabs(r), std::numeric_limits<float>::infinity());
  double u = double(next) - std::fabs(double(r));
  return std::fabs(double(got) - ref) / u;
}

template <typename F>
void expect_accuracy(UnaryOp op, F ref, double lo, double hi, double max_ulp, double abs_floor = 0) {
  cpu::KernelTable t{};
  cpu::isa_generic::fill(t);
  const int n = 100003;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) x[i] = float(lo + (hi - lo) * i / (n - 1));
  t.unary[int(op)][float32.index()](x.data(), y.data(), n, 1);
  double worst = 0;
  float at = 0;
  for (int i = 0; i < n; ++i) {
    double r = ref(double(x[i]));
    double e = ulps(y[i], r);
    if (abs_floor > 0) e = std::min(e, std::fabs(double(y[i]) - r) / abs_floor);
    if (e > worst) worst = e, at = x[i];
  }
  EXPECT_LE(worst, max_ulp) << "op " << int(op) << " worst at x = " << at;
}

}  // namespace

TEST(Elementwise, Float32PolynomialAccuracy) {
  expect_accuracy(UnaryOp::exp, [](double v) { return std::exp(v); }, -104, 89, 1.5);
  expect_accuracy(UnaryOp::log, [](double v) { return std::log(v); }, 1e-6, 1e3, 2);
  expect_accuracy(UnaryOp::log2, [](double v) { return std::log2(v); }, 1e-6, 1e3, 2);
  expect_accuracy(UnaryOp::log10, [](double v) { return std::log10(v); }, 1e-6, 1e3, 2);
  // sin / cos: ulps of the result, or of 2^-24 (absolute) near their zeros.
  expect_accuracy(UnaryOp::sin, [](double v) { return std::sin(v); }, -2e4, 2e4, 2, std::ldexp(1.0, -24));
  expect_accuracy(UnaryOp::cos, [](double v) { return std::cos(v); }, -2e4, 2e4, 2, std::ldexp(1.0, -24));
  expect_accuracy(UnaryOp::tanh, [](double v) { return std::tanh(v); }, -12, 12, 3);
  expect_accuracy(UnaryOp::sigmoid, [](double v) { return 1 / (1 + std::exp(-v)); }, -100, 30, 3);
  expect_accuracy(UnaryOp::erf, [](double v) { return std::erf(v); }, -5, 5, 3);
}

TEST(Elementwise, Float32SpecialValues) {
  auto f = [](array a) { return to_vec<float>(a); };
  const float inf = std::numeric_limits<float>::infinity(), nan = std::nanf("");
  auto x = make<float>({nan, inf, -inf, 0.f, -0.f, 1e-45f}, {6});
  auto e = f(exp(x));
  EXPECT_TRUE(std::isnan(e[0]));
  EXPECT_EQ(e[1], inf);
  EXPECT_EQ(e[2], 0.f);
  EXPECT_EQ(e[3], 1.f);
  EXPECT_EQ(e[4], 1.f);
  auto l = f(log(x));
  EXPECT_TRUE(std::isnan(l[0]));
  EXPECT_EQ(l[1], inf);
  EXPECT_TRUE(std::isnan(l[2]));
  EXPECT_EQ(l[3], -inf);
  EXPECT_EQ(l[4], -inf);
  EXPECT_NEAR(l[5], std::log(double(1e-45f)), 1e-4);  // subnormal input (2^-149)
  auto s = f(sin(x));
  EXPECT_TRUE(std::isnan(s[0]) && std::isnan(s[1]) && std::isnan(s[2]));
  auto t = f(tanh(x));
  EXPECT_EQ(t[1], 1.f);
  EXPECT_EQ(t[2], -1.f);
  auto g = f(sigmoid(x));
  EXPECT_EQ(g[1], 1.f);
  EXPECT_EQ(g[2], 0.f);
  auto r = f(erf(x));
  EXPECT_EQ(r[1], 1.f);
  EXPECT_EQ(r[2], -1.f);
  // Subnormal and overflowing exp results round once.
  auto big = f(exp(make<float>({-100.f, 88.72283172607421875f, 88.72283935546875f}, {3})));
  EXPECT_EQ(big[0], float(std::exp(-100.0)));
  EXPECT_NEAR(big[1], 3.4027e38f, 1e34f);
  EXPECT_EQ(big[2], inf);
}

TEST(Elementwise, ResultDtypes) {
  array i8 = make<int8_t>({1, 2}, {2});
  EXPECT_EQ(exp(i8).dtype(), float32);
  EXPECT_EQ(sqrt(array(4.0, float64)).dtype(), float64);
  EXPECT_EQ(sin(array(1.f, float16)).dtype(), float16);
  EXPECT_EQ(abs(array(complex64_t(3, 4))).dtype(), float32);
  EXPECT_EQ(abs(i8).dtype(), int8);
  EXPECT_EQ(floor(i8).dtype(), int8);
  EXPECT_EQ(equal(i8, i8).dtype(), bool_);
  EXPECT_EQ(logical_and(i8, i8).dtype(), bool_);
  EXPECT_EQ(arctan2(i8, i8).dtype(), float32);
  EXPECT_EQ(left_shift(array(true), array(false)).dtype(), uint8);
  EXPECT_EQ(maximum(i8, array(1, uint8)).dtype(), int16);
  EXPECT_EQ(real(array(complex64_t(3, 4))).dtype(), float32);
  EXPECT_EQ(imag(i8).dtype(), int8);
  EXPECT_EQ(round(i8, 1).dtype(), int8);
}

TEST(Elementwise, UnaryOnStridedAndBroadcastInputs) {
  std::vector<float> v(24);
  for (int i = 0; i < 24; ++i) v[i] = 0.25f * float(i) - 3.f;
  array a = make<float>(v, {2, 3, 4});
  array t = transpose(a, {2, 0, 1});
  auto got = to_vec<float>(exp(t));
  auto tv = to_vec<float>(t);
  ASSERT_EQ(got.size(), 24u);
  for (int i = 0; i < 24; ++i) EXPECT_LE(ulps(got[i], std::exp(double(tv[i]))), 1.5);
  auto b = to_vec<float>(cos(broadcast_to(array(0.5f), {3, 2})));
  for (float x : b) EXPECT_LE(ulps(x, std::cos(0.5)), 2);
  auto h = to_vec<float16_t>(negative(transpose(astype(a, float16))));
  auto hv = to_vec<float16_t>(transpose(astype(a, float16)));
  for (size_t i = 0; i < h.size(); ++i) EXPECT_EQ(float(h[i]), -float(hv[i]));
}

TEST(Elementwise, CompareBroadcastAndLayouts) {
  array a = make<int32_t>({1, 5, 3, 4, 2, 6}, {2, 3});
  array b = make<int32_t>({3, 3, 3}, {3});
  auto lt = to_vec<bool>(less(a, b));
  EXPECT_EQ(lt, (std::vector<bool>{true, false, false, false, true, false}));
  auto ge = to_vec<bool>(greater_equal(transpose(a), array(3)));
  EXPECT_EQ(ge, (std::vector<bool>{false, true, true, false, true, true}));
  auto eq = to_vec<bool>(equal(array(complex64_t(1, 2)), array(complex64_t(1, 2))));
  EXPECT_TRUE(eq[0]);
  // complex orders lexicographically
  EXPECT_TRUE(to_vec<bool>(less(array(complex64_t(1, 2)), array(complex64_t(1, 3))))[0]);
  EXPECT_FALSE(to_vec<bool>(less(array(complex64_t(2, 0)), array(complex64_t(1, 3))))[0]);
}

TEST(Elementwise, DivModHasTwoOutputs) {
  array a = make<int32_t>({7, -7, 7, -7, 5}, {5});
  array b = make<int32_t>({2, 2, -2, -2, 0}, {5});
  auto qr = divmod(a, b);
  ASSERT_EQ(qr.size(), 2u);
  EXPECT_EQ(qr[0].siblings().size(), 1u);
  // Evaluating the remainder alone computes both.
  EXPECT_EQ(to_vec<int32_t>(qr[1]), (std::vector<int32_t>{1, 1, -1, -1, 0}));
  EXPECT_TRUE(qr[0].is_available());
  EXPECT_EQ(to_vec<int32_t>(qr[0]), (std::vector<int32_t>{3, -4, -4, 3, 0}));
  auto f = divmod(make<float>({-7.5f, 7.5f}, {2}), array(2.f));
  EXPECT_EQ(to_vec<float>(f[0]), (std::vector<float>{-4.f, 3.f}));
  EXPECT_EQ(to_vec<float>(f[1]), (std::vector<float>{0.5f, 1.5f}));
}

TEST(Elementwise, IntegerEdgeCasesNeverTrap) {
  int64_t mn = std::numeric_limits<int64_t>::min();
  array a = make<int64_t>({mn, mn, 5, 5}, {4});
  array b = make<int64_t>({-1, 0, 0, -1}, {4});
  EXPECT_EQ(to_vec<int64_t>(floor_divide(a, b)), (std::vector<int64_t>{mn, 0, 0, -5}));
  EXPECT_EQ(to_vec<int64_t>(remainder(a, b)), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(to_vec<int64_t>(left_shift(make<int64_t>({1, 1, -1}, {3}), make<int64_t>({63, 64, -1}, {3}))),
            (std::vector<int64_t>{mn, 0, 0}));
  EXPECT_EQ(to_vec<int64_t>(right_shift(make<int64_t>({-8, -8, 8}, {3}), make<int64_t>({1, 70, 70}, {3}))),
            (std::vector<int64_t>{-4, -1, 0}));
  EXPECT_EQ(to_vec<int8_t>(power(make<int8_t>({2, -2}, {2}), make<int8_t>({7, 7}, {2}))),
            (std::vector<int8_t>{-128, -128}));
}

TEST(Elementwise, Errors) {
  auto msg = [](auto f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  array f = array(1.5f), c = array(complex64_t(1, 1)), i = array(1), b = array(true);
  EXPECT_EQ(msg([&] { bitwise_and(f, i); }),
            "[bitwise_and] Only allowed on integer or boolean types but got types float32 and int32.");
  EXPECT_EQ(msg([&] { negative(b); }), "[negative] Not supported for bool, use logical_not instead.");
  EXPECT_EQ(msg([&] { floor(c); }), "[floor] Not supported for complex64.");
  EXPECT_EQ(msg([&] { remainder(c, i); }), "[remainder] Complex type not supported.");
  EXPECT_EQ(msg([&] { divmod(c, c); }), "[divmod] Complex type not supported.");
  EXPECT_EQ(msg([&] { bitwise_invert(f); }), "[bitwise_invert] Bitwise inverse only allowed on integer types.");
  EXPECT_EQ(msg([&] { clip(f, std::nullopt, std::nullopt); }), "[clip] At most one of a_min and a_max may be None.");
  EXPECT_EQ(msg([&] { maximum(zeros({2}), zeros({3})); }), "[maximum] Shapes (2) (3) cannot be broadcast.");
  EXPECT_EQ(msg([&] { less(zeros({2}), zeros({3})); }), "[less] Shapes (2) (3) cannot be broadcast.");
  EXPECT_NE(msg([&] { erf(c); }).find("[erf] Not supported for complex64"), std::string::npos);
}
