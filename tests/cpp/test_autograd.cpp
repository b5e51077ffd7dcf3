// vjp / jvp / value_and_grad / stop_gradient / checkpoint / custom_function: hand-worked
// derivatives, central finite differences in float64 for the elementwise and reduction rules,
// composition (grad of grad), evaluation inside a transform, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "mlx/autograd.h"
#include "mlx/compile.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

array f64(const std::vector<double>& v, Shape shape) { return make(v, std::move(shape)); }

std::vector<double> random_vec(size_t n, double lo, double hi, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

using Fn1 = std::function<array(const array&)>;

// Compares the vjp (with a random cotangent) and the jvp (with a random tangent) of fn at x
// against central differences of <cot, fn(x)> and fn(x + h t).
void check_grad(const Fn1& fn, const array& x, double tol = 1e-6, const char* what = "") {
  SCOPED_TRACE(what);
  auto vfn = [&](const std::vector<array>& in) { return std::vector<array>{fn(in[0])}; };
  array y = fn(x);
  size_t n = x.size();
  array cot = f64(random_vec(y.size(), -1, 1, 7), y.shape());
  auto [outs, vjps] = vjp(vfn, {x}, {cot});
  auto g = to_vec<double>(vjps[0]);
  auto xv = to_vec<double>(x);
  auto cv = to_vec<double>(cot);
  const double h = 1e-6;
  auto dot = [&](const array& a) {
    auto v = to_vec<double>(a);
    double s = 0;
    // Exclusive scans start at their identity (+-inf): constant, and left out.
    for (size_t i = 0; i < v.size(); ++i)
      if (std::isfinite(v[i])) s += v[i] * cv[i];
    return s;
  };
  for (size_t i = 0; i < n; ++i) {
    auto p = xv, m = xv;
    p[i] += h;
    m[i] -= h;
    double fd = (dot(fn(f64(p, x.shape()))) - dot(fn(f64(m, x.shape())))) / (2 * h);
    EXPECT_NEAR(g[i], fd, tol * (1 + std::fabs(fd))) << "vjp element " << i;
  }
  array tan = f64(random_vec(n, -1, 1, 11), x.shape());
  auto [outs2, jvps] = jvp(vfn, {x}, {tan});
  auto tv = to_vec<double>(tan);
  std::vector<double> p(n), m(n);
  for (size_t i = 0; i < n; ++i) {
    p[i] = xv[i] + h * tv[i];
    m[i] = xv[i] - h * tv[i];
  }
  auto yp = to_vec<double>(fn(f64(p, x.shape())));
  auto ym = to_vec<double>(fn(f64(m, x.shape())));
  auto jv = to_vec<double>(jvps[0]);
  ASSERT_EQ(jv.size(), yp.size());
  for (size_t i = 0; i < jv.size(); ++i) {
    if (!std::isfinite(yp[i])) continue;
    double fd = (yp[i] - ym[i]) / (2 * h);
    EXPECT_NEAR(jv[i], fd, tol * (1 + std::fabs(fd))) << "jvp element " << i;
  }
}

}  // namespace

TEST(Autograd, SquareSum) {
  array x = f64({1, -2, 3}, {3});
  auto [v, g] = value_and_grad([](const std::vector<array>& in) {
    return std::vector<array>{sum(square(in[0]))};
  }, {0})({x});
  EXPECT_DOUBLE_EQ(v[0].item<double>(), 14.0);
  EXPECT_EQ(to_vec<double>(g[0]), (std::vector<double>{2, -4, 6}));
}

TEST(Autograd, ArgnumsAndAux) {
  array a = f64({2}, {}), b = f64({5}, {});
  auto fn = [](const std::vector<array>& in) {
    array l = multiply(in[0], in[1]);
    return std::vector<array>{l, add(l, in[1])};  // the second output is auxiliary
  };
  auto [v, g] = value_and_grad(fn, {1})({a, b});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_DOUBLE_EQ(g[0].item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(v[1].item<double>(), 15.0);
  auto [v2, g2] = value_and_grad(fn, {0, 1})({a, b});
  EXPECT_DOUBLE_EQ(g2[0].item<double>(), 5.0);
  EXPECT_DOUBLE_EQ(g2[1].item<double>(), 2.0);
  EXPECT_OUT_OF_RANGE(value_and_grad(fn, {2})({a, b}), "grad");
  EXPECT_INVALID(value_and_grad(fn, {0, 0})({a, b}), "grad");
  EXPECT_INVALID(value_and_grad(fn, {}), "grad");
}

TEST(Autograd, NonScalarLossIsAnError) {
  auto fn = [](const std::vector<array>& in) { return std::vector<array>{multiply(in[0], in[0])}; };
  EXPECT_INVALID(value_and_grad(fn, {0})({f64({1, 2}, {2})}), "vjp");
}

TEST(Autograd, GradOfGrad) {
  // d/dx (x^3) = 3x^2, d2/dx2 = 6x.
  auto f = [](const std::vector<array>& in) {
    return std::vector<array>{multiply(in[0], multiply(in[0], in[0]))};
  };
  auto df = [&](const std::vector<array>& in) { return value_and_grad(f, {0})(in).second; };
  auto ddf = value_and_grad(df, {0});
  array x = f64({2}, {});
  EXPECT_DOUBLE_EQ(df({x})[0].item<double>(), 12.0);
  EXPECT_DOUBLE_EQ(ddf({x}).second[0].item<double>(), 12.0);
}

TEST(Autograd, StopGradientAndUnusedInputs) {
  auto fn = [](const std::vector<array>& in) {
    return std::vector<array>{add(multiply(in[0], stop_gradient(in[0])), in[0])};
  };
  auto [v, g] = vjp(fn, {f64({3}, {}), f64({1}, {})}, {f64({1}, {})});
  EXPECT_DOUBLE_EQ(g[0].item<double>(), 4.0);  // x*sg(x)+x: sg(x) + 1
  auto fn2 = [](const std::vector<array>& in) { return std::vector<array>{exp(in[0])}; };
  auto [v2, g2] = vjp(fn2, {f64({0}, {}), f64({1, 2}, {2})}, {f64({1}, {})});
  EXPECT_EQ(to_vec<double>(g2[1]), (std::vector<double>{0, 0}));
}

TEST(Autograd, EvalInsideTheFunctionKeepsTheGraph) {
  auto fn = [](const std::vector<array>& in) {
    array y = multiply(in[0], in[0]);
    y.eval();  // an evaluated tracer keeps its graph while the transform runs
    EXPECT_DOUBLE_EQ(y.item<double>(), 9.0);
    return std::vector<array>{sin(y)};
  };
  auto [v, g] = vjp(fn, {f64({3}, {})}, {f64({1}, {})});
  EXPECT_NEAR(g[0].item<double>(), std::cos(9.0) * 6.0, 1e-12);
}

TEST(Autograd, JvpMatchesHandWorked) {
  auto fn = [](const std::vector<array>& in) {
    return std::vector<array>{multiply(in[0], in[1]), sin(in[0])};
  };
  auto [o, t] = jvp(fn, {f64({2}, {}), f64({3}, {})}, {f64({1}, {}), f64({10}, {})});
  EXPECT_DOUBLE_EQ(t[0].item<double>(), 3.0 + 20.0);
  EXPECT_NEAR(t[1].item<double>(), std::cos(2.0), 1e-15);
  EXPECT_INVALID(jvp(fn, {f64({2}, {})}, {}), "jvp");
}

TEST(Autograd, UnaryRulesAgainstFiniteDifferences) {
  array x = f64(random_vec(6, 0.2, 0.8, 3), {2, 3});
  std::vector<std::pair<const char*, Fn1>> ops = {
      {"abs", [](const array& a) { return abs(a); }},
      {"negative", [](const array& a) { return negative(a); }},
      {"square", [](const array& a) { return square(a); }},
      {"sqrt", [](const array& a) { return sqrt(a); }},
      {"rsqrt", [](const array& a) { return rsqrt(a); }},
      {"exp", [](const array& a) { return exp(a); }},
      {"expm1", [](const array& a) { return expm1(a); }},
      {"log", [](const array& a) { return log(a); }},
      {"log2", [](const array& a) { return log2(a); }},
      {"log10", [](const array& a) { return log10(a); }},
      {"log1p", [](const array& a) { return log1p(a); }},
      {"sin", [](const array& a) { return sin(a); }},
      {"cos", [](const array& a) { return cos(a); }},
      {"tan", [](const array& a) { return tan(a); }},
      {"arcsin", [](const array& a) { return arcsin(a); }},
      {"arccos", [](const array& a) { return arccos(a); }},
      {"arctan", [](const array& a) { return arctan(a); }},
      {"sinh", [](const array& a) { return sinh(a); }},
      {"cosh", [](const array& a) { return cosh(a); }},
      {"tanh", [](const array& a) { return tanh(a); }},
      {"arcsinh", [](const array& a) { return arcsinh(a); }},
      {"arccosh", [](const array& a) { return arccosh(add(a, array(1.5, float64))); }},
      {"arctanh", [](const array& a) { return arctanh(a); }},
      {"sigmoid", [](const array& a) { return sigmoid(a); }},
      {"erf", [](const array& a) { return erf(a); }},
      {"erfinv", [](const array& a) { return erfinv(a); }},
  };
  for (auto& [name, fn] : ops) check_grad(fn, x, 1e-6, name);
}

TEST(Autograd, BinaryRulesAgainstFiniteDifferences) {
  array y = f64(random_vec(3, 0.5, 1.5, 5), {3});  // broadcast against x's rows
  array x = f64(random_vec(6, 0.5, 1.5, 4), {2, 3});
  std::vector<std::pair<const char*, std::function<array(const array&, const array&)>>> ops = {
      {"add", [](const array& a, const array& b) { return add(a, b); }},
      {"subtract", [](const array& a, const array& b) { return subtract(a, b); }},
      {"multiply", [](const array& a, const array& b) { return multiply(a, b); }},
      {"divide", [](const array& a, const array& b) { return divide(a, b); }},
      {"power", [](const array& a, const array& b) { return power(a, b); }},
      {"maximum", [](const array& a, const array& b) { return maximum(a, b); }},
      {"minimum", [](const array& a, const array& b) { return minimum(a, b); }},
      {"arctan2", [](const array& a, const array& b) { return arctan2(a, b); }},
      {"logaddexp", [](const array& a, const array& b) { return logaddexp(a, b); }},
      {"remainder", [](const array& a, const array& b) { return remainder(a, b); }},
  };
  for (auto& [name, fn] : ops) {
    check_grad([&](const array& a) { return fn(a, y); }, x, 1e-6, name);
    check_grad([&](const array& b) { return fn(x, b); }, y, 1e-6, name);
  }
}

TEST(Autograd, ReductionRulesAgainstFiniteDifferences) {
  array x = f64(random_vec(24, 0.5, 1.5, 9), {2, 3, 4});
  std::vector<std::pair<const char*, Fn1>> ops = {
      {"sum", [](const array& a) { return sum(a, std::vector<int>{1}); }},
      {"sum_all", [](const array& a) { return sum(a); }},
      {"prod", [](const array& a) { return prod(a, std::vector<int>{0, 2}); }},
      {"max", [](const array& a) { return max(a, std::vector<int>{-1}); }},
      {"min", [](const array& a) { return min(a, std::vector<int>{0}, true); }},
      {"mean", [](const array& a) { return mean(a, std::vector<int>{1, 2}); }},
      {"var", [](const array& a) { return var(a, std::vector<int>{1}, false, 1); }},
      {"std", [](const array& a) { return mlx::core::std(a, std::vector<int>{2}); }},
      {"logsumexp", [](const array& a) { return logsumexp(a, std::vector<int>{0, 1}); }},
      {"softmax", [](const array& a) { return softmax(a, std::vector<int>{-1}); }},
      {"softmax_mid", [](const array& a) { return softmax(a, std::vector<int>{1}); }},
      {"cumsum", [](const array& a) { return cumsum(a, 1, true, false); }},
      {"cumprod", [](const array& a) { return cumprod(a, 2); }},
      {"cumprod_rev_excl", [](const array& a) { return cumprod(a, 2, true, false); }},
      {"cummax", [](const array& a) { return cummax(a, 2); }},
      {"cummin_rev", [](const array& a) { return cummin(a, 1, true); }},
      {"cummax_excl", [](const array& a) { return cummax(a, 2, false, false); }},
      {"logcumsumexp", [](const array& a) { return logcumsumexp(a, 2); }},
      {"logcumsumexp_rev_excl", [](const array& a) { return logcumsumexp(a, 1, true, false); }},
      {"median", [](const array& a) { return median(a, std::vector<int>{2}); }},
      {"median_odd", [](const array& a) { return median(a, std::vector<int>{1}); }},
      {"matmul", [](const array& a) { return matmul(a, transpose(a, {0, 2, 1})); }},
      {"transpose_reshape", [](const array& a) { return reshape(transpose(a, {2, 0, 1}), {4, 6}); }},
      {"broadcast", [](const array& a) { return broadcast_to(sum(a, std::vector<int>{0}), {5, 3, 4}); }},
      {"where", [](const array& a) { return where(greater(a, array(1.0)), a, square(a)); }},
  };
  for (auto& [name, fn] : ops) check_grad(fn, x, 1e-5, name);
}

TEST(Autograd, CumprodWithZeros) {
  array x = f64({1.5, 0, 2, 0.5, 3, 0, 2, 0.5}, {2, 4});
  check_grad([](const array& a) { return cumprod(a, 1); }, x, 1e-6, "cumprod zeros");
  check_grad([](const array& a) { return prod(a, std::vector<int>{1}); }, x, 1e-6, "prod zeros");
}

TEST(Autograd, Checkpoint) {
  auto f = [](const std::vector<array>& in) { return std::vector<array>{sin(multiply(in[0], in[0]))}; };
  auto cf = checkpoint(f);
  array x = f64({0.3, 0.7}, {2});
  array c = f64({1, 1}, {2});
  auto [o1, g1] = vjp(f, {x}, {c});
  auto [o2, g2] = vjp(cf, {x}, {c});
  EXPECT_EQ(to_vec<double>(o1[0]), to_vec<double>(o2[0]));
  EXPECT_EQ(to_vec<double>(g1[0]), to_vec<double>(g2[0]));
}

TEST(Autograd, CustomFunctionRules) {
  auto f = custom_function(
      [](const std::vector<array>& in) { return std::vector<array>{sin(in[0])}; },
      VjpFn([](const std::vector<array>&, const std::vector<array>& cot, const std::vector<array>&) {
        return std::vector<array>{multiply(cot[0], array(100.0, float64))};
      }),
      JvpFn([](const std::vector<array>&, const std::vector<array>& t, const std::vector<int>&) {
        return std::vector<array>{multiply(t[0], array(7.0, float64))};
      }),
      std::nullopt);
  array x = f64({0.5}, {});
  EXPECT_NEAR(f({x})[0].item<double>(), std::sin(0.5), 1e-15);
  EXPECT_DOUBLE_EQ(vjp(f, {x}, {f64({2}, {})}).second[0].item<double>(), 200.0);
  EXPECT_DOUBLE_EQ(jvp(f, {x}, {f64({2}, {})}).second[0].item<double>(), 14.0);
  // Default vmap falls back to vmapping the function.
  auto vf = vmap(f);
  auto out = vf({f64({0.1, 0.2}, {2})});
  EXPECT_NEAR(to_vec<double>(out[0])[1], std::sin(0.2), 1e-15);
}

TEST(Autograd, DependsOrdersButPassesThrough) {
  array a = f64({1, 2}, {2}), b = f64({5}, {});
  auto d = depends({a}, {b});
  EXPECT_EQ(to_vec<double>(d[0]), (std::vector<double>{1, 2}));
  auto [o, g] = vjp([&](const std::vector<array>& in) {
    return std::vector<array>{sum(square(depends({in[0]}, {b})[0]))};
  }, {a}, {f64({1}, {})});
  EXPECT_EQ(to_vec<double>(g[0]), (std::vector<double>{2, 4}));
}

TEST(Autograd, IntegerAndComparisonPathsHaveZeroGradient) {
  auto fn = [](const std::vector<array>& in) {
    return std::vector<array>{add(astype(greater(in[0], array(0.0)), float64), floor(in[0]))};
  };
  auto [o, g] = vjp(fn, {f64({0.5, -1.5}, {2})}, {f64({1, 1}, {2})});
  EXPECT_EQ(to_vec<double>(g[0]), (std::vector<double>{0, 0}));
  auto [o2, t] = jvp(fn, {f64({0.5, -1.5}, {2})}, {f64({1, 1}, {2})});
  EXPECT_EQ(to_vec<double>(t[0]), (std::vector<double>{0, 0}));
}

// ---- compile (src/mlx/compile.cpp, backend/cpu/compiled.cpp) ------------------------------

TEST(Compile, FusedChainMatchesAndRetraces) {
  int traces = 0;
  auto f = [&](const std::vector<array>& in) {
    ++traces;
    return std::vector<array>{exp(add(multiply(in[0], in[1]), in[2]))};
  };
  std::uintptr_t id = 0xC0FFEE;
  auto run = [&](const std::vector<array>& in, bool shapeless = false) {
    return detail::compile_call(f, id, shapeless, "k", in).outputs[0];
  };
  array a = f64(random_vec(12, -1, 1, 21), {3, 4}), b = f64(random_vec(12, -1, 1, 22), {3, 4});
  array c = f64(random_vec(4, -1, 1, 23), {4});
  EXPECT_EQ(to_vec<double>(run({a, b, c})), to_vec<double>(f({a, b, c})[0]));
  traces = 0;
  run({b, a, c});
  EXPECT_EQ(traces, 0);
  EXPECT_EQ(detail::compile_last_program_size(id), 1u);  // one Compiled step
  run({a, b, f64({1, 2, 3, 4}, {1, 4})});                 // a new shape: a new trace
  EXPECT_EQ(traces, 1);
  EXPECT_EQ(detail::compile_cache_size(id), 2u);
  detail::compile_erase(id);
  EXPECT_EQ(detail::compile_cache_size(id), 0u);
  // Large and strided inputs go through the tiled, threaded path.
  std::vector<float> big(1 << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = float(int(i % 97) - 48) / 64.f;
  array x = make(big, {1024, 1024});
  array xt = transpose(x);
  auto g = [](const std::vector<array>& in) {
    return std::vector<array>{maximum(add(multiply(in[0], in[1]), array(0.5f)), array(0.0f))};
  };
  auto r = detail::compile_call(g, id + 1, false, "", {xt, x}).outputs[0];
  EXPECT_TRUE(array_equal(r, g({xt, x})[0]).item<bool>());
  detail::compile_erase(id + 1);
}

TEST(Compile, DisabledAndInsideTransformsRunsThePlainFunction) {
  int calls = 0;
  auto f = [&](const std::vector<array>& in) {
    ++calls;
    return std::vector<array>{sin(in[0])};
  };
  disable_compile();
  detail::compile_call(f, 77, false, "", {f64({1}, {1})});
  detail::compile_call(f, 77, false, "", {f64({1}, {1})});
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(detail::compile_cache_size(77), 0u);
  enable_compile();
  auto cf = compile(f);
  auto g = value_and_grad([&](const std::vector<array>& in) { return std::vector<array>{sum(cf(in)[0])}; }, {0});
  auto [v, gr] = g({f64({0.5}, {1})});
  EXPECT_NEAR(to_vec<double>(gr[0])[0], std::cos(0.5), 1e-15);
}
