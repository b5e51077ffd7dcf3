// CPU kernels of the primitives in primitives_shape.h. They copy bytes, never values, so
// every dtype (NaN payloads, float16/bfloat16 bits, complex64) survives unchanged; the
// dtype only sets the element size.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "mlx/primitives_shape.h"
#include "mlx/backend/cpu/layout.h"
#include "mlx/backend/cpu/strided.h"

namespace mlx::core {

namespace {

using namespace cpu::layout;

char* ptr(array& a) { return a.data<char>(); }
const char* ptr(const array& a) { return a.data<char>(); }

// Flags and data_size of a view with these element strides: data_size is the span of the
// elements it can reach; `contiguous` only when they fill that span with no gaps, walking
// forwards (kernels read a dense array linearly from its data pointer).
struct ViewLayout {
  array::Flags flags;
  size_t data_size;
};

ViewLayout view_layout(const Shape& shape, const Strides& strides) {
  ViewLayout v;
  size_t size = 1;
  int64_t lo = 0, hi = 0;
  for (size_t i = 0; i < shape.size(); ++i) {
    size *= size_t(shape[i]);
    if (shape[i] <= 1) continue;
    int64_t ext = int64_t(shape[i] - 1) * strides[i];
    (ext < 0 ? lo : hi) += ext;
  }
  if (size == 0) {
    v.data_size = 0;
    return v;
  }
  v.data_size = size_t(hi - lo + 1);
  int64_t expect = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expect) v.flags.row_contiguous = false;
    expect *= shape[i];
  }
  expect = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expect) v.flags.col_contiguous = false;
    expect *= shape[i];
  }
  // Any other permutation of a dense block counts as contiguous too.
  bool dense = v.flags.row_contiguous || v.flags.col_contiguous;
  if (!dense && v.data_size == size) {
    std::vector<std::pair<int64_t, int32_t>> dims;
    for (size_t i = 0; i < shape.size(); ++i)
      if (shape[i] > 1) dims.emplace_back(strides[i], shape[i]);
    std::sort(dims.begin(), dims.end());
    dense = true;
    expect = 1;
    for (auto& [st, n] : dims) {
      if (st != expect) dense = false;
      expect *= n;
    }
  }
  v.flags.contiguous = dense;
  return v;
}

template <typename T>
void copy_strided_row(const char* s, int64_t ss, char* d, int64_t ds, size_t n) {
  const T* a = reinterpret_cast<const T*>(s);
  T* b = reinterpret_cast<T*>(d);
  if (ds == 1) {
    if (ss == 0) std::fill(b, b + n, a[0]);
    else if (ss == -1)
      for (size_t i = 0; i < n; ++i) b[i] = a[-int64_t(i)];
    else
      for (size_t i = 0; i < n; ++i) b[i] = a[int64_t(i) * ss];
  } else {
    for (size_t i = 0; i < n; ++i) b[int64_t(i) * ds] = a[int64_t(i) * ss];
  }
}

// n elements of `isz` bytes from src (element stride ss) to dst (element stride ds).
void copy_row(const char* src, int64_t ss, char* dst, int64_t ds, size_t n, size_t isz) {
  if (ss == 1 && ds == 1) {
    std::memcpy(dst, src, n * isz);
    return;
  }
  switch (isz) {
    case 1: copy_strided_row<uint8_t>(src, ss, dst, ds, n); break;
    case 2: copy_strided_row<uint16_t>(src, ss, dst, ds, n); break;
    case 4: copy_strided_row<uint32_t>(src, ss, dst, ds, n); break;
    default: copy_strided_row<uint64_t>(src, ss, dst, ds, n); break;
  }
}

// n source elements (stride ss), each written r times into contiguous dst.
template <typename T>
void repeat_row(const char* s, int64_t ss, char* d, size_t n, int64_t r) {
  const T* a = reinterpret_cast<const T*>(s);
  T* b = reinterpret_cast<T*>(d);
  if (r == 2) {
    for (size_t i = 0; i < n; ++i) {
      T v = a[int64_t(i) * ss];
      b[2 * i] = v;
      b[2 * i + 1] = v;
    }
    return;
  }
  for (size_t i = 0; i < n; ++i) std::fill(b + int64_t(i) * r, b + int64_t(i + 1) * r, a[int64_t(i) * ss]);
}

// A transposing copy: the destination's innermost dim is contiguous, the source's is dim
// `j`. Copying the (j, last) plane in tiles of 64 x 8 (64 along j) touches few source pages
// and lines per tile; a row walk would touch a new source line per element (measured here:
// 64x8 tiles ran 5-7x faster than the row walk, ahead of 32x32, 16x16 and 8x8).
template <typename T>
void copy_tiled(const char* srcv, char* dstv, const cpu::Layout<2>& L, int j) {
  constexpr int64_t B = 64, BL = 8;
  const int nd = int(L.shape.size());
  const int64_t nj = L.shape[j], nl = L.shape[nd - 1];
  const int64_t sj = L.strides[0][j], sl = L.strides[0][nd - 1];
  const int64_t dj = L.strides[1][j], dl = L.strides[1][nd - 1];
  // The other dims, walked as one outer index.
  std::vector<int> outer_dims;
  size_t outer = 1;
  for (int d = 0; d < nd - 1; ++d)
    if (d != j) outer_dims.push_back(d), outer *= size_t(L.shape[d]);
  size_t jb = size_t((nj + B - 1) / B);
  const T* src = reinterpret_cast<const T*>(srcv);
  T* dst = reinterpret_cast<T*>(dstv);
  size_t grain = std::max<size_t>(1, (size_t(1) << 16) / size_t(B * nl * int64_t(sizeof(T))));
  cpu::parallel_for(outer * jb, grain, [&](size_t t0, size_t t1) {
    for (size_t t = t0; t < t1; ++t) {
      size_t o = t / jb, r = o;
      int64_t so = 0, doff = 0;
      for (int k = int(outer_dims.size()) - 1; k >= 0; --k) {
        int d = outer_dims[k];
        int64_t i = int64_t(r % size_t(L.shape[d]));
        r /= size_t(L.shape[d]);
        so += i * L.strides[0][d];
        doff += i * L.strides[1][d];
      }
      int64_t j0 = int64_t(t % jb) * B, j1 = std::min(nj, j0 + B);
      for (int64_t l0 = 0; l0 < nl; l0 += BL) {
        int64_t l1 = std::min(nl, l0 + BL);
        for (int64_t a = j0; a < j1; ++a) {
          const T* s = src + so + a * sj;
          T* d = dst + doff + a * dj;
          for (int64_t b = l0; b < l1; ++b) d[b * dl] = s[b * sl];
        }
      }
    }
  });
}

// Copies the elements of a `shape` block from src (element strides sst) to dst (element
// strides dst_str); large blocks are split over the cores.
void copy_block(const char* src, const Strides& sst, char* dst, const Strides& dstr,
                const Shape& shape, size_t isz) {
  for (auto d : shape)
    if (d == 0) return;
  auto L = cpu::collapse<2>(shape, {&sst, &dstr});
  const int nd = int(L.shape.size());
  // Transposed source (unit stride on an outer dim, long rows): tiles.
  if (nd >= 2 && L.strides[1][nd - 1] == 1 && std::abs(L.strides[0][nd - 1]) > 1 &&
      L.shape[nd - 1] >= 16) {
    int j = -1;
    for (int d = nd - 2; d >= 0 && j < 0; --d)
      if (L.strides[0][d] == 1 && L.shape[d] >= 16) j = d;
    if (j >= 0) {
      switch (isz) {
        case 1: copy_tiled<uint8_t>(src, dst, L, j); return;
        case 2: copy_tiled<uint16_t>(src, dst, L, j); return;
        case 4: copy_tiled<uint32_t>(src, dst, L, j); return;
        default: copy_tiled<uint64_t>(src, dst, L, j); return;
      }
    }
  }
  // A short broadcast innermost dim (repeat): each source element written r times in a row,
  // one call per row of the next dim instead of one per r elements.
  if (nd >= 2 && L.strides[0][nd - 1] == 0 && L.strides[1][nd - 1] == 1 &&
      L.shape[nd - 1] <= 64 && L.strides[1][nd - 2] == L.shape[nd - 1]) {
    const int64_t r = L.shape[nd - 1];
    cpu::Layout<2> R;
    R.shape.assign(L.shape.begin(), L.shape.end() - 1);
    for (int k = 0; k < 2; ++k) R.strides[k].assign(L.strides[k].begin(), L.strides[k].end() - 1);
    int64_t sz = int64_t(isz);
    cpu::for_each_row<2>(R, isz * size_t(r), [&](const std::array<int64_t, 2>& off, size_t n,
                                                 const std::array<int64_t, 2>& s) {
      const char* a = src + off[0] * sz;
      char* b = dst + off[1] * sz;
      switch (isz) {
        case 1: repeat_row<uint8_t>(a, s[0], b, n, r); break;
        case 2: repeat_row<uint16_t>(a, s[0], b, n, r); break;
        case 4: repeat_row<uint32_t>(a, s[0], b, n, r); break;
        default: repeat_row<uint64_t>(a, s[0], b, n, r); break;
      }
    });
    return;
  }
  int64_t sz = int64_t(isz);
  cpu::for_each_row<2>(L, isz, [&](const std::array<int64_t, 2>& off, size_t n,
                                   const std::array<int64_t, 2>& s) {
    copy_row(src + off[0] * sz, s[0], dst + off[1] * sz, s[1], n, isz);
  });
}

// Fills n elements of `isz` bytes with the element at `value`.
void fill_row(char* dst, size_t n, const char* value, size_t isz) {
  switch (isz) {
    case 1: std::memset(dst, *value, n); break;
    case 2: copy_strided_row<uint16_t>(value, 0, dst, 1, n); break;
    case 4: copy_strided_row<uint32_t>(value, 0, dst, 1, n); break;
    default: copy_strided_row<uint64_t>(value, 0, dst, 1, n); break;
  }
}

bool is_row_dense(const array& a) {
  return a.flags().row_contiguous && a.data_size() == a.size();
}

// Source index along an axis of length n for padded position j (j - low), or -1 for the
// constant. Reflect and symmetric repeat with their period, as numpy does for wide pads.
int64_t pad_source(int64_t j, int64_t n, PadMode mode) {
  if (j >= 0 && j < n) return j;
  switch (mode) {
    case PadMode::constant: return -1;
    case PadMode::edge: return j < 0 ? 0 : n - 1;
    case PadMode::reflect: {
      if (n == 1) return 0;
      int64_t p = 2 * (n - 1);
      int64_t k = ((j % p) + p) % p;
      return k < n ? k : p - k;
    }
    case PadMode::symmetric: {
      int64_t p = 2 * n;
      int64_t k = ((j % p) + p) % p;
      return k < n ? k : p - 1 - k;
    }
  }
  return -1;
}

}  // namespace

void Slice::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  if (out.size() == 0) {
    alloc_row(out);
    return;
  }
  int64_t off = 0;
  Strides st(out.ndim());
  for (int i = 0; i < out.ndim(); ++i) {
    off += int64_t(start_[i]) * in.strides()[i];
    st[i] = in.strides()[i] * strides_[i];
  }
  auto v = view_layout(out.shape(), st);
  out.copy_shared_buffer(in, st, v.flags, v.data_size, off);
}

void SliceUpdate::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& src = inputs[0];
  const array& upd = inputs[1];
  size_t isz = out.itemsize();
  if (out.size() == 0) {
    alloc_row(out);
    return;
  }
  // Nothing else can see the source's buffer (no other handle, no other view, not memory
  // JS lent us): write the update into it instead of copying it.
  const auto& data = src.data_shared_ptr();
  bool donate = is_row_dense(src) && src.use_count() == 1 && data.use_count() == 1 &&
                !data->deleter;
  if (donate) {
    out.copy_shared_buffer(src);
  } else {
    alloc_row(out);
    copy_block(ptr(src), src.strides(), ptr(out), out.strides(), out.shape(), isz);
  }
  if (upd.size() == 0) return;
  int64_t off = 0;
  Strides st(out.ndim());
  for (int i = 0; i < out.ndim(); ++i) {
    off += int64_t(start_[i]) * out.strides()[i];
    st[i] = out.strides()[i] * strides_[i];
  }
  copy_block(ptr(upd), upd.strides(), ptr(out) + off * int64_t(isz), st, upd.shape(), isz);
}

void Concatenate::eval_cpu(const std::vector<array>& inputs, array& out) {
  alloc_row(out);
  if (out.size() == 0) return;
  size_t isz = out.itemsize();
  int ax = axis_;
  bool rows = true;
  for (auto& in : inputs) rows = rows && (in.size() == 0 || is_row_dense(in));
  if (!rows) {
    int64_t at = 0;
    for (auto& in : inputs) {
      copy_block(ptr(in), in.strides(), ptr(out) + at * out.strides()[ax] * int64_t(isz),
                 out.strides(), in.shape(), isz);
      at += in.shape()[ax];
    }
    return;
  }
  // Row-major inputs: output row o (over the axes before `ax`) is the o-th chunk of each
  // input in turn. The output bytes are split evenly over the cores, whatever the shapes.
  size_t outer = 1, inner = isz;
  for (int d = 0; d < ax; ++d) outer *= size_t(out.shape()[d]);
  for (int d = ax + 1; d < out.ndim(); ++d) inner *= size_t(out.shape()[d]);
  size_t k = inputs.size();
  std::vector<size_t> chunk(k), prefix(k + 1, 0);
  std::vector<const char*> src(k);
  for (size_t j = 0; j < k; ++j) {
    chunk[j] = size_t(inputs[j].shape()[ax]) * inner;
    prefix[j + 1] = prefix[j] + chunk[j];
    src[j] = ptr(inputs[j]);
  }
  size_t row_bytes = prefix[k];
  size_t total = outer * row_bytes;
  char* dst = ptr(out);
  auto stream = total >= kStreamBytes ? cpu::kernels().copy_stream : nullptr;
  cpu::parallel_for(total, size_t(1) << 18, [&](size_t b, size_t e) {
    size_t o = b / row_bytes, r = b % row_bytes;
    size_t j = size_t(std::upper_bound(prefix.begin(), prefix.end(), r) - prefix.begin()) - 1;
    for (size_t pos = b; pos < e;) {
      while (chunk[j] == 0 || r == prefix[j + 1]) {
        if (++j == k) j = 0, r = 0, ++o;
      }
      size_t within = r - prefix[j];
      size_t len = std::min(chunk[j] - within, e - pos);
      const char* s = src[j] + o * chunk[j] + within;
      if (stream && len >= 4096) stream(dst + pos, s, len);
      else std::memcpy(dst + pos, s, len);
      pos += len;
      r += len;
    }
  });
}

void Pad::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  alloc_row(out);
  if (out.size() == 0) return;
  size_t isz = out.itemsize();
  int nd = out.ndim();
  const char* value = inputs.size() > 1 ? ptr(inputs[1]) : nullptr;
  char* dst = ptr(out);
  const char* src = ptr(in);
  if (nd == 0) {
    std::memcpy(dst, src, isz);
    return;
  }
  // Per axis, the source index of each output position (-1: the constant).
  std::vector<std::vector<int64_t>> map(nd);
  for (int d = 0; d < nd; ++d) {
    map[d].resize(size_t(out.shape()[d]));
    for (int64_t i = 0; i < out.shape()[d]; ++i)
      map[d][i] = pad_source(i - low_[d], in.shape()[d], mode_);
  }
  // Rows along the last axis: the interior is one strided copy, the pads are gathered
  // (or filled) element by element.
  const int64_t W = out.shape()[nd - 1];
  const int64_t lo = low_[nd - 1], n = in.shape()[nd - 1];
  const int64_t s_last = in.strides()[nd - 1];
  const auto& last = map[nd - 1];
  size_t rows = out.size() / size_t(W);
  size_t grain = std::max<size_t>(1, (size_t(1) << 18) / std::max<size_t>(1, size_t(W) * isz));
  auto one = [&](char* d, int64_t src_row, int64_t i) {
    int64_t m = last[i];
    if (m < 0) std::memcpy(d, value, isz);
    else std::memcpy(d, src + (src_row + m * s_last) * int64_t(isz), isz);
  };
  cpu::parallel_for(rows, grain, [&](size_t r0, size_t r1) {
    std::vector<int64_t> idx(nd > 1 ? nd - 1 : 0);
    size_t r = r0;
    for (int d = nd - 2; d >= 0; --d) {
      idx[d] = int64_t(r % size_t(out.shape()[d]));
      r /= size_t(out.shape()[d]);
    }
    for (size_t row = r0; row < r1; ++row) {
      char* drow = dst + row * size_t(W) * isz;
      int64_t src_row = 0;
      bool fill = false;
      for (int d = 0; d < nd - 1 && !fill; ++d) {
        int64_t m = map[d][idx[d]];
        if (m < 0) fill = true;
        else src_row += m * in.strides()[d];
      }
      if (fill) {
        fill_row(drow, size_t(W), value, isz);
      } else {
        for (int64_t i = 0; i < lo; ++i) one(drow + i * int64_t(isz), src_row, i);
        if (n > 0)
          copy_row(src + src_row * int64_t(isz), s_last, drow + lo * int64_t(isz), 1, size_t(n), isz);
        for (int64_t i = lo + n; i < W; ++i) one(drow + i * int64_t(isz), src_row, i);
      }
      for (int d = nd - 2; d >= 0; --d) {
        if (++idx[d] < out.shape()[d]) break;
        idx[d] = 0;
      }
    }
  });
}

void AsStrided::eval_cpu(const std::vector<array>& inputs, array& out) {
  if (out.size() == 0) {
    alloc_row(out);
    return;
  }
  auto v = view_layout(shape_, strides_);
  out.copy_shared_buffer(inputs[0], strides_, v.flags, v.data_size, offset_);
}

void Contiguous::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  bool dense = in.data_size() == in.size();
  if (dense && (in.flags().row_contiguous || (allow_col_ && in.flags().col_contiguous))) {
    out.copy_shared_buffer(in);
    return;
  }
  alloc_row(out);
  copy_block(ptr(in), in.strides(), ptr(out), out.strides(), out.shape(), out.itemsize());
}

}  // namespace mlx::core
