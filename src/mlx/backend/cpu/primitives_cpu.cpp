// CPU evaluation of the elementwise, layout and creation primitives.
#include <cstring>
#include <stdexcept>

#include "../../pool.h"
#include "../../primitives.h"
#include "../../primitives_shape.h"
#include "kernels.h"
#include "layout.h"
#include "strided.h"

namespace mlx::core {

namespace {

using cpu::kernels;
using namespace cpu::layout;

// Row/column contiguity from a layout; `dense` says the elements fill data_size slots.
array::Flags layout_flags(const Shape& shape, const Strides& strides, bool dense) {
  array::Flags f;
  int64_t expect = 1;
  f.row_contiguous = true;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expect) f.row_contiguous = false;
    expect *= shape[i];
  }
  expect = 1;
  f.col_contiguous = true;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expect) f.col_contiguous = false;
    expect *= shape[i];
  }
  f.contiguous = dense || f.row_contiguous || f.col_contiguous;
  return f;
}

char* ptr(array& a) { return a.data<char>(); }
const char* ptr(const array& a) { return a.data<char>(); }

// Copies (with dtype conversion) any layout of `in` into `out`.
void convert_general(const array& in, array& out) {
  auto fn = kernels().convert[in.dtype().index()][out.dtype().index()];
  size_t isz = in.itemsize(), osz = out.itemsize();
  if (is_dense(in)) {
    alloc_like(out, in);
    const char* src = ptr(in);
    char* dst = ptr(out);
    linear_out(in.data_size(), osz, dst, [&](size_t b, size_t n, char* d) { fn(src + b * isz, d, n, 1); });
    return;
  }
  alloc_row(out);
  if (out.size() == 0) return;
  auto L = cpu::collapse<2>(in.shape(), {&in.strides(), &out.strides()});
  const char* src = ptr(in);
  char* dst = ptr(out);
  cpu::for_each_row<2>(L, osz, [&](const std::array<int64_t, 2>& off, size_t n,
                                    const std::array<int64_t, 2>& s) {
    fn(src + off[0] * int64_t(isz), dst + off[1] * int64_t(osz), n, s[0]);
  });
}

}  // namespace

void Binary::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& b = inputs[1];
  auto fn = kernels().binary[int(op_)][out.dtype().index()];
  size_t sz = out.itemsize();
  if (out.size() == 0) {
    alloc_row(out);
    return;
  }
  // Inputs arrive broadcast to the output shape: dense operands with one layout, or a
  // dense operand beside a broadcast scalar, run as one linear loop.
  bool da = is_dense(a), db = is_dense(b);
  bool sa = a.data_size() == 1, sb = b.data_size() == 1;
  int64_t ia = -1, ib = -1;
  if (da && db && a.strides() == b.strides()) ia = 1, ib = 1;
  else if (da && sb) ia = 1, ib = 0;
  else if (sa && db) ia = 0, ib = 1;
  if (ia >= 0) {
    const array& like = ia ? a : b;
    alloc_like(out, like);
    const char *pa = ptr(a), *pb = ptr(b);
    char* po = ptr(out);
    linear_out(out.data_size(), sz, po, [&](size_t s, size_t n, char* dst) {
      fn(pa + s * ia * sz, pb + s * ib * sz, dst, n, ia, ib);
    });
    return;
  }
  alloc_row(out);
  auto L = cpu::collapse<3>(out.shape(), {&a.strides(), &b.strides(), &out.strides()});
  const char *pa = ptr(a), *pb = ptr(b);
  char* po = ptr(out);
  int64_t isz = int64_t(sz);
  cpu::for_each_row<3>(L, sz, [&](const std::array<int64_t, 3>& off, size_t n,
                                   const std::array<int64_t, 3>& s) {
    fn(pa + off[0] * isz, pb + off[1] * isz, po + off[2] * isz, n, s[0], s[1]);
  });
}

void Select::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& c = inputs[0];
  const array& x = inputs[1];
  const array& y = inputs[2];
  int lg = __builtin_ctz(unsigned(out.itemsize()));
  auto fn = kernels().select[lg];
  int64_t sz = int64_t(out.itemsize());
  if (out.size() == 0) {
    alloc_row(out);
    return;
  }
  if (is_dense(c) && is_dense(x) && is_dense(y) && c.strides() == x.strides() &&
      x.strides() == y.strides()) {
    alloc_like(out, x);
    const bool* pc = c.data<bool>();
    const char *px = ptr(x), *py = ptr(y);
    char* po = ptr(out);
    linear(out.data_size(), size_t(sz), [&](size_t s, size_t n) {
      fn(pc + s, px + s * sz, py + s * sz, po + s * sz, n, 1, 1, 1);
    });
    return;
  }
  alloc_row(out);
  auto L = cpu::collapse<4>(out.shape(), {&c.strides(), &x.strides(), &y.strides(), &out.strides()});
  const bool* pc = c.data<bool>();
  const char *px = ptr(x), *py = ptr(y);
  char* po = ptr(out);
  cpu::for_each_row<4>(L, size_t(sz), [&](const std::array<int64_t, 4>& off, size_t n,
                                           const std::array<int64_t, 4>& s) {
    fn(pc + off[0], px + off[1] * sz, py + off[2] * sz, po + off[3] * sz, n, s[0], s[1], s[2]);
  });
}

void AsType::eval_cpu(const std::vector<array>& inputs, array& out) {
  convert_general(inputs[0], out);
}

void Copy::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  // Arrays are immutable, so a copy can share engine-owned memory; memory owned by someone
  // else (a JS buffer that asarray aliased, which JS may still write) is copied for real.
  if (!in.data_shared_ptr()->deleter) {
    out.copy_shared_buffer(in);
    return;
  }
  convert_general(in, out);
}

void Full::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  alloc_row(out);
  if (out.size() == 0) return;
  auto fn = kernels().convert[in.dtype().index()][out.dtype().index()];
  size_t isz = in.itemsize(), osz = out.itemsize();
  if (in.data_size() == 1) {
    const char* src = ptr(in);
    char* dst = ptr(out);
    linear(out.size(), osz, [&](size_t b, size_t n) { fn(src, dst + b * osz, n, 0); });
    return;
  }
  auto L = cpu::collapse<2>(out.shape(), {&in.strides(), &out.strides()});
  const char* src = ptr(in);
  char* dst = ptr(out);
  cpu::for_each_row<2>(L, osz, [&](const std::array<int64_t, 2>& off, size_t n,
                                    const std::array<int64_t, 2>& s) {
    fn(src + off[0] * int64_t(isz), dst + off[1] * int64_t(osz), n, s[0]);
  });
}

void Arange::eval_cpu(const std::vector<array>&, array& out) {
  alloc_row(out);
  // As MLX: the increment is dtype(start + step) - dtype(start), accumulated in dtype.
  dispatch_dtype(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, complex64_t>) {
      throw std::invalid_argument("[arange] Unsupported dtype.");
    } else {
      T* o = out.data<T>();
      T value = static_cast<T>(start_);
      T inc;
      if constexpr (std::is_integral_v<T>) {
        inc = T(static_cast<T>(start_ + step_) - value);
      } else {
        inc = T(float(static_cast<T>(start_ + step_)) - float(value));
        if constexpr (std::is_same_v<T, double>) inc = static_cast<T>(start_ + step_) - value;
      }
      for (size_t i = 0; i < out.size(); ++i) {
        o[i] = value;
        if constexpr (std::is_integral_v<T>)
          value = T(value + inc);
        else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
          value += inc;
        else
          value = T(float(value) + float(inc));
      }
    }
  });
}

void Broadcast::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  Strides strides(out.ndim(), 0);
  int diff = out.ndim() - in.ndim();
  for (int i = 0; i < in.ndim(); ++i)
    strides[diff + i] = in.shape()[i] == 1 && out.shape()[diff + i] != 1 ? 0 : in.strides()[i];
  bool dense = out.size() == in.size() && is_dense(in);
  auto flags = layout_flags(out.shape(), strides, dense);
  out.copy_shared_buffer(in, strides, flags, in.data_size());
}

// The input read in row order as out's shape: a view when it is row contiguous.
static void reshape_eval(const array& in, array& out) {
  if (in.flags().row_contiguous) {
    auto strides = row_strides(out.shape());
    out.copy_shared_buffer(in, strides, layout_flags(out.shape(), strides, true), in.data_size());
    return;
  }
  // Not row contiguous: materialise in row order first.
  alloc_row(out);
  if (out.size() == 0) return;
  auto fn = kernels().convert[in.dtype().index()][out.dtype().index()];
  Strides in_row = row_strides(in.shape());
  auto L = cpu::collapse<2>(in.shape(), {&in.strides(), &in_row});
  const char* src = ptr(in);
  char* dst = ptr(out);
  int64_t sz = int64_t(in.itemsize());
  cpu::for_each_row<2>(L, size_t(sz), [&](const std::array<int64_t, 2>& off, size_t n,
                                           const std::array<int64_t, 2>& s) {
    fn(src + off[0] * sz, dst + off[1] * sz, n, s[0]);
  });
}

void Reshape::eval_cpu(const std::vector<array>& inputs, array& out) {
  reshape_eval(inputs[0], out);
}
void Flatten::eval_cpu(const std::vector<array>& inputs, array& out) {
  reshape_eval(inputs[0], out);
}
void Unflatten::eval_cpu(const std::vector<array>& inputs, array& out) {
  reshape_eval(inputs[0], out);
}

void Transpose::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  Strides strides(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) strides[i] = in.strides()[axes_[i]];
  bool dense = in.flags().contiguous && in.data_size() == in.size();
  out.copy_shared_buffer(in, strides, layout_flags(out.shape(), strides, dense), in.data_size());
}

}  // namespace mlx::core
