// Convolutions: conv_general against a naive double-precision loop over the kernel's paths
// (unfold + GEMM in one or several chunks, 1x1 GEMM, depthwise / single-channel sums, long
// 1-channel signals split over the cores), every float dtype, strided inputs; the graph node
// (shape, dtype, parameters, laziness); transposes and convolve by small hand-worked cases; the
// checks and their messages.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "mlx/conv.h"
#include "mlx/primitives_conv.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;

namespace {

struct Case {
  Shape xs, ws;
  std::vector<int> stride, lo, hi, kdil, idil;
  int groups = 1;
  bool flip = false;
};

std::vector<float> randv(size_t n, uint32_t seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(g);
  return v;
}

size_t numel(const Shape& s) {
  size_t n = 1;
  for (auto d : s) n *= size_t(d);
  return n;
}

// The definition, in double: out[n, o..., co] = sum over taps k and group channels c of
// x[n, (o * stride - lo + k' * kdil) / idil, g * Cg + c] * w[co, k, c], k' = flipped k when
// flip, taps on padding or dilation holes skipped. Paddings here are non-negative.
std::vector<double> reference(const std::vector<double>& x, const std::vector<double>& w,
                              const Case& c, Shape& out_shape) {
  int d = int(c.xs.size()) - 2;
  int N = c.xs[0], C = c.xs[d + 1], O = c.ws[0], Cg = c.ws[d + 1], Og = O / c.groups;
  std::vector<int> S(d), K(d), D(d), OS(d);
  out_shape = {N};
  for (int i = 0; i < d; ++i) {
    S[i] = c.xs[1 + i];
    K[i] = c.ws[1 + i];
    D[i] = (S[i] - 1) * c.idil[i] + 1;
    int64_t q = (D[i] + c.lo[i] + c.hi[i] - ((K[i] - 1) * c.kdil[i] + 1)) / c.stride[i];
    OS[i] = int(q) + 1;
    out_shape.push_back(OS[i]);
  }
  out_shape.push_back(O);
  std::vector<double> out(numel(out_shape), 0.0);
  size_t npos = 1;
  for (int i = 0; i < d; ++i) npos *= size_t(OS[i]);
  size_t ntap = 1;
  for (int i = 0; i < d; ++i) ntap *= size_t(K[i]);
  for (int n = 0; n < N; ++n) {
    for (size_t pos = 0; pos < npos; ++pos) {
      std::vector<int> o(d);
      size_t r = pos;
      for (int i = d - 1; i >= 0; --i) {
        o[i] = int(r % OS[i]);
        r /= OS[i];
      }
      for (int co = 0; co < O; ++co) {
        int g = co / Og;
        double s = 0;
        for (size_t t = 0; t < ntap; ++t) {
          std::vector<int> k(d);
          size_t rt = t;
          for (int i = d - 1; i >= 0; --i) {
            k[i] = int(rt % K[i]);
            rt /= K[i];
          }
          size_t xoff = size_t(n);
          bool ok = true;
          for (int i = 0; i < d && ok; ++i) {
            int kk = c.flip ? K[i] - 1 - k[i] : k[i];
            int p = o[i] * c.stride[i] - c.lo[i] + kk * c.kdil[i];
            ok = p >= 0 && p < D[i] && p % c.idil[i] == 0;
            xoff = xoff * S[i] + size_t(ok ? p / c.idil[i] : 0);
          }
          if (!ok) continue;
          for (int ch = 0; ch < Cg; ++ch)
            s += x[xoff * C + size_t(g * Cg + ch)] * w[(size_t(co) * ntap + t) * Cg + ch];
        }
        out[((size_t(n) * npos) + pos) * O + co] = s;
      }
    }
  }
  return out;
}

void fill_defaults(Case& c) {
  size_t d = c.xs.size() - 2;
  auto dflt = [&](std::vector<int>& v, int x) {
    if (v.empty()) v.assign(d, x);
  };
  dflt(c.stride, 1);
  dflt(c.lo, 0);
  dflt(c.hi, 0);
  dflt(c.kdil, 1);
  dflt(c.idil, 1);
}

void check_case(Case c, Dtype dt, double rtol, uint32_t seed) {
  fill_defaults(c);
  auto xv = randv(numel(c.xs), seed), wv = randv(numel(c.ws), seed + 1);
  array x = astype(make(xv, c.xs), dt), w = astype(make(wv, c.ws), dt);
  // The reference reads the values the op sees (after rounding to dt).
  auto xd = to_vec<double>(astype(x, float64)), wd = to_vec<double>(astype(w, float64));
  Shape ref_shape;
  auto ref = reference(xd, wd, c, ref_shape);
  array out = conv_general(x, w, c.stride, c.lo, c.hi, c.kdil, c.idil, c.groups, c.flip);
  ASSERT_EQ(out.shape(), ref_shape);
  ASSERT_EQ(out.dtype(), dt);
  auto got = to_vec<double>(astype(out, float64));
  size_t taps = numel(c.ws) / size_t(c.ws[0]);
  for (size_t i = 0; i < ref.size(); ++i) {
    // Terms are at most 1 in magnitude: the accumulation error grows with their count.
    double tol = rtol * std::abs(ref[i]) + 4e-7 * double(taps) * (dt == float64 ? 1e-9 : 1.0);
    ASSERT_NEAR(got[i], ref[i], tol) << "element " << i << " of " << dtype_name(dt);
  }
}

}  // namespace

TEST(Conv, GeneralAgainstReference) {
  std::vector<Case> cases = {
      {{2, 13, 3}, {4, 3, 3}},
      {{2, 13, 3}, {4, 3, 3}, {2}, {1}, {2}, {2}, {1}},
      {{2, 9, 3}, {4, 3, 3}, {1}, {2}, {0}, {1}, {3}, 1, true},
      {{2, 12, 6}, {9, 3, 2}, {1}, {1}, {1}, {1}, {1}, 3},
      {{2, 20, 4}, {8, 5, 1}, {2}, {3}, {1}, {2}, {1}, 4},  // depthwise, multiplier 2
      {{2, 300, 1}, {1, 9, 1}, {3}, {5}, {2}, {2}, {1}},    // 1-channel signal
      {{1, 40000, 1}, {1, 5, 1}, {1}, {2}, {2}, {1}, {1}, 1, true},  // split over the cores
      {{2, 9, 4}, {5, 1, 4}},                                // pointwise
      {{2, 9, 8, 4}, {6, 3, 2, 4}, {2, 1}, {1, 0}, {2, 1}, {1, 2}, {1, 1}},
      {{2, 7, 6, 3}, {5, 2, 3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {2, 1}, 1, true},
      {{2, 8, 8, 4}, {4, 3, 3, 1}, {1, 1}, {1, 2}, {1, 2}, {1, 1}, {1, 1}, 4},
      {{2, 8, 8, 4}, {6, 3, 3, 2}, {2, 2}, {1, 1}, {0, 0}, {1, 1}, {1, 1}, 2, true},
      {{4, 40, 40, 32}, {16, 3, 3, 32}},  // several unfolding chunks
      {{2, 5, 6, 4, 3}, {4, 2, 3, 2, 3}, {1, 2, 1}, {1, 0, 1}, {0, 1, 2}, {2, 1, 1}, {1, 1, 2}, 1, true},
  };
  uint32_t seed = 1;
  for (auto& c : cases) {
    check_case(c, float32, 1e-5, seed += 2);
    check_case(c, float64, 1e-12, seed += 2);
  }
  for (size_t i = 0; i < cases.size(); i += 2) {
    check_case(cases[i], float16, 1e-3, seed += 2);
    check_case(cases[i], bfloat16, 8e-3, seed += 2);
  }
}

TEST(Conv, StridedInputsAndGraph) {
  // A transposed input and weight give the same result as their contiguous copies.
  auto xv = randv(2 * 9 * 6 * 3, 7), wv = randv(4 * 3 * 2 * 3, 8);
  array x = make(xv, {6, 2, 9, 3});
  array xt = transpose(x, {1, 2, 0, 3});
  array w = make(wv, {4, 2, 3, 3});
  array wt = swapaxes(w, 1, 2);
  array a = conv2d(xt, wt, {1, 1}, {1, 1});
  array b = conv2d(copy(xt), copy(wt), {1, 1}, {1, 1});
  EXPECT_EQ(a.shape(), (Shape{2, 9, 7, 4}));
  auto va = to_vec<float>(a), vb = to_vec<float>(b);
  for (size_t i = 0; i < va.size(); ++i) EXPECT_FLOAT_EQ(va[i], vb[i]);

  // The node: shape and dtype known at once, parameters normalised to one per spatial dim.
  array y = conv_general(astype(x, float16), w, {2}, {1}, {0}, {}, {});
  EXPECT_EQ(y.dtype(), float32);
  auto* p = dynamic_cast<Convolution*>(y.primitive_ptr().get());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->kernel_strides(), (std::vector<int>{2, 2}));
  EXPECT_EQ(p->padding_lo(), (std::vector<int>{1, 1}));
  EXPECT_EQ(p->padding_hi(), (std::vector<int>{0, 0}));
  EXPECT_EQ(p->kernel_dilation(), (std::vector<int>{1, 1}));
  EXPECT_EQ(p->input_dilation(), (std::vector<int>{1, 1}));
  EXPECT_EQ(p->groups(), 1);
  EXPECT_FALSE(p->flip());
  Convolution same(p->stream(), {2, 2}, {1, 1}, {0, 0}, {1, 1}, {1, 1}, 1, false);
  Convolution other(p->stream(), {2, 2}, {1, 1}, {0, 0}, {1, 1}, {1, 1}, 1, true);
  EXPECT_TRUE(p->is_equivalent(same));
  EXPECT_FALSE(p->is_equivalent(other));
}

TEST(Conv, TransposeAndConvolveByHand) {
  // conv_transpose1d of [1, 2] with kernel [1, 10, 100], stride 2: each input scatters its
  // scaled kernel at 2 * i: [1, 10, 100 + 2, 20, 200].
  array x = make(std::vector<float>{1, 2}, {1, 2, 1});
  array w = make(std::vector<float>{1, 10, 100}, {1, 3, 1});
  EXPECT_EQ(to_vec<float>(conv_transpose1d(x, w, 2)), (std::vector<float>{1, 10, 102, 20, 200}));
  // padding 1 trims one at each end; output_padding 1 adds one at the end.
  EXPECT_EQ(to_vec<float>(conv_transpose1d(x, w, 2, 1)), (std::vector<float>{10, 102, 20}));
  EXPECT_EQ(to_vec<float>(conv_transpose1d(x, w, 2, 1, 1, 1)),
            (std::vector<float>{10, 102, 20, 200}));
  // numpy.convolve([1, 2, 3], [0, 1, 0.5]).
  array a = make(std::vector<float>{1, 2, 3}), v = make(std::vector<float>{0, 1, 0.5f});
  EXPECT_EQ(to_vec<float>(convolve(a, v)), (std::vector<float>{0, 1, 2.5f, 4, 1.5f}));
  EXPECT_EQ(to_vec<float>(convolve(a, v, "same")), (std::vector<float>{1, 2.5f, 4}));
  EXPECT_EQ(to_vec<float>(convolve(a, v, "valid")), (std::vector<float>{2.5f}));
  EXPECT_EQ(to_vec<float>(convolve(v, a, "valid")), (std::vector<float>{2.5f}));
  // Even kernels centre as numpy: same of [1, 2, 3, 4] and [1, 1] is full[0:4].
  array b = make(std::vector<float>{1, 2, 3, 4}), u = make(std::vector<float>{1, 1});
  EXPECT_EQ(to_vec<float>(convolve(b, u, "same")), (std::vector<float>{1, 3, 5, 7}));
}

TEST(Conv, EmptyAndZeroSized) {
  array y = conv1d(zeros({0, 5, 3}), ones({2, 3, 3}));
  EXPECT_EQ(y.shape(), (Shape{0, 3, 2}));
  EXPECT_EQ(to_vec<float>(y).size(), 0u);
  array z = conv1d(zeros({2, 5, 0}), zeros({3, 2, 0}));
  EXPECT_EQ(z.shape(), (Shape{2, 4, 3}));
  for (float v : to_vec<float>(z)) EXPECT_EQ(v, 0.f);
  EXPECT_EQ(conv1d(ones({2, 5, 3}), zeros({0, 2, 3})).shape(), (Shape{2, 4, 0}));
}

TEST(Conv, Errors) {
  array x1 = ones({2, 9, 4}), w1 = ones({3, 3, 4});
  array x2 = ones({2, 8, 8, 4}), w2 = ones({6, 3, 3, 4});
  EXPECT_INVALID(conv1d(ones({2, 9, 4}, int32), w1), "conv1d");
  EXPECT_INVALID(conv1d(x1, astype(w1, complex64)), "conv1d");
  EXPECT_INVALID(conv1d(ones({9, 4}), w1), "conv1d");
  EXPECT_INVALID(conv2d(x2, w1), "conv2d");
  EXPECT_INVALID(conv2d(x1, w1), "conv2d");
  EXPECT_INVALID(conv2d(x2, ones({6, 3, 3, 3})), "conv2d");
  EXPECT_INVALID(conv2d(x2, ones({6, 3, 3, 1}), {1, 1}, {0, 0}, {1, 1}, 3), "conv2d");
  EXPECT_INVALID(conv2d(x2, ones({3, 3, 3, 2}), {1, 1}, {0, 0}, {1, 1}, 2), "conv2d");
  EXPECT_INVALID(conv2d(x2, ones({4, 3, 3, 1}), {1, 1}, {0, 0}, {1, 1}, 2), "conv2d");
  EXPECT_INVALID(conv3d(ones({1, 4, 4, 4, 4}), ones({2, 2, 2, 2, 2}), {1, 1, 1}, {0, 0, 0},
                        {1, 1, 1}, 2),
                 "conv3d");
  EXPECT_INVALID(conv1d(x1, w1, 1, 0, 1, 0), "conv1d");
  EXPECT_INVALID(conv1d(x1, w1, 0), "conv1d");
  EXPECT_INVALID(conv1d(x1, w1, 1, 0, 0), "conv1d");
  EXPECT_INVALID(conv_general(x2, w2, {}, {}, {}, {}, {0}), "conv_general");
  EXPECT_INVALID(conv_general(x2, w2, {1, 2, 3}), "conv_general");
  EXPECT_INVALID(conv1d(ones({1, 3, 2}), ones({2, 5, 2})), "conv1d");
  EXPECT_INVALID(conv_transpose2d(x2, ones({6, 3, 3, 3})), "conv_transpose2d");
  EXPECT_INVALID(convolve(ones({2, 3}), ones({3})), "convolve");
  EXPECT_INVALID(convolve(zeros({0}), ones({3})), "convolve");
  EXPECT_INVALID(convolve(ones({3}), ones({3}), "middle"), "convolve");
  EXPECT_INVALID(convolve(ones({3}, int32), ones({3})), "convolve");
}
