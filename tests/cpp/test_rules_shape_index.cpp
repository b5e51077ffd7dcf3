// Transform rules of the shape, indexing and creation primitives (rules_shape.cpp,
// rules_index.cpp, rules_creation.cpp) at the engine level: vmap of a gather or scatter builds
// one primitive node for the whole batch (not a node per batch element), output_shapes of the
// strided slice / basic-index view / view follow their parameters (including a length-1 slice
// whose stride was reset), and hand-worked vjp/jvp values.
#include <gtest/gtest.h>

#include <set>

#include "mlx/autograd.h"
#include "mlx/primitives_creation.h"
#include "mlx/primitives_index.h"
#include "mlx/primitives_shape.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

// How many nodes of each primitive name lie behind `out`.
std::multiset<std::string> node_names(const array& out) {
  std::multiset<std::string> names;
  std::set<std::uintptr_t> seen;
  std::vector<array> stack{out};
  while (!stack.empty()) {
    array a = stack.back();
    stack.pop_back();
    if (!seen.insert(a.id()).second || !a.has_primitive()) continue;
    names.insert(a.primitive().name());
    for (auto& in : a.inputs()) stack.push_back(in);
  }
  return names;
}

array iota_f(Shape shape) {
  return reshape(arange(0, double(shape_size(shape)), 1, float32), shape);
}

}  // namespace

TEST(RulesShapeIndex, VmapOfGatherIsOneGather) {
  // Batched source and batched indices: one gather with the batch as an extra index axis.
  array src = iota_f({3, 4, 2});
  array idx = make<int32_t>({0, 3, 1, 1, 2, 0}, {3, 2});
  auto f = [](const std::vector<array>& in) {
    return std::vector<array>{gather(in[0], {in[1]}, {0}, {1, 2})};
  };
  array out = vmap(f, {0, 0})({src, idx})[0];
  EXPECT_EQ(out.shape(), (Shape{3, 2, 1, 2}));
  EXPECT_EQ(node_names(out).count("Gather"), 1u);
  // Batch b, index j: src[b, idx[b, j], :].
  auto v = to_vec<float>(out);
  std::vector<int> ix{0, 3, 1, 1, 2, 0};
  for (int b = 0; b < 3; ++b)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k) EXPECT_EQ(v[(b * 2 + j) * 2 + k], float(b * 8 + ix[b * 2 + j] * 2 + k));
}

TEST(RulesShapeIndex, VmapOfScatterIsOneScatter) {
  array a = zeros({3, 4}, float32);
  array upd = make<float>({1, 2, 3, 4, 5, 6}, {3, 2, 1});
  array idx = make<int32_t>({0, 0, 3, 1, 2, 2}, {3, 2});
  auto f = [](const std::vector<array>& in) {
    return std::vector<array>{scatter_add(in[0], {in[1]}, in[2], {0})};
  };
  array out = vmap(f, {0, 0, 0})({a, idx, upd})[0];
  EXPECT_EQ(node_names(out).count("ScatterSum"), 1u);
  EXPECT_EQ(to_vec<float>(out), (std::vector<float>{3, 0, 0, 0, 0, 4, 0, 3, 0, 0, 11, 0}));
}

TEST(RulesShapeIndex, SliceShapesFollowTheParameters) {
  array a = iota_f({3, 5});
  // Length 1 with the stride reset to 1, a negative stride, an empty range.
  for (auto [start, stop, strides] :
       std::vector<std::tuple<Shape, Shape, Shape>>{{{0, 0}, {10, 5}, {5, 2}},
                                                     {{2, 4}, {INT32_MIN, 0}, {-1, -3}},
                                                     {{1, 3}, {1, 5}, {1, 1}}}) {
    array s = slice(a, start, stop, strides);
    ASSERT_TRUE(s.has_primitive());
    EXPECT_EQ(s.primitive().output_shapes({a})[0], s.shape());
    // jvp: the same window of the tangent; vjp: the cotangent back in place.
    auto fn = [&](const std::vector<array>& in) {
      return std::vector<array>{slice(in[0], start, stop, strides)};
    };
    auto [o, t] = jvp(fn, {a}, {ones_like(a)});
    EXPECT_EQ(t[0].shape(), s.shape());
    auto [o2, g] = mlx::core::vjp(fn, {a}, {ones_like(s)});
    auto gv = to_vec<float>(g[0]);
    float total = 0;
    for (float x : gv) total += x;
    EXPECT_EQ(total, float(s.size()));
  }
}

TEST(RulesShapeIndex, IndexViewAndViewShapes) {
  array a = iota_f({4, 3, 2});
  // a[1:4:2, 2, None, ::-1]
  array v = index_view(a, {1, 2, 1}, {2, 0, -1}, {2, -1, 2}, {0, -1, 2});
  EXPECT_EQ(v.shape(), (Shape{2, 1, 2}));
  EXPECT_EQ(v.primitive().output_shapes({a})[0], v.shape());
  auto [o, g] = mlx::core::vjp([](const std::vector<array>& in) {
    return std::vector<array>{index_view(in[0], {1, 2, 1}, {2, 0, -1}, {2, -1, 2}, {0, -1, 2})};
  }, {a}, {make<float>({1, 2, 3, 4}, {2, 1, 2})});
  auto gv = to_vec<float>(g[0]);
  // v[i, 0, j] = a[1 + 2i, 2, 1 - j].
  std::vector<float> want(24, 0);
  want[(1 * 3 + 2) * 2 + 1] = 1;
  want[(1 * 3 + 2) * 2 + 0] = 2;
  want[(3 * 3 + 2) * 2 + 1] = 3;
  want[(3 * 3 + 2) * 2 + 0] = 4;
  EXPECT_EQ(gv, want);
  array w = view(a, uint8);
  EXPECT_EQ(w.primitive().output_shapes({a})[0], (Shape{4, 3, 8}));
  // A view rebuilt without its counts (an older export) cannot name its shape.
  IndexView bare(default_stream(default_device()), {0}, {1}, {0});
  EXPECT_THROW(bare.output_shapes({a}), std::invalid_argument);
}
