// mx.linalg engine tests: hand-worked values, identities checked with naive loops in double
// (reconstruction, orthogonality, triangularity), batched and strided inputs, size-0 matrices,
// evaluation errors for singular matrices and the argument errors ("[linalg.<name>]").
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>

#include "mlx/linalg.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

// Deterministic values in [-1, 1).
std::vector<double> randv(size_t n, uint32_t seed) {
  std::vector<double> out(n);
  uint32_t s = seed * 2654435761u + 12345u;
  for (auto& x : out) {
    s = s * 1664525u + 1013904223u;
    x = double(s) / 2147483648.0 - 1.0;
  }
  return out;
}

template <typename T>
array rand_arr(Shape shape, uint32_t seed) {
  auto v = randv(shape_size(shape), seed);
  std::vector<T> t(v.begin(), v.end());
  return make(t, shape);
}

// Row-major matrices in double, one per batch entry.
template <typename T>
std::vector<std::vector<double>> mats(const array& a) {
  auto v = to_vec<T>(a);
  size_t r = a.shape(-2), c = a.shape(-1), n = r * c;
  std::vector<std::vector<double>> out;
  for (size_t b = 0; n && b < v.size() / n; ++b)
    out.emplace_back(v.begin() + b * n, v.begin() + (b + 1) * n);
  return out;
}

std::vector<double> mul(const std::vector<double>& x, const std::vector<double>& y, int m, int k,
                        int n) {
  std::vector<double> z(size_t(m) * n, 0.0);
  for (int i = 0; i < m; ++i)
    for (int p = 0; p < k; ++p)
      for (int j = 0; j < n; ++j) z[i * n + j] += x[i * k + p] * y[p * n + j];
  return z;
}

double max_diff(const std::vector<double>& x, const std::vector<double>& y) {
  EXPECT_EQ(x.size(), y.size());
  double d = 0;
  for (size_t i = 0; i < x.size(); ++i) d = std::max(d, std::abs(x[i] - y[i]));
  return d;
}

std::vector<double> eye_v(int n) {
  std::vector<double> e(size_t(n) * n, 0.0);
  for (int i = 0; i < n; ++i) e[i * n + i] = 1;
  return e;
}

std::vector<double> transpose_v(const std::vector<double>& x, int r, int c) {
  std::vector<double> t(x.size());
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < c; ++j) t[j * r + i] = x[i * c + j];
  return t;
}

// A well-conditioned batch: random + n I.
template <typename T>
array well_cond(Shape shape, uint32_t seed) {
  int n = shape.back();
  return add(rand_arr<T>(shape, seed), multiply(eye(n, TypeToDtype<T>::value), array(T(n))));
}

template <typename E, typename F>
::testing::AssertionResult eval_throws(F&& f, const std::string& msg) {
  try {
    f();
  } catch (const E& e) {
    if (std::string(e.what()) == msg) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "message '" << e.what() << "' != '" << msg << "'";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "wrong exception type: " << e.what();
  }
  return ::testing::AssertionFailure() << "no exception";
}

}  // namespace

TEST(Linalg, InvHandWorkedAndBatched) {
  array a = make(std::vector<double>{4, 7, 2, 6}, {2, 2});
  auto inv = to_vec<double>(linalg::inv(a));
  std::vector<double> ref{0.6, -0.7, -0.2, 0.4};
  EXPECT_LT(max_diff(inv, ref), 1e-15);
  // A batch of float32 matrices (a broadcast view of one, and distinct ones): A A^-1 = I.
  for (const array& x :
       {well_cond<float>({5, 6, 6}, 3), broadcast_to(well_cond<float>({6, 6}, 4), {3, 6, 6})}) {
    auto am = mats<float>(x), im = mats<float>(linalg::inv(x));
    ASSERT_EQ(am.size(), im.size());
    for (size_t b = 0; b < am.size(); ++b)
      EXPECT_LT(max_diff(mul(am[b], im[b], 6, 6, 6), eye_v(6)), 1e-5);
  }
  // A transposed view.
  array t = transpose(make(std::vector<double>{4, 7, 2, 6}, {2, 2}));
  EXPECT_LT(max_diff(to_vec<double>(linalg::inv(t)), transpose_v(ref, 2, 2)), 1e-15);
  EXPECT_EQ(linalg::inv(zeros({2, 0, 0})).shape(), (Shape{2, 0, 0}));
}

TEST(Linalg, InvErrors) {
  EXPECT_INVALID(linalg::inv(zeros({3})), "linalg.inv");
  EXPECT_INVALID(linalg::inv(zeros({2, 3})), "linalg.inv");
  EXPECT_INVALID(linalg::inv(zeros({2, 2}, int32)), "linalg.inv");
  EXPECT_INVALID(linalg::tri_inv(zeros({2, 2}, complex64)), "linalg.tri_inv");
  array s = make(std::vector<float>{1, 2, 2, 4}, {2, 2});
  EXPECT_TRUE(eval_throws<std::runtime_error>(
      [&] { linalg::inv(s).eval(); },
      "[linalg.inv] LU factorization failed with error code 2: the matrix is singular."));
  array z = make(std::vector<double>{1, 0, 5, 0}, {2, 2});
  EXPECT_TRUE(eval_throws<std::runtime_error>(
      [&] { linalg::tri_inv(z).eval(); },
      "[linalg.tri_inv] Triangular inversion failed with error code 2: the matrix is singular."));
}

TEST(Linalg, TriInvReadsOneTriangle) {
  // Lower: [[2, x], [1, 4]] -> [[0.5, 0], [-0.125, 0.25]] whatever x is.
  array a = make(std::vector<double>{2, 99, 1, 4}, {2, 2});
  EXPECT_LT(max_diff(to_vec<double>(linalg::tri_inv(a, false)), {0.5, 0, -0.125, 0.25}), 1e-15);
  // Upper: [[2, 99], [y, 4]] -> [[0.5, -99/8], [0, 0.25]].
  EXPECT_LT(max_diff(to_vec<double>(linalg::tri_inv(a, true)), {0.5, -99.0 / 8, 0, 0.25}), 1e-15);
}

TEST(Linalg, CholeskyAndInverse) {
  array a = make(std::vector<double>{4, 2, 2, 3}, {2, 2});
  EXPECT_LT(max_diff(to_vec<double>(linalg::cholesky(a)), {2, 0, 1, std::sqrt(2.0)}), 1e-15);
  EXPECT_LT(max_diff(to_vec<double>(linalg::cholesky(a, true)), {2, 1, 0, std::sqrt(2.0)}), 1e-15);
  // cholesky_inv(L) = a^-1 = [[3, -2], [-2, 4]] / 8.
  std::vector<double> ainv{3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8};
  EXPECT_LT(max_diff(to_vec<double>(linalg::cholesky_inv(linalg::cholesky(a))), ainv), 1e-15);
  EXPECT_LT(max_diff(to_vec<double>(linalg::cholesky_inv(linalg::cholesky(a, true), true)), ainv),
            1e-15);
  // Batched float32: L L^T = A.
  array b = rand_arr<float>({4, 5, 5}, 9);
  array spd = add(matmul(b, swapaxes(b, -1, -2)), multiply(eye(5), array(5.0f)));
  auto am = mats<float>(spd), lm = mats<float>(linalg::cholesky(spd));
  for (size_t k = 0; k < am.size(); ++k) {
    for (int i = 0; i < 5; ++i)
      for (int j = i + 1; j < 5; ++j) EXPECT_EQ(lm[k][i * 5 + j], 0.0);
    EXPECT_LT(max_diff(mul(lm[k], transpose_v(lm[k], 5, 5), 5, 5, 5), am[k]), 1e-4);
  }
  EXPECT_INVALID(linalg::cholesky(zeros({2, 3})), "linalg.cholesky");
  EXPECT_INVALID(linalg::cholesky_inv(zeros({2, 2}, float16)), "linalg.cholesky_inv");
}

TEST(Linalg, QrIdentities) {
  for (Shape shape : {Shape{5, 3}, Shape{3, 5}, Shape{2, 4, 4}}) {
    array a = rand_arr<double>(shape, 11);
    auto [q, r] = linalg::qr(a);
    int m = shape[shape.size() - 2], n = shape.back(), k = std::min(m, n);
    EXPECT_EQ(q.shape().back(), k);
    EXPECT_EQ(r.shape()[r.ndim() - 2], k);
    auto am = mats<double>(a), qm = mats<double>(q), rm = mats<double>(r);
    for (size_t b = 0; b < am.size(); ++b) {
      EXPECT_LT(max_diff(mul(qm[b], rm[b], m, k, n), am[b]), 1e-13);
      EXPECT_LT(max_diff(mul(transpose_v(qm[b], m, k), qm[b], k, m, k), eye_v(k)), 1e-13);
      for (int i = 0; i < k; ++i)
        for (int j = 0; j < std::min(i, n); ++j) EXPECT_EQ(rm[b][i * n + j], 0.0);
    }
  }
  EXPECT_INVALID(linalg::qr(zeros({2, 2}, int32)), "linalg.qr");
  EXPECT_INVALID(linalg::qr(zeros({2})), "linalg.qr");
}

TEST(Linalg, SvdIdentitiesAndValues) {
  // [[3, 0], [4, 5]] has singular values sqrt(45) and sqrt(5).
  array a = make(std::vector<double>{3, 0, 4, 5}, {2, 2});
  auto s = to_vec<double>(linalg::svd(a, false)[0]);
  EXPECT_NEAR(s[0], std::sqrt(45.0), 1e-14);
  EXPECT_NEAR(s[1], std::sqrt(5.0), 1e-14);
  for (Shape shape : {Shape{4, 3}, Shape{3, 4}, Shape{2, 3, 3}}) {
    array x = rand_arr<double>(shape, 5);
    auto out = linalg::svd(x);
    ASSERT_EQ(out.size(), 3u);
    int m = shape[shape.size() - 2], n = shape.back(), k = std::min(m, n);
    auto xm = mats<double>(x), um = mats<double>(out[0]), vm = mats<double>(out[2]);
    auto sv = to_vec<double>(out[1]);
    for (size_t b = 0; b < xm.size(); ++b) {
      std::vector<double> us(size_t(m) * n, 0.0);  // U[:, :k] diag(S) Vt[:k]
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j)
          for (int p = 0; p < k; ++p)
            us[i * n + j] += um[b][i * m + p] * sv[b * k + p] * vm[b][p * n + j];
      EXPECT_LT(max_diff(us, xm[b]), 1e-13);
      EXPECT_LT(max_diff(mul(transpose_v(um[b], m, m), um[b], m, m, m), eye_v(m)), 1e-13);
      EXPECT_LT(max_diff(mul(vm[b], transpose_v(vm[b], n, n), n, n, n), eye_v(n)), 1e-13);
      for (int p = 0; p + 1 < k; ++p) EXPECT_GE(sv[b * k + p], sv[b * k + p + 1]);
    }
  }
  // complex64: S is float32.
  auto c = linalg::svd(astype(rand_arr<float>({3, 3}, 2), complex64));
  EXPECT_EQ(c[1].dtype(), float32);
  EXPECT_EQ(c[0].dtype(), complex64);
  EXPECT_INVALID(linalg::svd(zeros({3})), "linalg.svd");
  EXPECT_INVALID(linalg::svd(zeros({2, 2}, int32)), "linalg.svd");
}

TEST(Linalg, EigAndEigh) {
  // [[2, 1], [1, 2]]: eigenvalues 1 and 3.
  array a = make(std::vector<float>{2, 1, 1, 2}, {2, 2});
  auto w = to_vec<float>(linalg::eigvalsh(a));
  EXPECT_NEAR(w[0], 1.0f, 1e-6);
  EXPECT_NEAR(w[1], 3.0f, 1e-6);
  auto [wv, vv] = linalg::eigh(a, "U");
  auto v = to_vec<float>(vv);
  for (int c = 0; c < 2; ++c) {  // A v = w v, column c
    float l = to_vec<float>(wv)[c];
    EXPECT_NEAR(2 * v[c] + v[2 + c], l * v[c], 1e-5);
    EXPECT_NEAR(v[c] + 2 * v[2 + c], l * v[2 + c], 1e-5);
  }
  // A rotation by 90 degrees: eigenvalues +-i, complex64 output for float64 input.
  array r = make(std::vector<double>{0, -1, 1, 0}, {2, 2});
  auto [ew, ev] = linalg::eig(r);
  EXPECT_EQ(ew.dtype(), complex64);
  auto e = to_vec<complex64_t>(ew);
  auto V = to_vec<complex64_t>(ev);
  for (int c = 0; c < 2; ++c) {
    EXPECT_NEAR(std::abs(e[c]), 1.0f, 1e-6);
    EXPECT_NEAR(e[c].real(), 0.0f, 1e-6);
    // R v = l v: (-v1, v0) = l (v0, v1)
    EXPECT_LT(std::abs(-V[2 + c] - e[c] * V[c]), 1e-6);
    EXPECT_LT(std::abs(V[c] - e[c] * V[2 + c]), 1e-6);
  }
  // complex64 input: right eigenvectors of a non-Hermitian matrix.
  std::vector<complex64_t> cm{{1, 1}, {2, 0}, {0, -1}, {3, 2}};
  array ca = make(cm, {2, 2});
  auto [cw, cv] = linalg::eig(ca);
  auto W = to_vec<complex64_t>(cw), CV = to_vec<complex64_t>(cv);
  for (int c = 0; c < 2; ++c) {
    complex64_t r0 = cm[0] * CV[c] + cm[1] * CV[2 + c], r1 = cm[2] * CV[c] + cm[3] * CV[2 + c];
    EXPECT_LT(std::abs(r0 - W[c] * CV[c]), 1e-5);
    EXPECT_LT(std::abs(r1 - W[c] * CV[2 + c]), 1e-5);
  }
  EXPECT_INVALID(linalg::eigh(a, "X"), "linalg.eigh");
  EXPECT_INVALID(linalg::eigvals(zeros({2, 3})), "linalg.eigvals");
  EXPECT_INVALID(linalg::eigvalsh(zeros({2, 2}, int32)), "linalg.eigvalsh");
}

TEST(Linalg, LuAndLuFactor) {
  array a = make(std::vector<float>{3, 1, 2, 1, 8, 6, 9, 2, 5}, {3, 3});
  auto p = linalg::lu(a);
  EXPECT_EQ(to_vec<uint32_t>(p[0]), (std::vector<uint32_t>{2, 1, 0}));
  auto [lu, piv] = linalg::lu_factor(a);
  EXPECT_EQ(to_vec<uint32_t>(piv), (std::vector<uint32_t>{2, 1, 2}));
  auto L = to_vec<float>(p[1]), U = to_vec<float>(p[2]), A = to_vec<float>(a);
  auto P = to_vec<uint32_t>(p[0]);
  // A[i] = (L U)[P[i]]
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += L[P[i] * 3 + k] * U[k * 3 + j];
      EXPECT_NEAR(s, A[i * 3 + j], 1e-5);
    }
  // Non-square, batched.
  array b = rand_arr<double>({2, 4, 3}, 8);
  auto q = linalg::lu(b);
  EXPECT_EQ(q[1].shape(), (Shape{2, 4, 3}));
  EXPECT_EQ(q[2].shape(), (Shape{2, 3, 3}));
  EXPECT_INVALID(linalg::lu(zeros({2, 2}, int32)), "linalg.lu");
  EXPECT_INVALID(linalg::lu_factor(zeros({2})), "linalg.lu_factor");
}

TEST(Linalg, SolveAndSolveTriangular) {
  array a = make(std::vector<double>{3, 1, 2, 1, 8, 6, 9, 2, 5}, {3, 3});
  array b = make(std::vector<double>{11, 35, 28});
  EXPECT_LT(max_diff(to_vec<double>(linalg::solve(a, b)), {1, 2, 3}), 1e-13);
  array lo = make(std::vector<double>{4, 0, 0, 2, 3, 0, 1, -2, 5}, {3, 3});
  EXPECT_LT(
      max_diff(to_vec<double>(linalg::solve_triangular(lo, make(std::vector<double>{8, 14, 3}))),
               {2, 10.0 / 3, 23.0 / 15}),
      1e-14);
  // Batched, broadcast, several right-hand sides: A X = B.
  array A = well_cond<float>({3, 1, 4, 4}, 21), B = rand_arr<float>({2, 4, 5}, 22);
  array X = linalg::solve(A, B);
  EXPECT_EQ(X.shape(), (Shape{3, 2, 4, 5}));
  array R = subtract(matmul(A, X), broadcast_to(B, X.shape()));
  for (float v : to_vec<float>(R)) EXPECT_LT(std::abs(v), 1e-5);
  EXPECT_EQ(linalg::solve(A, rand_arr<float>({4}, 23)).shape(), (Shape{3, 1, 4}));
  EXPECT_INVALID(linalg::solve(zeros({3, 3}, int32), zeros({3})), "linalg.solve");
  EXPECT_INVALID(linalg::solve(zeros({3, 3}), zeros({2})), "linalg.solve");
  EXPECT_INVALID(linalg::solve_triangular(zeros({3, 2}), zeros({3})), "linalg.solve_triangular");
  array s = make(std::vector<float>{1, 2, 2, 4}, {2, 2});
  EXPECT_TRUE(eval_throws<std::runtime_error>(
      [&] { linalg::solve(s, zeros({2})).eval(); },
      "[linalg.solve] LU factorization failed with error code 2: the matrix is singular."));
}

TEST(Linalg, DetAndSlogdet) {
  EXPECT_NEAR(linalg::det(make(std::vector<float>{1, 2, 3, 4}, {2, 2})).item<float>(), -2.0f, 1e-6);
  // Integer input gives float32; 4x4 goes through LU.
  array d4 = make(std::vector<int32_t>{2, 1, 0, 0, 1, 3, 1, 0, 0, 1, 4, 1, 0, 0, 1, 5}, {4, 4});
  array det4 = linalg::det(d4);
  EXPECT_EQ(det4.dtype(), float32);
  EXPECT_NEAR(det4.item<float>(), 85.0f, 1e-4);  // tridiagonal: by cofactor recursion
  auto [sg, ld] = linalg::slogdet(astype(d4, float64));
  EXPECT_EQ(sg.item<double>(), 1.0);
  EXPECT_NEAR(ld.item<double>(), std::log(85.0), 1e-14);
  // A permutation of rows flips the sign.
  array p = make(std::vector<double>{0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 4}, {4, 4});
  EXPECT_NEAR(linalg::det(p).item<double>(), -8.0, 1e-14);  // sign * exp(log|det|), as MLX
  // Exactly singular.
  array z = make(std::vector<double>{1, 2, 3, 4, 1, 2, 3, 4, 0, 1, 0, 1, 5, 0, 2, 1}, {4, 4});
  auto [zs, zl] = linalg::slogdet(z);
  EXPECT_EQ(zs.item<double>(), 0.0);
  EXPECT_EQ(zl.item<double>(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(linalg::det(zeros({0, 0})).item<float>(), 1.0f);
  EXPECT_INVALID(linalg::det(zeros({2, 2}, complex64)), "linalg.det");
  EXPECT_INVALID(linalg::slogdet(zeros({2, 3})), "linalg.slogdet");
}

TEST(Linalg, NormAndCross) {
  array a = make(std::vector<float>{-4, -3, -2, -1, 0, 1, 2, 3, 4}, {3, 3});
  EXPECT_NEAR(linalg::norm(a).item<float>(), std::sqrt(60.0f), 1e-5);
  EXPECT_NEAR(linalg::norm(a, 1.0).item<float>(), 7.0f, 1e-6);
  EXPECT_NEAR(linalg::norm(a, -1.0).item<float>(), 6.0f, 1e-6);
  EXPECT_NEAR(linalg::norm(a, std::numeric_limits<double>::infinity()).item<float>(), 9.0f, 1e-6);
  EXPECT_NEAR(linalg::norm(a, std::string("fro")).item<float>(), std::sqrt(60.0f), 1e-5);
  // Rank 2 with singular values sqrt(30) +- ... : nuc = sum, 2 = largest (via its svd).
  auto s = to_vec<float>(linalg::svd(a, false)[0]);
  EXPECT_NEAR(linalg::norm(a, std::string("nuc")).item<float>(), s[0] + s[1] + s[2], 1e-5);
  EXPECT_NEAR(linalg::norm(a, 2.0).item<float>(), s[0], 1e-5);
  EXPECT_NEAR(linalg::norm(a, -2.0).item<float>(), s[2], 1e-5);
  EXPECT_EQ(linalg::norm(a, 1.0, std::vector<int>{0, 1}, true).shape(), (Shape{1, 1}));
  EXPECT_OUT_OF_RANGE(linalg::norm(a, 1.0, std::vector<int>{0, 2}), "linalg.norm");
  EXPECT_INVALID(linalg::norm(a, 3.0, std::vector<int>{0, 1}), "linalg.norm");
  EXPECT_INVALID(linalg::norm(a, std::string("x")), "linalg.norm");
  auto c = to_vec<int32_t>(
      linalg::cross(make(std::vector<int32_t>{1, 2, 3}), make(std::vector<int32_t>{4, 5, 6})));
  EXPECT_EQ(c, (std::vector<int32_t>{-3, 6, -3}));
  EXPECT_OUT_OF_RANGE(linalg::cross(zeros({3}), zeros({3}), 1), "linalg.cross");
  EXPECT_INVALID(linalg::cross(zeros({4}), zeros({4})), "linalg.cross");
}

TEST(Linalg, PinvMatchesInverseForSquare) {
  array a = well_cond<double>({2, 4, 4}, 31);
  EXPECT_LT(max_diff(to_vec<double>(linalg::pinv(a)), to_vec<double>(linalg::inv(a))), 1e-12);
  // Tall full-rank: pinv(A) A = I.
  array t = rand_arr<double>({5, 3}, 32);
  auto pm = to_vec<double>(linalg::pinv(t)), tm = to_vec<double>(t);
  EXPECT_LT(max_diff(mul(pm, tm, 3, 5, 3), eye_v(3)), 1e-12);
  EXPECT_EQ(linalg::pinv(zeros({3, 0})).shape(), (Shape{0, 3}));
  EXPECT_INVALID(linalg::pinv(zeros({2, 2}, int32)), "linalg.pinv");
}
