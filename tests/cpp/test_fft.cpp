// mx.fft: every kernel table (baseline and AVX2) against a naive DFT in double over lengths
// that reach each algorithm (Direct radices 2/3/4/5 and generic primes, FourStep, Bluestein in
// lanes and per line, real even and odd), batches, strided / padded / missing lines; then the
// ops: axes, lengths (padding and truncation), norms, dtypes, strided inputs, shifts,
// frequencies, empty arrays and every error.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>

#include "mlx/backend/cpu/fft_plan.h"
#include "mlx/fft.h"
#include "test_util.h"

using namespace mlx::core;
using namespace mlx_test;
namespace F = mlx::core::cpu::fft;
using cd = std::complex<double>;

namespace {

// Kernel tables this CPU can run.
std::vector<const F::Kernels*> tables() {
  std::vector<const F::Kernels*> out{&F::isa_generic::table};
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) out.push_back(&F::isa_avx2::table);
  return out;
}

// Unnormalised DFT of x (sign -1 forward, +1 inverse), twiddles indexed exactly by jk mod n.
std::vector<cd> dft(const std::vector<cd>& x, int sign) {
  const size_t n = x.size();
  std::vector<cd> w(n), y(n);
  for (size_t k = 0; k < n; ++k) {
    double a = 2.0 * std::numbers::pi * double(k) / double(n);
    w[k] = cd(std::cos(a), sign * std::sin(a));
  }
  for (size_t k = 0; k < n; ++k) {
    cd acc = 0;
    size_t e = 0;
    for (size_t j = 0; j < n; ++j, e = (e + k) % n) acc += x[j] * w[e];
    y[k] = acc;
  }
  return y;
}

// Radix-2 reference for long power-of-two lines (naive would take minutes).
void fft2_ref(std::vector<cd>& x, int sign) {
  const size_t n = x.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(x[i], x[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1)
    for (size_t i = 0; i < n; i += len)
      for (size_t k = 0; k < len / 2; ++k) {
        double a = 2.0 * std::numbers::pi * double(k) / double(len);
        cd w(std::cos(a), sign * std::sin(a));
        cd u = x[i + k], v = x[i + k + len / 2] * w;
        x[i + k] = u + v;
        x[i + k + len / 2] = u - v;
      }
}

std::vector<cd> reference(const std::vector<cd>& x, int sign) {
  size_t n = x.size();
  if (n > 4096 && (n & (n - 1)) == 0) {
    auto y = x;
    fft2_ref(y, sign);
    return y;
  }
  return dft(x, sign);
}

// max |got - ref| in units of eps32 * (log2 n + 1) * rms(ref): the normwise error bound of
// a float FFT is a small multiple of this.
template <typename Got>
double err_units(const Got& got, const std::vector<cd>& ref, double n) {
  double m = 0, rms = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    m = std::max(m, std::abs(cd(got[i]) - ref[i]));
    rms += std::norm(ref[i]);
  }
  rms = std::sqrt(rms / double(std::max<size_t>(ref.size(), 1)));
  if (rms == 0) return m == 0 ? 0 : 1e30;
  return m / (rms * (std::log2(n) + 1) * std::ldexp(1.0, -24));
}

std::vector<F::cf> random_cf(size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d;
  std::vector<F::cf> v(n);
  for (auto& x : v) x = {d(g), d(g)};
  return v;
}

constexpr double kTol = 4.0;  // measured worst: 1.3

const std::vector<int64_t> kLengths = {1,  2,   3,   4,   5,   6,   7,    8,    9,    11,   12,   13,   16,  17,
                                       25, 27,  32,  49,  60,  61,  64,   67,   97,   100,  128,  194,  256, 360,
                                       512, 1000, 1024, 1031, 2048, 4096, 4099, 8192, 10007, 65536};

}  // namespace

TEST(FFTPlan, AlgorithmPerLength) {
  auto p = F::get_plan(1024);
  EXPECT_TRUE(p->direct && p->four);
  EXPECT_EQ(p->n1 * p->n2, 1024);
  p = F::get_plan(17);  // a generic radix pass
  EXPECT_TRUE(p->direct && !p->four && !p->blue);
  ASSERT_EQ(p->passes.size(), 1u);
  EXPECT_EQ(p->passes[0].p, 17);
  p = F::get_plan(97);  // prime above kMaxRadix: Bluestein in lanes
  EXPECT_TRUE(p->blue && !p->direct && p->lanes());
  EXPECT_GE(p->m, 2 * 97 - 1);
  p = F::get_plan(10007);  // Bluestein per line, its length-m FFTs FourStep
  EXPECT_TRUE(p->blue && !p->lanes());
  EXPECT_TRUE(p->pm->four);
  p = F::get_plan(1 << 20);
  EXPECT_TRUE(p->four && !p->direct);
  EXPECT_EQ(F::get_plan(1 << 20).get(), p.get());  // cached
}

TEST(FFTKernels, ComplexAgainstNaive) {
  for (int64_t n : kLengths)
    for (int64_t count : {1, 3, 8, 13}) {
      if ((n > 2048 && count > 1) || (n > 256 && count > 8)) continue;
      auto P = F::get_plan(n);
      auto x = random_cf(size_t(n * count), unsigned(n * 7 + count));
      std::vector<F::cf> y(x.size());
      F::Lines L;
      L.inner = count;
      L.inner_stride = n;
      L.len = n;
      for (bool fwd : {true, false}) {
        std::vector<std::vector<cd>> refs;
        for (int64_t l = 0; l < count; ++l) {
          std::vector<cd> xl(n);
          for (int64_t j = 0; j < n; ++j) xl[j] = cd(x[l * n + j].re, x[l * n + j].im);
          refs.push_back(reference(xl, fwd ? -1 : 1));
        }
        for (auto* K : tables()) {
          K->c2c(*P, x.data(), false, L, y.data(), L, count, fwd, 1.0f);
          for (int64_t l = 0; l < count; ++l) {
            std::vector<cd> got(n);
            for (int64_t j = 0; j < n; ++j) got[j] = cd(y[l * n + j].re, y[l * n + j].im);
            double e = err_units(got, refs[l], double(n));
            ASSERT_LE(e, kTol) << K->isa << " n=" << n << " count=" << count << " fwd=" << fwd << " line " << l;
          }
        }
      }
    }
}

TEST(FFTKernels, RealAgainstNaive) {
  for (int64_t n : kLengths)
    for (int64_t count : {1, 9}) {
      if (n > 2048 && count > 1) continue;
      const int64_t h = n / 2;
      auto R = F::get_real_plan(n);
      std::mt19937 g(unsigned(n + count));
      std::normal_distribution<float> d;
      std::vector<float> x(size_t(n * count)), back(x.size());
      for (auto& v : x) v = d(g);
      std::vector<std::vector<cd>> refs;
      for (int64_t l = 0; l < count; ++l) {
        std::vector<cd> xl(n);
        for (int64_t j = 0; j < n; ++j) xl[j] = x[l * n + j];
        refs.push_back(reference(xl, -1));
        refs.back().resize(h + 1);
      }
      for (auto* K : tables()) {
        std::vector<F::cf> y(size_t((h + 1) * count));
        F::Lines S, D;
        S.inner = D.inner = count;
        S.inner_stride = n;
        S.len = n;
        D.inner_stride = h + 1;
        K->r2c(*R, x.data(), S, y.data(), D, count, 1.0f);
        for (int64_t l = 0; l < count; ++l) {
          std::vector<cd> got(h + 1);
          for (int64_t k = 0; k <= h; ++k) got[k] = cd(y[l * (h + 1) + k].re, y[l * (h + 1) + k].im);
          const auto& ref = refs[l];
          ASSERT_LE(err_units(got, ref, double(n)), kTol) << K->isa << " r2c n=" << n << " count=" << count;
          EXPECT_EQ(got[0].imag(), 0.0) << "n=" << n;
          if (n % 2 == 0) EXPECT_EQ(got[h].imag(), 0.0) << "n=" << n;
        }
        // The inverse: c2r of the spectrum, normalised, gives x back.
        F::Lines S2, D2;
        S2.inner = D2.inner = count;
        S2.inner_stride = h + 1;
        S2.len = h + 1;
        D2.inner_stride = n;
        K->c2r(*R, y.data(), S2, back.data(), D2, count, 1.0f / float(n));
        std::vector<cd> xr(x.begin(), x.end());
        ASSERT_LE(err_units(back, xr, double(n)), 2 * kTol) << K->isa << " c2r n=" << n << " count=" << count;
      }
    }
}

TEST(FFTKernels, InverseRealReadsHermitianHalf) {
  // c2r of an arbitrary half spectrum: the imaginary parts of X[0] (and X[n/2]) are ignored,
  // the rest mirrored (numpy's irfft).
  for (int64_t n : {1, 2, 5, 6, 17, 64, 97, 1000, 4096, 10007}) {
    const int64_t h = n / 2;
    auto y = random_cf(size_t(h + 1), unsigned(n));
    std::vector<cd> full(n);
    for (int64_t k = 0; k <= h; ++k) {
      full[k] = cd(y[k].re, y[k].im);
      if (k) full[n - k] = std::conj(full[k]);
    }
    full[0] = full[0].real();
    if (n % 2 == 0) full[h] = full[h].real();
    auto ref = reference(full, 1);
    for (auto* K : tables()) {
      std::vector<float> out(n);
      F::Lines S, D;
      S.len = h + 1;
      K->c2r(*F::get_real_plan(n), y.data(), S, out.data(), D, 1, 1.0f);
      ASSERT_LE(err_units(out, ref, double(n)), kTol) << K->isa << " n=" << n;
    }
  }
}

TEST(FFTKernels, StridedPaddedAndMissingLines) {
  // 5 lines of a (5, 12) array read down the columns of a (12, 7) one (element stride 7,
  // line offsets from a table with a missing line), padded from 9 to 12 elements.
  for (auto* K : tables())
    for (int64_t n : {12, 97, 128}) {
      const int64_t rows = 9, cols = 7;
      auto src = random_cf(size_t(rows * cols), 3);
      std::vector<int64_t> tab = {0, 2, F::kNoLine, 3, 6};
      F::Lines S;
      S.inner = 5;
      S.inner_off = tab.data();
      S.es = cols;
      S.len = rows;
      std::vector<F::cf> dst(size_t(5 * n) * 3, F::cf{-7.0f, -7.0f});
      F::Lines D;  // line l at 3 l, element stride 15
      D.inner = 5;
      D.inner_stride = 3;
      D.es = 15;
      K->c2c(*F::get_plan(n), src.data(), false, S, dst.data(), D, 5, true, 0.5f);
      for (int l = 0; l < 5; ++l) {
        std::vector<cd> xl(n, 0.0), got(n);
        if (tab[l] != F::kNoLine)
          for (int64_t j = 0; j < rows; ++j) xl[j] = cd(src[tab[l] + j * cols].re, src[tab[l] + j * cols].im) * 0.5;
        for (int64_t k = 0; k < n; ++k) got[k] = cd(dst[3 * l + 15 * k].re, dst[3 * l + 15 * k].im);
        auto ref = dft(xl, -1);
        if (tab[l] == F::kNoLine) {
          for (auto& g : got) EXPECT_EQ(g, cd(0)) << "missing line " << l;
        } else {
          EXPECT_LE(err_units(got, ref, double(n)), kTol) << K->isa << " n=" << n << " line " << l;
        }
      }
      // Real source read as complex (imaginary parts zero), truncated from 9 to n = 5.
      std::vector<float> rs(rows * cols);
      for (size_t i = 0; i < rs.size(); ++i) rs[i] = float(int(i % 11) - 5);
      F::Lines S2 = S;
      S2.inner_off = nullptr;
      S2.inner_stride = 1;
      std::vector<F::cf> d2(5 * 5);
      F::Lines D2;
      D2.inner = 5;
      D2.inner_stride = 5;
      K->c2c(*F::get_plan(5), rs.data(), true, S2, d2.data(), D2, 5, false, 1.0f);
      for (int l = 0; l < 5; ++l) {
        std::vector<cd> xl(5);
        for (int j = 0; j < 5; ++j) xl[j] = rs[l + j * cols];
        auto ref = dft(xl, 1);
        for (int k = 0; k < 5; ++k) EXPECT_NEAR(std::abs(cd(d2[l * 5 + k].re, d2[l * 5 + k].im) - ref[k]), 0, 1e-5);
      }
    }
}

// ---- ops ---------------------------------------------------------------------------------------

namespace {

struct Nd {
  Shape shape;
  std::vector<cd> v;
};

Nd from_array(array a) {
  a = astype(a, complex64);
  auto v = to_vec<complex64_t>(a);
  return {a.shape(), std::vector<cd>(v.begin(), v.end())};
}

// Along `axis`: truncate or zero pad to n, then the naive DFT (sign) times scale.
Nd dft_axis(const Nd& x, int axis, int n, int sign, double scale = 1.0) {
  Nd y{x.shape, {}};
  y.shape[axis] = n;
  int64_t inner = 1, outer = 1;
  for (int d = axis + 1; d < int(x.shape.size()); ++d) inner *= x.shape[d];
  for (int d = 0; d < axis; ++d) outer *= x.shape[d];
  const int64_t have = x.shape[axis];
  y.v.assign(size_t(outer * n * inner), cd(0));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < inner; ++c) {
      std::vector<cd> line(n, 0.0);
      for (int64_t j = 0; j < std::min<int64_t>(n, have); ++j) line[j] = x.v[size_t((o * have + j) * inner + c)];
      auto r = dft(line, sign);
      for (int64_t k = 0; k < n; ++k) y.v[size_t((o * n + k) * inner + c)] = r[k] * scale;
    }
  return y;
}

// Keeps the first k entries along axis.
Nd take_first(const Nd& x, int axis, int k) {
  Nd y{x.shape, {}};
  y.shape[axis] = k;
  int64_t inner = 1, outer = 1;
  for (int d = axis + 1; d < int(x.shape.size()); ++d) inner *= x.shape[d];
  for (int d = 0; d < axis; ++d) outer *= x.shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < k; ++j)
      for (int64_t c = 0; c < inner; ++c) y.v.push_back(x.v[size_t((o * x.shape[axis] + j) * inner + c)]);
  return y;
}

void expect_close(array got, const Nd& ref, double n_total, const char* what) {
  EXPECT_EQ(got.shape(), ref.shape) << what;
  got = astype(got, complex64);
  auto g = to_vec<complex64_t>(got);
  ASSERT_EQ(g.size(), ref.v.size()) << what;
  EXPECT_LE(err_units(g, ref.v, n_total), kTol) << what;
}

array rand_array(Shape shape, Dtype dt, unsigned seed) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d;
  size_t n = shape_size(shape);
  if (dt == complex64) {
    std::vector<complex64_t> v(n);
    for (auto& x : v) x = {d(g), d(g)};
    return array(v.data(), shape, complex64);
  }
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return astype(array(v.data(), shape, float32), dt);
}

}  // namespace

TEST(FFTOps, ComplexAxesLengthsAndNorms) {
  array a = rand_array({3, 5, 6}, complex64, 1);
  Nd x = from_array(a);
  // fftn over every axis, ifftn back.
  Nd r = dft_axis(dft_axis(dft_axis(x, 0, 3, -1), 1, 5, -1), 2, 6, -1);
  expect_close(fft::fftn(a), r, 90, "fftn all axes");
  expect_close(fft::ifftn(fft::fftn(a)), x, 90, "ifftn(fftn)");
  // Axes in any order, negative, with padding and truncation.
  Nd r2 = dft_axis(dft_axis(x, 2, 4, -1), 0, 7, -1);
  expect_close(fft::fftn(a, Shape{4, 7}, std::vector<int>{-1, 0}), r2, 28, "fftn s=(4,7) axes=(-1,0)");
  expect_close(fft::fft2(a, Shape{8, 3}), dft_axis(dft_axis(x, 1, 8, -1), 2, 3, -1), 24, "fft2 s");
  expect_close(fft::ifft2(a), dft_axis(dft_axis(x, 1, 5, 1, 1.0 / 5), 2, 6, 1, 1.0 / 6), 30, "ifft2");
  // 1-d along each axis, n given and not.
  expect_close(fft::fft(a, std::nullopt, 1), dft_axis(x, 1, 5, -1), 5, "fft axis 1");
  expect_close(fft::fft(a, 9, 0), dft_axis(x, 0, 9, -1), 9, "fft n=9 axis 0");
  expect_close(fft::ifft(a, 2, -1), dft_axis(x, 2, 2, 1, 0.5), 2, "ifft n=2");
  // Norms.
  const double s5 = 1 / std::sqrt(5.0);
  expect_close(fft::fft(a, std::nullopt, 1, fft::FFTNorm::Ortho), dft_axis(x, 1, 5, -1, s5), 5, "ortho");
  expect_close(fft::ifft(a, std::nullopt, 1, fft::FFTNorm::Ortho), dft_axis(x, 1, 5, 1, s5), 5, "ortho inv");
  expect_close(fft::fft(a, std::nullopt, 1, fft::FFTNorm::Forward), dft_axis(x, 1, 5, -1, 0.2), 5, "forward");
  expect_close(fft::ifft(a, std::nullopt, 1, fft::FFTNorm::Forward), dft_axis(x, 1, 5, 1), 5, "forward inv");
  expect_close(fft::fftn(a, std::nullopt, std::nullopt, fft::FFTNorm::Ortho),
               dft_axis(dft_axis(dft_axis(x, 0, 3, -1), 1, 5, -1), 2, 6, -1, 1 / std::sqrt(90.0)), 90, "ortho nd");
}

TEST(FFTOps, DtypesAndStridedInputs) {
  for (Dtype dt : {bool_, uint8, int16, int32, int64, float16, bfloat16, float32, float64, complex64}) {
    array a = rand_array({4, 6}, dt, 2);
    array f = fft::fft(a);
    EXPECT_EQ(f.dtype(), complex64);
    expect_close(f, dft_axis(from_array(a), 1, 6, -1), 6, "dtype");
    array r = fft::rfft(a);
    EXPECT_EQ(r.dtype(), complex64);
    Nd re = from_array(astype(a, float32));  // rfft of complex64 reads the real parts
    expect_close(r, take_first(dft_axis(re, 1, 6, -1), 1, 4), 6, "rfft dtype");
    EXPECT_EQ(fft::irfft(a).dtype(), float32);
  }
  // Transposed, sliced (negative strides) and broadcast inputs, in place.
  array base = rand_array({6, 10}, complex64, 3);
  array t = transpose(base);
  expect_close(fft::fft(t, std::nullopt, 0), dft_axis(from_array(t), 0, 10, -1), 10, "transposed axis 0");
  expect_close(fft::fft2(t), dft_axis(dft_axis(from_array(t), 0, 10, -1), 1, 6, -1), 60, "transposed fft2");
  array sl = slice(base, {5, 9}, {-7, -11}, {-2, -3});
  expect_close(fft::fft(sl), dft_axis(from_array(sl), 1, sl.shape(1), -1), 4, "negative strides");
  array bc = broadcast_to(rand_array({1, 8}, float32, 4), {5, 8});
  expect_close(fft::fft(bc, std::nullopt, 0), dft_axis(from_array(bc), 0, 5, -1), 5, "broadcast");
  expect_close(fft::rfft(bc), take_first(dft_axis(from_array(bc), 1, 8, -1), 1, 5), 8, "broadcast rfft");
}

TEST(FFTOps, ComplexOfRealInput) {
  // float32 inputs of even length take the half-spectrum path and mirror it.
  for (int n : {4, 6, 64, 1000, 4096}) {
    array a = rand_array({3, n}, float32, unsigned(n));
    Nd x = from_array(a);
    expect_close(fft::fft(a), dft_axis(x, 1, n, -1), n, "fft of real");
    expect_close(fft::ifft(a, std::nullopt, -1, fft::FFTNorm::Ortho), dft_axis(x, 1, n, 1, 1 / std::sqrt(double(n))), n,
                 "ifft of real");
    expect_close(fft::fft(transpose(a), std::nullopt, 0), dft_axis(from_array(transpose(a)), 0, n, -1), n,
                 "fft of real, columns");
  }
  // One long line: the mirror is split over the cores.
  array l = rand_array({1 << 16}, float32, 12);
  auto ref = reference(from_array(l).v, 1);
  for (auto& v : ref) v /= double(1 << 16);
  EXPECT_LE(err_units(to_vec<complex64_t>(fft::ifft(l)), ref, 1 << 16), kTol);
  array a = rand_array({5, 6, 4}, float32, 11);
  Nd x = from_array(a);
  expect_close(fft::fftn(a, Shape{8, 3}, std::vector<int>{1, 2}), dft_axis(dft_axis(x, 1, 8, -1), 2, 3, -1), 24,
               "fftn of real, padded");
  expect_close(fft::ifft2(a), dft_axis(dft_axis(x, 1, 6, 1, 1.0 / 6), 2, 4, 1, 0.25), 24, "ifft2 of real");
}

TEST(FFTOps, RealTransforms) {
  array a = rand_array({4, 5, 6}, float32, 5);
  Nd x = from_array(a);
  expect_close(fft::rfft(a), take_first(dft_axis(x, 2, 6, -1), 2, 4), 6, "rfft");
  expect_close(fft::rfft(a, 9, 1), take_first(dft_axis(x, 1, 9, -1), 1, 5), 9, "rfft n=9 axis 1");
  expect_close(fft::rfft(a, 3), take_first(dft_axis(x, 2, 3, -1), 2, 2), 3, "rfft truncated");
  Nd full = dft_axis(dft_axis(dft_axis(x, 0, 4, -1), 1, 5, -1), 2, 6, -1);
  expect_close(fft::rfftn(a), take_first(full, 2, 4), 120, "rfftn");
  expect_close(fft::rfft2(a, Shape{7, 4}), take_first(dft_axis(dft_axis(x, 1, 7, -1), 2, 4, -1), 2, 3), 28, "rfft2 s");
  expect_close(fft::rfftn(a, Shape{5, 3}, std::vector<int>{2, 0}),
               take_first(dft_axis(dft_axis(x, 2, 5, -1), 0, 3, -1), 0, 2), 15, "rfftn axes (2,0)");
  // Round trips and irfft lengths.
  expect_close(fft::irfft(fft::rfft(a), 6), x, 6, "irfft(rfft)");
  expect_close(fft::irfftn(fft::rfftn(a), Shape{4, 5, 6}, std::vector<int>{0, 1, 2}), x, 120, "irfftn(rfftn)");
  expect_close(fft::irfft2(fft::rfft2(a)), x, 30, "irfft2(rfft2) even");
  array odd = rand_array({3, 7}, float32, 6);
  expect_close(fft::irfft(fft::rfft(odd), 7), from_array(odd), 7, "odd round trip");
  EXPECT_EQ(fft::irfft(fft::rfft(odd)).shape(), (Shape{3, 6}));  // default n = 2 (4 - 1)
  // irfftn over two axes of a complex input: c2c on the first, c2r on the last (padded).
  array c = rand_array({3, 4}, complex64, 7);
  Nd cx = from_array(c);
  Nd step = dft_axis(cx, 0, 5, 1, 1.0 / 5);  // axis 0 padded to 5
  // c2r along axis 1 with n = 8: reads 5 coefficients (4 given, one zero), Hermitian.
  Nd ref{{5, 8}, {}};
  for (int r = 0; r < 5; ++r) {
    std::vector<cd> h(8, 0.0);
    for (int k = 0; k <= 4; ++k) h[k] = k < 4 ? step.v[size_t(r * 4 + k)] : 0.0;
    h[0] = h[0].real();
    h[4] = h[4].real();
    for (int k = 1; k < 4; ++k) h[8 - k] = std::conj(h[k]);
    auto y = dft(h, 1);
    for (auto& v : y) ref.v.push_back(v.real() / 8);
  }
  expect_close(fft::irfftn(c, Shape{5, 8}, std::vector<int>{0, 1}), ref, 40, "irfftn padded");
}

TEST(FFTOps, ShiftsAndFrequencies) {
  array a = make(std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {2, 5});
  EXPECT_EQ(to_vec<int32_t>(fft::fftshift(a)), (std::vector<int32_t>{8, 9, 5, 6, 7, 3, 4, 0, 1, 2}));
  EXPECT_EQ(to_vec<int32_t>(fft::ifftshift(a)), (std::vector<int32_t>{7, 8, 9, 5, 6, 2, 3, 4, 0, 1}));
  EXPECT_EQ(to_vec<int32_t>(fft::fftshift(a, std::vector<int>{1})), (std::vector<int32_t>{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}));
  EXPECT_EQ(to_vec<int32_t>(fft::ifftshift(a, std::vector<int>{-1})), (std::vector<int32_t>{2, 3, 4, 0, 1, 7, 8, 9, 5, 6}));
  EXPECT_EQ(to_vec<int32_t>(fft::ifftshift(fft::fftshift(a))), to_vec<int32_t>(a));
  EXPECT_EQ(fft::fftshift(a, std::vector<int>{}).id(), a.id());
  array s = array(3.0f);
  EXPECT_EQ(fft::fftshift(s).id(), s.id());
  EXPECT_OUT_OF_RANGE(fft::fftshift(a, std::vector<int>{2}), "fft.fftshift");
  EXPECT_OUT_OF_RANGE(fft::ifftshift(s, std::vector<int>{0}), "fft.ifftshift");

  auto f = to_vec<float>(fft::fftfreq(5, 0.1));
  float sc = float(1.0 / (5 * 0.1));
  std::vector<float> want = {0 * sc, 1 * sc, 2 * sc, -2 * sc, -1 * sc};
  EXPECT_EQ(f, want);
  EXPECT_EQ(to_vec<float>(fft::fftfreq(1)), std::vector<float>{0.0f});
  f = to_vec<float>(fft::rfftfreq(8, 2.0));
  EXPECT_EQ(f, (std::vector<float>{0, 0.0625f, 0.125f, 0.1875f, 0.25f}));
  EXPECT_EQ(fft::fftfreq(4).dtype(), float32);
  EXPECT_INVALID(fft::fftfreq(0), "fft.fftfreq");
  EXPECT_INVALID(fft::rfftfreq(-3), "fft.rfftfreq");
  EXPECT_INVALID(fft::fftfreq(4, 0.0), "fft.fftfreq");
}

TEST(FFTOps, EmptyAndErrors) {
  // Size-0 batch dims give empty results; a zero-length axis with n given is zero padded.
  array e = zeros({0, 4}, float32);
  EXPECT_EQ(fft::fft(e).shape(), (Shape{0, 4}));
  EXPECT_EQ(fft::rfft(e).shape(), (Shape{0, 3}));
  EXPECT_EQ(to_vec<complex64_t>(fft::fft(e)).size(), 0u);
  array z = zeros({3, 0}, complex64);
  auto v = to_vec<complex64_t>(fft::fft(z, 4));
  EXPECT_EQ(v, std::vector<complex64_t>(12));
  EXPECT_EQ(to_vec<float>(fft::irfft(z, 6)), std::vector<float>(18));
  // Empty axes: the input itself.
  array a = zeros({2, 3}, int32);
  EXPECT_EQ(fft::fftn(a, std::nullopt, std::vector<int>{}).id(), a.id());

  EXPECT_INVALID(fft::fft(array(1.0f)), "fft.fft");
  EXPECT_INVALID(fft::rfftn(array(1.0f)), "fft.rfftn");
  EXPECT_OUT_OF_RANGE(fft::fft(a, std::nullopt, 2), "fft.fft");
  EXPECT_OUT_OF_RANGE(fft::fft2(a, std::nullopt, std::vector<int>{0, -3}), "fft.fft2");
  EXPECT_INVALID(fft::fftn(a, std::nullopt, std::vector<int>{1, -1}), "fft.fftn");
  EXPECT_INVALID(fft::fftn(a, Shape{2}, std::vector<int>{0, 1}), "fft.fftn");
  EXPECT_INVALID(fft::fftn(a, Shape{2, 2}, std::nullopt), "fft.fftn");
  EXPECT_INVALID(fft::fft(a, 0), "fft.fft");
  EXPECT_INVALID(fft::irfft(a, -2), "fft.irfft");
  EXPECT_INVALID(fft::irfft(zeros({4, 1}, complex64)), "fft.irfft");  // default n = 0
  EXPECT_INVALID(fft::rfft2(a, Shape{3, 0}), "fft.rfft2");
}

TEST(FFTOps, LargeLinesOverTheCores) {
  // One long line (FourStep, both steps split over the cores) and a prime one (Bluestein per
  // line), against the reference.
  for (int n : {1 << 16, 10007}) {
    array a = rand_array({n}, complex64, 9);
    Nd x = from_array(a);
    auto ref = reference(x.v, -1);
    auto g = to_vec<complex64_t>(fft::fft(a));
    EXPECT_LE(err_units(g, ref, n), kTol) << n;
    auto back = to_vec<complex64_t>(fft::ifft(fft::fft(a)));
    EXPECT_LE(err_units(back, x.v, n), 2 * kTol) << n;
  }
  array r = rand_array({1 << 16}, float32, 10);
  Nd x = from_array(r);
  auto ref = reference(x.v, -1);
  ref.resize((1 << 15) + 1);
  EXPECT_LE(err_units(to_vec<complex64_t>(fft::rfft(r)), ref, 1 << 16), kTol);
  EXPECT_LE(err_units(to_vec<float>(fft::irfft(fft::rfft(r))), x.v, 1 << 16), 2 * kTol);
}
