// CPU kernels of the primitives in primitives_creation.h.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>

#include "../../primitives_creation.h"
#include "kernels.h"
#include "layout.h"
#include "strided.h"

namespace mlx::core {

namespace {

using cpu::kernels;
using cpu::parallel_for;
using namespace cpu::layout;

// The unsigned integer dtype of an item size: copies through it move bytes unchanged (no NaN
// quieting, no bool normalisation).
Dtype raw_dtype(size_t itemsize) {
  switch (itemsize) {
    case 1: return uint8;
    case 2: return uint16;
    case 4: return uint32;
    default: return uint64;
  }
}

// Fills n items of `size` bytes at dst with the item at `value`: one item, then copies of the
// filled part doubling in length (memcpy is vectorised; a plain loop here is not, at -O2).
void fill_items(char* dst, const char* value, size_t n, size_t size) {
  if (n == 0) return;
  if (size == 1) {
    std::memset(dst, static_cast<unsigned char>(*value), n);
    return;
  }
  size_t total = n * size, done = size;
  std::memcpy(dst, value, size);
  while (done < total) {
    size_t m = std::min(done, total - done);
    std::memcpy(dst + done, dst, m);
    done += m;
  }
}

// The bytes of 1 in dtype dt (through the engine's own conversion).
void one_of(Dtype dt, char* out) {
  float one = 1.0f;
  kernels().convert[float32.index()][dt.index()](&one, out, 1, 0);
}

// Rows of work per parallel chunk: about 256 KiB of output each.
size_t row_grain(size_t row_bytes) {
  return std::max<size_t>(1, (size_t(1) << 18) / std::max<size_t>(1, row_bytes));
}

uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// GCC/Clang vector extensions: four float32 lanes (SSE2 in the baseline build).
using v4f = float __attribute__((vector_size(16)));
using v4u = uint32_t __attribute__((vector_size(16)));

// float -> e4m3 code, MLX's CPU ToFP8: round to nearest even; |x| >= 448 (NaN and inf too)
// saturates to 448 (0x7E) with the sign, so the NaN codes 0x7F / 0xFF never come out.
constexpr uint32_t kFp8Max = 543u << 21;         // 448.0f
constexpr uint32_t kFp8DenormMask = 141u << 23;  // 2^14: aligns 2^-9 with the last mantissa bit
constexpr uint32_t kFp8Rebias = (uint32_t(7 - 127) << 23) + 0x7FFFFu;  // new bias, round half up

uint8_t fp8_from_float(float f) {
  uint32_t bits = f32_bits(f);
  uint32_t sign = bits & 0x80000000u;
  bits ^= sign;
  uint8_t r;
  if (bits >= kFp8Max) {
    r = 0x7E;
  } else if (bits < (121u << 23)) {
    // Below 2^-6 (subnormal e4m3): one float add rounds to the 2^-9 grid.
    r = uint8_t(f32_bits(bits_f32(bits) + bits_f32(kFp8DenormMask)) - kFp8DenormMask);
  } else {
    bits += kFp8Rebias + ((bits >> 20) & 1);  // ... and to even
    r = uint8_t(bits >> 20);
  }
  return uint8_t(r | (sign >> 24));
}

// The same, four lanes at a time (both branches computed, then selected, as MLX's SIMD code).
void fp8_encode(const float* x, uint8_t* y, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v4f f;
    std::memcpy(&f, x + i, 16);
    v4u bits = (v4u)f;  // GCC vector casts reinterpret the bits
    v4u sign = bits & 0x80000000u;
    bits ^= sign;
    v4u mask = v4u{} + kFp8DenormMask;
    v4f sum = (v4f)bits + (v4f)mask;
    v4u low = (v4u)sum - kFp8DenormMask;
    v4u high = (bits + kFp8Rebias + ((bits >> 20) & 1u)) >> 20;
    v4u r = bits < (121u << 23) ? low : high;
    r = bits >= kFp8Max ? v4u{} + 0x7Eu : r;
    r = (r | (sign >> 24)) & 0xFFu;
    for (int l = 0; l < 4; ++l) y[i + l] = uint8_t(r[l]);
  }
  for (; i < n; ++i) y[i] = fp8_from_float(x[i]);
}

// e4m3 code -> float, MLX's CPU FromFP8 (0x7F / 0xFF are NaN with the bits 0x7FF00000 as
// there), as a table of the 256 values.
const float* fp8_table() {
  static const auto table = [] {
    std::array<float, 256> t{};
    for (int b = 0; b < 256; ++b) {
      uint32_t sign = uint32_t(b & 0x80) << 24;
      int e = (b >> 3) & 0xF, m = b & 7;
      float v = e == 0 ? std::ldexp(float(m), -9) : std::ldexp(float(8 + m), e - 10);
      t[b] = (e == 15 && m == 7) ? bits_f32(sign | 0x7FF00000u) : bits_f32(f32_bits(v) | sign);
    }
    return t;
  }();
  return table.data();
}

array::Flags layout_flags(const Shape& shape, const Strides& strides, bool dense) {
  array::Flags f;
  int64_t expect = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expect) f.row_contiguous = false;
    expect *= shape[i];
  }
  expect = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expect) f.col_contiguous = false;
    expect *= shape[i];
  }
  f.contiguous = dense || f.row_contiguous || f.col_contiguous;
  return f;
}

// Runs f(in_offset, out_offset, n, in_stride) over rows of `in` (any layout) against a
// row-contiguous output of the same shape.
template <typename F>
void over_rows(const array& in, const array& out, size_t itemsize, F&& f) {
  auto L = cpu::collapse<2>(in.shape(), {&in.strides(), &out.strides()});
  cpu::for_each_row<2>(L, itemsize,
                       [&](const std::array<int64_t, 2>& off, size_t n,
                           const std::array<int64_t, 2>& s) { f(off[0], off[1], n, s[0]); });
}

}  // namespace

void Linspace::eval_cpu(const std::vector<array>&, array& out) {
  alloc_row(out);
  size_t n = out.size();
  if (n == 0) return;
  auto& K = kernels();
  char* dst = out.data<char>();
  size_t osz = out.itemsize();
  if (n == 1) {
    // As MLX: one sample is start itself, converted from double.
    K.convert[float64.index()][out.dtype().index()](&start_, dst, 1, 1);
    return;
  }
  // MLX: t = arange(0, n, T) / T(d); (1 - t) * T(start) + t * T(stop); astype(dtype). Each step
  // rounds in T (mlx_core has no FMA to contract them). arange accumulates in T, which in
  // float32 stalls at 2^24: mirrored for bit-equal results.
  auto run = [&](auto zero) {
    using T = decltype(zero);
    Dtype inner = TypeToDtype<T>::value;
    auto conv = K.convert[inner.index()][out.dtype().index()];
    T d = static_cast<T>(int64_t(endpoint_ ? n - 1 : n));
    T s = static_cast<T>(start_), e = static_cast<T>(stop_);
    constexpr size_t kStall = sizeof(T) == 4 ? size_t(1) << 24 : ~size_t(0);
    auto value = [&](size_t i) {
      T t = static_cast<T>(std::min(i, kStall)) / d;
      T a = (T(1) - t) * s;
      T b = t * e;
      return a + b;
    };
    // Values of [b, b + m) into o.
    auto fill = [&](T* o, size_t b, size_t m) {
      size_t i = 0;
      if constexpr (sizeof(T) == 4) {
        // Four lanes of the same float32 operations (exact: the index is below 2^24 here).
        v4f dv = v4f{} + d, sv = v4f{} + s, ev = v4f{} + e, one = v4f{} + 1.0f;
        for (; i + 4 <= m && b + i + 4 <= kStall; i += 4) {
          float i0 = float(b + i);
          v4f idx = v4f{i0, i0 + 1, i0 + 2, i0 + 3};
          v4f t = idx / dv;
          v4f r = (one - t) * sv + t * ev;
          std::memcpy(o + i, &r, 16);
        }
      }
      for (; i < m; ++i) o[i] = value(b + i);
    };
    linear(n, osz, [&](size_t b, size_t cnt) {
      if (out.dtype() == inner) {
        fill(reinterpret_cast<T*>(dst) + b, b, cnt);
        return;
      }
      T tmp[512];
      for (size_t i = 0; i < cnt; i += 512) {
        size_t m = std::min<size_t>(512, cnt - i);
        fill(tmp, b + i, m);
        conv(tmp, dst + (b + i) * osz, m, 1);
      }
    });
  };
  if (out.dtype() == float64)
    run(double{});
  else
    run(float{});
}

void Diagonal2D::eval_cpu(const std::vector<array>&, array& out) {
  alloc_row(out);
  if (out.size() == 0) return;
  int64_t rows = out.shape()[0], cols = out.shape()[1];
  size_t osz = out.itemsize();
  char* dst = out.data<char>();
  char one[8];
  one_of(out.dtype(), one);
  int64_t k = k_;
  size_t row_bytes = size_t(cols) * osz;
  // Zero is all-zero bytes in every dtype. Rows are written whole, so each core streams its
  // own part of the output once.
  parallel_for(size_t(rows), row_grain(row_bytes), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      char* row = dst + r * row_bytes;
      int64_t i = int64_t(r);
      if (kind_ == Kind::eye) {
        std::memset(row, 0, row_bytes);
        int64_t j = i + k;
        if (j >= 0 && j < cols) std::memcpy(row + size_t(j) * osz, one, osz);
      } else {
        // Ones where j <= i + k.
        size_t lead = size_t(std::clamp<int64_t>(i + k + 1, 0, cols));
        fill_items(row, one, lead, osz);
        std::memset(row + lead * osz, 0, (size_t(cols) - lead) * osz);
      }
    }
  });
}

namespace {

// Triangular over a dense input in its own memory order (a transposed matrix stays transposed):
// the output takes the input's layout and each run along the innermost memory axis keeps one
// contiguous segment. False when the layout is not a dense permutation of the axes.
bool triangular_in_place_order(const array& in, array& out, bool upper, int64_t k) {
  if (!is_dense(in)) return false;
  int nd = in.ndim();
  const Shape& sh = in.shape();
  const Strides& st = in.strides();
  std::vector<int> order;
  for (int a = 0; a < nd; ++a)
    if (sh[a] > 1) order.push_back(a);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return st[a] > st[b]; });
  // The strides must be exactly those of the axes laid out in this order.
  int64_t expect = 1;
  for (int q = int(order.size()) - 1; q >= 0; --q) {
    if (st[order[q]] != expect) return false;
    expect *= sh[order[q]];
  }
  alloc_like(out, in);
  size_t osz = out.itemsize();
  const char* src = in.data<char>();
  char* dst = out.data<char>();
  int ai = nd - 2, aj = nd - 1;
  int inner = order.empty() ? -1 : order.back();
  size_t n_in = inner < 0 ? 1 : size_t(sh[inner]);
  size_t runs = in.size() / n_in;
  // Memory run r indexes the outer axes in memory order; div[a] turns r into a's coordinate.
  std::vector<int64_t> div(nd, 0);
  int64_t d = 1;
  for (int q = int(order.size()) - 2; q >= 0; --q) {
    div[order[q]] = d;
    d *= sh[order[q]];
  }
  auto coord = [&](int a, size_t r) -> int64_t {
    if (a == inner || sh[a] == 1) return 0;
    return int64_t(r / size_t(div[a])) % sh[a];
  };
  int64_t rows = sh[ai], cols = sh[aj];
  parallel_for(runs, row_grain(n_in * osz), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      int64_t i = coord(ai, r), j = coord(aj, r);
      size_t lo, hi;
      if (inner == aj) {
        // Along a row: tril keeps j <= i + k, triu keeps j >= i + k.
        lo = upper ? size_t(std::clamp<int64_t>(i + k, 0, cols)) : 0;
        hi = upper ? size_t(cols) : size_t(std::clamp<int64_t>(i + k + 1, 0, cols));
      } else if (inner == ai) {
        // Down a column: tril keeps i >= j - k, triu keeps i <= j - k.
        lo = upper ? 0 : size_t(std::clamp<int64_t>(j - k, 0, rows));
        hi = upper ? size_t(std::clamp<int64_t>(j - k + 1, 0, rows)) : size_t(rows);
      } else {
        bool keep = upper ? j >= i + k : j <= i + k;
        lo = 0;
        hi = keep ? n_in : 0;
      }
      size_t base = r * n_in * osz;
      std::memset(dst + base, 0, lo * osz);
      if (hi > lo) std::memcpy(dst + base + lo * osz, src + base + lo * osz, (hi - lo) * osz);
      std::memset(dst + base + hi * osz, 0, (n_in - hi) * osz);
    }
  });
  return true;
}

}  // namespace

void Triangular::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  if (in.size() != 0 && triangular_in_place_order(in, out, upper_, k_)) return;
  // Other layouts (broadcast, strided views): a row-contiguous output, rows read with strides.
  alloc_row(out);
  if (out.size() == 0) return;
  int nd = in.ndim();
  int64_t rows = in.shape()[nd - 2], cols = in.shape()[nd - 1];
  size_t total_rows = out.size() / size_t(cols);
  size_t osz = out.itemsize();
  Dtype raw = raw_dtype(osz);
  auto copy = kernels().convert[raw.index()][raw.index()];
  const char* src = in.data<char>();
  char* dst = out.data<char>();
  int64_t sl = in.strides()[nd - 1];
  int64_t k = k_;
  size_t row_bytes = size_t(cols) * osz;
  parallel_for(total_rows, row_grain(row_bytes), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; ++r) {
      // Element offset of row r in the input, from its index over the leading axes.
      int64_t off = 0;
      size_t q = r;
      for (int d = nd - 2; d >= 0; --d) {
        size_t dim = size_t(in.shape()[d]);
        off += int64_t(q % dim) * in.strides()[d];
        q /= dim;
      }
      int64_t i = int64_t(r % size_t(rows));
      // Kept columns: [0, i + k] for tril, [i + k, cols) for triu.
      size_t lo = upper_ ? size_t(std::clamp<int64_t>(i + k, 0, cols)) : 0;
      size_t hi = upper_ ? size_t(cols) : size_t(std::clamp<int64_t>(i + k + 1, 0, cols));
      char* row = dst + r * row_bytes;
      std::memset(row, 0, lo * osz);
      if (hi > lo) {
        const char* s = src + (off + int64_t(lo) * sl) * int64_t(osz);
        if (sl == 1)
          std::memcpy(row + lo * osz, s, (hi - lo) * osz);
        else
          copy(s, row + lo * osz, hi - lo, sl);
      }
      std::memset(row + hi * osz, 0, (size_t(cols) - hi) * osz);
    }
  });
}

const char* Window::name() const {
  static const char* const names[] = {"Bartlett", "Hanning", "Hamming", "Blackman"};
  return names[int(kind_)];
}

void Window::eval_cpu(const std::vector<array>&, array& out) {
  alloc_row(out);
  size_t M = out.size();
  float* o = out.data<float>();
  if (M == 0) return;
  if (M == 1) {
    o[0] = 1.0f;
    return;
  }
  // numpy: n = arange(1 - M, M, 2); the formulas below keep numpy's order of operations in
  // double, then round once to float32.
  const double pi = std::numbers::pi;
  double d = double(M - 1);
  parallel_for(M, 4096, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      double n = double(int64_t(2 * i) + 1 - int64_t(M));
      double w;
      switch (kind_) {
        case Kind::bartlett: w = n <= 0 ? 1 + n / d : 1 - n / d; break;
        case Kind::hanning: w = 0.5 + 0.5 * std::cos(pi * n / d); break;
        case Kind::hamming: w = 0.54 + 0.46 * std::cos(pi * n / d); break;
        default: w = 0.42 + 0.5 * std::cos(pi * n / d) + 0.08 * std::cos(2.0 * pi * n / d); break;
      }
      o[i] = float(w);
    }
  });
}

void View::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  size_t ib = in.itemsize(), ob = out.itemsize();
  // As MLX, the memory is shared when the bytes already sit where the new dtype reads them:
  // same item size, a smaller item over a contiguous last axis, or a row-contiguous input.
  // mlxjs also needs the start aligned to the new item size (an offset view may not be).
  bool aligned = reinterpret_cast<uintptr_t>(in.data<char>()) % ob == 0;
  bool share = in.ndim() == 0 || ib == ob || (ob < ib && in.strides().back() == 1) ||
               in.flags().row_contiguous;
  if (share && aligned) {
    Strides strides = in.strides();
    for (int i = 0; i + 1 < int(strides.size()); ++i)
      strides[i] = strides[i] * int64_t(ib) / int64_t(ob);
    // With a new item size the last axis walks consecutive items (a size-1 axis may carry any
    // stride before).
    if (ib != ob && !strides.empty()) strides.back() = 1;
    size_t data_size = in.data_size() * ib / ob;
    bool dense = is_dense(in);
    out.copy_shared_buffer(in, strides, layout_flags(out.shape(), strides, dense), data_size);
    return;
  }
  // Otherwise the input's bytes are first laid out in row order, then read as the new dtype.
  alloc_row(out);
  if (out.size() == 0) return;
  Dtype raw = raw_dtype(ib);
  auto copy = kernels().convert[raw.index()][raw.index()];
  const char* src = in.data<char>();
  char* dst = out.data<char>();
  Strides in_row = row_strides(in.shape());
  auto L = cpu::collapse<2>(in.shape(), {&in.strides(), &in_row});
  cpu::for_each_row<2>(
      L, ib, [&](const std::array<int64_t, 2>& off, size_t n, const std::array<int64_t, 2>& s) {
        copy(src + off[0] * int64_t(ib), dst + off[1] * int64_t(ib), n, s[0]);
      });
}

void ConvertFP8::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  bool dense = is_dense(in);
  if (dense)
    alloc_like(out, in);
  else
    alloc_row(out);
  if (out.size() == 0) return;
  size_t isz = in.itemsize(), osz = out.itemsize();
  const char* src = in.data<char>();
  char* dst = out.data<char>();
  // One row: n items from src (element stride s) to contiguous dst, in blocks through float32.
  auto row = [&](const char* sp, char* dp, size_t n, int64_t s) {
    float tmp[256];
    if (to_fp8_) {
      uint8_t* y = reinterpret_cast<uint8_t*>(dp);
      if (in.dtype() == float32 && s == 1) {
        fp8_encode(reinterpret_cast<const float*>(sp), y, n);
        return;
      }
      auto conv = kernels().convert[in.dtype().index()][float32.index()];
      for (size_t i = 0; i < n; i += 256) {
        size_t m = std::min<size_t>(256, n - i);
        conv(sp + int64_t(i) * s * int64_t(isz), tmp, m, s);  // float64 rounds to nearest here
        fp8_encode(tmp, y + i, m);
      }
    } else {
      const uint8_t* x = reinterpret_cast<const uint8_t*>(sp);
      const float* table = fp8_table();
      if (out.dtype() == float32) {
        float* y = reinterpret_cast<float*>(dp);
        for (size_t i = 0; i < n; ++i) y[i] = table[x[int64_t(i) * s]];
        return;
      }
      auto conv = kernels().convert[float32.index()][out.dtype().index()];
      for (size_t i = 0; i < n; i += 256) {
        size_t m = std::min<size_t>(256, n - i);
        for (size_t j = 0; j < m; ++j) tmp[j] = table[x[int64_t(i + j) * s]];
        conv(tmp, dp + i * osz, m, 1);
      }
    }
  };
  if (dense) {
    linear(in.data_size(), std::max(isz, osz),
           [&](size_t b, size_t n) { row(src + b * isz, dst + b * osz, n, 1); });
    return;
  }
  over_rows(in, out, std::max(isz, osz), [&](int64_t io, int64_t oo, size_t n, int64_t s) {
    row(src + io * int64_t(isz), dst + oo * int64_t(osz), n, s);
  });
}

}  // namespace mlx::core
