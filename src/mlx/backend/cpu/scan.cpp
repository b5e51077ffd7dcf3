// CPU evaluation of Scan (cumsum, cumprod, cummax, cummin, logcumsumexp): the input is
// viewed as (outer, n, inner) row-contiguous; inner == 1 scans each line in order, otherwise
// whole inner rows are combined at once (vectorisable). Integers wrap as the dtype does;
// floats accumulate in double; max/min keep NaN once seen.
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <type_traits>
#include <vector>

#include "../../primitives.h"
#include "kernels.h"
#include "parallel.h"
#include "strided.h"

namespace mlx::core {

namespace {

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;
template <typename T>
constexpr bool is_cplx_v = std::is_same_v<T, complex64_t>;

template <typename T>
using acc_t = std::conditional_t<
    std::is_same_v<T, bool>, bool,
    std::conditional_t<std::is_integral_v<T>, uint64_t,
                       std::conditional_t<is_cplx_v<T>, std::complex<double>, double>>>;

template <typename T, typename A>
inline A widen(T v) {
  if constexpr (std::is_same_v<T, bool>) return v;
  else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) return A(int64_t(v));
    else return A(v);
  } else if constexpr (is_cplx_v<T>) return A(double(v.real()), double(v.imag()));
  else if constexpr (std::is_same_v<T, double>) return A(v);  // keep float64's precision
  else return A(double(float(v)));
}

template <typename T, typename A>
inline T narrow(A a) {
  if constexpr (is_cplx_v<T>) return T(float(a.real()), float(a.imag()));
  else if constexpr (std::is_same_v<T, bool>) return bool(a);
  else if constexpr (std::is_integral_v<T>) return T(a);
  else return T(a);
}

// Signed comparisons of integers held as uint64 accumulators.
template <typename T>
inline bool gt(acc_t<T> a, acc_t<T> b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool> && std::is_signed_v<T>)
    return int64_t(a) > int64_t(b);
  else if constexpr (is_cplx_v<T>)
    return a.real() > b.real() || (a.real() == b.real() && a.imag() > b.imag());
  else
    return a > b;
}

template <typename T>
struct ScanFn {
  using A = acc_t<T>;
  ScanOp op;
  A init() const {
    switch (op) {
      case ScanOp::Sum: return A(0);
      case ScanOp::Prod: return A(1);
      case ScanOp::Max:
        if constexpr (std::is_same_v<T, bool>) return false;
        else if constexpr (std::is_integral_v<T>) return widen<T, A>(std::numeric_limits<T>::lowest());
        else if constexpr (is_cplx_v<T>) return A(-INFINITY, -INFINITY);
        else return A(-INFINITY);
      case ScanOp::Min:
        if constexpr (std::is_same_v<T, bool>) return true;
        else if constexpr (std::is_integral_v<T>) return widen<T, A>(std::numeric_limits<T>::max());
        else if constexpr (is_cplx_v<T>) return A(INFINITY, INFINITY);
        else return A(INFINITY);
      default:
        if constexpr (std::is_floating_point_v<A>) return A(-INFINITY);
        else return A(0);
    }
  }
  A operator()(A a, A b) const {
    switch (op) {
      case ScanOp::Sum:
        if constexpr (std::is_same_v<T, bool>) return a || b;
        else return a + b;
      case ScanOp::Prod:
        if constexpr (std::is_same_v<T, bool>) return a && b;
        else return a * b;
      case ScanOp::Max:
      case ScanOp::Min: {
        if constexpr (std::is_floating_point_v<A>) {
          if (a != a) return a;
          if (b != b) return b;
        }
        bool take_b = op == ScanOp::Max ? gt<T>(b, a) : gt<T>(a, b);
        return take_b ? b : a;
      }
      default:
        if constexpr (std::is_floating_point_v<A>) {
          if (a != a || b != b) return a + b;
          double m = std::max(a, b);
          if (m == -INFINITY) return m;
          if (m == INFINITY) return m;
          return m + std::log1p(std::exp(-std::abs(a - b)));
        } else {
          return a;
        }
    }
  }
};

template <typename T>
void scan_typed(const T* x, T* y, size_t outer, size_t n, size_t inner, ScanOp op, bool reverse,
                bool inclusive) {
  using A = acc_t<T>;
  ScanFn<T> f{op};
  const A init = f.init();
  if (inner == 1) {
    size_t grain = std::max<size_t>(1, (size_t(1) << 14) / std::max<size_t>(1, n));
    cpu::parallel_for(outer, grain, [&](size_t b, size_t e) {
      for (size_t o = b; o < e; ++o) {
        const T* xl = x + o * n;
        T* yl = y + o * n;
        A acc = init;
        for (size_t k = 0; k < n; ++k) {
          size_t j = reverse ? n - 1 - k : k;
          if (inclusive) {
            acc = f(acc, widen<T, A>(xl[j]));
            yl[j] = narrow<T>(acc);
          } else {
            yl[j] = narrow<T>(acc);
            acc = f(acc, widen<T, A>(xl[j]));
          }
        }
      }
    });
    return;
  }
  constexpr size_t TM = 512;
  size_t ntiles = (inner + TM - 1) / TM;
  size_t grain = std::max<size_t>(1, (size_t(1) << 14) / std::max<size_t>(1, n * std::min(inner, TM)));
  cpu::parallel_for(outer * ntiles, grain, [&](size_t b, size_t e) {
    A acc[TM];
    for (size_t u = b; u < e; ++u) {
      size_t o = u / ntiles, c0 = (u % ntiles) * TM, m = std::min(TM, inner - c0);
      std::fill(acc, acc + m, init);
      for (size_t k = 0; k < n; ++k) {
        size_t j = reverse ? n - 1 - k : k;
        const T* xr = x + (o * n + j) * inner + c0;
        T* yr = y + (o * n + j) * inner + c0;
        if (inclusive) {
          for (size_t c = 0; c < m; ++c) {
            acc[c] = f(acc[c], widen<T, A>(xr[c]));
            yr[c] = narrow<T>(acc[c]);
          }
        } else {
          for (size_t c = 0; c < m; ++c) {
            yr[c] = narrow<T>(acc[c]);
            acc[c] = f(acc[c], widen<T, A>(xr[c]));
          }
        }
      }
    }
  });
}

}  // namespace

const char* Scan::name() const {
  switch (op_) {
    case ScanOp::Sum: return "CumSum";
    case ScanOp::Prod: return "CumProd";
    case ScanOp::Min: return "CumMin";
    case ScanOp::Max: return "CumMax";
    default: return "LogCumSumExp";
  }
}

void Scan::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  // Row-contiguous input: the input itself or a copy.
  allocator::Buffer owned{};
  const char* src = in.data<char>();
  if (!in.flags().row_contiguous) {
    owned = allocator::malloc(in.nbytes());
    auto fn = cpu::kernels().convert[in.dtype().index()][in.dtype().index()];
    Strides rs = row_strides(in.shape());
    auto L = cpu::collapse<2>(in.shape(), {&in.strides(), &rs});
    char* dst = static_cast<char*>(owned.ptr);
    int64_t sz = int64_t(in.itemsize());
    cpu::for_each_row<2>(L, size_t(sz), [&](const std::array<int64_t, 2>& off, size_t n,
                                             const std::array<int64_t, 2>& s) {
      fn(src + off[0] * sz, dst + off[1] * sz, n, s[0]);
    });
    src = dst;
  }
  size_t outer = 1, inner = 1, n = size_t(in.shape(axis_));
  for (int d = 0; d < axis_; ++d) outer *= size_t(in.shape(d));
  for (int d = axis_ + 1; d < in.ndim(); ++d) inner *= size_t(in.shape(d));
  try {
    dispatch_dtype(in.dtype(), [&](auto zero) {
      using T = decltype(zero);
      scan_typed<T>(reinterpret_cast<const T*>(src), out.data<T>(), outer, n, inner, op_, reverse_,
                    inclusive_);
    });
  } catch (...) {
    if (owned.ptr) allocator::free(owned);
    throw;
  }
  if (owned.ptr) allocator::free(owned);
}

}  // namespace mlx::core
