// vmap: every rule of primitives.h against a loop over the batch (take one slice, apply the
// function, stack), several in_axes / out_axes, nested vmap, vmap of grad, evaluation of a
// placeholder (an error, never a hang), and the argument errors.
#include <gtest/gtest.h>

#include <random>

#include "mlx/autograd.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

array rnd(Shape shape, unsigned seed, double lo = -1, double hi = 1) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d{float(lo), float(hi)};
  std::vector<float> v(shape_size(shape));
  for (auto& x : v) x = d(g);
  return make(v, shape);
}

array slice_at(const array& a, int ax, int i) {
  Shape start(a.ndim(), 0), stop = a.shape();
  start[ax] = i;
  stop[ax] = i + 1;
  return squeeze(slice(a, start, stop), {ax});
}

// fun vmapped over in_axes against the loop; outputs stacked on out_axis 0.
void check_vmap(const VecFn& fun, const std::vector<array>& inputs, const std::vector<int>& in_axes,
                const char* what) {
  SCOPED_TRACE(what);
  auto out = vmap(fun, in_axes)(inputs);
  int n = -1;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (in_axes[i] >= 0) n = inputs[i].shape(in_axes[i]);
  std::vector<std::vector<array>> per(out.size());
  for (int b = 0; b < n; ++b) {
    std::vector<array> in;
    for (size_t i = 0; i < inputs.size(); ++i)
      in.push_back(in_axes[i] >= 0 ? slice_at(inputs[i], in_axes[i], b) : inputs[i]);
    auto o = fun(in);
    for (size_t k = 0; k < o.size(); ++k) per[k].push_back(o[k]);
  }
  for (size_t k = 0; k < out.size(); ++k) {
    array ref = stack(per[k], 0);
    ASSERT_EQ(out[k].shape(), ref.shape());
    ASSERT_EQ(out[k].dtype(), ref.dtype());
    auto a = to_vec<float>(astype(out[k], float32));
    auto r = to_vec<float>(astype(ref, float32));
    for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], r[i], 1e-5f * (1 + std::fabs(r[i]))) << i;
  }
}

VecFn unary(std::function<array(const array&)> f) {
  return [f](const std::vector<array>& in) { return std::vector<array>{f(in[0])}; };
}
VecFn binary(std::function<array(const array&, const array&)> f) {
  return [f](const std::vector<array>& in) { return std::vector<array>{f(in[0], in[1])}; };
}

}  // namespace

TEST(Vmap, ElementwiseAndLayout) {
  array x = rnd({3, 4, 5}, 1, 0.1, 0.9);
  for (int ax : {0, 1, 2}) {
    check_vmap(unary([](const array& a) { return exp(sin(a)); }), {x}, {ax}, "unary");
    check_vmap(unary([](const array& a) { return transpose(a); }), {x}, {ax}, "transpose");
    check_vmap(unary([](const array& a) { return reshape(a, {-1}); }), {x}, {ax}, "reshape");
    check_vmap(unary([](const array& a) { return broadcast_to(a, {2, a.shape(0), a.shape(1)}); }), {x},
               {ax}, "broadcast");
    check_vmap(unary([](const array& a) { return astype(greater(a, array(0.5f)), int32); }), {x}, {ax},
               "compare/astype");
    check_vmap(unary([](const array& a) { return where(less(a, array(0.3f)), a, square(a)); }), {x},
               {ax}, "select");
    check_vmap(unary([](const array& a) { return divmod(a, array(0.25f))[1]; }), {x}, {ax}, "divmod");
    check_vmap(unary([](const array& a) { return copy(a); }), {x}, {ax}, "copy");
    check_vmap(unary([](const array& a) { return full(a.shape(), a); }), {x}, {ax}, "full");
    check_vmap(unary([](const array& a) { return stop_gradient(a); }), {x}, {ax}, "stop_gradient");
  }
}

TEST(Vmap, BinaryAxesCombinations) {
  array a = rnd({3, 4}, 2), b = rnd({4, 3}, 3), c = rnd({3}, 4);
  auto f = binary([](const array& p, const array& q) { return add(multiply(p, q), p); });
  check_vmap(f, {a, b}, {0, 1}, "0,1");
  check_vmap(f, {a, b}, {1, 0}, "1,0 (both size 4)");
  check_vmap(f, {a, c}, {1, -1}, "batched + unbatched");
  check_vmap(f, {c, a}, {-1, 1}, "unbatched + batched");
  check_vmap(f, {a, rnd({4, 1}, 5)}, {1, 0}, "broadcast inside");
}

TEST(Vmap, Reductions) {
  array x = rnd({3, 4, 5}, 6, 0.5, 1.5);
  for (int ax : {0, 1, 2}) {
    check_vmap(unary([](const array& a) { return sum(a, std::vector<int>{0}); }), {x}, {ax}, "sum");
    check_vmap(unary([](const array& a) { return prod(a); }), {x}, {ax}, "prod all");
    check_vmap(unary([](const array& a) { return max(a, std::vector<int>{-1}); }), {x}, {ax}, "max");
    check_vmap(unary([](const array& a) { return argmin(a, 0); }), {x}, {ax}, "argmin");
    check_vmap(unary([](const array& a) { return cumsum(a, 1, true); }), {x}, {ax}, "cumsum");
    check_vmap(unary([](const array& a) { return softmax(a, std::vector<int>{-1}); }), {x}, {ax}, "softmax");
    check_vmap(unary([](const array& a) { return logsumexp(a, std::vector<int>{-1}); }), {x}, {ax}, "lse");
    check_vmap(unary([](const array& a) { return var(a, std::vector<int>{-1}); }), {x}, {ax}, "var");
    check_vmap(unary([](const array& a) { return median(a, std::vector<int>{0}); }), {x}, {ax}, "median");
    check_vmap(unary([](const array& a) { return all(greater(a, array(0.6f))); }), {x}, {ax}, "all");
  }
  array y = rnd({3, 4, 5}, 7);
  auto eqf = binary([](const array& p, const array& q) { return array_equal(p, q); });
  check_vmap(eqf, {x, x}, {0, 0}, "array_equal same");
  check_vmap(eqf, {x, y}, {2, 2}, "array_equal differ");
}

TEST(Vmap, Matmul) {
  array a = rnd({5, 2, 3}, 8), b = rnd({3, 4}, 9), c = rnd({4, 2, 5}, 10), d = rnd({3, 4, 5}, 16);
  auto mm = binary([](const array& p, const array& q) { return matmul(p, q); });
  check_vmap(mm, {a, b}, {0, -1}, "batched lhs");
  check_vmap(mm, {b, c}, {-1, 2}, "batched rhs on the last axis");
  check_vmap(mm, {a, d}, {0, 2}, "both");
  check_vmap(unary([](const array& v) { return matmul(v, v); }), {rnd({3, 6}, 11)}, {0}, "vector dot");
}

TEST(Vmap, NestedAndOutAxes) {
  array x = rnd({2, 3, 4}, 12);
  auto inner = vmap(unary([](const array& a) { return sum(square(a)); }), {0});
  auto outer = vmap(inner, {1});
  auto out = outer({x})[0];  // out[i][j] = sum over k of x[j, i, k]^2
  ASSERT_EQ(out.shape(), (Shape{3, 2}));
  auto xv = to_vec<float>(x);
  auto ov = to_vec<float>(out);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) {
      float s = 0;
      for (int k = 0; k < 4; ++k) s += xv[j * 12 + i * 4 + k] * xv[j * 12 + i * 4 + k];
      EXPECT_NEAR(ov[i * 2 + j], s, 1e-5f);
    }
  auto moved = vmap(unary([](const array& a) { return exp(a); }), {0}, {1})({x})[0];
  EXPECT_EQ(moved.shape(), (Shape{3, 2, 4}));
}

TEST(Vmap, ConstantOutputsAreRepeated) {
  array x = rnd({4, 2}, 13);
  auto out = vmap([](const std::vector<array>&) { return std::vector<array>{array(2.0f)}; }, {0})({x});
  EXPECT_EQ(out[0].shape(), (Shape{4}));
  EXPECT_EQ(to_vec<float>(out[0]), (std::vector<float>{2, 2, 2, 2}));
}

TEST(Vmap, OfGrad) {
  auto g = [](const std::vector<array>& in) {
    return value_and_grad([](const std::vector<array>& v) {
      return std::vector<array>{sum(multiply(v[0], multiply(v[0], v[0])))};
    }, {0})(in).second;
  };
  array x = make(std::vector<float>{1, 2, 3, 4, 5, 6}, {3, 2});
  auto out = vmap(g, {0})({x})[0];
  auto v = to_vec<float>(out);
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(v[i], 3.0f * float((i + 1) * (i + 1)));
  // grad of vmap: d/dx sum(vmap(sin)(x)) = cos(x)
  auto gv = value_and_grad([](const std::vector<array>& in) {
    return std::vector<array>{sum(vmap(unary([](const array& a) { return sin(a); }), {1})(in)[0])};
  }, {0})({x}).second[0];
  auto gvv = to_vec<float>(gv);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(gvv[i], std::cos(float(i + 1)), 1e-6f);
}

TEST(Vmap, Errors) {
  array x = rnd({3, 4}, 14), y = rnd({5}, 15);
  auto f = binary([](const array& p, const array& q) { return add(p, q); });
  EXPECT_INVALID(vmap(f, {0, 0})({x, y}), "vmap");    // sizes 3 and 5
  EXPECT_INVALID(vmap(f, {-1, -1}, {-1})({x, y}), "vmap");
  EXPECT_OUT_OF_RANGE(vmap(f, {2, 0})({x, y}), "vmap");
  EXPECT_INVALID(vmap(f, {0})({x, y}), "vmap");       // one axis for two inputs
  EXPECT_INVALID(vmap(unary([](const array& a) { return a; }), {0})({array(1.0f)}), "vmap");
  // Evaluating a placeholder inside vmap is an error, not a hang.
  auto bad = unary([](const array& a) {
    array b = exp(a);
    b.eval();
    return b;
  });
  EXPECT_INVALID(vmap(bad, {0})({x}), "eval");
  // The failed eval left nothing half-scheduled: the same graph works afterwards.
  check_vmap(unary([](const array& a) { return exp(a); }), {x}, {0}, "after error");
}
