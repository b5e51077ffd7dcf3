// FFT plans for the CPU kernels (fft.cpp, fft_isa.cpp): how a length is transformed, with
// every twiddle computed in double once per length and cached. Three algorithms:
//   Direct     mixed-radix Stockham passes (radix 4, 2, 3, 5 and any odd prime up to
//              kMaxRadix), run on 8 lines at once (one per float lane) for n <= kLaneMax;
//   FourStep   n = n1 * n2: n2 transforms of length n1 down the columns, a twiddle, n1 of
//              length n2 along the rows written transposed; each step is again 8 lines at
//              once, so one long line is as vectorised as a batch, and cache-sized;
//   Bluestein  a length with a prime factor above kMaxRadix, as a convolution of length
//              m >= 2n - 1 (a product of 2, 3 and 5) done with FFTs of length m.
#pragma once

#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

namespace mlx::core::cpu::fft {

struct cf {
  float re, im;
};

// 8 floats (one lane each) of the real parts and of the imaginary parts of one element.
struct alignas(32) Lane16 {
  float v[16];
};

constexpr int64_t kLaneMax = 4096;  // longest Direct plan (8 lines of it: 2 x 256 KiB of lanes)
constexpr int kMaxRadix = 64;       // larger prime factors go through Bluestein

struct Plan {
  int64_t n = 1;

  // Direct: one pass per factor p; pass t has l1 = product of the earlier factors and
  // ido = n / (l1 * p). tw[d] holds, per pass, W_{ido p}^{q i} (q = 1..p-1, i < ido) at
  // tw_off + (q - 1) * ido + i, for d = 0 forward (e^{-2 pi i/N}) and 1 inverse. Odd
  // primes above 5 also have cos/sin(2 pi k / p) at cs_off in cs.
  struct Pass {
    int p;
    int64_t l1, ido;
    size_t tw_off, cs_off;
  };
  bool direct = false;
  std::vector<Pass> passes;
  std::vector<cf> tw[2];
  std::vector<cf> cs;

  // FourStep: children for n1 (columns) and n2 (rows). The twiddle of column j2, row k1 is
  // W_n^{j2 k1} = lo[e % t] * hi[e / t] (e = j2 k1 < n), and base[d][k1] holds W_n^{c k1}
  // for the 8 lanes c < 8.
  bool four = false;
  int64_t n1 = 0, n2 = 0, t = 1;
  std::shared_ptr<const Plan> p1, p2;
  std::vector<std::complex<double>> lo, hi;
  std::vector<Lane16> base[2];

  // Bluestein: chirp[d][j] = e^{-+pi i j^2 / n} (j < n) and filt[d] the length-m FFT of
  // the conjugate chirp, circularly placed, divided by m.
  bool blue = false;
  int64_t m = 0;
  std::shared_ptr<const Plan> pm;
  std::vector<cf> chirp[2], filt[2];

  // Buffer length (in elements) the lane kernels need: n, or m for Bluestein.
  int64_t lane_len() const { return direct ? n : m; }
  // Whether 8 lines can run at once in lanes (else one line at a time, FourStep/Bluestein).
  bool lanes() const { return direct || (blue && pm->direct); }
};

// Real transforms of length n: the complex plan of n / 2 (n even) or n (n odd), and
// rt[k] = W_n^k = e^{-2 pi i k / n} for k <= n / 2.
struct RealPlan {
  int64_t n = 1;
  std::shared_ptr<const Plan> c;
  std::vector<cf> rt;
};

// Cached by length; thread-safe.
std::shared_ptr<const Plan> get_plan(int64_t n);
std::shared_ptr<const RealPlan> get_real_plan(int64_t n);

// The offset of a line that is not there (a line of zeros: padding). Offsets of present
// lines may be negative (views with negative strides).
constexpr int64_t kNoLine = INT64_MIN;

// A set of lines of an N-d array: line l = o * inner + c starts at element offset
// outer(o) + inner(c) (each from a table, kNoLine for a line of zeros, or from a stride) and
// steps by `es`. Sources read `len` elements (zeros after them, none past the line).
struct Lines {
  int64_t inner = 1;
  const int64_t* outer_off = nullptr;
  int64_t outer_stride = 0;
  const int64_t* inner_off = nullptr;
  int64_t inner_stride = 0;
  int64_t es = 1;
  int64_t len = 0;

  int64_t off(int64_t l) const {
    int64_t o = l / inner, c = l - o * inner;
    int64_t a = outer_off ? outer_off[o] : o * outer_stride;
    int64_t b = inner_off ? inner_off[c] : c * inner_stride;
    return (a == kNoLine || b == kNoLine) ? kNoLine : a + b;
  }
};

// The transforms of `count` lines, compiled per instruction set (fft_isa.cpp). Offsets and
// strides count elements of the line's type (cf or float). Results are multiplied by `scale`.
//   c2c  complex (or real, src_real) lines of length P.n to complex ones, sign by `forward`
//   r2c  real lines of length R.n to their R.n / 2 + 1 first (forward) coefficients
//   c2r  R.n / 2 + 1 Hermitian coefficients to real lines of length R.n (inverse)
struct Kernels {
  const char* isa;
  void (*c2c)(const Plan& P, const void* src, bool src_real, const Lines& S, cf* dst,
              const Lines& D, int64_t count, bool forward, float scale);
  void (*r2c)(const RealPlan& R, const float* src, const Lines& S, cf* dst, const Lines& D,
              int64_t count, float scale);
  void (*c2r)(const RealPlan& R, const cf* src, const Lines& S, float* dst, const Lines& D,
              int64_t count, float scale);
};

// The table of the instruction set the elementwise kernels use (MLX_CPU_ISA included).
const Kernels& fft_kernels();
namespace isa_generic {
extern const Kernels table;
}
namespace isa_avx2 {
extern const Kernels table;
}

}  // namespace mlx::core::cpu::fft
