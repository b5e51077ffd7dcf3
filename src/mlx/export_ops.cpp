// Export state of the shape, index, sort, creation, random and contract primitives:
// write_state and the readers import_function rebuilds them with (see export_core.cpp).
#include "export_checks.h"
#include "export_state.h"
#include "primitives_contract.h"
#include "primitives_creation.h"
#include "primitives_index.h"
#include "primitives_random.h"
#include "primitives_shape.h"
#include "primitives_sort.h"

namespace mlx::core {

// ---- shape ------------------------------------------------------------------------------------

void Slice::write_state(StateWriter& w) const { w.ints(start_).ints(stop_).ints(strides_); }
void SliceUpdate::write_state(StateWriter& w) const { w.ints(start_).ints(stop_).ints(strides_); }
void Concatenate::write_state(StateWriter& w) const { w.i(axis_); }
void Pad::write_state(StateWriter& w) const { w.ints(low_).ints(high_).e(mode_); }
void AsStrided::write_state(StateWriter& w) const { w.ints(shape_).ints64(strides_).i64(offset_); }
void Contiguous::write_state(StateWriter& w) const { w.b(allow_col_); }
void Flatten::write_state(StateWriter& w) const { w.i(start_).i(end_); }
void Unflatten::write_state(StateWriter& w) const { w.i(axis_).ints(shape_); }

// ---- index ------------------------------------------------------------------------------------

void Gather::write_state(StateWriter& w) const { w.ints(axes_).ints(slice_sizes_).s(op_); }
void Scatter::write_state(StateWriter& w) const { w.ints(axes_).s(opname_); }
void GatherAxis::write_state(StateWriter& w) const { w.i(axis_).s(op_); }
void ScatterAxis::write_state(StateWriter& w) const { w.i(axis_); }
void MaskedScatter::write_state(StateWriter& w) const { w.s(op_); }
void DynamicSlice::write_state(StateWriter& w) const { w.ints(axes_).ints(slice_size_); }
void DynamicSliceUpdate::write_state(StateWriter& w) const { w.ints(axes_); }
void IndexView::write_state(StateWriter& w) const { w.ints(start_).ints(step_).ints(out_src_); }

// ---- sort -------------------------------------------------------------------------------------

void Sort::write_state(StateWriter& w) const { w.i(axis_); }
void ArgSort::write_state(StateWriter& w) const { w.i(axis_); }
void Partition::write_state(StateWriter& w) const { w.i(kth_).i(axis_); }
void ArgPartition::write_state(StateWriter& w) const { w.i(kth_).i(axis_); }
void TopK::write_state(StateWriter& w) const { w.i(k_).i(axis_); }
void SearchSorted::write_state(StateWriter& w) const { w.b(right_); }

// ---- creation ---------------------------------------------------------------------------------

void Linspace::write_state(StateWriter& w) const { w.d(start_).d(stop_).b(endpoint_); }
void Diagonal2D::write_state(StateWriter& w) const { w.i(k_); }
void Triangular::write_state(StateWriter& w) const { w.i(k_); }
void Window::write_state(StateWriter&) const {}
void View::write_state(StateWriter&) const {}
void ConvertFP8::write_state(StateWriter&) const {}

// ---- random, contract -------------------------------------------------------------------------

void RandomBits::write_state(StateWriter& w) const { w.ints(shape_).i(width_); }
void RandomSplit::write_state(StateWriter& w) const { w.i(row_); }
void RandomSample::write_state(StateWriter& w) const {
  w.f(a_).f(b_).b(flag_).b(shape_.has_value()).ints(shape_.value_or(Shape{})).dtype(dtype_);
}
void Hadamard::write_state(StateWriter& w) const { w.f(scale_); }

namespace detail {

namespace {

Shape sizes(StateReader& r) {
  auto v = r.ints();
  for (int a : v)
    if (a < 0) r.fail("a size is negative");
  return v;
}

}  // namespace

void register_ops_readers() {
  // ---- shape: windows inside the input, one dtype ----
  auto slice_checks = [](StateReader& r, const NodeIO& io, const Shape& a, const Shape& b, const Shape& c,
                         const Shape& extent) {
    int n = io.rank(0);
    if (int(a.size()) != n || int(b.size()) != n || int(c.size()) != n) r.fail("its vectors do not match the input's rank");
    for (int d = 0; d < n; ++d) {
      if (c[d] == 0) r.fail("a stride is zero");
      window(r, a[d], c[d], extent[d], io.in_shapes[0][d]);
    }
  };
  reg("Slice", 1, 1, [slice_checks](Stream s, StateReader& r, const NodeIO& io) {
    Shape a = r.ints(), b = r.ints(), c = r.ints();
    keeps_dtype(r, io);
    if (io.out_shapes[0].size() != a.size()) r.fail("its output rank is not the input's");
    slice_checks(r, io, a, b, c, io.out_shapes[0]);
    auto p = std::make_shared<Slice>(s, a, b, c);
    infer_shapes(r, io, *p);
    return p;
  });
  reg("SliceUpdate", 2, 2, [slice_checks](Stream s, StateReader& r, const NodeIO& io) {
    Shape a = r.ints(), b = r.ints(), c = r.ints();
    same_dtypes(r, io);
    keeps_dtype(r, io);
    out_shape(r, io, io.in_shapes[0]);
    if (io.in_shapes[1].size() != a.size()) r.fail("its update's rank is not the input's");
    slice_checks(r, io, a, b, c, io.in_shapes[1]);
    return std::make_shared<SliceUpdate>(s, a, b, c);
  });
  reg("Concatenate", 1, -1, [](Stream s, StateReader& r, const NodeIO& io) {
    int axis = r.axis(io.rank(0));
    same_dtypes(r, io);
    keeps_dtype(r, io);
    for (int k = 1; k < io.nin(); ++k) {
      if (io.rank(k) != io.rank(0)) r.fail("its inputs differ in rank");
      for (int d = 0; d < io.rank(0); ++d)
        if (d != axis && io.in_shapes[k][d] != io.in_shapes[0][d]) r.fail("its inputs differ in shape");
    }
    auto p = std::make_shared<Concatenate>(s, axis);
    infer_shapes(r, io, *p);
    return p;
  });
  reg("Pad", 1, 2, [](Stream s, StateReader& r, const NodeIO& io) {
    Shape lo = sizes(r), hi = sizes(r);
    auto mode = r.e<PadMode>(4);
    int n = io.rank(0);
    if (int(lo.size()) != n || int(hi.size()) != n) r.fail("its vectors do not match the input's rank");
    if ((mode == PadMode::constant) != (io.nin() == 2)) r.fail("its inputs do not match its mode");
    if (io.nin() == 2 && (!io.in_shapes[1].empty() || io.in_dtypes[1] != io.in_dtypes[0]))
      r.fail("its value is not a scalar of the input's dtype");
    for (int d = 0; d < n; ++d) {
      int32_t size = io.in_shapes[0][d];
      bool padded = lo[d] > 0 || hi[d] > 0;
      if (padded && mode == PadMode::edge && size < 1) r.fail("an edge pad of an empty axis");
      if (padded && mode == PadMode::reflect && (lo[d] >= size || hi[d] >= size)) r.fail("a reflect pad is too wide");
      if (padded && mode == PadMode::symmetric && (lo[d] > size || hi[d] > size || size < 1)) r.fail("a symmetric pad is too wide");
    }
    keeps_dtype(r, io);
    auto p = std::make_shared<Pad>(s, lo, hi, mode);
    infer_shapes(r, io, *p);
    return p;
  });
  reg("AsStrided", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    Shape sh = sizes(r);
    Strides st = r.ints64();
    if (sh.size() != st.size()) r.fail("its vectors differ in length");
    int64_t off = r.i64();
    if (off < 0) r.fail("the offset is negative");
    keeps_dtype(r, io);
    out_shape(r, io, sh);
    double n = 1, lo = double(off), hi = double(off);
    for (auto d : io.in_shapes[0]) n *= d;
    bool empty = false;
    for (size_t k = 0; k < sh.size(); ++k) {
      empty = empty || sh[k] == 0;
      double reach = double(sh[k] - 1) * double(st[k]);
      (reach < 0 ? lo : hi) += reach;
    }
    if (!empty && (lo < 0 || hi >= n)) r.fail("its view reaches outside its input");
    return std::make_shared<AsStrided>(s, sh, st, off);
  });
  reg("Contiguous", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    bool col = r.b();
    elementwise(r, io);
    return std::make_shared<Contiguous>(s, col);
  });
  reg("Flatten", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    int start = r.axis(io.rank()), end = r.axis(io.rank());
    if (start >= end) r.fail("its axes are not in order");
    keeps_dtype(r, io);
    auto p = std::make_shared<Flatten>(s, start, end);
    infer_shapes(r, io, *p);
    return p;
  });
  reg("Unflatten", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    int ax = r.axis(io.rank());
    Shape sh = r.ints();
    if (sh.size() < 2) r.fail("its shape has fewer than two dims");
    keeps_dtype(r, io);
    auto p = std::make_shared<Unflatten>(s, ax, sh);
    infer_shapes(r, io, *p);
    return p;
  });

  // ---- index: integer index inputs, windows and axes inside the input ----
  reg("Gather", 1, -1, [](Stream s, StateReader& r, const NodeIO& io) {
    auto ax = r.axes(io.rank(0));
    Shape sl = sizes(r);
    std::string op = r.s();
    if (int(ax.size()) != io.nin() - 1) r.fail("its axes do not match its index inputs");
    if (int(sl.size()) != io.rank(0)) r.fail("its slice sizes do not match the input's rank");
    for (int d = 0; d < io.rank(0); ++d)
      if (sl[d] > io.in_shapes[0][d]) r.fail("a slice is larger than the input");
    for (int k = 1; k < io.nin(); ++k) {
      integer_input(r, io, k);
      if (io.in_shapes[k] != io.in_shapes[1]) r.fail("its index inputs differ in shape");
    }
    keeps_dtype(r, io);
    auto p = std::make_shared<Gather>(s, ax, sl, op);
    infer_shapes(r, io, *p);
    return p;
  });
  for (int k = 0; k <= int(ScatterOp::Min); ++k) {
    ScatterOp op = ScatterOp(k);
    reg(Scatter(Stream{}, op, {}).name(), 2, -1, [op](Stream s, StateReader& r, const NodeIO& io) {
      auto ax = r.axes(io.rank(0));
      std::string name = r.s();
      int ni = io.nin() - 2;
      if (int(ax.size()) != ni) r.fail("its axes do not match its index inputs");
      const Shape& upd = io.in_shapes[size_t(io.nin() - 1)];
      Shape idx = ni > 0 ? io.in_shapes[1] : Shape{};
      for (int j = 1; j <= ni; ++j) {
        integer_input(r, io, j);
        if (io.in_shapes[size_t(j)] != idx) r.fail("its index inputs differ in shape");
      }
      if (upd.size() != idx.size() + size_t(io.rank(0))) r.fail("its updates have the wrong rank");
      for (int d = 0; d < io.rank(0); ++d)
        if (upd[idx.size() + size_t(d)] > io.in_shapes[0][d]) r.fail("an update slice is larger than the input");
      for (size_t d = 0; d < idx.size(); ++d)
        if (upd[d] != idx[d]) r.fail("its updates do not match its indices");
      if (io.in_dtypes[size_t(io.nin() - 1)] != io.in_dtypes[0]) r.fail("its updates differ in dtype");
      keeps_dtype(r, io);
      out_shape(r, io, io.in_shapes[0]);
      return std::make_shared<Scatter>(s, op, ax, name);
    });
  }
  auto along_axis = [](StateReader& r, const NodeIO& io, int axis, int a, int b) {
    if (io.rank(a) != io.rank(b)) r.fail("its inputs differ in rank");
    for (int d = 0; d < io.rank(a); ++d)
      if (d != axis && io.in_shapes[a][d] != io.in_shapes[b][d]) r.fail("its inputs differ in shape off the axis");
  };
  reg("GatherAxis", 2, 2, [along_axis](Stream s, StateReader& r, const NodeIO& io) {
    int ax = r.axis(io.rank(0));
    std::string op = r.s();
    integer_input(r, io, 1);
    along_axis(r, io, ax, 0, 1);
    keeps_dtype(r, io);
    out_shape(r, io, io.in_shapes[1]);
    return std::make_shared<GatherAxis>(s, ax, op);
  });
  for (ScatterOp op : {ScatterOp::None, ScatterOp::Sum}) {
    reg(ScatterAxis(Stream{}, op, 0).name(), 3, 3, [op, along_axis](Stream s, StateReader& r, const NodeIO& io) {
      int ax = r.axis(io.rank(0));
      integer_input(r, io, 1);
      if (io.in_shapes[1] != io.in_shapes[2]) r.fail("its indices and values differ in shape");
      along_axis(r, io, ax, 0, 1);
      if (io.in_dtypes[2] != io.in_dtypes[0]) r.fail("its values differ in dtype");
      keeps_dtype(r, io);
      out_shape(r, io, io.in_shapes[0]);
      return std::make_shared<ScatterAxis>(s, op, ax);
    });
  }
  reg("MaskedScatter", 3, 3, [](Stream s, StateReader& r, const NodeIO& io) {
    std::string op = r.s();
    if (io.in_shapes[1] != io.in_shapes[0] || io.in_dtypes[1] != bool_) r.fail("its mask does not fit its input");
    if (io.in_dtypes[2] != io.in_dtypes[0]) r.fail("its values differ in dtype");
    keeps_dtype(r, io);
    out_shape(r, io, io.in_shapes[0]);
    return std::make_shared<MaskedScatter>(s, op);
  });
  reg("DynamicSlice", 2, 2, [](Stream s, StateReader& r, const NodeIO& io) {
    auto ax = r.axes(io.rank(0));
    Shape sz = sizes(r);
    if (int(sz.size()) != io.rank(0)) r.fail("its slice size does not match the input's rank");
    for (int d = 0; d < io.rank(0); ++d)
      if (sz[d] > io.in_shapes[0][d]) r.fail("a slice is larger than the input");
    integer_input(r, io, 1);
    if (io.in_shapes[1].size() != 1 || size_t(io.in_shapes[1][0]) != ax.size()) r.fail("its start indices do not match its axes");
    keeps_dtype(r, io);
    out_shape(r, io, sz);
    return std::make_shared<DynamicSlice>(s, ax, sz);
  });
  reg("DynamicSliceUpdate", 3, 3, [](Stream s, StateReader& r, const NodeIO& io) {
    auto ax = r.axes(io.rank(0));
    if (io.rank(1) != io.rank(0)) r.fail("its update's rank is not the input's");
    for (int d = 0; d < io.rank(0); ++d)
      if (io.in_shapes[1][d] > io.in_shapes[0][d]) r.fail("its update is larger than the input");
    integer_input(r, io, 2);
    if (io.in_shapes[2].size() != 1 || size_t(io.in_shapes[2][0]) != ax.size()) r.fail("its start indices do not match its axes");
    same_dtypes(r, io, 0, 1);
    keeps_dtype(r, io);
    out_shape(r, io, io.in_shapes[0]);
    return std::make_shared<DynamicSliceUpdate>(s, ax);
  });
  reg("IndexView", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    Shape start = r.ints(), step = r.ints();
    auto src = r.ints();
    int n = io.rank(0);
    if (int(start.size()) != n || int(step.size()) != n) r.fail("its vectors do not match the input's rank");
    const Shape& out = io.out_shapes[0];
    if (src.size() != out.size()) r.fail("its output rank does not match it");
    std::vector<int> kept(size_t(n), 0);
    for (size_t k = 0; k < src.size(); ++k) {
      int d = src[k];
      if (d < -1 || d >= n) r.fail("an axis is out of range");
      if (d < 0) {
        if (out[k] != 1) r.fail("a new axis is not of size 1");
        continue;
      }
      if (kept[size_t(d)]++) r.fail("an input axis is used twice");
      window(r, start[d], step[d], out[k], io.in_shapes[0][d]);
    }
    bool empty = false;
    for (auto d : out) empty = empty || d == 0;
    for (int d = 0; d < n; ++d)
      if (!kept[size_t(d)] && !empty) window(r, start[d], 1, 1, io.in_shapes[0][d]);
    keeps_dtype(r, io);
    return std::make_shared<IndexView>(s, start, step, src);
  });

  // ---- sort ----
  auto sorted = [](StateReader& r, const NodeIO& io, bool indices) {
    out_shape(r, io, io.in_shapes[0]);
    out_dtype(r, io, indices ? uint32 : io.in_dtypes[0]);
  };
  reg("Sort", 1, 1, [sorted](Stream s, StateReader& r, const NodeIO& io) {
    int ax = r.axis(io.rank(0));
    sorted(r, io, false);
    return std::make_shared<Sort>(s, ax);
  });
  reg("ArgSort", 1, 1, [sorted](Stream s, StateReader& r, const NodeIO& io) {
    int ax = r.axis(io.rank(0));
    sorted(r, io, true);
    return std::make_shared<ArgSort>(s, ax);
  });
  reg("Partition", 1, 1, [sorted](Stream s, StateReader& r, const NodeIO& io) {
    int kth = r.at_least(0);
    int ax = r.axis(io.rank(0));
    if (kth >= io.in_shapes[0][ax]) r.fail("kth is out of range");
    sorted(r, io, false);
    return std::make_shared<Partition>(s, kth, ax);
  });
  reg("ArgPartition", 1, 1, [sorted](Stream s, StateReader& r, const NodeIO& io) {
    int kth = r.at_least(0);
    int ax = r.axis(io.rank(0));
    if (kth >= io.in_shapes[0][ax]) r.fail("kth is out of range");
    sorted(r, io, true);
    return std::make_shared<ArgPartition>(s, kth, ax);
  });
  reg("TopK", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    int k = r.at_least(1);
    int ax = r.axis(io.rank(0));
    if (k >= io.in_shapes[0][ax]) r.fail("k is out of range");
    Shape out = io.in_shapes[0];
    out[ax] = k;
    out_shape(r, io, out);
    keeps_dtype(r, io);
    return std::make_shared<TopK>(s, k, ax);
  });
  reg("SearchSorted", 2, 2, [](Stream s, StateReader& r, const NodeIO& io) {
    bool right = r.b();
    if (io.rank(0) != 1) r.fail("its sequence is not 1-D");
    same_dtypes(r, io);
    out_shape(r, io, io.in_shapes[1]);
    out_dtype(r, io, uint32);
    return std::make_shared<SearchSorted>(s, right);
  });

  // ---- creation: no inputs (the kernel fills the declared output) or one of the same shape ----
  auto out_rank = [](StateReader& r, const NodeIO& io, size_t n) {
    if (io.out_shapes[0].size() != n) r.fail("its output has the wrong rank");
  };
  reg("Linspace", 0, 0, [out_rank](Stream s, StateReader& r, const NodeIO& io) {
    double a = r.d(), b = r.d();
    bool end = r.b();
    out_rank(r, io, 1);
    return std::make_shared<Linspace>(s, a, b, end);
  });
  for (auto kind : {Diagonal2D::Kind::eye, Diagonal2D::Kind::tri}) {
    reg(Diagonal2D(Stream{}, kind, 0).name(), 0, 0, [kind, out_rank](Stream s, StateReader& r, const NodeIO& io) {
      int k = r.i();
      out_rank(r, io, 2);
      return std::make_shared<Diagonal2D>(s, kind, k);
    });
  }
  for (bool upper : {false, true}) {
    reg(Triangular(Stream{}, upper, 0).name(), 1, 1, [upper](Stream s, StateReader& r, const NodeIO& io) {
      int k = r.i();
      rank_at_least(r, io, 2);
      elementwise(r, io);
      return std::make_shared<Triangular>(s, upper, k);
    });
  }
  for (int k = 0; k <= int(Window::Kind::blackman); ++k) {
    auto kind = Window::Kind(k);
    reg(Window(Stream{}, kind).name(), 0, 0, [kind, out_rank](Stream s, StateReader& r, const NodeIO& io) {
      out_rank(r, io, 1);
      out_dtype(r, io, float32);
      return std::make_shared<Window>(s, kind);
    });
  }
  reg("View", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    double a = double(io.in_dtypes[0].size()), b = double(io.out_dtypes[0].size());
    for (auto d : io.in_shapes[0]) a *= d;
    for (auto d : io.out_shapes[0]) b *= d;
    if (a != b || io.out_shapes[0].size() != io.in_shapes[0].size()) r.fail("its output does not hold its input's bytes");
    return std::make_shared<View>(s);
  });
  for (bool to : {false, true}) {
    reg(ConvertFP8(Stream{}, to).name(), 1, 1, [to](Stream s, StateReader& r, const NodeIO& io) {
      same_shapes(r, io);
      if (to ? io.out_dtypes[0] != uint8 : io.in_dtypes[0] != uint8) r.fail("its fp8 side is not uint8");
      if (!is_floating(to ? io.in_dtypes[0] : io.out_dtypes[0])) r.fail("its float side is not floating");
      return std::make_shared<ConvertFP8>(s, to);
    });
  }

  // ---- random: a uint32 key of two words ----
  auto key = [](StateReader& r, const NodeIO& io) {
    if (io.in_dtypes[0] != uint32 || io.in_shapes[0] != Shape{2}) r.fail("its key is not two uint32 words");
  };
  reg("RandomBits", 1, 1, [key](Stream s, StateReader& r, const NodeIO& io) {
    Shape sh = sizes(r);
    int width = r.i();
    if (width != 1 && width != 2 && width != 4) r.fail("the width is not 1, 2 or 4");
    key(r, io);
    out_shape(r, io, sh);
    if (io.out_dtypes[0].size() != width) r.fail("its output dtype does not match its width");
    return std::make_shared<RandomBits>(s, sh, width);
  });
  reg("RandomSplit", 1, 1, [key](Stream s, StateReader& r, const NodeIO& io) {
    int row = r.i();
    if (row != 0 && row != 1) r.fail("the row is not 0 or 1");
    key(r, io);
    out_shape(r, io, Shape{2});
    out_dtype(r, io, uint32);
    return std::make_shared<RandomSplit>(s, row);
  });
  for (int k = 0; k <= int(RandomKind::TruncNormal); ++k) {
    auto kind = RandomKind(k);
    reg(RandomSample(Stream{}, kind).name(), 1, 5, [kind, key](Stream s, StateReader& r, const NodeIO& io) {
      float a = r.f(), b = r.f();
      bool flag = r.b(), has_shape = r.b();
      Shape shape = sizes(r);
      Dtype dt = r.dtype();
      key(r, io);
      int want = kind == RandomKind::Uniform || kind == RandomKind::TruncNormal ? 3
                 : kind == RandomKind::Bernoulli                               ? 2
                 : kind == RandomKind::RandInt                                 ? 5
                                                                               : 1;
      if (io.nin() != want) r.fail("its inputs do not match its kind");
      Dtype out = io.out_dtypes[0];
      if (kind == RandomKind::Bernoulli ? out != bool_ : kind == RandomKind::RandInt ? !is_integral(out) : !is_inexact(out)) r.fail("its output dtype does not fit its kind");
      for (int j = 1; j < io.nin(); ++j) {
        double n = 1;
        for (auto d : io.in_shapes[j]) n *= d;
        if (kind == RandomKind::TruncNormal) {
          if (io.in_shapes[j] != io.out_shapes[0] || io.in_dtypes[j] != out) r.fail("its bounds do not fit its output");
        } else if (n != 1) {
          r.fail("a parameter is not of size 1");
        }
        if (kind == RandomKind::RandInt && j >= 3 && io.in_dtypes[j] != out) r.fail("its bounds do not fit its output");
      }
      std::optional<Shape> sh;
      if (has_shape) sh = shape;
      return std::make_shared<RandomSample>(s, kind, a, b, flag, sh, dt);
    });
  }
  reg("Hadamard", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    float scale = r.f();
    rank_at_least(r, io, 1);
    if (hadamard_m(io.in_shapes[0].back()) == 0) r.fail("its last axis is not of a supported length");
    same_shapes(r, io);
    return std::make_shared<Hadamard>(s, scale);
  });
}

}  // namespace detail

}  // namespace mlx::core
