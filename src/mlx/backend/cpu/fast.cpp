// CPU kernels of mx.fast: each op is one pass of one primitive.
// - RMSNorm / LayerNorm: per row, the statistics in double (one pass), then the output;
//   float16/bfloat16/strided rows go through a float32 scratch row; rows over the cores.
// - RoPE: a cos/sin table per position (float32 angles, as MLX), then every row rotated.
// - ScaledDotProductAttention: per (batch, key/value head, block of query rows of the heads
//   that share it): scores through BLAS (own loops for blocks of a few rows, as in decoding),
//   the mask (a broadcast view, read through its strides) and the softmax on each row in
//   place, then probabilities times values the same way. float32 for float16/bfloat16/float32,
//   double for float64.
#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <optional>
#include <limits>
#include <vector>

#include "../../primitives_fast.h"
#include "blas.h"
#include "fast_kernels.h"
#include "kernels.h"
#include "parallel.h"
#include "reduce_kernels.h"
#include "strided.h"

namespace mlx::core {

namespace cpu {

const FastKernels& fast_kernels() {
  static const FastKernels table = [] {
    FastKernels t{};
    // The instruction set the elementwise table chose (MLX_CPU_ISA included).
    if (std::strcmp(kernels().isa, "avx512") == 0) {
      isa_avx512::fill_fast(t);
      t.isa = "avx512";
    } else if (std::strcmp(kernels().isa, "avx2") == 0) {
      isa_avx2::fill_fast(t);
      t.isa = "avx2";
    } else {
      isa_generic::fill_fast(t);
      t.isa = "generic";
    }
    return t;
  }();
  return table;
}

}  // namespace cpu

namespace fast {

namespace {

using cpu::fast_kernels;
using cpu::reduce_kernels;

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;
// The compute type: double for float64, float32 otherwise.
template <typename T>
using work_t = std::conditional_t<std::is_same_v<T, double>, double, float>;

// Scratch memory from the engine's allocator (its cache makes repeated calls cheap; fresh
// pages are what costs here).
template <typename W>
class Scratch {
 public:
  explicit Scratch(size_t n = 0) { resize(n); }
  ~Scratch() { release(); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  void resize(size_t n) {
    release();
    if (n) buf_ = allocator::malloc(n * sizeof(W));
  }
  W* data() { return static_cast<W*>(buf_.ptr); }

 private:
  void release() {
    if (buf_.ptr) allocator::free(buf_);
    buf_ = {};
  }
  allocator::Buffer buf_;
};

// n elements of dtype `from` (element stride s) into contiguous elements of dtype `to`.
inline void convert(const void* in, Dtype from, void* out, Dtype to, size_t n, int64_t s) {
  cpu::kernels().convert[from.index()][to.index()](in, out, n, s);
}

// Element offsets of the rows (every dim but the last) of an array, dims merged where the
// strides allow.
class RowIndex {
 public:
  explicit RowIndex(const array& a) {
    for (int d = 0; d + 1 < a.ndim(); ++d) {
      int64_t size = a.shape(d), stride = a.strides()[d];
      if (size == 1) continue;
      if (!dims_.empty() && dims_.back().second == stride * size) {
        dims_.back() = {dims_.back().first * size, stride};
      } else {
        dims_.push_back({size, stride});
      }
    }
  }
  int64_t at(size_t r) const {
    int64_t off = 0;
    for (int d = int(dims_.size()) - 1; d >= 0; --d) {
      off += int64_t(r % size_t(dims_[d].first)) * dims_[d].second;
      r /= size_t(dims_[d].first);
    }
    return off;
  }

 private:
  std::vector<std::pair<int64_t, int64_t>> dims_;  // (size, stride)
};

// A 1-D parameter (weight, bias) as contiguous W values; null for the 0-d "none" stand-in.
template <typename T, typename W>
const W* load_param(const array& p, std::vector<W>& keep) {
  if (p.ndim() == 0) return nullptr;
  int64_t s = p.strides()[0];
  if (std::is_same_v<T, W> && (s == 1 || p.size() <= 1)) return reinterpret_cast<const W*>(p.data<T>());
  keep.resize(p.size());
  convert(p.data<T>(), p.dtype(), keep.data(), TypeToDtype<W>::value, p.size(), s);
  return keep.data();
}

// Rows per parallel chunk: about 32K elements of work.
inline size_t row_grain(size_t n) { return std::max<size_t>(1, (size_t(1) << 15) / std::max<size_t>(1, n)); }

// ---- RMSNorm / LayerNorm --------------------------------------------------------------------

template <typename T, bool Layer>
void norm_rows(const std::vector<array>& inputs, array& out, float eps) {
  using W = work_t<T>;
  const array& x = inputs[0];
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  const size_t n = size_t(x.shape(-1));
  const size_t rows = x.size() / n;
  std::vector<W> wkeep, bkeep;
  const W* w = load_param<T, W>(inputs[1], wkeep);
  const W* b = Layer ? load_param<T, W>(inputs[2], bkeep) : nullptr;
  const RowIndex ri(x);
  const int64_t xs = n == 1 ? 1 : x.strides().back();
  const T* xd = x.data<T>();
  T* yd = out.data<T>();
  const double inv_n = 1.0 / double(n);
  cpu::parallel_for(rows, row_grain(n), [&](size_t r0, size_t r1) {
    if constexpr (std::is_same_v<T, double>) {
      std::vector<double> buf(xs == 1 ? 0 : n);
      for (size_t r = r0; r < r1; ++r) {
        const double* xr = xd + ri.at(r);
        if (xs != 1) {
          for (size_t i = 0; i < n; ++i) buf[i] = xr[int64_t(i) * xs];
          xr = buf.data();
        }
        double* yr = yd + r * n;
        if constexpr (Layer) {
          double mean = 0, ss = 0;
          for (size_t i = 0; i < n; ++i) mean += xr[i];
          mean *= inv_n;
          for (size_t i = 0; i < n; ++i) ss += (xr[i] - mean) * (xr[i] - mean);
          double rs = 1.0 / std::sqrt(ss * inv_n + double(eps));
          for (size_t i = 0; i < n; ++i) {
            double v = (xr[i] - mean) * rs;
            if (w) v *= w[i];
            if (b) v += b[i];
            yr[i] = v;
          }
        } else {
          double ss = 0;
          for (size_t i = 0; i < n; ++i) ss += xr[i] * xr[i];
          double rs = 1.0 / std::sqrt(ss * inv_n + double(eps));
          for (size_t i = 0; i < n; ++i) yr[i] = w ? (xr[i] * rs) * w[i] : xr[i] * rs;
        }
      }
    } else {
      const auto& K = fast_kernels();
      constexpr bool direct = std::is_same_v<T, float>;
      Scratch<float> in_buf(direct && xs == 1 ? 0 : n), out_buf(direct ? 0 : n);
      for (size_t r = r0; r < r1; ++r) {
        const T* xr = xd + ri.at(r);
        const float* xf = reinterpret_cast<const float*>(xr);
        if (!direct || xs != 1) {
          convert(xr, x.dtype(), in_buf.data(), float32, n, xs);
          xf = in_buf.data();
        }
        float* yf = direct ? reinterpret_cast<float*>(yd + r * n) : out_buf.data();
        if constexpr (Layer) {
          // Sums about the row's first value: the variance does not cancel for rows with a
          // large mean.
          double s1, s2;
          const float shift = xf[0];
          K.moments_f32(xf, n, shift, &s1, &s2);
          double d = s1 * inv_n;
          double var = std::max(s2 * inv_n - d * d, 0.0);
          float rs = float(1.0 / std::sqrt(var + double(eps)));
          K.ln_apply_f32(xf, shift, float(d), rs, w, b, yf, n);
        } else {
          double ss = K.sumsq_f32(xf, n);
          float rs = float(1.0 / std::sqrt(ss * inv_n + double(eps)));
          K.rms_apply_f32(xf, rs, w, yf, n);
        }
        if (!direct) convert(yf, float32, yd + r * n, out.dtype(), n, 1);
      }
    }
  });
}

template <bool Layer>
void norm_dispatch(const std::vector<array>& inputs, array& out, float eps, const char* op) {
  switch (out.dtype().val) {
    case Dtype::Val::float32: return norm_rows<float, Layer>(inputs, out, eps);
    case Dtype::Val::float16: return norm_rows<float16_t, Layer>(inputs, out, eps);
    case Dtype::Val::bfloat16: return norm_rows<bfloat16_t, Layer>(inputs, out, eps);
    case Dtype::Val::float64: return norm_rows<double, Layer>(inputs, out, eps);
    default: throw std::invalid_argument(std::string("[") + op + "] Unsupported dtype.");
  }
}

// ---- RoPE -----------------------------------------------------------------------------------

template <typename T>
void rope_impl(const std::vector<array>& inputs, array& out, int dims, bool traditional,
               float base, float scale, bool forward) {
  using W = work_t<T>;
  const array& x = inputs[0];
  const array& off = inputs[1];
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  const int nd = x.ndim();
  const size_t B = size_t(x.shape(0)), T_ = size_t(x.shape(nd - 2)), D = size_t(x.shape(nd - 1));
  const size_t rows = x.size() / D, per_batch = rows / B;  // per_batch = N * T
  const size_t half = size_t(dims / 2);

  // Inverse frequencies in float32, as MLX: exp(-i * (log(base) / half)) or 1 / freqs.
  std::vector<float> inv_freq(half);
  if (inputs.size() == 3) {
    const array& f = inputs[2];
    std::vector<float> fv(half);
    convert(f.data<float>(), float32, fv.data(), float32, half, half == 1 ? 1 : f.strides()[0]);
    for (size_t i = 0; i < half; ++i) inv_freq[i] = 1.0f / fv[i];
  } else {
    float coef = std::log(base) / float(half);
    for (size_t i = 0; i < half; ++i) inv_freq[i] = float(std::exp(double(-float(i) * coef)));
  }
  // Offsets (one, or one per batch element) as float32, as MLX adds them to float positions.
  const size_t nb = off.size() == 1 ? 1 : B;
  std::vector<float> offs(nb);
  for (size_t i = 0; i < nb; ++i) {
    int64_t o = nb == 1 ? 0 : int64_t(i) * off.strides()[0];
    offs[i] = off.dtype() == uint32 ? float(off.data<uint32_t>()[o]) : float(off.data<int32_t>()[o]);
  }

  // cos/sin tables per (offset group, position): angles in float32 as MLX computes them.
  Scratch<W> table(nb * T_ * 2 * half);
  W* tab = table.data();
  cpu::parallel_for(nb * T_, std::max<size_t>(1, 2048 / std::max<size_t>(1, half)),
                    [&](size_t g0, size_t g1) {
                      for (size_t g = g0; g < g1; ++g) {
                        size_t ob = g / T_, t = g % T_;
                        float pos = (float(t) + offs[ob]) * scale;
                        W* c = tab + g * 2 * half;
                        W* s = c + half;
                        for (size_t i = 0; i < half; ++i) {
                          float theta = pos * inv_freq[i];
                          if constexpr (std::is_same_v<W, double>) {
                            c[i] = std::cos(double(theta));
                            s[i] = std::sin(double(theta));
                          } else {
                            sincosf(theta, &s[i], &c[i]);
                          }
                          if (!forward) s[i] = -s[i];  // the inverse rotation
                        }
                      }
                    });

  const RowIndex ri(x);
  const int64_t xs = x.strides()[nd - 1];
  const T* xd = x.data<T>();
  T* yd = out.data<T>();
  const size_t rd = size_t(dims);
  cpu::parallel_for(rows, row_grain(D), [&](size_t r0, size_t r1) {
    constexpr bool direct = std::is_same_v<T, float>;
    Scratch<W> in_buf(D), out_buf(rd);
    for (size_t r = r0; r < r1; ++r) {
      size_t b = r / per_batch, t = r % T_;
      const W* c = tab + ((nb == 1 ? 0 : b) * T_ + t) * 2 * half;
      const W* s = c + half;
      const T* xr = xd + ri.at(r);
      T* yr = yd + r * D;
      const W* xw = reinterpret_cast<const W*>(xr);
      if (!((direct || std::is_same_v<T, double>)&&xs == 1)) {
        convert(xr, x.dtype(), in_buf.data(), TypeToDtype<W>::value, rd, xs);
        xw = in_buf.data();
      }
      W* yw = (direct || std::is_same_v<T, double>) ? reinterpret_cast<W*>(yr) : out_buf.data();
      if constexpr (std::is_same_v<W, float>) {
        fast_kernels().rope_f32(xw, yw, c, s, half, traditional);
      } else {
        for (size_t i = 0; i < half; ++i) {
          size_t i1 = traditional ? 2 * i : i, i2 = traditional ? 2 * i + 1 : i + half;
          double a = xw[i1], bb = xw[i2];
          yw[i1] = a * c[i] - bb * s[i];
          yw[i2] = a * s[i] + bb * c[i];
        }
      }
      if constexpr (is_half_v<T>) convert(yw, float32, yr, out.dtype(), rd, 1);
      // Features past `dims` pass through unchanged.
      if (rd < D) convert(xr + int64_t(rd) * xs, x.dtype(), yr + rd, out.dtype(), D - rd, xs);
    }
  });
}

// ---- scaled dot-product attention ------------------------------------------------------------

// Row blocks up to this size skip BLAS (see sdpa_impl).
constexpr int64_t kSmallRows = 16;

// The most negative finite value of the result dtype: where MLX puts hidden scores.
double lowest_of(Dtype t) {
  switch (t.val) {
    case Dtype::Val::float16: return -65504.0;
    case Dtype::Val::bfloat16: return -3.3895313892515355e38;
    case Dtype::Val::float64: return -std::numeric_limits<double>::max();
    default: return -double(std::numeric_limits<float>::max());
  }
}

template <typename W>
void gemm(bool trans_b, int M, int N, int K, W alpha, const W* A, int64_t lda, const W* B,
          int64_t ldb, W* C, int64_t ldc) {
  auto TB = trans_b ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<W, float>) {
    cpu::sgemm(CblasNoTrans, TB, M, N, K, alpha, A, int(lda), B, int(ldb), C, int(ldc));
  } else {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, TB, M, N, K, alpha, A, int(lda), B, int(ldb), 0.0, C,
                int(ldc));
  }
}

// The (batch, head) matrices of a 4-D operand with unit column stride, as BLAS reads them:
// the operand itself when it allows, else a contiguous converted copy.
template <typename W>
struct Mats {
  const W* base = nullptr;
  int64_t sb = 0, sh = 0, ld = 1;
  allocator::Buffer own;
  Mats() = default;
  Mats(const Mats&) = delete;
  ~Mats() {
    if (own.ptr) allocator::free(own);
  }
  const W* at(size_t b, size_t h) const { return base + int64_t(b) * sb + int64_t(h) * sh; }
};

template <typename T, typename W>
void as_mats(const array& a, Mats<W>& m) {
  const auto& st = a.strides();
  int64_t rows = a.shape(2), cols = a.shape(3);
  bool unit_cols = st[3] == 1 || cols <= 1;
  int64_t ld = rows <= 1 ? std::max<int64_t>(cols, 1) : st[2];
  if (std::is_same_v<T, W> && unit_cols && ld >= std::max<int64_t>(cols, 1) &&
      ld <= std::numeric_limits<int>::max()) {
    m.base = reinterpret_cast<const W*>(a.data<T>());
    m.sb = st[0];
    m.sh = st[1];
    m.ld = ld;
    return;
  }
  m.own = allocator::malloc(a.size() * sizeof(W));
  W* dst = static_cast<W*>(m.own.ptr);
  Strides rs = row_strides(a.shape());
  auto L = cpu::collapse<2>(a.shape(), {&st, &rs});
  auto fn = cpu::kernels().convert[a.dtype().index()][TypeToDtype<W>::value.index()];
  const T* src = a.data<T>();
  cpu::for_each_row<2>(L, sizeof(W), [&](const std::array<int64_t, 2>& off, size_t n,
                                         const std::array<int64_t, 2>& s) {
    fn(src + off[0], dst + off[1], n, s[0]);
  });
  m.base = dst;
  m.sh = rows * cols;
  m.sb = a.shape(1) * m.sh;
  m.ld = std::max<int64_t>(cols, 1);
}

// Softmax of one row in place with an optional extra logit (the sink) that takes part in
// the normalisation but has no value; as MLX's precise softmax (NaN rows stay NaN).
template <typename W>
void softmax_row(W* x, size_t n, const W* sink) {
  if constexpr (std::is_same_v<W, float>) {
    if (!sink) {
      reduce_kernels().softmax_f32(x, x, n, nullptr);
      return;
    }
    float m = reduce_kernels().max_f32(x, n);
    m = (*sink != *sink || *sink > m) ? *sink : m;
    if (std::isfinite(m)) {
      fast_kernels().add_scalar_f32(x, -m, n);
      reduce_kernels().exp_f32(x, x, n);
      double total = reduce_kernels().sum_f32(x, n) + std::exp(double(*sink) - double(m));
      fast_kernels().scale_f32(x, float(1.0 / total), n);
      return;
    }
  }
  double m = -std::numeric_limits<double>::infinity();
  bool nan = false;
  for (size_t i = 0; i < n; ++i) {
    nan |= x[i] != x[i];
    m = std::max(m, double(x[i]));
  }
  if (sink) {
    nan |= *sink != *sink;
    m = std::max(m, double(*sink));
  }
  if (nan) m = std::numeric_limits<double>::quiet_NaN();
  double total = sink ? std::exp(double(*sink) - m) : 0.0;
  for (size_t i = 0; i < n; ++i) total += (x[i] = W(std::exp(double(x[i]) - m)));
  W inv = W(1.0 / total);
  for (size_t i = 0; i < n; ++i) x[i] *= inv;
}

template <typename T>
void sdpa_impl(const std::vector<array>& in, array& out, float scale, bool causal, bool has_mask,
               bool has_sinks) {
  using W = work_t<T>;
  constexpr Dtype wdt = TypeToDtype<W>::value;
  const array &q = in[0], &k = in[1], &v = in[2];
  const array* mask = has_mask ? &in[3] : nullptr;
  const array* sinks = has_sinks ? &in[3 + int(has_mask)] : nullptr;
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  const int B = q.shape(0), Nq = q.shape(1), Tq = q.shape(2), D = q.shape(3);
  const int Nkv = k.shape(1), Tk = k.shape(2), Dv = v.shape(3);
  T* od = out.data<T>();
  if (Tk == 0) {  // softmax over no keys: nothing to average, as MLX's matmul gives zeros
    std::memset(static_cast<void*>(od), 0, out.nbytes());
    return;
  }
  const int rep = Nq / Nkv;
  const W lowest = W(lowest_of(out.dtype()));
  const int64_t offset = int64_t(Tk) - int64_t(Tq);  // causal: query i sees keys j <= i + offset

  Mats<W> K, V;
  as_mats<T, W>(k, K);
  as_mats<T, W>(v, V);
  std::vector<W> sink_v;
  if (sinks) {
    sink_v.resize(Nq);
    convert(sinks->data<T>(), sinks->dtype(), sink_v.data(), wdt, Nq,
            Nq == 1 ? 1 : sinks->strides()[0]);
  }

  // The `rep` query heads that share a key/value head form one block of R = rep * Tq rows
  // (row r: head hk * rep + r / Tq, query r % Tq): one product reads K and V once for all of
  // them. BLAS reads Q in place when those rows are evenly spaced in memory.
  const int64_t R = int64_t(rep) * Tq;
  const auto& qs = q.strides();
  const int64_t q_rs = Tq > 1 ? qs[2] : qs[1];  // from one row of the block to the next
  const bool even = Tq == 1 || rep == 1 || qs[1] == int64_t(Tq) * qs[2];
  const bool q_direct = std::is_same_v<T, W> && (qs[3] == 1 || D <= 1) &&
                        (R <= 1 || (even && q_rs >= std::max(D, 1) &&
                                    q_rs <= std::numeric_limits<int>::max()));
  // Blocks of rows: the score block stays within ~2 MiB (but has 64 rows at least); fewer,
  // larger products repack K and V less often (512 KiB blocks were 11% slower at 32x1024x64).
  // Causal blocks are smaller, as the keys past a block's last query are skipped.
  int64_t rows_per = std::min<int64_t>(R, std::max<int64_t>(64, (int64_t(1) << 19) / Tk));
  if (causal) rows_per = std::min<int64_t>(rows_per, 128);
  const int64_t ntiles = (R + rows_per - 1) / rows_per;
  const size_t tasks = size_t(B) * Nkv * ntiles;
  // Blocks of up to kSmallRows rows (decoding: one query per head) use the loops of
  // fast_isa.cpp: OpenBLAS packs all of K and V for every such product and is several times
  // slower there. Those tasks go over the cores. Larger blocks go through BLAS one after
  // another (OpenBLAS threads its products, and two callers at once wait on each other), with
  // the softmax rows split over the cores.
  const bool task_parallel = std::is_same_v<W, float> && R <= kSmallRows;
  // With blocks enough for every core, each core takes whole blocks and runs their products on
  // one BLAS thread: no hand-offs between OpenBLAS's threads and the softmax workers.
  const bool blas_tasks = !task_parallel && cpu::num_threads() > 1 &&
                          tasks >= 2 * size_t(cpu::num_threads());

  auto run_task = [&](size_t task, Scratch<W>& S, Scratch<W>& Qb, Scratch<W>& Ob,
                      bool rows_parallel) {
    const int64_t tile = int64_t(task % ntiles);
    const int hk = int((task / ntiles) % Nkv);
    const int b = int(task / (size_t(ntiles) * Nkv));
    const int64_t r0 = tile * rows_per, m = std::min(R, r0 + rows_per) - r0;
    const int h0 = hk * rep;
    auto head_of = [&](int64_t r) { return h0 + int((r0 + r) / Tq); };
    auto query_of = [&](int64_t r) { return (r0 + r) % Tq; };
    // Keys any row of the block sees (causal: up to its latest query).
    int64_t kc = Tk;
    if (causal) {
      int64_t last = m >= Tq ? Tq - 1 : std::max(query_of(0), query_of(m - 1));
      if (m < Tq && query_of(m - 1) < query_of(0)) last = Tq - 1;  // the block wraps a head
      kc = std::clamp<int64_t>(last + offset + 1, 0, Tk);
    }
    const int kcols = int(kc);
    const T* qbase = q.data<T>() + b * qs[0] + int64_t(h0) * qs[1];
    const W* qp;
    int64_t ldq;
    if (q_direct) {
      qp = reinterpret_cast<const W*>(qbase + r0 * q_rs);
      ldq = m <= 1 ? std::max(D, 1) : q_rs;
    } else {
      for (int64_t r = 0; r < m; ++r) {
        const T* src = qbase + int64_t(head_of(r) - h0) * qs[1] + query_of(r) * qs[2];
        convert(src, q.dtype(), Qb.data() + size_t(r) * D, wdt, D, qs[3]);
      }
      qp = Qb.data();
      ldq = std::max(D, 1);
    }
    T* orow = od + ((int64_t(b) * Nq + h0) * Tq + r0) * Dv;
    W* op = std::is_same_v<T, W> ? reinterpret_cast<W*>(orow) : Ob.data();
    W* s = S.data();
    const int64_t lds = std::max(kcols, 1);
    const bool small = std::is_same_v<W, float> && m <= kSmallRows;
    // Scores, scaled by `scale` inside the product.
    if (kcols > 0) {
      if (D == 0) {
        std::fill(s, s + size_t(m) * lds, W(0));
      } else if constexpr (std::is_same_v<W, float>) {
        if (small)
          fast_kernels().qk_f32(qp, ldq, K.at(b, hk), K.ld, s, lds, m, kcols, D, scale);
        else
          gemm<W>(true, int(m), kcols, D, W(scale), qp, ldq, K.at(b, hk), K.ld, s, lds);
      } else {
        gemm<W>(true, int(m), kcols, D, W(scale), qp, ldq, K.at(b, hk), K.ld, s, lds);
      }
    }
    auto row_fn = [&](size_t ra, size_t rb) {
      std::vector<float> mbuf;
      for (size_t r = ra; r < rb; ++r) {
        const int h = head_of(int64_t(r));
        const int64_t i = query_of(int64_t(r));
        W* sr = s + r * lds;
        int valid = kcols;
        if (causal) {
          valid = int(std::clamp<int64_t>(i + offset + 1, 0, kcols));
          std::fill(sr + valid, sr + kcols, W(0));
          if (valid == 0) continue;  // every key hidden: handled below
        }
        if (mask) {
          const auto& ms = mask->strides();
          int64_t mo = b * ms[0] + h * ms[1] + i * ms[2], mst = ms[3];
          if (mask->dtype() == bool_) {
            const bool* mp = mask->data<bool>() + mo;
            if constexpr (std::is_same_v<W, float>) {
              if (mst == 1) {
                fast_kernels().select_f32(sr, mp, kcols, lowest);
              } else if (mst == 0) {
                if (!mp[0]) std::fill(sr, sr + kcols, lowest);
              } else {
                for (int j = 0; j < kcols; ++j) sr[j] = mp[j * mst] ? sr[j] : lowest;
              }
            } else {
              for (int j = 0; j < kcols; ++j) sr[j] = mp[j * mst] ? sr[j] : lowest;
            }
          } else {
            const T* mp = mask->data<T>() + mo;
            if constexpr (std::is_same_v<W, float>) {
              const float* mf = reinterpret_cast<const float*>(mp);
              if (!(std::is_same_v<T, float> && mst == 1)) {
                mbuf.resize(kcols);
                convert(mp, mask->dtype(), mbuf.data(), float32, kcols, mst);
                mf = mbuf.data();
              }
              fast_kernels().add_f32(sr, mf, kcols);
            } else {
              for (int j = 0; j < kcols; ++j) sr[j] += W(mp[j * mst]);
            }
          }
        }
        softmax_row<W>(sr, size_t(valid), sinks ? &sink_v[h] : nullptr);
      }
    };
    if (kcols > 0) {
      if (rows_parallel)
        cpu::parallel_for(size_t(m), std::max<size_t>(1, (size_t(1) << 14) / size_t(kcols)), row_fn);
      else
        row_fn(0, size_t(m));
      if (Dv > 0) {
        if constexpr (std::is_same_v<W, float>) {
          if (small)
            fast_kernels().pv_f32(s, lds, V.at(b, hk), V.ld, op, Dv, m, kcols, Dv);
          else
            gemm<W>(false, int(m), Dv, kcols, W(1), s, lds, V.at(b, hk), V.ld, op, Dv);
        } else {
          gemm<W>(false, int(m), Dv, kcols, W(1), s, lds, V.at(b, hk), V.ld, op, Dv);
        }
      }
    } else {
      std::fill(op, op + size_t(m) * Dv, W(0));
    }
    // Causal rows that see no key (Tq > Tk): MLX's scores are all the lowest value, so the
    // softmax is uniform over the keys (or, with a sink, the share the sink leaves them).
    if (causal && offset < 0) {
      for (int64_t r = 0; r < m; ++r) {
        if (query_of(r) + offset + 1 > 0) continue;
        double wgt = 1.0 / double(Tk);
        if (sinks) {
          double sk = double(sink_v[head_of(r)]);
          double mx = std::max(sk, double(lowest));
          double e = std::exp(double(lowest) - mx);
          wgt = e / (std::exp(sk - mx) + double(Tk) * e);
        }
        W* o = op + size_t(r) * Dv;
        std::vector<double> acc(Dv, 0.0);
        const W* vb = V.at(b, hk);
        for (int j = 0; j < Tk; ++j)
          for (int d = 0; d < Dv; ++d) acc[d] += double(vb[j * V.ld + d]);
        for (int d = 0; d < Dv; ++d) o[d] = W(acc[d] * wgt);
      }
    }
    if constexpr (!std::is_same_v<T, W>) convert(op, wdt, orow, out.dtype(), size_t(m) * Dv, 1);
  };

  const size_t s_size = size_t(rows_per) * std::max(Tk, 1);
  const size_t q_size = q_direct ? 0 : size_t(rows_per) * std::max(D, 1);
  const size_t o_size = std::is_same_v<T, W> ? 0 : size_t(rows_per) * std::max(Dv, 1);
  if ((task_parallel || blas_tasks) && tasks > 1) {
    std::optional<cpu::OneBlasThread> one_thread;
    if (blas_tasks) one_thread.emplace();
    // Tasks are claimed one at a time (causal blocks differ in cost).
    std::atomic<size_t> next{0};
    size_t workers = std::min<size_t>(size_t(cpu::num_threads()), tasks);
    cpu::parallel_for(workers, 1, [&](size_t, size_t) {
      Scratch<W> S(s_size), Qb(q_size), Ob(o_size);
      for (size_t t; (t = next.fetch_add(1, std::memory_order_relaxed)) < tasks;)
        run_task(t, S, Qb, Ob, false);
    });
  } else {
    Scratch<W> S(s_size), Qb(q_size), Ob(o_size);
    for (size_t t = 0; t < tasks; ++t) run_task(t, S, Qb, Ob, true);
  }
}

}  // namespace

void RMSNorm::eval_cpu(const std::vector<array>& inputs, array& out) {
  norm_dispatch<false>(inputs, out, eps_, "fast.rms_norm");
}

void LayerNorm::eval_cpu(const std::vector<array>& inputs, array& out) {
  norm_dispatch<true>(inputs, out, eps_, "fast.layer_norm");
}

void RoPE::eval_cpu(const std::vector<array>& inputs, array& out) {
  switch (out.dtype().val) {
    case Dtype::Val::float32:
      return rope_impl<float>(inputs, out, dims_, traditional_, base_, scale_, forward_);
    case Dtype::Val::float16:
      return rope_impl<float16_t>(inputs, out, dims_, traditional_, base_, scale_, forward_);
    case Dtype::Val::bfloat16:
      return rope_impl<bfloat16_t>(inputs, out, dims_, traditional_, base_, scale_, forward_);
    case Dtype::Val::float64:
      return rope_impl<double>(inputs, out, dims_, traditional_, base_, scale_, forward_);
    default: throw std::invalid_argument("[fast.rope] Unsupported dtype.");
  }
}

void ScaledDotProductAttention::eval_cpu(const std::vector<array>& inputs, array& out) {
  switch (out.dtype().val) {
    case Dtype::Val::float32:
      return sdpa_impl<float>(inputs, out, scale_, causal_, has_mask_, has_sinks_);
    case Dtype::Val::float16:
      return sdpa_impl<float16_t>(inputs, out, scale_, causal_, has_mask_, has_sinks_);
    case Dtype::Val::bfloat16:
      return sdpa_impl<bfloat16_t>(inputs, out, scale_, causal_, has_mask_, has_sinks_);
    case Dtype::Val::float64:
      return sdpa_impl<double>(inputs, out, scale_, causal_, has_mask_, has_sinks_);
    default: throw std::invalid_argument("[fast.scaled_dot_product_attention] Unsupported dtype.");
  }
}

}  // namespace fast

}  // namespace mlx::core
