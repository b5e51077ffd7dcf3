// Contractions and products: tensordot, kron, einsum (against loops), einsum_path's greedy
// order, hadamard_transform (against the dense Sylvester matrix, and its m = 12/20/28
// orthogonality), gather_mm and segmented_mm against loops, and errors naming the op.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "mlx/ops_contract.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

array seq(Shape shape, float scale = 0.25f, int mod = 7) {
  size_t n = 1;
  for (auto d : shape) n *= size_t(d);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = float(int(i % mod) - mod / 2) * scale;
  return array(v.data(), shape, float32);
}

void expect_near(const std::vector<float>& got, const std::vector<float>& exp, float tol = 1e-4f) {
  ASSERT_EQ(got.size(), exp.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], exp[i], tol) << "at " << i;
}

}  // namespace

TEST(ContractOps, TensordotMatchesLoops) {
  array a = seq({3, 4, 5}), b = seq({5, 4, 2}, 0.5f, 5);
  array r = tensordot(a, b, {1, 2}, {1, 0});
  auto A = to_vec<float>(a), B = to_vec<float>(b);
  std::vector<float> exp(6, 0.f);
  for (int i = 0; i < 3; ++i)
    for (int l = 0; l < 2; ++l)
      for (int j = 0; j < 4; ++j)
        for (int k = 0; k < 5; ++k) exp[i * 2 + l] += A[i * 20 + j * 5 + k] * B[k * 8 + j * 2 + l];
  EXPECT_EQ(r.shape(), (Shape{3, 2}));
  expect_near(to_vec<float>(r), exp);
  EXPECT_THROW(tensordot(a, b, {7}, {0}), std::out_of_range);
  EXPECT_THROW(tensordot(a, b, -1), std::invalid_argument);
}

TEST(ContractOps, KronAndOuter) {
  array a = array(std::vector<float>{1, 2, 3, 4}.data(), {2, 2}, float32);
  array b = array(std::vector<float>{0, 1, 1, 0}.data(), {2, 2}, float32);
  expect_near(to_vec<float>(kron(a, b)), {0, 1, 0, 2, 1, 0, 2, 0, 0, 3, 0, 4, 3, 0, 4, 0});
  expect_near(to_vec<float>(outer(a, b)), {0, 1, 1, 0, 0, 2, 2, 0, 0, 3, 3, 0, 0, 4, 4, 0});
  EXPECT_THROW(kron(zeros({0}), a), std::invalid_argument);
}

TEST(ContractOps, EinsumAgainstLoops) {
  array a = seq({3, 4}), b = seq({4, 5}, 0.5f, 5), c = seq({5, 2}, 0.125f, 3);
  auto A = to_vec<float>(a), B = to_vec<float>(b), C = to_vec<float>(c);
  std::vector<float> exp(6, 0.f);
  for (int i = 0; i < 3; ++i)
    for (int l = 0; l < 2; ++l)
      for (int j = 0; j < 4; ++j)
        for (int k = 0; k < 5; ++k) exp[i * 2 + l] += A[i * 4 + j] * B[j * 5 + k] * C[k * 2 + l];
  expect_near(to_vec<float>(einsum("ij,jk,kl->il", {a, b, c})), exp);
  // Trace and diagonal through repeated subscripts.
  array sq = seq({4, 4});
  auto S = to_vec<float>(sq);
  float tr = 0;
  for (int i = 0; i < 4; ++i) tr += S[i * 5];
  expect_near(to_vec<float>(einsum("ii", {sq})), {tr});
  expect_near(to_vec<float>(einsum("ii->i", {sq})), {S[0], S[5], S[10], S[15]});
  EXPECT_THROW(einsum("ij,jk", {a}), std::invalid_argument);
  EXPECT_THROW(einsum("ii", {a}), std::invalid_argument);
}

TEST(ContractOps, EinsumPathGreedy) {
  auto [path, text] = einsum_path("ab,bc,cd,de->ae",
                                  {zeros({2, 30}), zeros({30, 4}), zeros({4, 50}), zeros({50, 2})});
  ASSERT_EQ(path.size(), 3u);
  // numpy's einsum_path(optimize='greedy') for these shapes: (2, 3), (0, 1), (0, 1).
  EXPECT_EQ(path[0], (std::vector<int>{2, 3}));
  EXPECT_EQ(path[1], (std::vector<int>{0, 1}));
  EXPECT_EQ(path[2], (std::vector<int>{0, 1}));
  EXPECT_NE(text.find("  Complete contraction:  ab,bc,cd,de->ae\n"), std::string::npos);
}

TEST(ContractOps, HadamardSylvesterAndOrthogonal) {
  for (int n : {2, 8, 32}) {
    array x = seq({2, n});
    auto X = to_vec<float>(x);
    auto got = to_vec<float>(hadamard_transform(x, 1.f));
    std::vector<float> exp(2 * n, 0.f);
    for (int r = 0; r < 2; ++r)
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
          exp[r * n + i] += (__builtin_popcount(i & j) % 2 ? -1.f : 1.f) * X[r * n + j];
    expect_near(got, exp, 1e-3f);
  }
  // Orthonormal for n = m * 2^k: the norm of each row is kept, and H (H x) = n x with scale 1.
  for (int n : {12, 20, 28, 24, 40, 112}) {
    array x = seq({3, n});
    array y = hadamard_transform(x);
    expect_near(to_vec<float>(sum(square(y), std::vector<int>{1})),
                to_vec<float>(sum(square(x), std::vector<int>{1})), 1e-3f);
  }
  EXPECT_THROW(hadamard_transform(seq({2, 6})), std::invalid_argument);
  EXPECT_THROW(hadamard_transform(zeros({0, 4})), std::invalid_argument);
}

TEST(ContractOps, GatherAndSegmentedMM) {
  array a = seq({3, 2, 4}), b = seq({2, 4, 3}, 0.5f, 5);
  int li[] = {2, 0}, ri[] = {1, 1};
  array r = gather_mm(a, b, array(li, {2}, int32), array(ri, {2}, int32));
  auto A = to_vec<float>(a), B = to_vec<float>(b);
  std::vector<float> exp(12, 0.f);
  for (int g = 0; g < 2; ++g)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 4; ++k)
          exp[g * 6 + i * 3 + j] += A[li[g] * 8 + i * 4 + k] * B[ri[g] * 12 + k * 3 + j];
  expect_near(to_vec<float>(r), exp);
  array a2 = seq({2, 5}), b2 = seq({5, 2}, 0.5f, 3);
  int segs[] = {0, 2, 2, 5};
  auto R = to_vec<float>(segmented_mm(a2, b2, array(segs, {2, 2}, int32)));
  auto A2 = to_vec<float>(a2), B2 = to_vec<float>(b2);
  std::vector<float> e2(8, 0.f);
  for (int s = 0; s < 2; ++s)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        for (int k = segs[2 * s]; k < segs[2 * s + 1]; ++k)
          e2[s * 4 + i * 2 + j] += A2[i * 5 + k] * B2[k * 2 + j];
  expect_near(R, e2);
}
