// Export state of the primitives of primitives.h and autograd.h: write_state and the readers
// import_function rebuilds them with. Where name() encodes an enum (Binary "Add", Reduce
// "Sum"), the name alone selects it and the state holds only the other parameters.
#include <mutex>
#include <unordered_map>

#include "autograd.h"
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

using Make = std::function<std::shared_ptr<Primitive>(Stream, StateReader&, int, int)>;

void reg(const std::string& name, int min_in, int max_in, Make make, int min_out = 1,
         int max_out = 1) {
  PrimitiveReader r;
  r.min_inputs = min_in;
  r.max_inputs = max_in;
  r.min_outputs = min_out;
  r.max_outputs = max_out;
  r.make = std::move(make);
  register_reader(name, std::move(r));
}

// A primitive without parameters.
template <typename P>
void reg_plain(const std::string& name, int min_in, int max_in, int min_out = 1, int max_out = 1) {
  reg(name, min_in, max_in, [](Stream s, StateReader&, int, int) { return std::make_shared<P>(s); },
      min_out, max_out);
}

// A class whose name() depends on an enum of `count` values: one reader per value, named by a
// prototype of it.
template <typename P, typename E, typename F>
void reg_enum(int count, int min_in, int max_in, F make) {
  for (int k = 0; k < count; ++k) {
    E op = E(k);
    std::shared_ptr<Primitive> proto = make(Stream{}, op, nullptr);
    reg(proto->name(), min_in, max_in,
        [make, op](Stream s, StateReader& r, int, int) { return make(s, op, &r); });
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
  // Prototypes are built with a null reader: parameters then take neutral values.
  reg_enum<Binary, BinaryOp>(int(BinaryOp::right_shift) + 1, 2, 2,
                             [](Stream s, BinaryOp op, StateReader*) { return std::make_shared<Binary>(s, op); });
  reg_enum<Unary, UnaryOp>(int(UnaryOp::imag) + 1, 1, 1,
                           [](Stream s, UnaryOp op, StateReader*) { return std::make_shared<Unary>(s, op); });
  reg_enum<Compare, CompareOp>(int(CompareOp::greater_equal) + 1, 2, 2, [](Stream s, CompareOp op, StateReader*) {
    return std::make_shared<Compare>(s, op);
  });
  reg_plain<DivMod>("DivMod", 2, 2, 2, 2);
  reg_plain<Select>("Select", 3, 3);
  reg("AsType", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<AsType>(s, r.dtype()); });
  reg_plain<Copy>("Copy", 1, 1);
  reg_plain<Full>("Full", 1, 1);
  reg("Arange", 0, 0, [](Stream s, StateReader& r, int, int) {
    double a = r.d(), b = r.d(), c = r.d();
    if (!(c != 0)) r.fail("the step is zero");
    return std::make_shared<Arange>(s, a, b, c);
  });
  reg("Broadcast", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<Broadcast>(s, r.ints()); });
  reg("Reshape", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<Reshape>(s, r.ints()); });
  reg("Transpose", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<Transpose>(s, r.ints()); });
  reg_plain<Matmul>("Matmul", 2, 2);
  reg_enum<Reduce, ReduceOp>(int(ReduceOp::Max) + 1, 1, 1, [](Stream s, ReduceOp op, StateReader* r) {
    return std::make_shared<Reduce>(s, op, r ? r->ints() : std::vector<int>{});
  });
  reg_enum<ArgReduce, ArgReduceOp>(2, 1, 1, [](Stream s, ArgReduceOp op, StateReader* r) {
    return std::make_shared<ArgReduce>(s, op, r ? r->at_least(0) : 0);
  });
  reg_enum<Scan, ScanOp>(int(ScanOp::LogAddExp) + 1, 1, 1, [](Stream s, ScanOp op, StateReader* r) {
    int axis = r ? r->at_least(0) : 0;
    bool rev = r ? r->b() : false;
    bool inc = r ? r->b() : true;
    return std::make_shared<Scan>(s, op, axis, rev, inc);
  });
  reg("Softmax", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<Softmax>(s, r.b()); });
  reg_plain<LogSumExp>("LogSumExp", 1, 1);
  for (bool sq : {false, true}) {
    VarianceLast proto(Stream{}, 0, sq);
    reg(proto.name(), 1, 1,
        [sq](Stream s, StateReader& r, int, int) { return std::make_shared<VarianceLast>(s, r.i(), sq); });
  }
  reg("AllEqual", 2, 2, [](Stream s, StateReader& r, int, int) { return std::make_shared<AllEqual>(s, r.b()); });
  reg_plain<MedianLast>("Median", 1, 1);

  reg("NumberOfElements", 1, 1, [](Stream s, StateReader& r, int, int) {
    auto axes = r.ints();
    for (int a : axes)
      if (a < 0) r.fail("an axis is negative");
    bool inv = r.b();
    return std::make_shared<NumberOfElements>(s, axes, inv, r.dtype());
  });

  reg_plain<StopGradient>("StopGradient", 1, 1);
  reg("Depends", 1, -1, [](Stream s, StateReader& r, int n_in, int n_out) {
    int n = r.at_least(1);
    if (n > n_in || n != n_out) r.fail("its output count does not match its inputs");
    return std::make_shared<Depends>(s, n);
  }, 1, -1);
  reg("CustomTransforms", 1, -1, [](Stream s, StateReader& r, int n_in, int n_out) {
    int n = r.at_least(1);
    if (n > n_in || n != n_out) r.fail("its output count does not match its inputs");
    return std::make_shared<CustomTransforms>(s, n, VjpFn{}, JvpFn{}, VmapFn{});
  }, 1, -1);
}

}  // namespace detail

}  // namespace mlx::core
