// A primitive's parameters for export_function: write_state (declared in every primitive by
// MLX_DEFINE_STATE) records them as a list of typed values through a StateWriter; the
// reader registry (export_<group>.cpp) rebuilds the primitive from that list through its
// public constructor. The same list is what an export callback receives as "arguments".
// The file format that stores the list is in export.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "primitives.h"

namespace mlx::core {

// One parameter. Enums are written as int32 (their underlying value).
using StateValue = std::variant<bool, int32_t, int64_t, float, double, std::string, Dtype,
                                std::vector<int32_t>, std::vector<int64_t>>;

class StateWriter {
 public:
  StateWriter& b(bool v) { return put(v); }
  StateWriter& i(int32_t v) { return put(v); }
  StateWriter& i64(int64_t v) { return put(v); }
  StateWriter& f(float v) { return put(v); }
  StateWriter& d(double v) { return put(v); }
  StateWriter& s(std::string v) { return put(std::move(v)); }
  StateWriter& dtype(Dtype v) { return put(v); }
  StateWriter& ints(std::vector<int32_t> v) { return put(std::move(v)); }
  StateWriter& ints64(std::vector<int64_t> v) { return put(std::move(v)); }
  template <typename E>
  StateWriter& e(E v) {
    return put(int32_t(v));
  }
  const std::vector<StateValue>& values() const { return values_; }

 private:
  // Constructed in place: moving a temporary variant in trips GCC 12's -Wmaybe-uninitialized.
  template <typename T>
  StateWriter& put(T&& v) {
    values_.emplace_back(std::in_place_type<std::decay_t<T>>, std::forward<T>(v));
    return *this;
  }
  std::vector<StateValue> values_;
};

// Reads the values back in order; any mismatch (missing value, other type, enum out of range)
// is an invalid file, reported naming the primitive.
class StateReader {
 public:
  StateReader(const std::vector<StateValue>& values, std::string prim)
      : values_(values), prim_(std::move(prim)) {}
  bool b() { return get<bool>(); }
  int32_t i() { return get<int32_t>(); }
  int64_t i64() { return get<int64_t>(); }
  float f() { return get<float>(); }
  double d() { return get<double>(); }
  std::string s() { return get<std::string>(); }
  Dtype dtype() { return get<Dtype>(); }
  std::vector<int32_t> ints() { return get<std::vector<int32_t>>(); }
  std::vector<int64_t> ints64() { return get<std::vector<int64_t>>(); }
  // An enum with values 0 .. count - 1.
  template <typename E>
  E e(int count) {
    int32_t v = i();
    if (v < 0 || v >= count) fail("an enum value is out of range");
    return E(v);
  }
  // Integers that must be >= lo (axes, sizes).
  int32_t at_least(int32_t lo) {
    int32_t v = i();
    if (v < lo) fail("a parameter is out of range");
    return v;
  }
  // An axis of a rank-n array (normalised: 0 <= axis < n).
  int32_t axis(int n) {
    int32_t v = i();
    if (v < 0 || v >= n) fail("an axis is out of range");
    return v;
  }
  // Axes of a rank-n array, each in range; `sorted`: strictly ascending.
  std::vector<int32_t> axes(int n, bool sorted = false) {
    auto v = ints();
    for (size_t k = 0; k < v.size(); ++k) {
      if (v[k] < 0 || v[k] >= n) fail("an axis is out of range");
      if (sorted && k > 0 && v[k] <= v[k - 1]) fail("its axes are not sorted and unique");
    }
    return v;
  }
  // Every value consumed: extra values are an invalid file too.
  void done() const {
    if (pos_ != values_.size()) fail("it has more parameters than the primitive takes");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("[import_function] Invalid file: the state of primitive " + prim_ +
                                " is invalid (" + why + ").");
  }
  const std::string& primitive() const { return prim_; }

 private:
  template <typename T>
  T get() {
    if (pos_ >= values_.size()) fail("a parameter is missing");
    const T* p = std::get_if<T>(&values_[pos_]);
    if (!p) fail("a parameter has the wrong type");
    ++pos_;
    return *p;
  }
  const std::vector<StateValue>& values_;
  std::string prim_;
  size_t pos_ = 0;
};

// The inputs and outputs a file declares for a node: readers check parameters against them
// (an axis within the input's rank, ...) before building the primitive.
struct NodeIO {
  std::vector<Shape> in_shapes, out_shapes;
  std::vector<Dtype> in_dtypes, out_dtypes;
  int nin() const { return int(in_shapes.size()); }
  int nout() const { return int(out_shapes.size()); }
  int rank(int i = 0) const { return int(in_shapes[size_t(i)].size()); }
};

namespace detail {

// How import_function rebuilds one primitive name: the number of inputs it accepts and of
// outputs it makes (checked before the primitive is built), and the factory.
struct PrimitiveReader {
  int min_inputs = 0, max_inputs = 0;    // max -1: any number
  int min_outputs = 1, max_outputs = 1;  // max -1: any number
  // (stream, state, the node's declared inputs and outputs) -> the primitive.
  std::function<std::shared_ptr<Primitive>(Stream, StateReader&, const NodeIO&)> make;
};

// Registers `name` (a primitive's name(), which names it in files); duplicates are a
// programming error and throw.
void register_reader(const std::string& name, PrimitiveReader r);
// nullptr for an unknown name.
const PrimitiveReader* find_reader(const std::string& name);
// The names registered (for tests).
std::vector<std::string> reader_names();

// Each group file registers its readers (called once, under the registry's lock).
void register_core_readers();    // export_core.cpp: primitives.h, autograd.h
void register_ops_readers();     // export_ops.cpp: shape, index, sort, creation, random, contract
void register_ext_readers();     // export_ext.cpp: linalg, fft, fast, conv, quantized

}  // namespace detail

}  // namespace mlx::core
