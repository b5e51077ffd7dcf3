// Convolution on the CPU: im2col + GEMM through BLAS (sgemm for float32/float16/bfloat16, which
// accumulate in float32 as MLX's CPU backend does; dgemm for float64). The input is first made
// a contiguous array of the compute type (a view when it already is one); the unfolded rows are
// built in chunks that stay in cache, over both cores, into a buffer from the allocator's cache;
// 1x1 kernels with unit strides and no padding skip the unfolding (a plain GEMM), and
// single-channel groups (depthwise, 1-channel signals) are computed directly.
#include <cblas.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "../../primitives_conv.h"
#include "blas.h"
#include "copy.h"
#include "kernels.h"
#include "parallel.h"
#include "strided.h"

namespace mlx::core {

namespace {

// A scratch buffer taken from (and returned to) the allocator's cache.
class Scratch {
 public:
  explicit Scratch(size_t bytes) : buf_(allocator::malloc(bytes)) {}
  ~Scratch() { allocator::free(buf_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <typename T>
  T* get() const {
    return static_cast<T*>(buf_.ptr);
  }

 private:
  allocator::Buffer buf_;
};

// The convolution's geometry with the spatial dims right-aligned into three (leading ones
// trivial: size 1, stride 1, no padding).
struct Geo {
  int64_t N, C, O, groups, Cg, Og;
  int64_t S[3], K[3], OS[3], st[3], lo[3], kd[3], id[3], D[3];
  int64_t Kp;    // kernel positions: K[0] * K[1] * K[2]
  int64_t rows;  // output rows: N * OS[0] * OS[1] * OS[2]
  int64_t in_n;  // elements per batch of the input
};

Geo make_geo(const array& in, const array& wt, const array& out, const Convolution& p) {
  Geo g;
  int nd = in.ndim() - 2;
  g.N = in.shape(0);
  g.C = in.shape(-1);
  g.O = wt.shape(0);
  g.Cg = wt.shape(-1);
  g.groups = g.Cg ? g.C / g.Cg : 1;
  g.Og = g.O / g.groups;
  for (int i = 0; i < 3; ++i) {
    int j = i - (3 - nd);  // the spatial dim this slot holds, or < 0
    bool on = j >= 0;
    g.S[i] = on ? in.shape(1 + j) : 1;
    g.K[i] = on ? wt.shape(1 + j) : 1;
    g.OS[i] = on ? out.shape(1 + j) : 1;
    g.st[i] = on ? p.kernel_strides()[j] : 1;
    g.lo[i] = on ? p.padding_lo()[j] : 0;
    g.kd[i] = on ? p.kernel_dilation()[j] : 1;
    g.id[i] = on ? p.input_dilation()[j] : 1;
    g.D[i] = g.S[i] > 0 ? (g.S[i] - 1) * g.id[i] + 1 : 0;
  }
  g.Kp = g.K[0] * g.K[1] * g.K[2];
  g.rows = g.N * g.OS[0] * g.OS[1] * g.OS[2];
  g.in_n = g.S[0] * g.S[1] * g.S[2] * g.C;
  return g;
}

// The undilated index of dilated position p, or false where p is padding or a dilation hole.
inline bool source_index(int64_t p, int64_t D, int64_t id, int64_t& src) {
  if (p < 0 || p >= D) return false;
  if (id == 1) {
    src = p;
    return true;
  }
  if (p % id) return false;
  src = p / id;
  return true;
}

// Kernel taps k in [ka, kb) of the innermost dim land inside the (undilated) input for base
// position b; the others read padding.
inline void valid_taps(int64_t b, int64_t D, int64_t kd, int64_t K, int64_t& ka, int64_t& kb) {
  ka = b >= 0 ? 0 : (-b + kd - 1) / kd;
  kb = b > D - 1 ? 0 : (D - 1 - b) / kd + 1;
  ka = std::min(ka, K);
  kb = std::max(ka, std::min(kb, K));
}

template <typename T>
void zero(T* p, int64_t n) {
  if (n > 0) std::memset(p, 0, size_t(n) * sizeof(T));
}

// One unfolded row (output position m): for each group, the kernel taps in weight order
// (k0, k1, k2), each with the group's Cg channels. x is the contiguous input.
template <typename T>
void unfold_row(const T* x, T* dst, int64_t m, const Geo& g) {
  int64_t o2 = m % g.OS[2];
  int64_t r = m / g.OS[2];
  int64_t o1 = r % g.OS[1];
  r /= g.OS[1];
  int64_t o0 = r % g.OS[0];
  int64_t n = r / g.OS[0];
  const int64_t C = g.C, Cg = g.Cg, K2 = g.K[2];
  const int64_t b0 = o0 * g.st[0] - g.lo[0], b1 = o1 * g.st[1] - g.lo[1];
  const int64_t b2 = o2 * g.st[2] - g.lo[2];
  int64_t ka = 0, kb = 0;
  if (g.id[2] == 1) valid_taps(b2, g.D[2], g.kd[2], K2, ka, kb);
  for (int64_t gi = 0; gi < g.groups; ++gi) {
    const T* xg = x + n * g.in_n + gi * Cg;
    for (int64_t k0 = 0; k0 < g.K[0]; ++k0) {
      int64_t s0 = 0;
      bool v0 = source_index(b0 + k0 * g.kd[0], g.D[0], g.id[0], s0);
      for (int64_t k1 = 0; k1 < g.K[1]; ++k1, dst += K2 * Cg) {
        int64_t s1 = 0;
        if (!v0 || !source_index(b1 + k1 * g.kd[1], g.D[1], g.id[1], s1)) {
          zero(dst, K2 * Cg);
          continue;
        }
        const T* xr = xg + (s0 * g.S[1] + s1) * g.S[2] * C;
        if (g.id[2] == 1) {
          zero(dst, ka * Cg);
          if (g.kd[2] == 1 && Cg == C) {
            std::memcpy(dst + ka * C, xr + (b2 + ka) * C, size_t((kb - ka) * C) * sizeof(T));
          } else if (Cg == 1) {
            for (int64_t k = ka; k < kb; ++k) dst[k] = xr[(b2 + k * g.kd[2]) * C];
          } else {
            for (int64_t k = ka; k < kb; ++k)
              std::memcpy(dst + k * Cg, xr + (b2 + k * g.kd[2]) * C, size_t(Cg) * sizeof(T));
          }
          zero(dst + kb * Cg, (K2 - kb) * Cg);
        } else {
          for (int64_t k = 0; k < K2; ++k) {
            int64_t s2;
            if (source_index(b2 + k * g.kd[2], g.D[2], g.id[2], s2))
              std::memcpy(dst + k * Cg, xr + s2 * C, size_t(Cg) * sizeof(T));
            else
              zero(dst + k * Cg, Cg);
          }
        }
      }
    }
  }
}

// C[M, N] (ldc) = A[M, K] (lda) * B[N, K]^T (ldb).
template <typename T>
void gemm_nt(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb,
             T* Cm, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>) {
    cpu::sgemm(CblasNoTrans, CblasTrans, int(M), int(N), int(K), 1.f, A, int(lda), B, int(ldb), Cm,
               int(ldc));
  } else {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(M), int(N), int(K), 1.0, A,
                int(lda), B, int(ldb), 0.0, Cm, int(ldc));
  }
}

// Rows [m0, m0 + mc) of the output from their operand rows A (lda): one GEMM per group.
template <typename T>
void gemm_rows(const T* A, int64_t lda, const T* w, T* y, int64_t mc, const Geo& g) {
  int64_t kg = g.Kp * g.Cg;
  for (int64_t gi = 0; gi < g.groups; ++gi)
    gemm_nt<T>(mc, g.Og, kg, A + gi * kg, lda, w + gi * g.Og * kg, kg, y + gi * g.Og, g.O);
}

// Writes rows [m0, m0 + mc) of the output, computed into y (T, O per row), to `out` in its dtype.
template <typename T>
void store_rows(const T* y, array& out, int64_t m0, int64_t mc, const Geo& g) {
  auto fn = cpu::kernels().convert[TypeToDtype<T>::value.index()][out.dtype().index()];
  size_t n = size_t(mc * g.O), osz = out.itemsize();
  char* dst = out.data<char>() + size_t(m0 * g.O) * osz;
  cpu::parallel_for(n, 1 << 16, [&](size_t a, size_t b) { fn(y + a, dst + a * osz, b - a, 1); });
}

// ---- direct kernels: single-channel groups and 1-channel signals -------------------------
// Sums over the taps with the accumulators kept in registers. The float loops have an AVX2+FMA
// form (chosen at run time with the elementwise kernels' ISA, so MLX_CPU_ISA=generic forces
// the portable one) and a portable form that the compiler may vectorise as it can.

bool simd_ok() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool ok = std::strcmp(cpu::kernels().isa, "generic") != 0;
  return ok;
#else
  return false;
#endif
}

// y[c] = sum_t x_t[c] * w_t[c] for c in [0, n): one output row of a depthwise convolution
// from its valid taps (input row x_t, weight row w_t).
template <typename T>
void tap_dot_generic(const T* const* xs, const T* const* ws, int64_t taps, T* y, int64_t n) {
  for (int64_t c = 0; c < n; ++c) y[c] = T(0);
  for (int64_t t = 0; t < taps; ++t) {
    const T* xp = xs[t];
    const T* wp = ws[t];
    for (int64_t c = 0; c < n; ++c) y[c] += xp[c] * wp[c];
  }
}

// y[o] = sum_k w[k] * x[o + k * kd] for o in [0, n): a 1-channel stride-1 line whose reads
// are all inside the input.
template <typename T>
void line_dot_generic(const T* x, const T* w, T* y, int64_t n, int64_t K, int64_t kd,
                      int64_t st) {
  for (int64_t o = 0; o < n; ++o) {
    const T* xp = x + o * st;
    T acc = 0;
    for (int64_t k = 0; k < K; ++k) acc += w[k] * xp[k * kd];
    y[o] = acc;
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void tap_dot_avx2(const float* const* xs,
                                                      const float* const* ws, int64_t taps,
                                                      float* y, int64_t n) {
  int64_t c = 0;
  for (; c + 32 <= n; c += 32) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t t = 0; t < taps; ++t) {
      const float* xp = xs[t] + c;
      const float* wp = ws[t] + c;
      a0 = _mm256_fmadd_ps(_mm256_loadu_ps(xp), _mm256_loadu_ps(wp), a0);
      a1 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 8), _mm256_loadu_ps(wp + 8), a1);
      a2 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 16), _mm256_loadu_ps(wp + 16), a2);
      a3 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 24), _mm256_loadu_ps(wp + 24), a3);
    }
    _mm256_storeu_ps(y + c, a0);
    _mm256_storeu_ps(y + c + 8, a1);
    _mm256_storeu_ps(y + c + 16, a2);
    _mm256_storeu_ps(y + c + 24, a3);
  }
  for (; c + 8 <= n; c += 8) {
    __m256 a = _mm256_setzero_ps();
    for (int64_t t = 0; t < taps; ++t)
      a = _mm256_fmadd_ps(_mm256_loadu_ps(xs[t] + c), _mm256_loadu_ps(ws[t] + c), a);
    _mm256_storeu_ps(y + c, a);
  }
  for (; c < n; ++c) {
    float a = 0;
    for (int64_t t = 0; t < taps; ++t) a += xs[t][c] * ws[t][c];
    y[c] = a;
  }
}

__attribute__((target("avx2,fma"))) void line_dot_avx2(const float* x, const float* w, float* y,
                                                       int64_t n, int64_t K, int64_t kd) {
  int64_t o = 0;
  for (; o + 32 <= n; o += 32) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    const float* xp = x + o;
    for (int64_t k = 0; k < K; ++k, xp += kd) {
      __m256 wk = _mm256_broadcast_ss(w + k);
      a0 = _mm256_fmadd_ps(wk, _mm256_loadu_ps(xp), a0);
      a1 = _mm256_fmadd_ps(wk, _mm256_loadu_ps(xp + 8), a1);
      a2 = _mm256_fmadd_ps(wk, _mm256_loadu_ps(xp + 16), a2);
      a3 = _mm256_fmadd_ps(wk, _mm256_loadu_ps(xp + 24), a3);
    }
    _mm256_storeu_ps(y + o, a0);
    _mm256_storeu_ps(y + o + 8, a1);
    _mm256_storeu_ps(y + o + 16, a2);
    _mm256_storeu_ps(y + o + 24, a3);
  }
  for (; o + 8 <= n; o += 8) {
    __m256 a = _mm256_setzero_ps();
    const float* xp = x + o;
    for (int64_t k = 0; k < K; ++k, xp += kd)
      a = _mm256_fmadd_ps(_mm256_broadcast_ss(w + k), _mm256_loadu_ps(xp), a);
    _mm256_storeu_ps(y + o, a);
  }
  line_dot_generic<float>(x + o, w, y + o, n - o, K, kd, 1);
}
#endif

template <typename T>
void tap_dot(const T* const* xs, const T* const* ws, int64_t taps, T* y, int64_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  if constexpr (std::is_same_v<T, float>) {
    if (simd_ok()) return tap_dot_avx2(xs, ws, taps, y, n);
  }
#endif
  tap_dot_generic<T>(xs, ws, taps, y, n);
}

template <typename T>
void line_dot(const T* x, const T* w, T* y, int64_t n, int64_t K, int64_t kd, int64_t st) {
#if defined(__x86_64__) && defined(__GNUC__)
  if constexpr (std::is_same_v<T, float>) {
    if (st == 1 && simd_ok()) return line_dot_avx2(x, w, y, n, K, kd);
  }
#endif
  line_dot_generic<T>(x, w, y, n, K, kd, st);
}

// Single-channel groups (Cg == 1: depthwise, or one input channel): each output row is a sum
// over its valid taps of an input row's channels scaled per tap, y[c * Og + j] += x[c] *
// wt[k][c * Og + j], with the weight transposed to (Kp, O). No unfolding, no GEMM of width 1.
// y holds the rows from m0 on.
template <typename T>
void depthwise_rows(const T* x, const T* wt_t, T* y, int64_t m0, int64_t m1, const Geo& g) {
  const int64_t C = g.C, O = g.O, Og = g.Og, K2 = g.K[2];
  std::vector<const T*> xs(size_t(g.Kp)), ws(size_t(g.Kp));
  // Rows whose taps all fall inside the input (no input dilation) read at fixed offsets from
  // their first tap: precomputed once.
  const bool dense = g.id[0] == 1 && g.id[1] == 1 && g.id[2] == 1;
  std::vector<int64_t> rel(dense ? size_t(g.Kp) : 0);
  if (dense) {
    size_t t = 0;
    for (int64_t k0 = 0; k0 < g.K[0]; ++k0)
      for (int64_t k1 = 0; k1 < g.K[1]; ++k1)
        for (int64_t k2 = 0; k2 < K2; ++k2)
          rel[t++] = ((k0 * g.kd[0] * g.S[1] + k1 * g.kd[1]) * g.S[2] + k2 * g.kd[2]) * C;
  }
  auto inside = [&](int64_t b, int i) {
    return b >= 0 && b + (g.K[i] - 1) * g.kd[i] <= g.D[i] - 1;
  };
  for (int64_t m = m0; m < m1; ++m) {
    T* yr = y + (m - m0) * O;
    int64_t o2 = m % g.OS[2];
    int64_t r = m / g.OS[2];
    int64_t o1 = r % g.OS[1];
    r /= g.OS[1];
    int64_t o0 = r % g.OS[0];
    int64_t n = r / g.OS[0];
    const int64_t b0 = o0 * g.st[0] - g.lo[0], b1 = o1 * g.st[1] - g.lo[1];
    const int64_t b2 = o2 * g.st[2] - g.lo[2];
    int64_t taps = 0;
    const bool interior = dense && inside(b0, 0) && inside(b1, 1) && inside(b2, 2);
    if (interior) {
      const T* base = x + n * g.in_n + ((b0 * g.S[1] + b1) * g.S[2] + b2) * C;
      for (int64_t t = 0; t < g.Kp; ++t) {
        xs[size_t(t)] = base + rel[size_t(t)];
        ws[size_t(t)] = wt_t + t * O;
      }
      taps = g.Kp;
    }
    for (int64_t k0 = 0; k0 < g.K[0] && !interior; ++k0) {
      int64_t s0;
      if (!source_index(b0 + k0 * g.kd[0], g.D[0], g.id[0], s0)) continue;
      for (int64_t k1 = 0; k1 < g.K[1]; ++k1) {
        int64_t s1;
        if (!source_index(b1 + k1 * g.kd[1], g.D[1], g.id[1], s1)) continue;
        const T* xr = x + n * g.in_n + (s0 * g.S[1] + s1) * g.S[2] * C;
        const T* wk = wt_t + ((k0 * g.K[1] + k1) * K2) * O;
        for (int64_t k2 = 0; k2 < K2; ++k2) {
          int64_t s2;
          if (!source_index(b2 + k2 * g.kd[2], g.D[2], g.id[2], s2)) continue;
          xs[size_t(taps)] = xr + s2 * C;
          ws[size_t(taps)] = wk + k2 * O;
          ++taps;
        }
      }
    }
    if (Og == 1) {
      tap_dot<T>(xs.data(), ws.data(), taps, yr, C);
      continue;
    }
    std::fill(yr, yr + O, T(0));
    for (int64_t t = 0; t < taps; ++t) {
      const T* xp = xs[size_t(t)];
      const T* wp = ws[size_t(t)];
      for (int64_t c = 0; c < C; ++c) {
        const T xv = xp[c];
        for (int64_t j = 0; j < Og; ++j) yr[c * Og + j] += xv * wp[c * Og + j];
      }
    }
  }
}

// One input channel and one output channel over a long innermost dim (a 1-D signal, as
// convolve makes): y[o] = sum_k w[k] * x[o * stride + k * kd - lo]. The outputs whose taps all
// read the input run as dense dot products; the borders check each tap.
template <typename T>
void signal_rows(const T* x, const T* w, T* y, int64_t line0, int64_t line1, const Geo& g) {
  const int64_t L = g.OS[2], K2 = g.K[2], st = g.st[2], kd = g.kd[2], lo = g.lo[2], D = g.D[2];
  // Outputs [ia, ib) read only inside [0, D).
  int64_t ia = lo > 0 ? std::min(L, (lo + st - 1) / st) : 0;
  int64_t last = (K2 - 1) * kd - lo;  // offset of the last tap
  int64_t ib = D - 1 - last < 0 ? 0 : std::min(L, (D - 1 - last) / st + 1);
  ib = std::max(ib, ia);
  // Kernel rows after the first contributing one are summed through this line.
  std::vector<T> part(g.K[0] * g.K[1] > 1 ? size_t(L) : 0);
  for (int64_t line = line0; line < line1; ++line) {
    T* yr = y + line * L;
    int64_t r = line;
    int64_t o1 = r % g.OS[1];
    r /= g.OS[1];
    int64_t o0 = r % g.OS[0];
    int64_t n = r / g.OS[0];
    const int64_t b0 = o0 * g.st[0] - g.lo[0], b1 = o1 * g.st[1] - g.lo[1];
    bool first = true;
    for (int64_t k0 = 0; k0 < g.K[0]; ++k0) {
      int64_t s0;
      if (!source_index(b0 + k0 * g.kd[0], g.D[0], g.id[0], s0)) continue;
      for (int64_t k1 = 0; k1 < g.K[1]; ++k1) {
        int64_t s1;
        if (!source_index(b1 + k1 * g.kd[1], g.D[1], g.id[1], s1)) continue;
        const T* xr = x + n * g.in_n + (s0 * g.S[1] + s1) * g.S[2];
        const T* wk = w + (k0 * g.K[1] + k1) * K2;
        // The first contributing kernel row writes, later ones add.
        T* dst = first ? yr : part.data();
        auto border = [&](int64_t o) {
          T acc = 0;
          for (int64_t k = 0; k < K2; ++k) {
            int64_t p = o * st + k * kd - lo;
            if (p >= 0 && p < D) acc += wk[k] * xr[p];
          }
          dst[o] = acc;
        };
        for (int64_t o = 0; o < ia; ++o) border(o);
        if (ib > ia) line_dot<T>(xr + ia * st - lo, wk, dst + ia, ib - ia, K2, kd, st);
        for (int64_t o = ib; o < L; ++o) border(o);
        if (!first)
          for (int64_t o = 0; o < L; ++o) yr[o] += part[size_t(o)];
        first = false;
      }
    }
    if (first) std::fill(yr, yr + L, T(0));
  }
}

// About this many bytes of unfolded rows per chunk: the chunk is still in cache when the GEMM
// reads it, and the GEMM is still large enough to run well on both cores.
constexpr size_t kChunkBytes = size_t(4) << 20;

template <typename T>
void conv_typed(const array& in_a, const array& wt_a, array& out, const Convolution& p) {
  constexpr Dtype acc = TypeToDtype<T>::value;
  Geo g = make_geo(in_a, wt_a, out, p);
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  const bool direct_out = out.dtype() == acc;
  const int64_t kg = g.Kp * g.Cg;
  if (kg == 0) {  // no input channels or an empty kernel: every sum is empty
    std::memset(out.data<char>(), 0, out.nbytes());
    return;
  }
  array in = cpu::contiguous_as(in_a, acc);
  array wt = cpu::contiguous_as(wt_a, acc);
  const T* x = in.data<T>();

  // The weight as (O, Kp, Cg) in tap order, reversed over the taps when flipping (reversing
  // every spatial dim reverses the flattened tap index).
  const T* w = wt.data<T>();
  std::unique_ptr<Scratch> wflip;
  if (p.flip() && g.Kp > 1) {
    wflip = std::make_unique<Scratch>(size_t(g.O * kg) * sizeof(T));
    T* d = wflip->get<T>();
    for (int64_t o = 0; o < g.O; ++o)
      for (int64_t k = 0; k < g.Kp; ++k)
        std::memcpy(d + (o * g.Kp + k) * g.Cg, w + (o * g.Kp + (g.Kp - 1 - k)) * g.Cg,
                    size_t(g.Cg) * sizeof(T));
    w = d;
  }

  // Output rows are computed in T: in place when out is T, else per chunk in a scratch buffer.
  const int64_t row_out = g.O;
  auto chunk_rows = [&](int64_t bytes_per_row) {
    return std::max<int64_t>(1, std::min<int64_t>(g.rows, int64_t(kChunkBytes) / bytes_per_row));
  };
  // BLAS takes int sizes: whole-output GEMMs are split below 2^30 rows.
  const int64_t all_rows = std::min<int64_t>(g.rows, int64_t(1) << 30);

  // One channel in and out over long lines (1-D signals, convolve): dot products per output.
  bool unit_ch = g.C == 1 && g.O == 1 && g.id[2] == 1;
  if (unit_ch && g.OS[2] >= 64) {
    int64_t lines = g.rows / g.OS[2];
    std::unique_ptr<Scratch> tmp;
    T* y = direct_out ? out.data<T>() : nullptr;
    if (!direct_out) {
      tmp = std::make_unique<Scratch>(size_t(g.rows) * sizeof(T));
      y = tmp->get<T>();
    }
    // Split long lines over the cores by output tiles; many short lines by lines.
    if (lines == 1) {
      const int64_t L = g.OS[2];
      cpu::parallel_for(size_t(L), 1 << 14, [&](size_t a, size_t b) {
        Geo gt = g;  // a tile of the line as its own line: shift the output origin
        gt.OS[2] = int64_t(b - a);
        gt.lo[2] = g.lo[2] - int64_t(a) * g.st[2];
        signal_rows<T>(x, w, y + a, 0, 1, gt);
      });
    } else {
      cpu::parallel_for(size_t(lines), 1, [&](size_t a, size_t b) {
        signal_rows<T>(x, w, y, int64_t(a), int64_t(b), g);
      });
    }
    if (!direct_out) store_rows<T>(y, out, 0, g.rows, g);
    return;
  }

  // Depthwise / single-channel groups: direct sums over the taps.
  if (g.Cg == 1) {
    // The weight transposed to (Kp, O).
    Scratch wts(size_t(g.Kp * g.O) * sizeof(T));
    T* wt_t = wts.get<T>();
    for (int64_t o = 0; o < g.O; ++o)
      for (int64_t k = 0; k < g.Kp; ++k) wt_t[k * g.O + o] = w[o * g.Kp + k];
    int64_t mc = direct_out ? all_rows : chunk_rows(row_out * int64_t(sizeof(T)));
    std::unique_ptr<Scratch> tmp;
    if (!direct_out) tmp = std::make_unique<Scratch>(size_t(mc * row_out) * sizeof(T));
    size_t grain = size_t(std::max<int64_t>(1, 16384 / std::max<int64_t>(1, g.C * g.Kp)));
    for (int64_t m0 = 0; m0 < g.rows; m0 += mc) {
      int64_t n = std::min(mc, g.rows - m0);
      T* y = direct_out ? out.data<T>() + m0 * row_out : tmp->get<T>();
      cpu::parallel_for(size_t(n), grain, [&](size_t a, size_t b) {
        depthwise_rows<T>(x, wt_t, y + int64_t(a) * row_out, m0 + int64_t(a), m0 + int64_t(b), g);
      });
      if (!direct_out) store_rows<T>(y, out, m0, n, g);
    }
    return;
  }

  // 1x1 kernel, unit strides, no padding or input dilation: the input rows are the GEMM's
  // operand as they are.
  bool pointwise = g.Kp == 1;
  for (int i = 0; i < 3; ++i)
    pointwise &= g.st[i] == 1 && g.lo[i] == 0 && g.id[i] == 1 && g.OS[i] == g.S[i];
  if (pointwise) {
    int64_t mc = direct_out ? all_rows : chunk_rows(row_out * int64_t(sizeof(T)));
    std::unique_ptr<Scratch> tmp;
    if (!direct_out) tmp = std::make_unique<Scratch>(size_t(mc * row_out) * sizeof(T));
    for (int64_t m0 = 0; m0 < g.rows; m0 += mc) {
      int64_t n = std::min(mc, g.rows - m0);
      T* y = direct_out ? out.data<T>() + m0 * row_out : tmp->get<T>();
      gemm_rows<T>(x + m0 * g.C, g.C, w, y, n, g);
      if (!direct_out) store_rows<T>(y, out, m0, n, g);
    }
    return;
  }

  // General: unfold a chunk of rows (both cores), then GEMM it (BLAS threads).
  const int64_t row_col = g.Kp * g.C;
  int64_t mc = chunk_rows(row_col * int64_t(sizeof(T)));
  Scratch col(size_t(mc * row_col) * sizeof(T));
  std::unique_ptr<Scratch> tmp;
  if (!direct_out) tmp = std::make_unique<Scratch>(size_t(mc * row_out) * sizeof(T));
  T* cb = col.get<T>();
  size_t grain = size_t(std::max<int64_t>(1, 32768 / (row_col * int64_t(sizeof(T)))));
  for (int64_t m0 = 0; m0 < g.rows; m0 += mc) {
    int64_t n = std::min(mc, g.rows - m0);
    cpu::parallel_for(size_t(n), grain, [&](size_t a, size_t b) {
      for (size_t r = a; r < b; ++r) unfold_row<T>(x, cb + int64_t(r) * row_col, m0 + int64_t(r), g);
    });
    T* y = direct_out ? out.data<T>() + m0 * row_out : tmp->get<T>();
    gemm_rows<T>(cb, row_col, w, y, n, g);
    if (!direct_out) store_rows<T>(y, out, m0, n, g);
  }
}

}  // namespace

void Convolution::eval_cpu(const std::vector<array>& inputs, array& out) {
  if (out.dtype() == float64)
    conv_typed<double>(inputs[0], inputs[1], out, *this);
  else  // float32, float16, bfloat16: float32 arithmetic, rounded once at the end
    conv_typed<float>(inputs[0], inputs[1], out, *this);
}

}  // namespace mlx::core
