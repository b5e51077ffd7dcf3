// Export state of the primitives of primitives.h and autograd.h: write_state and the readers
// import_function rebuilds them with. Where name() encodes an enum (Binary "Add", Reduce
// "Sum"), the name alone selects it and the state holds only the other parameters.
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "autograd.h"
#include "export_checks.h"
#include "export_state.h"
#include "primitives.h"
#include "primitives_meta.h"

namespace mlx::core {

// ---- write_state -----------------------------------------------------------------------------

void Binary::write_state(StateWriter&) const {}
void Unary::write_state(StateWriter&) const {}
void Compare::write_state(StateWriter&) const {}
void DivMod::write_state(StateWriter&) const {}
void Select::write_state(StateWriter&) const {}
void AsType::write_state(StateWriter& w) const { w.dtype(dtype_); }
void Copy::write_state(StateWriter&) const {}
void Full::write_state(StateWriter&) const {}
void Arange::write_state(StateWriter& w) const { w.d(start_).d(stop_).d(step_); }
void Broadcast::write_state(StateWriter& w) const { w.ints(shape_); }
void Reshape::write_state(StateWriter& w) const { w.ints(shape_); }
void Transpose::write_state(StateWriter& w) const { w.ints(axes_); }
void Matmul::write_state(StateWriter&) const {}
void Reduce::write_state(StateWriter& w) const { w.ints(axes_); }
void ArgReduce::write_state(StateWriter& w) const { w.i(axis_); }
void Scan::write_state(StateWriter& w) const { w.i(axis_).b(reverse_).b(inclusive_); }
void Softmax::write_state(StateWriter& w) const { w.b(precise_); }
void LogSumExp::write_state(StateWriter&) const {}
void VarianceLast::write_state(StateWriter& w) const { w.i(ddof_); }
void AllEqual::write_state(StateWriter& w) const { w.b(equal_nan_); }
void MedianLast::write_state(StateWriter&) const {}

void NumberOfElements::write_state(StateWriter& w) const { w.ints(axes_).b(inverted_).dtype(dtype_); }

void StopGradient::write_state(StateWriter&) const {}
void Depends::write_state(StateWriter& w) const { w.i(n_); }
// The custom rules are JS/C++ functions and are not exported: the imported node forwards the
// function's outputs, and its transforms are unavailable.
void CustomTransforms::write_state(StateWriter& w) const { w.i(num_outputs_); }

// ---- registry ----------------------------------------------------------------------------------

namespace detail {

namespace {

std::mutex g_reg_mu;
bool g_reg_done = false;
std::unordered_map<std::string, PrimitiveReader>& registry() {
  static std::unordered_map<std::string, PrimitiveReader> r;
  return r;
}

void ensure_registered() {
  std::lock_guard<std::mutex> lock(g_reg_mu);
  if (g_reg_done) return;
  g_reg_done = true;
  register_core_readers();
  register_ops_readers();
  register_ext_readers();
}

// A primitive without parameters; `check` validates the node's inputs and outputs.
template <typename P>
void reg_plain(const std::string& name, int min_in, int max_in, void (*check)(StateReader&, const NodeIO&),
               int min_out = 1, int max_out = 1) {
  reg(name, min_in, max_in, [check](Stream s, StateReader& r, const NodeIO& io) {
    if (check) check(r, io);
    return std::make_shared<P>(s);
  }, min_out, max_out);
}

// A class whose name() depends on an enum of `count` values: one reader per value, named by a
// prototype of it (built with a null reader: parameters then take neutral values).
template <typename E, typename F>
void reg_enum(int count, int min_in, int max_in, F make) {
  for (int k = 0; k < count; ++k) {
    E op = E(k);
    std::shared_ptr<Primitive> proto = make(Stream{}, op, nullptr, nullptr);
    reg(proto->name(), min_in, max_in,
        [make, op](Stream s, StateReader& r, const NodeIO& io) { return make(s, op, &r, &io); });
  }
}

}  // namespace

void register_reader(const std::string& name, PrimitiveReader r) {
  auto [it, fresh] = registry().emplace(name, std::move(r));
  if (!fresh) throw std::logic_error("[export_function] Primitive name registered twice: " + name);
}

const PrimitiveReader* find_reader(const std::string& name) {
  ensure_registered();
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<std::string> reader_names() {
  ensure_registered();
  std::vector<std::string> out;
  for (auto& [k, v] : registry()) out.push_back(k);
  return out;
}

void register_core_readers() {
  reg_enum<BinaryOp>(int(BinaryOp::right_shift) + 1, 2, 2, [](Stream s, BinaryOp op, StateReader* r, const NodeIO* io) {
    if (r) elementwise(*r, *io);
    return std::make_shared<Binary>(s, op);
  });
  reg_enum<UnaryOp>(int(UnaryOp::imag) + 1, 1, 1, [](Stream s, UnaryOp op, StateReader* r, const NodeIO* io) {
    if (r) {
      same_shapes(*r, *io);
      bool to_real = io->in_dtypes[0] == complex64 &&
                     (op == UnaryOp::abs || op == UnaryOp::real || op == UnaryOp::imag);
      out_dtype(*r, *io, to_real ? float32 : io->in_dtypes[0]);
    }
    return std::make_shared<Unary>(s, op);
  });
  reg_enum<CompareOp>(int(CompareOp::greater_equal) + 1, 2, 2, [](Stream s, CompareOp op, StateReader* r, const NodeIO* io) {
    if (r) {
      same_shapes(*r, *io);
      same_dtypes(*r, *io);
      out_dtype(*r, *io, bool_);
    }
    return std::make_shared<Compare>(s, op);
  });
  reg_plain<DivMod>("DivMod", 2, 2, elementwise, 2, 2);
  reg_plain<Select>("Select", 3, 3, [](StateReader& r, const NodeIO& io) {
    same_shapes(r, io);
    if (io.in_dtypes[0] != bool_) r.fail("its condition is not bool");
    same_dtypes(r, io, 1);
    out_dtype(r, io, io.in_dtypes[1]);
  });
  reg("AsType", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    Dtype d = r.dtype();
    same_shapes(r, io);
    out_dtype(r, io, d);
    return std::make_shared<AsType>(s, d);
  });
  reg_plain<Copy>("Copy", 1, 1, elementwise);
  reg_plain<StopGradient>("StopGradient", 1, 1, elementwise);
  reg_plain<Full>("Full", 1, 1, same_shapes);
  reg("Arange", 0, 0, [](Stream s, StateReader& r, const NodeIO& io) {
    double a = r.d(), b = r.d(), c = r.d();
    if (!(c != 0) || !std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c)) r.fail("its range is not finite");
    auto p = std::make_shared<Arange>(s, a, b, c);
    infer_shapes(r, io, *p);
    return p;
  });
  reg("Broadcast", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    Shape sh = r.ints();
    const Shape& in = io.in_shapes[0];
    bool ok = in.size() <= sh.size() && sh == io.out_shapes[0];
    for (size_t k = 0; ok && k < in.size(); ++k) {
      int32_t d = sh[sh.size() - in.size() + k];
      ok = in[k] == d || in[k] == 1;
    }
    if (!ok) r.fail("its input does not broadcast to its output");
    if (io.in_dtypes[0] != io.out_dtypes[0]) r.fail("its output dtype is not its input's");
    return std::make_shared<Broadcast>(s, sh);
  });
  reg("Reshape", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    Shape sh = r.ints();  // may keep one -1
    double n = 1;
    for (auto d : io.in_shapes[0]) n *= d;
    if (n > double(int64_t(1) << 53)) r.fail("its input is too large");
    Shape out;
    try {
      out = Reshape::resolve(size_t(n), sh);
    } catch (const std::exception&) {
      r.fail("its shape does not match its input");
    }
    if (out != io.out_shapes[0]) r.fail("its shape does not match its input and output");
    if (io.in_dtypes[0] != io.out_dtypes[0]) r.fail("its output dtype is not its input's");
    return std::make_shared<Reshape>(s, sh);
  });
  reg("Transpose", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    auto axes = r.axes(io.rank());
    std::vector<char> seen(axes.size(), 0);
    if (int(axes.size()) != io.rank()) r.fail("its axes are not a permutation");
    for (int a : axes) {
      if (seen[size_t(a)]) r.fail("its axes are not a permutation");
      seen[size_t(a)] = 1;
    }
    if (io.in_dtypes[0] != io.out_dtypes[0]) r.fail("its output dtype is not its input's");
    auto p = std::make_shared<Transpose>(s, axes);
    infer_shapes(r, io, *p);
    return p;
  });
  reg("Matmul", 2, 2, [](Stream s, StateReader& r, const NodeIO& io) {
    rank_at_least(r, io, 2);
    same_dtypes(r, io);
    out_dtype(r, io, io.in_dtypes[0]);
    const Shape &a = io.in_shapes[0], &b = io.in_shapes[1];
    if (a.back() != b[b.size() - 2]) r.fail("its inner dimensions differ");
    auto p = std::make_shared<Matmul>(s);
    infer_shapes(r, io, *p);
    return p;
  });
  reg_enum<ReduceOp>(int(ReduceOp::Max) + 1, 1, 1, [](Stream s, ReduceOp op, StateReader* r, const NodeIO* io) {
    if (!r) return std::make_shared<Reduce>(s, op, std::vector<int>{});
    auto p = std::make_shared<Reduce>(s, op, r->axes(io->rank(), true));
    // The kernels write the type they compute in: bool, the sum type, or the input's.
    Dtype t = io->in_dtypes[0];
    Dtype sum_t = t == bool_ ? int32
                  : is_integral(t) ? (is_unsigned(t) ? (t.size() <= 4 ? uint32 : uint64) : (t.size() <= 4 ? int32 : int64))
                                   : t;
    out_dtype(*r, *io, op == ReduceOp::And || op == ReduceOp::Or ? bool_
                       : op == ReduceOp::Sum || op == ReduceOp::Prod ? sum_t
                                                                      : t);
    infer_shapes(*r, *io, *p);
    return p;
  });
  reg_enum<ArgReduceOp>(2, 1, 1, [](Stream s, ArgReduceOp op, StateReader* r, const NodeIO* io) {
    if (!r) return std::make_shared<ArgReduce>(s, op, 0);
    auto p = std::make_shared<ArgReduce>(s, op, r->axis(io->rank()));
    out_dtype(*r, *io, uint32);
    infer_shapes(*r, *io, *p);
    return p;
  });
  reg_enum<ScanOp>(int(ScanOp::LogAddExp) + 1, 1, 1, [](Stream s, ScanOp op, StateReader* r, const NodeIO* io) {
    if (!r) return std::make_shared<Scan>(s, op, 0, false, true);
    int axis = r->axis(io->rank());
    bool rev = r->b();
    bool inc = r->b();
    elementwise(*r, *io);
    return std::make_shared<Scan>(s, op, axis, rev, inc);
  });
  // Last-axis reductions: an input of at least one dimension, the inferred output shape.
  auto last_axis = [](StateReader& r, const NodeIO& io, std::shared_ptr<Primitive> p) {
    rank_at_least(r, io, 1);
    infer_shapes(r, io, *p);
    return p;
  };
  reg("Softmax", 1, 1, [last_axis](Stream s, StateReader& r, const NodeIO& io) {
    auto p = last_axis(r, io, std::make_shared<Softmax>(s, r.b()));
    out_dtype(r, io, io.in_dtypes[0]);
    return p;
  });
  reg("LogSumExp", 1, 1, [last_axis](Stream s, StateReader& r, const NodeIO& io) {
    keeps_dtype(r, io);
    return last_axis(r, io, std::make_shared<LogSumExp>(s));
  });
  for (bool sq : {false, true}) {
    VarianceLast proto(Stream{}, 0, sq);
    reg(proto.name(), 1, 1, [sq, last_axis](Stream s, StateReader& r, const NodeIO& io) {
      keeps_dtype(r, io);
      return last_axis(r, io, std::make_shared<VarianceLast>(s, r.i(), sq));
    });
  }
  reg("Median", 1, 1, [last_axis](Stream s, StateReader& r, const NodeIO& io) {
    return last_axis(r, io, std::make_shared<MedianLast>(s));
  });
  reg("AllEqual", 2, 2, [](Stream s, StateReader& r, const NodeIO& io) {
    bool eq = r.b();
    if (io.in_shapes[0] != io.in_shapes[1] || !io.out_shapes[0].empty()) r.fail("its shapes do not fit it");
    same_dtypes(r, io);
    out_dtype(r, io, bool_);
    return std::make_shared<AllEqual>(s, eq);
  });
  reg("NumberOfElements", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    auto axes = r.axes(io.rank());
    bool inv = r.b();
    Dtype d = r.dtype();
    if (!io.out_shapes[0].empty()) r.fail("its output is not a scalar");
    out_dtype(r, io, d);
    return std::make_shared<NumberOfElements>(s, axes, inv, d);
  });
  // Outputs forwarded from inputs: each must match the input it forwards.
  auto forwards = [](StateReader& r, const NodeIO& io, int first) {
    for (int k = 0; k < io.nout(); ++k)
      if (io.out_shapes[k] != io.in_shapes[first + k] || io.out_dtypes[k] != io.in_dtypes[first + k])
        r.fail("its outputs do not match the inputs it forwards");
  };
  reg("Depends", 1, -1, [forwards](Stream s, StateReader& r, const NodeIO& io) {
    int n = r.at_least(1);
    if (n > io.nin() || n != io.nout()) r.fail("its output count does not match its inputs");
    forwards(r, io, 0);
    return std::make_shared<Depends>(s, n);
  }, 1, -1);
  reg("CustomTransforms", 1, -1, [forwards](Stream s, StateReader& r, const NodeIO& io) {
    int n = r.at_least(1);
    if (n > io.nin() || n != io.nout()) r.fail("its output count does not match its inputs");
    forwards(r, io, io.nin() - n);
    return std::make_shared<CustomTransforms>(s, n, VjpFn{}, JvpFn{}, VmapFn{});
  }, 1, -1);
}

}  // namespace detail

}  // namespace mlx::core
