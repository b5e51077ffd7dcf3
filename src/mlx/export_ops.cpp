// Export state of the shape, index, sort, creation, random and contract primitives:
// write_state and the readers import_function rebuilds them with (see export_core.cpp).
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

using Make = std::function<std::shared_ptr<Primitive>(Stream, StateReader&, int, int)>;

void reg(const std::string& name, int min_in, int max_in, Make make) {
  PrimitiveReader r;
  r.min_inputs = min_in;
  r.max_inputs = max_in;
  r.make = std::move(make);
  register_reader(name, std::move(r));
}

// Non-negative integers (axes that the ops normalise before building the node).
std::vector<int> axes(StateReader& r) {
  auto v = r.ints();
  for (int a : v)
    if (a < 0) r.fail("an axis is negative");
  return v;
}
Shape sizes(StateReader& r) {
  auto v = r.ints();
  for (int a : v)
    if (a < 0) r.fail("a size is negative");
  return v;
}

}  // namespace

void register_ops_readers() {
  reg("Slice", 1, 1, [](Stream s, StateReader& r, int, int) {
    Shape a = r.ints(), b = r.ints(), c = r.ints();
    if (a.size() != b.size() || a.size() != c.size()) r.fail("its vectors differ in length");
    return std::make_shared<Slice>(s, a, b, c);
  });
  reg("SliceUpdate", 2, 2, [](Stream s, StateReader& r, int, int) {
    Shape a = r.ints(), b = r.ints(), c = r.ints();
    if (a.size() != b.size() || a.size() != c.size()) r.fail("its vectors differ in length");
    return std::make_shared<SliceUpdate>(s, a, b, c);
  });
  reg("Concatenate", 1, -1, [](Stream s, StateReader& r, int, int) {
    return std::make_shared<Concatenate>(s, r.at_least(0));
  });
  reg("Pad", 1, 2, [](Stream s, StateReader& r, int, int) {
    Shape lo = sizes(r), hi = sizes(r);
    if (lo.size() != hi.size()) r.fail("its vectors differ in length");
    return std::make_shared<Pad>(s, lo, hi, r.e<PadMode>(4));
  });
  reg("AsStrided", 1, 1, [](Stream s, StateReader& r, int, int) {
    Shape sh = sizes(r);
    Strides st = r.ints64();
    if (sh.size() != st.size()) r.fail("its vectors differ in length");
    int64_t off = r.i64();
    if (off < 0) r.fail("the offset is negative");
    return std::make_shared<AsStrided>(s, sh, st, off);
  });
  reg("Contiguous", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<Contiguous>(s, r.b()); });

  reg("Gather", 1, -1, [](Stream s, StateReader& r, int n_in, int) {
    auto ax = axes(r);
    Shape sl = sizes(r);
    if (int(ax.size()) != n_in - 1) r.fail("its axes do not match its index inputs");
    return std::make_shared<Gather>(s, ax, sl, r.s());
  });
  for (int k = 0; k <= int(ScatterOp::Min); ++k) {
    ScatterOp op = ScatterOp(k);
    reg(Scatter(Stream{}, op, {}).name(), 2, -1, [op](Stream s, StateReader& r, int n_in, int) {
      auto ax = axes(r);
      if (int(ax.size()) != n_in - 2) r.fail("its axes do not match its index inputs");
      return std::make_shared<Scatter>(s, op, ax, r.s());
    });
  }
  reg("GatherAxis", 2, 2, [](Stream s, StateReader& r, int, int) {
    int ax = r.at_least(0);
    return std::make_shared<GatherAxis>(s, ax, r.s());
  });
  for (ScatterOp op : {ScatterOp::None, ScatterOp::Sum}) {
    reg(ScatterAxis(Stream{}, op, 0).name(), 3, 3, [op](Stream s, StateReader& r, int, int) {
      return std::make_shared<ScatterAxis>(s, op, r.at_least(0));
    });
  }
  reg("MaskedScatter", 3, 3, [](Stream s, StateReader& r, int, int) { return std::make_shared<MaskedScatter>(s, r.s()); });
  reg("DynamicSlice", 2, 2, [](Stream s, StateReader& r, int, int) {
    auto ax = axes(r);
    return std::make_shared<DynamicSlice>(s, ax, sizes(r));
  });
  reg("DynamicSliceUpdate", 3, 3, [](Stream s, StateReader& r, int, int) {
    return std::make_shared<DynamicSliceUpdate>(s, axes(r));
  });
  reg("IndexView", 1, 1, [](Stream s, StateReader& r, int, int) {
    Shape start = r.ints(), step = r.ints();
    if (start.size() != step.size()) r.fail("its vectors differ in length");
    auto src = r.ints();
    for (int d : src)
      if (d < -1 || d >= int(start.size())) r.fail("an axis is out of range");
    return std::make_shared<IndexView>(s, start, step, src);
  });

  reg("Sort", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<Sort>(s, r.at_least(0)); });
  reg("ArgSort", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<ArgSort>(s, r.at_least(0)); });
  reg("Partition", 1, 1, [](Stream s, StateReader& r, int, int) {
    int kth = r.at_least(0);
    return std::make_shared<Partition>(s, kth, r.at_least(0));
  });
  reg("ArgPartition", 1, 1, [](Stream s, StateReader& r, int, int) {
    int kth = r.at_least(0);
    return std::make_shared<ArgPartition>(s, kth, r.at_least(0));
  });
  reg("TopK", 1, 1, [](Stream s, StateReader& r, int, int) {
    int k = r.at_least(1);
    return std::make_shared<TopK>(s, k, r.at_least(0));
  });
  reg("SearchSorted", 2, 2, [](Stream s, StateReader& r, int, int) { return std::make_shared<SearchSorted>(s, r.b()); });

  reg("Linspace", 0, 0, [](Stream s, StateReader& r, int, int) {
    double a = r.d(), b = r.d();
    return std::make_shared<Linspace>(s, a, b, r.b());
  });
  for (auto kind : {Diagonal2D::Kind::eye, Diagonal2D::Kind::tri}) {
    reg(Diagonal2D(Stream{}, kind, 0).name(), 0, 0,
        [kind](Stream s, StateReader& r, int, int) { return std::make_shared<Diagonal2D>(s, kind, r.i()); });
  }
  for (bool upper : {false, true}) {
    reg(Triangular(Stream{}, upper, 0).name(), 1, 1,
        [upper](Stream s, StateReader& r, int, int) { return std::make_shared<Triangular>(s, upper, r.i()); });
  }
  for (int k = 0; k <= int(Window::Kind::blackman); ++k) {
    auto kind = Window::Kind(k);
    reg(Window(Stream{}, kind).name(), 0, 0,
        [kind](Stream s, StateReader&, int, int) { return std::make_shared<Window>(s, kind); });
  }
  reg("View", 1, 1, [](Stream s, StateReader&, int, int) { return std::make_shared<View>(s); });
  for (bool to : {false, true}) {
    reg(ConvertFP8(Stream{}, to).name(), 1, 1,
        [to](Stream s, StateReader&, int, int) { return std::make_shared<ConvertFP8>(s, to); });
  }

  reg("RandomBits", 1, 1, [](Stream s, StateReader& r, int, int) {
    Shape sh = sizes(r);
    int width = r.i();
    if (width != 1 && width != 2 && width != 4) r.fail("the width is not 1, 2 or 4");
    return std::make_shared<RandomBits>(s, sh, width);
  });
  reg("RandomSplit", 1, 1, [](Stream s, StateReader& r, int, int) {
    int row = r.i();
    if (row != 0 && row != 1) r.fail("the row is not 0 or 1");
    return std::make_shared<RandomSplit>(s, row);
  });
  for (int k = 0; k <= int(RandomKind::TruncNormal); ++k) {
    auto kind = RandomKind(k);
    reg(RandomSample(Stream{}, kind).name(), 1, 5, [kind](Stream s, StateReader& r, int, int) {
      float a = r.f(), b = r.f();
      bool flag = r.b(), has_shape = r.b();
      Shape shape = sizes(r);
      std::optional<Shape> sh;
      if (has_shape) sh = shape;
      return std::make_shared<RandomSample>(s, kind, a, b, flag, sh, r.dtype());
    });
  }
  reg("Hadamard", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<Hadamard>(s, r.f()); });
}

}  // namespace detail

}  // namespace mlx::core
