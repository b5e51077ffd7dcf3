// CPU kernels of the primitives in primitives_fft.h: one pass of 1-d transforms per axis,
// through the kernels of fft_isa.cpp (plans: fft_plan.cpp). The first pass reads the input
// in place, whatever its strides, truncating or zero padding every axis to the transform's
// extents; later passes work in place on the (row-contiguous) output or a temporary.
//   complex  axes last to first, each a c2c pass
//   real     r2c along the last axis, then c2c passes over the others
//   real+inv c2c passes over the other axes into a temporary, then c2r along the last axis
// The normalisation is applied by the last pass.
#include <algorithm>
#include <vector>

#include "../../allocator.h"
#include "../../primitives_fft.h"
#include "fft_plan.h"
#include "parallel.h"

namespace mlx::core {

namespace {

using cpu::fft::cf;
using cpu::fft::Lines;

using Ext = std::vector<int64_t>;

// Offsets of the row-major index space `ext` in an array of extents `have` and element
// strides `str` (over the same dims): one stride where the map is affine, else a table with
// kNoLine for indices past `have` (lines of zeros: padding).
struct Offsets {
  std::vector<int64_t> tab;
  int64_t stride = 0;
  bool table = false;
};

void offsets(const Ext& ext, const Ext& have, const Ext& str, Offsets& o) {
  bool affine = true;
  int last = -1;
  for (int d = int(ext.size()) - 1; d >= 0 && affine; --d) {
    if (ext[d] > have[d]) affine = false;
    if (ext[d] == 1) continue;
    if (last < 0)
      o.stride = str[d];
    else if (str[d] != str[last] * ext[last])
      affine = false;
    last = d;
  }
  if (affine) return;
  o.table = true;
  int64_t count = 1;
  for (auto e : ext) count *= e;
  o.tab.resize(size_t(count));
  for (int64_t i = 0; i < count; ++i) {
    int64_t r = i, off = 0;
    for (int d = int(ext.size()) - 1; d >= 0; --d) {
      int64_t k = r % ext[d];
      r /= ext[d];
      if (k >= have[d]) {
        off = cpu::fft::kNoLine;
        break;
      }
      off += k * str[d];
    }
    o.tab[size_t(i)] = off;
  }
}

// Lines along `axis` of an operand with extents `have` and strides `str`, visited in the
// row-major order of the extents `ext` (the destination's).
struct SrcLines {
  Offsets outer, inner;
  Lines L;
  int64_t count = 0;

  SrcLines(const Ext& ext, const Ext& have, const Ext& str, int axis) {
    auto part = [&](const Ext& v, int b, int e) { return Ext(v.begin() + b, v.begin() + e); };
    const int nd = int(ext.size());
    offsets(part(ext, 0, axis), part(have, 0, axis), part(str, 0, axis), outer);
    offsets(part(ext, axis + 1, nd), part(have, axis + 1, nd), part(str, axis + 1, nd), inner);
    L.inner = 1;
    for (int d = axis + 1; d < nd; ++d) L.inner *= ext[d];
    count = L.inner;
    for (int d = 0; d < axis; ++d) count *= ext[d];
    L.outer_off = outer.table ? outer.tab.data() : nullptr;
    L.outer_stride = outer.stride;
    L.inner_off = inner.table ? inner.tab.data() : nullptr;
    L.inner_stride = inner.stride;
    L.es = str[axis];
    L.len = have[axis];
  }
  SrcLines(const SrcLines&) = delete;
  SrcLines& operator=(const SrcLines&) = delete;
};

// Lines along `axis` of a row-contiguous array of extents `ext`.
Lines row_lines(const Ext& ext, int axis) {
  Lines L;
  L.inner = 1;
  for (size_t d = size_t(axis) + 1; d < ext.size(); ++d) L.inner *= ext[d];
  L.outer_stride = ext[size_t(axis)] * L.inner;
  L.inner_stride = 1;
  L.es = L.inner;
  L.len = ext[size_t(axis)];
  return L;
}

Ext row_strides_of(const Ext& ext) {
  Ext s(ext.size(), 1);
  for (int d = int(ext.size()) - 2; d >= 0; --d) s[size_t(d)] = s[size_t(d) + 1] * ext[size_t(d) + 1];
  return s;
}

int64_t lines_of(const Ext& ext, int axis) {
  int64_t c = 1;
  for (size_t d = 0; d < ext.size(); ++d)
    if (int(d) != axis) c *= ext[d];
  return c;
}

// Completes lines holding X[0, n/2] of a real input's spectrum: X[n - k] = conj X[k]. For the
// inverse transform (the conjugate of the forward one for a real input) the first half is
// conjugated too.
void hermitian_fill(cf* o, const Lines& D, int64_t count, int64_t n, bool conj_all) {
  const int64_t h = n / 2;
  auto line = [&](cf* d, int64_t k0, int64_t k1) {
    const int64_t es = D.es;
    for (int64_t k = k0; k < k1; ++k) {
      cf x = d[k * es];
      if (conj_all) d[k * es] = {x.re, -x.im};
      if (k > 0 && k < h) d[(n - k) * es] = conj_all ? x : cf{x.re, -x.im};
    }
  };
  if (count >= 2 * int64_t(cpu::num_threads()) || count * n < (int64_t(1) << 15)) {
    cpu::parallel_for(size_t(count), std::max<size_t>(1, size_t((int64_t(1) << 15) / n)), [&](size_t b, size_t e) {
      for (size_t l = b; l < e; ++l) line(o + D.off(int64_t(l)), 0, h + 1);
    });
  } else {
    for (int64_t l = 0; l < count; ++l) {
      cf* d = o + D.off(l);
      cpu::parallel_for(size_t(h + 1), size_t(1) << 14, [&](size_t b, size_t e) { line(d, int64_t(b), int64_t(e)); });
    }
  }
}

}  // namespace

void FFT::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  const auto& K = cpu::fft::fft_kernels();
  const Ext have(in.shape().begin(), in.shape().end());
  const Ext istr(in.strides().begin(), in.strides().end());
  const Ext oext(out.shape().begin(), out.shape().end());
  const int na = int(axes_.size());
  const float scale = float(scale_);

  if (!real_) {
    const bool src_real = in.dtype() == float32;
    cf* o = out.data<cf>();
    for (int i = na - 1; i >= 0; --i) {
      const int a = axes_[i];
      auto P = cpu::fft::get_plan(n_[i]);
      Lines D = row_lines(oext, a);
      const float sc = i == 0 ? scale : 1.0f;
      if (i == na - 1) {
        SrcLines S(oext, have, istr, a);
        if (src_real && n_[i] % 2 == 0 && n_[i] >= 4) {
          // A real input: the half spectrum (half the work), then X[n - k] = conj X[k]
          // (the inverse: the conjugate of the forward transform of a real line).
          K.r2c(*cpu::fft::get_real_plan(n_[i]), in.data<float>(), S.L, o, D, S.count, sc);
          hermitian_fill(o, D, S.count, n_[i], inverse_);
        } else {
          K.c2c(*P, in.data<void>(), src_real, S.L, o, D, S.count, !inverse_, sc);
        }
      } else {
        K.c2c(*P, o, false, D, o, D, lines_of(oext, a), !inverse_, sc);
      }
    }
    return;
  }

  const int last = axes_.back();
  auto R = cpu::fft::get_real_plan(n_.back());
  if (!inverse_) {
    cf* o = out.data<cf>();
    {
      SrcLines S(oext, have, istr, last);
      K.r2c(*R, in.data<float>(), S.L, o, row_lines(oext, last), S.count, na == 1 ? scale : 1.0f);
    }
    for (int i = na - 2; i >= 0; --i) {
      auto P = cpu::fft::get_plan(n_[i]);
      Lines D = row_lines(oext, axes_[i]);
      K.c2c(*P, o, false, D, o, D, lines_of(oext, axes_[i]), true, i == 0 ? scale : 1.0f);
    }
    return;
  }

  float* o = out.data<float>();
  if (na == 1) {
    SrcLines S(oext, have, istr, last);
    K.c2r(*R, in.data<cf>(), S.L, o, row_lines(oext, last), S.count, scale);
    return;
  }
  // The complex axes first, into a temporary with the half-length last axis.
  Ext mid = oext;
  mid[size_t(last)] = n_.back() / 2 + 1;
  int64_t msize = 1;
  for (auto e : mid) msize *= e;
  allocator::Buffer tb = allocator::malloc(size_t(msize) * sizeof(cf));
  try {
    cf* t = static_cast<cf*>(tb.ptr);
    for (int i = 0; i < na - 1; ++i) {
      const int a = axes_[i];
      auto P = cpu::fft::get_plan(n_[i]);
      Lines D = row_lines(mid, a);
      if (i == 0) {
        SrcLines S(mid, have, istr, a);
        K.c2c(*P, in.data<void>(), false, S.L, t, D, S.count, false, 1.0f);
      } else {
        K.c2c(*P, t, false, D, t, D, lines_of(mid, a), false, 1.0f);
      }
    }
    SrcLines S(oext, mid, row_strides_of(mid), last);
    K.c2r(*R, t, S.L, o, row_lines(oext, last), S.count, scale);
  } catch (...) {
    allocator::free(tb);
    throw;
  }
  allocator::free(tb);
}

}  // namespace mlx::core
