// CPU evaluation of the reductions: Reduce, ArgReduce, Softmax, LogSumExp, VarianceLast,
// MedianLast, AllEqual. Inputs may have any strides. Reduced and kept dimensions are merged
// where the layout allows; a contiguous innermost reduced dim runs the row kernels, a
// contiguous innermost kept dim runs the column kernels (accumulating whole rows at once).
// float32 and float16/bfloat16 (through float32 blocks) use the per-ISA loops of
// reduce_isa.cpp; float sums add their blocks in double, so 2^24 float32 elements sum to
// within a few ulp of the exact result.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "../../primitives.h"
#include "kernels.h"
#include "parallel.h"
#include "reduce_kernels.h"
#include "strided.h"

namespace mlx::core {

namespace cpu {

const ReduceKernels& reduce_kernels() {
  static const ReduceKernels table = [] {
    ReduceKernels t{};
    // The same instruction set the elementwise table chose (MLX_CPU_ISA included).
    if (std::strcmp(kernels().isa, "avx512") == 0) {
      isa_avx512::fill_reduce(t);
      t.isa = "avx512";
    } else if (std::strcmp(kernels().isa, "avx2") == 0) {
      isa_avx2::fill_reduce(t);
      t.isa = "avx2";
    } else {
      isa_generic::fill_reduce(t);
      t.isa = "generic";
    }
    return t;
  }();
  return table;
}

}  // namespace cpu

namespace {

using cpu::reduce_kernels;

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;
template <typename T>
constexpr bool is_cplx_v = std::is_same_v<T, complex64_t>;

constexpr size_t kBlock = 2048;  // float32 scratch for float16/bfloat16 rows

// Converts n float16/bfloat16 elements (element stride s) to float32.
template <typename T>
void to_f32(const T* p, float* out, size_t n, int64_t s) {
  cpu::kernels().convert[TypeToDtype<T>::value.index()][float32.index()](p, out, n, s);
}
template <typename T>
void from_f32(const float* in, T* out, size_t n) {
  cpu::kernels().convert[float32.index()][TypeToDtype<T>::value.index()](in, out, n, 1);
}

// Runs f(begin, end) over [0, n) in blocks of `block`, claimed one at a time by every thread
// of the pool: a thread that another process delays holds up at most one block, where a
// static split would hold up half the work.
template <typename F>
void dynamic_for(size_t n, size_t block, F&& f) {
  block = std::max<size_t>(block, 1);
  size_t nblocks = (n + block - 1) / block;
  if (nblocks < 2 || cpu::num_threads() == 1) {
    if (n) f(size_t(0), n);
    return;
  }
  std::atomic<size_t> next{0};
  size_t workers = std::min<size_t>(size_t(cpu::num_threads()), nblocks);
  cpu::parallel_for(workers, 1, [&](size_t, size_t) {
    for (;;) {
      size_t b = next.fetch_add(1, std::memory_order_relaxed);
      if (b >= nblocks) return;
      f(b * block, std::min(n, (b + 1) * block));
    }
  });
}

// ---- layout -------------------------------------------------------------------------------

struct Dim {
  int64_t size, stride;
};

// Element offset of linear index idx over dims (row-major).
inline int64_t offset_of(const std::vector<Dim>& dims, size_t idx) {
  int64_t off = 0;
  for (int d = int(dims.size()) - 1; d >= 0; --d) {
    size_t sz = size_t(dims[d].size);
    off += int64_t(idx % sz) * dims[d].stride;
    idx /= sz;
  }
  return off;
}

inline size_t count_of(const std::vector<Dim>& dims) {
  size_t n = 1;
  for (auto& d : dims) n *= size_t(d.size);
  return n;
}

void push_merged(std::vector<Dim>& v, Dim x) {
  if (!v.empty() && v.back().stride == x.stride * x.size) {
    v.back().size *= x.size;
    v.back().stride = x.stride;
  } else {
    v.push_back(x);
  }
}

struct Plan {
  std::vector<Dim> kept;  // output order, merged
  std::vector<Dim> red;   // largest stride first, merged; never empty
};

Plan make_plan(const array& in, const std::vector<int>& axes) {
  std::vector<bool> is_red(in.ndim(), false);
  for (int ax : axes) is_red[ax] = true;
  Plan p;
  std::vector<Dim> red;
  for (int d = 0; d < in.ndim(); ++d) {
    if (in.shape(d) == 1) continue;
    Dim x{in.shape(d), in.strides()[d]};
    if (is_red[d])
      red.push_back(x);
    else
      push_merged(p.kept, x);
  }
  std::stable_sort(red.begin(), red.end(), [](const Dim& a, const Dim& b) {
    return std::abs(a.stride) > std::abs(b.stride);
  });
  for (auto& x : red) push_merged(p.red, x);
  if (p.red.empty()) p.red.push_back({1, 0});
  return p;
}

// ---- reduction operators ------------------------------------------------------------------

template <typename T>
using sum_out_t = std::conditional_t<
    std::is_same_v<T, bool>, int32_t,
    std::conditional_t<
        std::is_integral_v<T> && std::is_signed_v<T>,
        std::conditional_t<(sizeof(T) <= 4), int32_t, int64_t>,
        std::conditional_t<std::is_integral_v<T>,
                           std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>, T>>>;

// Accumulators of sums and products: integers wrap (computed modulo 2^64, then truncated),
// floats accumulate in double, complex in complex<double>.
template <typename T>
using arith_acc_t =
    std::conditional_t<std::is_integral_v<T>, uint64_t,
                       std::conditional_t<is_cplx_v<T>, std::complex<double>, double>>;

template <typename T, typename A>
inline A widen(T v) {
  if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>)
      return A(int64_t(v));
    else
      return A(v);
  } else if constexpr (is_cplx_v<T>) {
    return A(double(v.real()), double(v.imag()));
  } else if constexpr (std::is_same_v<T, double>) {
    return A(v);  // float64 keeps its precision
  } else {
    return A(double(float(v)));
  }
}

template <typename Out, typename A>
inline Out narrow(A a) {
  if constexpr (std::is_same_v<Out, complex64_t>) {
    if constexpr (std::is_same_v<A, std::complex<double>>)
      return Out(float(a.real()), float(a.imag()));
    else
      return Out(a);
  } else if constexpr (std::is_same_v<Out, bool>) {
    return bool(a);
  } else if constexpr (std::is_integral_v<Out>) {
    return Out(a);
  } else {
    return Out(a);
  }
}

template <typename T>
struct SumOp {
  using Acc = arith_acc_t<T>;
  using Out = sum_out_t<T>;
  static Acc init() { return Acc(0); }
  static Acc combine(Acc a, Acc b) { return a + b; }
  static Acc elem(T v) { return widen<T, Acc>(v); }
  static Acc row(const T* p, size_t n, int64_t s) {
    if constexpr (std::is_same_v<T, float>) {
      if (s == 1) return reduce_kernels().sum_f32(p, n);
    } else if constexpr (is_half_v<T>) {
      if (s == 1) {
        alignas(64) float tmp[kBlock];
        double total = 0;
        for (size_t i = 0; i < n; i += kBlock) {
          size_t k = std::min(kBlock, n - i);
          to_f32(p + i, tmp, k, 1);
          total += reduce_kernels().sum_f32(tmp, k);
        }
        return total;
      }
    }
    Acc a = init();
    if constexpr (std::is_same_v<T, bool>) {
      for (size_t i = 0; i < n; ++i) a += Acc(p[int64_t(i) * s]);
    } else {
      for (size_t i = 0; i < n; ++i) a += elem(p[int64_t(i) * s]);
    }
    return a;
  }
  static Out out(Acc a) { return narrow<Out>(a); }
};

template <typename T>
struct ProdOp {
  using Acc = arith_acc_t<T>;
  using Out = sum_out_t<T>;
  static Acc init() { return Acc(1); }
  static Acc combine(Acc a, Acc b) { return a * b; }
  static Acc elem(T v) { return widen<T, Acc>(v); }
  static Acc row(const T* p, size_t n, int64_t s) {
    Acc a = init();
    for (size_t i = 0; i < n; ++i) a *= elem(p[int64_t(i) * s]);
    return a;
  }
  static Out out(Acc a) { return narrow<Out>(a); }
};

// max/min: floats propagate NaN; complex compares (real, imag) lexicographically.
template <typename T, bool Max>
struct ExtremeOp {
  using Acc = std::conditional_t<is_half_v<T>, float, T>;
  using Out = T;
  static Acc init() {
    if constexpr (is_cplx_v<T>) {
      float v =
          Max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
      return Acc(v, v);
    } else if constexpr (std::is_same_v<T, bool>) {
      return !Max;
    } else if constexpr (std::is_integral_v<T>) {
      return Max ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    } else {
      return Max ? -std::numeric_limits<Acc>::infinity() : std::numeric_limits<Acc>::infinity();
    }
  }
  static bool better(Acc a, Acc b) {  // a strictly beyond b
    if constexpr (is_cplx_v<T>) {
      if (Max) return a.real() > b.real() || (a.real() == b.real() && a.imag() > b.imag());
      return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
    } else {
      return Max ? a > b : a < b;
    }
  }
  static Acc combine(Acc a, Acc b) {
    if constexpr (std::is_floating_point_v<Acc>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return better(b, a) ? b : a;
  }
  static Acc elem(T v) { return Acc(v); }
  static Acc row(const T* p, size_t n, int64_t s) {
    if constexpr (std::is_same_v<T, float>) {
      if (s == 1) return Max ? reduce_kernels().max_f32(p, n) : reduce_kernels().min_f32(p, n);
    } else if constexpr (is_half_v<T>) {
      if (s == 1) {
        alignas(64) float tmp[kBlock];
        float a = init();
        for (size_t i = 0; i < n; i += kBlock) {
          size_t k = std::min(kBlock, n - i);
          to_f32(p + i, tmp, k, 1);
          a = combine(a, Max ? reduce_kernels().max_f32(tmp, k) : reduce_kernels().min_f32(tmp, k));
        }
        return a;
      }
    }
    Acc a = init();
    for (size_t i = 0; i < n; ++i) a = combine(a, elem(p[int64_t(i) * s]));
    return a;
  }
  static Out out(Acc a) { return Out(a); }
};

template <typename T>
inline bool nonzero(T v) {
  if constexpr (is_cplx_v<T>)
    return v.real() != 0 || v.imag() != 0;
  else if constexpr (is_half_v<T>)
    return float(v) != 0;
  else
    return v != T(0);
}

template <typename T, bool IsAnd>
struct LogicOp {
  using Acc = bool;
  using Out = bool;
  static Acc init() { return IsAnd; }
  static Acc combine(Acc a, Acc b) { return IsAnd ? (a && b) : (a || b); }
  static Acc elem(T v) { return nonzero(v); }
  static Acc row(const T* p, size_t n, int64_t s) {
    for (size_t i = 0; i < n; ++i)
      if (nonzero(p[int64_t(i) * s]) != IsAnd) return !IsAnd;
    return IsAnd;
  }
  static Out out(Acc a) { return a; }
};

// Column accumulation: acc[c] (op)= x[c] for a contiguous row of m elements.
template <typename Op, typename T>
void col_accumulate(typename Op::Acc* acc, const T* x, size_t m, float* tmp) {
  using Acc = typename Op::Acc;
  const auto& rk = reduce_kernels();
  if constexpr (std::is_same_v<Op, SumOp<T>> && (std::is_same_v<T, float> || is_half_v<T>)) {
    const float* f = reinterpret_cast<const float*>(x);
    if constexpr (is_half_v<T>) {
      to_f32(x, tmp, m, 1);
      f = tmp;
    }
    rk.add_f64(acc, f, m);
  } else if constexpr ((std::is_same_v<Op, ExtremeOp<T, true>> ||
                        std::is_same_v<Op, ExtremeOp<T, false>>)&&(std::is_same_v<T, float> ||
                                                                   is_half_v<T>)) {
    const float* f = reinterpret_cast<const float*>(x);
    if constexpr (is_half_v<T>) {
      to_f32(x, tmp, m, 1);
      f = tmp;
    }
    if constexpr (std::is_same_v<Op, ExtremeOp<T, true>>)
      rk.maxacc_f32(acc, f, m);
    else
      rk.minacc_f32(acc, f, m);
  } else {
    for (size_t c = 0; c < m; ++c) acc[c] = Op::combine(acc[c], Op::elem(x[c]));
    (void)tmp;
    (void)sizeof(Acc);
  }
}

template <typename Op, typename T>
void reduce_typed(const array& in, array& out, const std::vector<int>& axes) {
  using Acc = typename Op::Acc;
  using Out = typename Op::Out;
  out.set_data(allocator::malloc(out.nbytes()));
  Out* o = out.data<Out>();
  size_t nout = out.size();
  if (nout == 0) return;
  if (in.size() == 0) {
    std::fill(o, o + nout, Op::out(Op::init()));
    return;
  }
  const T* base = in.data<T>();
  Plan P = make_plan(in, axes);
  Dim inner = P.red.back();
  std::vector<Dim> red_outer(P.red.begin(), P.red.end() - 1);
  size_t nred_outer = count_of(red_outer);
  size_t nred = nred_outer * size_t(inner.size);

  // Column path: the innermost kept dim is contiguous and the reduced ones are not.
  if (!P.kept.empty() && P.kept.back().stride == 1 && inner.stride != 1) {
    size_t m = size_t(P.kept.back().size);
    std::vector<Dim> kept_outer(P.kept.begin(), P.kept.end() - 1);
    size_t nouter = count_of(kept_outer);
    constexpr size_t TM = 1024;
    size_t ntiles = (m + TM - 1) / TM;
    size_t grain =
        std::max<size_t>(1, (size_t(1) << 16) / std::max<size_t>(1, nred * std::min(m, TM)));
    cpu::parallel_for(nouter * ntiles, grain, [&](size_t u0, size_t u1) {
      alignas(64) Acc acc[TM];
      alignas(64) float tmp[TM];
      for (size_t u = u0; u < u1; ++u) {
        size_t ko = u / ntiles, c0 = (u % ntiles) * TM, mc = std::min(TM, m - c0);
        const T* p0 = base + offset_of(kept_outer, ko) + int64_t(c0);
        std::fill(acc, acc + mc, Op::init());
        for (size_t r = 0; r < nred; ++r) {
          size_t ro = r / size_t(inner.size), ri = r % size_t(inner.size);
          const T* p = p0 + offset_of(red_outer, ro) + int64_t(ri) * inner.stride;
          col_accumulate<Op, T>(acc, p, mc, tmp);
        }
        Out* dst = o + ko * m + c0;
        for (size_t c = 0; c < mc; ++c) dst[c] = Op::out(acc[c]);
      }
    });
    return;
  }

  auto reduce_one = [&](int64_t off) {
    Acc a = Op::init();
    for (size_t r = 0; r < nred_outer; ++r)
      a = Op::combine(
          a, Op::row(base + off + offset_of(red_outer, r), size_t(inner.size), inner.stride));
    return a;
  };

  // One long reduced row: split it over the cores and combine the partial results.
  if (nout == 1 && nred_outer == 1 && nred >= (size_t(1) << 16) && cpu::num_threads() > 1) {
    size_t n = size_t(inner.size);
    size_t parts = size_t(cpu::num_threads()) * 4;
    size_t chunk = std::max<size_t>((n + parts - 1) / parts, 4096);
    chunk = (chunk + 63) / 64 * 64;
    size_t nchunks = (n + chunk - 1) / chunk;
    std::unique_ptr<Acc[]> partial(new Acc[nchunks]);  // not vector<bool>: chunks write in parallel
    dynamic_for(nchunks, 1, [&](size_t c0, size_t c1) {
      for (size_t c = c0; c < c1; ++c) {
        size_t b = c * chunk, e = std::min(n, b + chunk);
        partial[c] = Op::row(base + int64_t(b) * inner.stride, e - b, inner.stride);
      }
    });
    Acc a = Op::init();
    for (size_t c = 0; c < nchunks; ++c) a = Op::combine(a, partial[c]);
    o[0] = Op::out(a);
    return;
  }

  size_t grain = std::max<size_t>(1, (size_t(1) << 16) / std::max<size_t>(1, nred));
  if (nout < 2 * grain) {
    for (size_t i = 0; i < nout; ++i) o[i] = Op::out(reduce_one(offset_of(P.kept, i)));
    return;
  }
  dynamic_for(nout, grain, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) o[i] = Op::out(reduce_one(offset_of(P.kept, i)));
  });
}

// ---- row-wise helpers for the last-axis primitives ---------------------------------------

// Row-contiguous data of `in`: its own buffer, or a copy into `owned`.
const char* row_data(const array& in, allocator::Buffer& owned) {
  if (in.flags().row_contiguous) return in.data<char>();
  owned = allocator::malloc(in.nbytes());
  if (in.size() == 0) return static_cast<char*>(owned.ptr);
  auto fn = cpu::kernels().convert[in.dtype().index()][in.dtype().index()];
  Strides rs = row_strides(in.shape());
  auto L = cpu::collapse<2>(in.shape(), {&in.strides(), &rs});
  const char* src = in.data<char>();
  char* dst = static_cast<char*>(owned.ptr);
  int64_t sz = int64_t(in.itemsize());
  cpu::for_each_row<2>(
      L, size_t(sz),
      [&](const std::array<int64_t, 2>& off, size_t n, const std::array<int64_t, 2>& s) {
        fn(src + off[0] * sz, dst + off[1] * sz, n, s[0]);
      });
  return dst;
}

struct OwnedBuffer {
  allocator::Buffer b;
  ~OwnedBuffer() {
    if (b.ptr) allocator::free(b);
  }
};

// Calls f(row_index_begin, row_index_end) over rows of length n, split over the cores.
template <typename F>
void over_rows(size_t rows, size_t n, F&& f) {
  size_t grain = std::max<size_t>(1, (size_t(1) << 17) / std::max<size_t>(1, n));
  if (rows < 2 * grain) {
    if (rows) f(size_t(0), rows);
    return;
  }
  dynamic_for(rows, grain, std::forward<F>(f));
}

// Loads row i (length n) of type T as float32/double into buf; returns a pointer to it.
template <typename T, typename W>
const W* load_row(const T* src, size_t n, W* buf) {
  if constexpr (std::is_same_v<T, W>) {
    return src;
  } else if constexpr (is_half_v<T> && std::is_same_v<W, float>) {
    to_f32(src, buf, n, 1);
    return buf;
  } else {
    for (size_t i = 0; i < n; ++i) buf[i] = W(src[i]);
    return buf;
  }
}

template <typename T>
using work_t = std::conditional_t<std::is_same_v<T, double>, double, float>;

}  // namespace

// ---- primitives ---------------------------------------------------------------------------

const char* Reduce::name() const {
  switch (op_) {
    case ReduceOp::And: return "All";
    case ReduceOp::Or: return "Any";
    case ReduceOp::Sum: return "Sum";
    case ReduceOp::Prod: return "Prod";
    case ReduceOp::Min: return "Min";
    default: return "Max";
  }
}

void Reduce::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  dispatch_dtype(in.dtype(), [&](auto zero) {
    using T = decltype(zero);
    switch (op_) {
      case ReduceOp::And: return reduce_typed<LogicOp<T, true>, T>(in, out, axes_);
      case ReduceOp::Or: return reduce_typed<LogicOp<T, false>, T>(in, out, axes_);
      case ReduceOp::Sum: return reduce_typed<SumOp<T>, T>(in, out, axes_);
      case ReduceOp::Prod: return reduce_typed<ProdOp<T>, T>(in, out, axes_);
      case ReduceOp::Min: return reduce_typed<ExtremeOp<T, false>, T>(in, out, axes_);
      default: return reduce_typed<ExtremeOp<T, true>, T>(in, out, axes_);
    }
  });
}

void ArgReduce::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  out.set_data(allocator::malloc(out.nbytes()));
  uint32_t* o = out.data<uint32_t>();
  size_t nout = out.size();
  if (nout == 0) return;
  size_t n = size_t(in.shape(axis_));
  int64_t s = in.strides()[axis_];
  std::vector<Dim> kept;
  for (int d = 0; d < in.ndim(); ++d)
    if (d != axis_ && in.shape(d) != 1) push_merged(kept, {in.shape(d), in.strides()[d]});
  bool is_max = op_ == ArgReduceOp::ArgMax;
  dispatch_dtype(in.dtype(), [&](auto zero) {
    using T = decltype(zero);
    using V = std::conditional_t<is_half_v<T>, float, T>;
    const T* base = in.data<T>();
    auto beyond = [&](V a, V b) {  // a strictly beyond b
      if constexpr (is_cplx_v<T>) {
        if (is_max) return a.real() > b.real() || (a.real() == b.real() && a.imag() > b.imag());
        return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
      } else {
        return is_max ? a > b : a < b;
      }
    };
    size_t grain = std::max<size_t>(1, (size_t(1) << 15) / std::max<size_t>(1, n));
    cpu::parallel_for(nout, grain, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        const T* p = base + offset_of(kept, i);
        V best = V(p[0]);
        uint32_t idx = 0;
        if constexpr (std::is_floating_point_v<V>) {
          if (best != best) {
            o[i] = 0;
            continue;
          }
        }
        for (size_t k = 1; k < n; ++k) {
          V v = V(p[int64_t(k) * s]);
          if constexpr (std::is_floating_point_v<V>) {
            if (v != v) {  // the first NaN wins, as numpy
              idx = uint32_t(k);
              break;
            }
          }
          if (beyond(v, best)) {
            best = v;
            idx = uint32_t(k);
          }
        }
        o[i] = idx;
      }
    });
  });
}

// The frame the row-wise primitives (softmax, logsumexp, var, median) share: output memory,
// a row-contiguous view of the input, its last axis as rows, floating dtypes only. Calls
// body(T{}, x, y, n, rows) with the input's element type.
template <typename Body>
void float_rows(const char* op, const array& in, array& out, Body&& body) {
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  OwnedBuffer owned;
  const char* src = row_data(in, owned.b);
  size_t n = in.ndim() ? size_t(in.shape(in.ndim() - 1)) : 1;
  // Same-shape outputs (softmax) have n values per row; reductions have one.
  size_t rows = out.size() == in.size() ? out.size() / n : out.size();
  dispatch_dtype(in.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T> || is_half_v<T>) {
      body(zero, reinterpret_cast<const T*>(src), out.data<T>(), n, rows);
    } else {
      throw std::invalid_argument(std::string("[") + op + "] Unsupported dtype.");
    }
  });
}

// Maximum of a row, NaN if any element is NaN (as MLX's max).
static double max_nan(const double* x, size_t n) {
  double m = -std::numeric_limits<double>::infinity();
  bool nan = false;
  for (size_t i = 0; i < n; ++i) {
    nan |= x[i] != x[i];
    m = std::max(m, x[i]);
  }
  return nan ? std::numeric_limits<double>::quiet_NaN() : m;
}

void Softmax::eval_cpu(const std::vector<array>& inputs, array& out) {
  float_rows("softmax", inputs[0], out,
             [&](auto zero, const auto* x, auto* y, size_t n, size_t rows) {
               using T = decltype(zero);
               using W = work_t<T>;
               // Outputs past the caches: each row is computed in an L1/L2 scratch and streamed out
               // with non-temporal stores (no read-for-ownership of the destination).
               bool stream_out =
                   std::is_same_v<T, float> && out.nbytes() >= (size_t(16) << 20) && n <= 16384;
               over_rows(rows, n, [&](size_t r0, size_t r1) {
                 std::vector<W> buf(std::is_same_v<T, W> && !stream_out ? 0 : n);
                 for (size_t r = r0; r < r1; ++r) {
                   const T* xr = x + r * n;
                   T* yr = y + r * n;
                   if constexpr (std::is_same_v<T, float>) {
                     reduce_kernels().softmax_f32(xr, yr, n, stream_out ? buf.data() : nullptr);
                   } else if constexpr (std::is_same_v<T, double>) {
                     double m = max_nan(xr, n);
                     double sum = 0;
                     for (size_t i = 0; i < n; ++i) sum += (yr[i] = std::exp(xr[i] - m));
                     for (size_t i = 0; i < n; ++i) yr[i] /= sum;
                   } else {
                     W* b = buf.data();
                     load_row<T, W>(xr, n, b);
                     reduce_kernels().softmax_f32(b, b, n, nullptr);
                     from_f32(b, yr, n);
                   }
                 }
               });
             });
}

void LogSumExp::eval_cpu(const std::vector<array>& inputs, array& out) {
  float_rows("logsumexp", inputs[0], out,
             [&](auto zero, const auto* x, auto* y, size_t n, size_t rows) {
               using T = decltype(zero);
               using W = work_t<T>;
               over_rows(rows, n, [&](size_t r0, size_t r1) {
                 std::vector<W> buf(std::is_same_v<T, W> ? 0 : n);
                 for (size_t r = r0; r < r1; ++r) {
                   const T* xr = x + r * n;
                   if constexpr (std::is_same_v<T, float>) {
                     y[r] = n ? reduce_kernels().logsumexp_f32(xr, n)
                              : -std::numeric_limits<float>::infinity();
                   } else if constexpr (std::is_same_v<T, double>) {
                     double m = max_nan(xr, n);
                     if (!std::isfinite(m)) {  // NaN, or a row of +-inf
                       y[r] = m;
                       continue;
                     }
                     double sum = 0;
                     for (size_t i = 0; i < n; ++i) sum += std::exp(xr[i] - m);
                     y[r] = m + std::log(sum);
                   } else {
                     W* b = buf.data();
                     load_row<T, W>(xr, n, b);
                     float v = n ? reduce_kernels().logsumexp_f32(b, n)
                                 : -std::numeric_limits<float>::infinity();
                     y[r] = T(v);
                   }
                 }
               });
             });
}

void VarianceLast::eval_cpu(const std::vector<array>& inputs, array& out) {
  float_rows("var", inputs[0], out, [&](auto zero, const auto* x, auto* y, size_t n, size_t rows) {
    using T = decltype(zero);
    double denom = std::max(double(n) - double(ddof_), 0.0);
    over_rows(rows, n, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; ++r) {
        const T* xr = x + r * n;
        double mean = 0;
        for (size_t i = 0; i < n; ++i) mean += double(xr[i]);
        mean /= double(n);
        double ss = 0;
        for (size_t i = 0; i < n; ++i) {
          double d = double(xr[i]) - mean;
          ss += d * d;
        }
        double v = ss / denom;
        if (sqrt_) v = std::sqrt(v);
        y[r] = T(v);
      }
    });
  });
}

void MedianLast::eval_cpu(const std::vector<array>& inputs, array& out) {
  float_rows("median", inputs[0], out,
             [&](auto zero, const auto* x, auto* y, size_t n, size_t rows) {
               using T = decltype(zero);
               using W = work_t<T>;
               over_rows(rows, n * 8, [&](size_t r0, size_t r1) {
                 std::vector<W> buf(n);
                 for (size_t r = r0; r < r1; ++r) {
                   const T* xr = x + r * n;
                   for (size_t i = 0; i < n; ++i) buf[i] = W(xr[i]);
                   // MLX takes the middle of the sorted row, where NaN sorts last.
                   auto less = [](W a, W b) { return a < b || (a == a && b != b); };
                   size_t mid = n / 2;
                   std::nth_element(buf.begin(), buf.begin() + mid, buf.end(), less);
                   W v = buf[mid];
                   if (n % 2 == 0) {
                     W lo = *std::max_element(buf.begin(), buf.begin() + mid, less);
                     v = (v + lo) * W(0.5);
                   }
                   y[r] = T(v);
                 }
               });
             });
}

void AllEqual::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& b = inputs[1];
  out.set_data(allocator::malloc(out.nbytes()));
  std::atomic<bool> equal{true};
  if (a.size() != 0) {
    auto L = cpu::collapse<2>(a.shape(), {&a.strides(), &b.strides()});
    dispatch_dtype(a.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* pa = a.data<T>();
      const T* pb = b.data<T>();
      bool en = equal_nan_;
      cpu::for_each_row<2>(
          L, sizeof(T),
          [&](const std::array<int64_t, 2>& off, size_t n, const std::array<int64_t, 2>& s) {
            if (!equal.load(std::memory_order_relaxed)) return;
            for (size_t i = 0; i < n; ++i) {
              T x = pa[off[0] + int64_t(i) * s[0]], y = pb[off[1] + int64_t(i) * s[1]];
              bool eq;
              if constexpr (is_cplx_v<T>) {
                eq = x == y;
                if (!eq && en) {
                  bool xn = x.real() != x.real() || x.imag() != x.imag();
                  bool yn = y.real() != y.real() || y.imag() != y.imag();
                  eq = xn && yn;
                }
              } else if constexpr (is_half_v<T>) {
                float fx = float(x), fy = float(y);
                eq = fx == fy || (en && fx != fx && fy != fy);
              } else if constexpr (std::is_floating_point_v<T>) {
                eq = x == y || (en && x != x && y != y);
              } else {
                eq = x == y;
              }
              if (!eq) {
                equal.store(false, std::memory_order_relaxed);
                return;
              }
            }
          });
    });
  }
  *out.data<bool>() = equal.load();
}

}  // namespace mlx::core
