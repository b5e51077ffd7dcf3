// CPU kernels of the primitives in primitives_index.h. Gathers copy one source slice per index
// position (a memcpy when the slice is contiguous in the source); scatters first copy the
// destination (or take over its buffer when nothing else can see it) and then combine the
// update slices in index order, so repeated indices behave deterministically.
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../../primitives_index.h"
#include "kernels.h"
#include "layout.h"
#include "parallel.h"
#include "strided.h"

namespace mlx::core {

namespace {

using namespace cpu::layout;
using cpu::parallel_for;

char* ptr(array& a) { return a.data<char>(); }
const char* ptr(const array& a) { return a.data<char>(); }

// Walks one operand's elements in row-major order of its shape from any flat position.
struct Walker {
  Shape shape;
  Strides strides;
  std::vector<int32_t> pos;
  int64_t off = 0;
  Walker(const Shape& sh, const Strides& st) {
    auto L = cpu::collapse<1>(sh, {&st});
    shape = std::move(L.shape);
    strides = std::move(L.strides[0]);
    pos.assign(shape.size(), 0);
  }
  void seek(size_t i) {
    off = 0;
    for (int d = int(shape.size()) - 1; d >= 0; --d) {
      pos[d] = int32_t(i % size_t(shape[d]));
      i /= size_t(shape[d]);
      off += int64_t(pos[d]) * strides[d];
    }
  }
  void next() {
    for (int d = int(shape.size()) - 1; d >= 0; --d) {
      off += strides[d];
      if (++pos[d] < shape[d]) return;
      off -= int64_t(shape[d]) * strides[d];
      pos[d] = 0;
    }
  }
};

// Calls f(T{}) with the C++ type of an integer dtype.
template <typename F>
void dispatch_index(Dtype t, F&& f) {
  switch (t.val) {
    case Dtype::Val::uint8: return f(uint8_t{});
    case Dtype::Val::uint16: return f(uint16_t{});
    case Dtype::Val::uint32: return f(uint32_t{});
    case Dtype::Val::uint64: return f(uint64_t{});
    case Dtype::Val::int8: return f(int8_t{});
    case Dtype::Val::int16: return f(int16_t{});
    case Dtype::Val::int32: return f(int32_t{});
    case Dtype::Val::int64: return f(int64_t{});
    default: throw std::invalid_argument("[gather] Indices must be integral.");
  }
}

// The first out-of-range index seen by any thread (threads must not throw).
struct BadIndex {
  std::atomic<bool> set{false};
  int64_t value = 0;
  int axis = 0;
  int64_t size = 0;
  void record(int64_t v, int ax, int64_t n) {
    bool expected = false;
    if (set.compare_exchange_strong(expected, true)) value = v, axis = ax, size = n;
  }
  void check(const std::string& op) const {
    if (set.load())
      throw std::out_of_range("[" + op + "] Index " + std::to_string(value) +
                              " is out of bounds for axis " + std::to_string(axis) + " with size " +
                              std::to_string(size) + ".");
  }
};

// An index read as int64 and moved into [0, n) when it counts from the end; -1 if still outside.
template <typename T>
inline int64_t norm_index(T v, int64_t n) {
  int64_t x;
  if constexpr (std::is_unsigned_v<T>) {
    if (uint64_t(v) >= uint64_t(n)) return -1;
    x = int64_t(v);
  } else {
    x = int64_t(v);
    if (x < 0) x += n;
    if (x < 0 || x >= n) return -1;
  }
  return x;
}

// Adds idx[p] * stride to off[p - p0] for p in [p0, p1) (idx walked in row-major order).
void add_offsets(const array& idx, size_t p0, size_t p1, int64_t stride, int axis, int64_t n,
                 int64_t* off, BadIndex& bad) {
  dispatch_index(idx.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* data = idx.data<T>();
    if (idx.flags().row_contiguous && idx.data_size() == idx.size()) {
      for (size_t p = p0; p < p1; ++p) {
        int64_t v = norm_index(data[p], n);
        if (v < 0) bad.record(int64_t(data[p]), axis, n), v = 0;
        off[p - p0] += v * stride;
      }
      return;
    }
    Walker w(idx.shape(), idx.strides());
    w.seek(p0);
    for (size_t p = p0; p < p1; ++p, w.next()) {
      T raw = data[w.off];
      int64_t v = norm_index(raw, n);
      if (v < 0) bad.record(int64_t(raw), axis, n), v = 0;
      off[p - p0] += v * stride;
    }
  });
}

// Copies n elements of `isz` bytes from a strided source into contiguous memory.
inline void copy_strided(char* dst, const char* src, size_t n, int64_t stride, size_t isz) {
  if (stride == 1) {
    std::memcpy(dst, src, n * isz);
    return;
  }
  auto run = [&](auto zero) {
    using T = decltype(zero);
    T* d = reinterpret_cast<T*>(dst);
    const T* s = reinterpret_cast<const T*>(src);
    for (size_t i = 0; i < n; ++i) std::memcpy(d + i, s + int64_t(i) * stride, sizeof(T));
  };
  switch (isz) {
    case 1: return run(uint8_t{});
    case 2: return run(uint16_t{});
    case 4: return run(uint32_t{});
    default: return run(uint64_t{});
  }
}

// Visits the rows of a merged 2-operand layout in one thread: row(off0, off1, n, s0, s1).
template <typename F>
void walk_rows(const cpu::Layout<2>& L, F&& row) {
  int nd = int(L.shape.size());
  size_t n = size_t(L.shape.back());
  std::vector<int32_t> idx(nd, 0);
  int64_t o0 = 0, o1 = 0;
  int64_t s0 = L.strides[0].back(), s1 = L.strides[1].back();
  for (;;) {
    row(o0, o1, n, s0, s1);
    int d = nd - 2;
    for (; d >= 0; --d) {
      o0 += L.strides[0][d];
      o1 += L.strides[1][d];
      if (++idx[d] < L.shape[d]) break;
      o0 -= int64_t(L.shape[d]) * L.strides[0][d];
      o1 -= int64_t(L.shape[d]) * L.strides[1][d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

bool owned_and_dense(const array& a) {
  return a.flags().row_contiguous && a.data_size() == a.size() && !a.data_shared_ptr()->deleter;
}

// out = a, row-contiguous. Takes over a's buffer when only this node can still see it (MLX's
// donation), so a loop of in-place updates does not copy the whole array each time.
void copy_or_donate(const array& a, array& out) {
  if (a.use_count() == 1 && a.data_shared_ptr().use_count() == 1 && owned_and_dense(a) &&
      a.data_size() == out.size() && a.dtype() == out.dtype()) {
    out.copy_shared_buffer(a);
    return;
  }
  alloc_row(out);
  if (out.size() == 0) return;
  size_t isz = out.itemsize();
  char* dst = ptr(out);
  const char* src = ptr(a);
  if (a.flags().row_contiguous && a.data_size() == a.size()) {
    linear(out.size(), isz, [&](size_t b, size_t n) { std::memcpy(dst + b * isz, src + b * isz, n * isz); });
    return;
  }
  Strides rs = row_strides(out.shape());
  auto L = cpu::collapse<2>(out.shape(), {&a.strides(), &rs});
  cpu::for_each_row<2>(L, isz, [&](const std::array<int64_t, 2>& off, size_t n, const std::array<int64_t, 2>& s) {
    copy_strided(dst + off[1] * int64_t(isz), src + off[0] * int64_t(isz), n, s[0], isz);
  });
}

// Combines src into dst: dst[i * sd] op= src[i * ss] for i < n.
template <typename T, ScatterOp Op>
inline void combine_row(T* dst, const T* src, size_t n, int64_t sd, int64_t ss) {
  for (size_t i = 0; i < n; ++i) {
    T& d = dst[int64_t(i) * sd];
    const T& v = src[int64_t(i) * ss];
    if constexpr (Op == ScatterOp::None) {
      d = v;
    } else if constexpr (std::is_same_v<T, bool>) {
      if constexpr (Op == ScatterOp::Sum || Op == ScatterOp::Max) d = d || v;
      else d = d && v;
    } else if constexpr (std::is_same_v<T, complex64_t>) {
      if constexpr (Op == ScatterOp::Sum) d += v;
      else if constexpr (Op == ScatterOp::Prod) d *= v;
      else {
        // Lexicographic order (real part, then imaginary), as numpy orders complex numbers.
        bool less = v.real() < d.real() || (v.real() == d.real() && v.imag() < d.imag());
        bool greater = v.real() > d.real() || (v.real() == d.real() && v.imag() > d.imag());
        if ((Op == ScatterOp::Max && greater) || (Op == ScatterOp::Min && less)) d = v;
      }
    } else if constexpr (std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>) {
      float a = float(d), b = float(v);
      if constexpr (Op == ScatterOp::Sum) d = T(a + b);
      else if constexpr (Op == ScatterOp::Prod) d = T(a * b);
      else if constexpr (Op == ScatterOp::Max) d = (b > a || b != b) ? v : d;
      else d = (b < a || b != b) ? v : d;
    } else if constexpr (std::is_floating_point_v<T>) {
      // NaN propagates through maximum/minimum, as in mx.maximum.
      if constexpr (Op == ScatterOp::Sum) d = d + v;
      else if constexpr (Op == ScatterOp::Prod) d = d * v;
      else if constexpr (Op == ScatterOp::Max) d = (v > d || v != v) ? v : d;
      else d = (v < d || v != v) ? v : d;
    } else {
      // Integers wrap around (unsigned arithmetic), as the elementwise ops do.
      using U = std::make_unsigned_t<std::conditional_t<std::is_integral_v<T>, T, int>>;
      if constexpr (Op == ScatterOp::Sum) d = T(U(d) + U(v));
      else if constexpr (Op == ScatterOp::Prod) d = T(U(d) * U(v));
      else if constexpr (Op == ScatterOp::Max) d = v > d ? v : d;
      else d = v < d ? v : d;
    }
  }
}

using CombineFn = void (*)(char* dst, const char* src, size_t n, int64_t sd, int64_t ss);

template <typename T, ScatterOp Op>
void combine_bytes(char* dst, const char* src, size_t n, int64_t sd, int64_t ss) {
  combine_row<T, Op>(reinterpret_cast<T*>(dst), reinterpret_cast<const T*>(src), n, sd, ss);
}

CombineFn combine_fn(Dtype t, ScatterOp op) {
  return dispatch_dtype(t, [&](auto zero) -> CombineFn {
    using T = decltype(zero);
    switch (op) {
      case ScatterOp::None: return combine_bytes<T, ScatterOp::None>;
      case ScatterOp::Sum: return combine_bytes<T, ScatterOp::Sum>;
      case ScatterOp::Prod: return combine_bytes<T, ScatterOp::Prod>;
      case ScatterOp::Max: return combine_bytes<T, ScatterOp::Max>;
      default: return combine_bytes<T, ScatterOp::Min>;
    }
  });
}

constexpr size_t kChunk = 2048;  // index positions whose offsets are computed at once

}  // namespace

const char* Scatter::name() const {
  switch (op_) {
    case ScatterOp::None: return "Scatter";
    case ScatterOp::Sum: return "ScatterSum";
    case ScatterOp::Prod: return "ScatterProd";
    case ScatterOp::Max: return "ScatterMax";
    default: return "ScatterMin";
  }
}

void Gather::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  alloc_row(out);
  if (out.size() == 0) return;
  const int k = int(inputs.size()) - 1;
  const size_t npos = k ? inputs[1].size() : 1;
  const size_t isz = out.itemsize();
  size_t S = 1;
  for (auto d : slice_sizes_) S *= size_t(d);
  Strides srow = row_strides(slice_sizes_);
  auto SL = cpu::collapse<2>(slice_sizes_, {&a.strides(), &srow});
  const bool contiguous = SL.shape.size() == 1 && SL.strides[0][0] == 1;
  const char* src = ptr(a);
  char* dst = ptr(out);
  BadIndex bad;

  auto offsets = [&](size_t p0, size_t p1, int64_t* off) {
    std::fill(off, off + (p1 - p0), int64_t(0));
    for (int j = 0; j < k; ++j)
      add_offsets(inputs[j + 1], p0, p1, a.strides()[axes_[j]], axes_[j], a.shape(axes_[j]), off, bad);
  };

  if (npos == 1) {
    // One slice: split the slice itself over the cores.
    int64_t base = 0;
    offsets(0, 1, &base);
    bad.check(op_);
    const char* s0 = src + base * int64_t(isz);
    cpu::for_each_row<2>(SL, isz, [&](const std::array<int64_t, 2>& off, size_t n, const std::array<int64_t, 2>& s) {
      copy_strided(dst + off[1] * int64_t(isz), s0 + off[0] * int64_t(isz), n, s[0], isz);
    });
    return;
  }

  size_t grain = std::max<size_t>(64, (size_t(1) << 16) / std::max<size_t>(1, S * isz));
  parallel_for(npos, grain, [&](size_t b, size_t e) {
    int64_t off[kChunk];
    for (size_t c = b; c < e; c += kChunk) {
      size_t ce = std::min(e, c + kChunk);
      offsets(c, ce, off);
      if (S == 1) {
        // Element gather: one load per index.
        auto run = [&](auto zero) {
          using T = decltype(zero);
          const T* s = reinterpret_cast<const T*>(src);
          T* d = reinterpret_cast<T*>(dst) + c;
          for (size_t i = 0; i < ce - c; ++i) d[i] = s[off[i]];
        };
        switch (isz) {
          case 1: run(uint8_t{}); break;
          case 2: run(uint16_t{}); break;
          case 4: run(uint32_t{}); break;
          default: run(uint64_t{}); break;
        }
      } else if (contiguous) {
        for (size_t p = c; p < ce; ++p)
          std::memcpy(dst + p * S * isz, src + off[p - c] * int64_t(isz), S * isz);
      } else {
        for (size_t p = c; p < ce; ++p) {
          const char* s0 = src + off[p - c] * int64_t(isz);
          char* d0 = dst + p * S * isz;
          walk_rows(SL, [&](int64_t o0, int64_t o1, size_t n, int64_t st0, int64_t) {
            copy_strided(d0 + o1 * int64_t(isz), s0 + o0 * int64_t(isz), n, st0, isz);
          });
        }
      }
    }
  });
  bad.check(op_);
}

void Scatter::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& upd = inputs.back();
  const int k = int(inputs.size()) - 2;
  // Index positions: the broadcast index shape (the leading dims of the updates).
  Shape ishape(upd.shape().begin(), upd.shape().begin() + (upd.ndim() - a.ndim()));
  size_t npos = 1;
  for (auto d : ishape) npos *= size_t(d);
  Shape sshape(upd.shape().begin() + (upd.ndim() - a.ndim()), upd.shape().end());
  size_t S = 1;
  for (auto d : sshape) S *= size_t(d);
  // Check the indices before touching a's buffer (which may be taken over).
  BadIndex bad;
  std::vector<int64_t> base(npos, 0);
  if (npos && S) {
    Strides ors = row_strides(a.shape());
    parallel_for(npos, 1 << 14, [&](size_t b, size_t e) {
      for (int j = 0; j < k; ++j)
        add_offsets(inputs[j + 1], b, e, ors[axes_[j]], axes_[j], a.shape(axes_[j]), base.data() + b, bad);
    });
  }
  bad.check(opname_);
  copy_or_donate(a, out);
  if (npos == 0 || S == 0) return;
  const size_t isz = out.itemsize();
  CombineFn fn = combine_fn(out.dtype(), op_);
  char* dst = ptr(out);
  const char* usrc = ptr(upd);
  // Update slice layout: the update's own strides beside the output's row strides.
  Strides ustr(upd.strides().begin() + ishape.size(), upd.strides().end());
  Strides ostr = out.strides();
  auto SL = cpu::collapse<2>(sshape, {&ustr, &ostr});
  Strides ipos(upd.strides().begin(), upd.strides().begin() + ishape.size());
  Walker uw(ishape, ipos);
  // The slice never spans an indexed axis by more than one: distinct slice elements always
  // land on distinct outputs, so the slice rows can be split over the cores.
  bool disjoint = true;
  for (int ax : axes_) disjoint = disjoint && sshape[ax] <= 1;
  size_t nrows = S / size_t(SL.shape.back());
  if (disjoint && nrows > 1 && npos * S >= (size_t(1) << 16)) {
    // Each thread owns some rows of the slice and applies every index position to them in order.
    std::vector<std::array<int64_t, 2>> row_off(nrows);
    size_t r = 0;
    walk_rows(SL, [&](int64_t o0, int64_t o1, size_t, int64_t, int64_t) { row_off[r++] = {o0, o1}; });
    size_t n = size_t(SL.shape.back());
    int64_t su = SL.strides[0].back(), so = SL.strides[1].back();
    parallel_for(nrows, 1, [&](size_t rb, size_t re) {
      Walker w = uw;
      w.seek(0);
      for (size_t p = 0; p < npos; ++p, w.next())
        for (size_t rr = rb; rr < re; ++rr)
          fn(dst + (base[p] + row_off[rr][1]) * int64_t(isz), usrc + (w.off + row_off[rr][0]) * int64_t(isz), n, so, su);
    });
    return;
  }
  uw.seek(0);
  for (size_t p = 0; p < npos; ++p, uw.next()) {
    char* d0 = dst + base[p] * int64_t(isz);
    const char* s0 = usrc + uw.off * int64_t(isz);
    walk_rows(SL, [&](int64_t o0, int64_t o1, size_t n, int64_t su, int64_t so) {
      fn(d0 + o1 * int64_t(isz), s0 + o0 * int64_t(isz), n, so, su);
    });
  }
}

void GatherAxis::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& idx = inputs[1];
  alloc_row(out);
  if (out.size() == 0) return;
  const size_t isz = out.itemsize();
  Strides astr = a.strides();
  const int64_t ax_stride = astr[axis_];
  const int64_t n_ax = a.shape(axis_);
  astr[axis_] = 0;
  Strides ors = row_strides(out.shape());
  auto L = cpu::collapse<3>(out.shape(), {&idx.strides(), &astr, &ors});
  const char* src = ptr(a);
  char* dst = ptr(out);
  BadIndex bad;
  dispatch_index(idx.dtype(), [&](auto izero) {
    using I = decltype(izero);
    const I* ip = idx.data<I>();
    auto run = [&](auto zero) {
      using T = decltype(zero);
      const T* s = reinterpret_cast<const T*>(src);
      T* d = reinterpret_cast<T*>(dst);
      cpu::for_each_row<3>(L, isz, [&](const std::array<int64_t, 3>& off, size_t n, const std::array<int64_t, 3>& st) {
        for (size_t i = 0; i < n; ++i) {
          I raw = ip[off[0] + int64_t(i) * st[0]];
          int64_t v = norm_index(raw, n_ax);
          if (v < 0) bad.record(int64_t(raw), axis_, n_ax), v = 0;
          d[off[2] + int64_t(i) * st[2]] = s[off[1] + int64_t(i) * st[1] + v * ax_stride];
        }
      });
    };
    switch (isz) {
      case 1: run(uint8_t{}); break;
      case 2: run(uint16_t{}); break;
      case 4: run(uint32_t{}); break;
      default: run(uint64_t{}); break;
    }
  });
  bad.check(op_);
}

void ScatterAxis::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& idx = inputs[1];
  const array& upd = inputs[2];
  const int64_t n_ax = a.shape(axis_);
  const char* opname = op_ == ScatterOp::None ? "put_along_axis" : "scatter_add_axis";
  // Check every index first: a's buffer may be taken over below.
  BadIndex bad;
  if (idx.size() && n_ax)
    dispatch_index(idx.dtype(), [&](auto izero) {
      using I = decltype(izero);
      const I* ip = idx.data<I>();
      Walker w(idx.shape(), idx.strides());
      for (size_t p = 0; p < idx.size(); ++p, w.next())
        if (norm_index(ip[w.off], n_ax) < 0) bad.record(int64_t(ip[w.off]), axis_, n_ax);
    });
  bad.check(opname);
  copy_or_donate(a, out);
  if (idx.size() == 0 || out.size() == 0) return;
  const size_t isz = out.itemsize();
  CombineFn fn = combine_fn(out.dtype(), op_);
  Strides ors = row_strides(out.shape());
  const int64_t ax_stride = ors[axis_];
  ors[axis_] = 0;
  char* dst = ptr(out);
  const char* usrc = ptr(upd);
  // In index order (repeated indices apply one after the other).
  dispatch_index(idx.dtype(), [&](auto izero) {
    using I = decltype(izero);
    const I* ip = idx.data<I>();
    Walker wi(idx.shape(), idx.strides()), wu(upd.shape(), upd.strides()), wo(idx.shape(), ors);
    for (size_t p = 0; p < idx.size(); ++p, wi.next(), wu.next(), wo.next()) {
      int64_t v = norm_index(ip[wi.off], n_ax);
      fn(dst + (wo.off + v * ax_stride) * int64_t(isz), usrc + wu.off * int64_t(isz), 1, 1, 1);
    }
  });
}

void MaskedScatter::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& mask = inputs[1];
  const array& vals = inputs[2];
  // Count the true positions first: too few values is an error, found before a is touched.
  size_t count = 0;
  {
    const bool* m = mask.data<bool>();
    Walker w(mask.shape(), mask.strides());
    for (size_t i = 0; i < mask.size(); ++i, w.next()) count += m[w.off];
  }
  if (count > vals.size())
    throw std::out_of_range("[" + op_ + "] The mask selects " + std::to_string(count) +
                            " elements but only " + std::to_string(vals.size()) +
                            " values were given.");
  copy_or_donate(a, out);
  if (count == 0) return;
  const size_t isz = out.itemsize();
  const bool* m = mask.data<bool>();
  char* dst = ptr(out);
  const char* src = ptr(vals);
  Walker wm(mask.shape(), mask.strides()), wv(vals.shape(), vals.strides());
  for (size_t i = 0; i < mask.size(); ++i, wm.next()) {
    if (!m[wm.off]) continue;
    std::memcpy(dst + i * isz, src + wv.off * int64_t(isz), isz);
    wv.next();
  }
}

namespace {

// The element offset of a dynamic slice's corner in an array of `shape`/`strides`.
int64_t dynamic_offset(const array& start, const std::vector<int>& axes, const Shape& shape,
                       const Strides& strides, const Shape& window, const char* op) {
  int64_t off = 0;
  dispatch_index(start.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = start.data<T>();
    Walker w(start.shape(), start.strides());
    for (size_t i = 0; i < axes.size(); ++i, w.next()) {
      int ax = axes[i];
      int64_t n = shape[ax];
      int64_t v = int64_t(p[w.off]);
      if constexpr (std::is_unsigned_v<T>) v = uint64_t(p[w.off]) > uint64_t(INT64_MAX) ? INT64_MAX : v;
      if (v < 0) v += n;
      if (v < 0 || v + window[ax] > n)
        throw std::out_of_range(std::string("[") + op + "] Start index " + std::to_string(int64_t(p[w.off])) +
                                " on axis " + std::to_string(ax) + " does not fit a slice of size " +
                                std::to_string(window[ax]) + " in an axis of size " + std::to_string(n) + ".");
      off += v * strides[ax];
    }
  });
  return off;
}

}  // namespace

void DynamicSlice::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  int64_t base = dynamic_offset(inputs[1], axes_, a.shape(), a.strides(), slice_size_, "slice");
  alloc_row(out);
  if (out.size() == 0) return;
  const size_t isz = out.itemsize();
  Strides rs = row_strides(out.shape());
  auto L = cpu::collapse<2>(out.shape(), {&a.strides(), &rs});
  const char* src = ptr(a) + base * int64_t(isz);
  char* dst = ptr(out);
  cpu::for_each_row<2>(L, isz, [&](const std::array<int64_t, 2>& off, size_t n, const std::array<int64_t, 2>& s) {
    copy_strided(dst + off[1] * int64_t(isz), src + off[0] * int64_t(isz), n, s[0], isz);
  });
}

void DynamicSliceUpdate::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& src = inputs[0];
  const array& upd = inputs[1];
  Strides ors = row_strides(src.shape());
  int64_t base = dynamic_offset(inputs[2], axes_, src.shape(), ors, upd.shape(), "slice_update");
  copy_or_donate(src, out);
  if (upd.size() == 0) return;
  const size_t isz = out.itemsize();
  auto L = cpu::collapse<2>(upd.shape(), {&upd.strides(), &ors});
  const char* s0 = ptr(upd);
  char* d0 = ptr(out) + base * int64_t(isz);
  CombineFn fn = combine_fn(out.dtype(), ScatterOp::None);
  cpu::for_each_row<2>(L, isz, [&](const std::array<int64_t, 2>& off, size_t n, const std::array<int64_t, 2>& s) {
    fn(d0 + off[1] * int64_t(isz), s0 + off[0] * int64_t(isz), n, s[1], s[0]);
  });
}

void IndexView::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  int64_t offset = 0;
  for (size_t i = 0; i < start_.size(); ++i) offset += int64_t(start_[i]) * in.strides()[i];
  Strides strides(out_src_.size(), 0);
  for (size_t d = 0; d < out_src_.size(); ++d)
    if (out_src_[d] >= 0) strides[d] = in.strides()[out_src_[d]] * step_[out_src_[d]];
  // Row/column contiguity of the view (size-1 dims do not matter).
  array::Flags f;
  int64_t expect = 1;
  for (int i = out.ndim() - 1; i >= 0; --i) {
    if (out.shape(i) == 1) continue;
    if (strides[i] != expect) f.row_contiguous = false;
    expect *= out.shape(i);
  }
  expect = 1;
  for (int i = 0; i < out.ndim(); ++i) {
    if (out.shape(i) == 1) continue;
    if (strides[i] != expect) f.col_contiguous = false;
    expect *= out.shape(i);
  }
  f.contiguous = f.row_contiguous || f.col_contiguous;
  // An empty view points at the input's first element (its offset may be past the end).
  if (out.size() == 0) offset = 0;
  out.copy_shared_buffer(in, strides, f, f.contiguous ? out.size() : in.data_size(), offset);
}

}  // namespace mlx::core
