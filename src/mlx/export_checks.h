// Checks of a node's declared inputs and outputs for the readers of export_<group>.cpp: the
// kernels rely on consistent shapes, dtypes and parameters, so a file that declares otherwise
// is refused before anything runs (StateReader::fail names the primitive).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autograd.h"
#include "export_state.h"

namespace mlx::core::detail {

using Make = std::function<std::shared_ptr<Primitive>(Stream, StateReader&, const NodeIO&)>;

// Registers the reader of primitive `name`: min_in..max_in inputs and min_out..max_out outputs
// (max -1: any number).
inline void reg(const std::string& name, int min_in, int max_in, Make make, int min_out = 1,
                int max_out = 1) {
  PrimitiveReader r;
  r.min_inputs = min_in;
  r.max_inputs = max_in;
  r.min_outputs = min_out;
  r.max_outputs = max_out;
  r.make = std::move(make);
  register_reader(name, std::move(r));
}

inline void same_shapes(StateReader& r, const NodeIO& io) {
  for (auto& sh : io.in_shapes)
    if (sh != io.out_shapes[0]) r.fail("its inputs and output differ in shape");
  for (auto& sh : io.out_shapes)
    if (sh != io.out_shapes[0]) r.fail("its outputs differ in shape");
}
// Inputs from..to (to -1: the last) of one dtype.
inline void same_dtypes(StateReader& r, const NodeIO& io, int from = 0, int to = -1) {
  int end = to < 0 ? io.nin() : to + 1;
  for (int k = from; k < end; ++k)
    if (io.in_dtypes[size_t(k)] != io.in_dtypes[size_t(from)]) r.fail("its inputs differ in dtype");
}
inline void out_dtype(StateReader& r, const NodeIO& io, Dtype d) {
  for (auto& t : io.out_dtypes)
    if (t != d) r.fail("its output dtype is not the one it computes");
}
inline void out_shape(StateReader& r, const NodeIO& io, const Shape& s, int k = 0) {
  if (io.out_shapes[size_t(k)] != s) r.fail("its output shape is not the one it computes");
}
inline void rank_at_least(StateReader& r, const NodeIO& io, int n, int k = -1) {
  for (int i = 0; i < io.nin(); ++i)
    if ((k < 0 || i == k) && io.rank(i) < n) r.fail("an input has too few dimensions");
}
inline void integer_input(StateReader& r, const NodeIO& io, int k) {
  if (!is_integral(io.in_dtypes[size_t(k)])) r.fail("an index input is not of an integer dtype");
}
inline void elementwise(StateReader& r, const NodeIO& io) {
  same_shapes(r, io);
  same_dtypes(r, io);
  out_dtype(r, io, io.in_dtypes[0]);
}
// Moves data without looking at it: the output has the first input's dtype.
inline void keeps_dtype(StateReader& r, const NodeIO& io) { out_dtype(r, io, io.in_dtypes[0]); }
// The output shapes the primitive infers from the declared inputs must be the declared ones
// (call only once the parameters are known to fit the inputs' ranks).
inline void infer_shapes(StateReader& r, const NodeIO& io, Primitive& p) {
  std::vector<array> in;
  for (int k = 0; k < io.nin(); ++k) in.push_back(placeholder(io.in_shapes[size_t(k)], io.in_dtypes[size_t(k)]));
  std::vector<Shape> got;
  try {
    got = p.output_shapes(in);
  } catch (const std::exception&) {
    r.fail("its input shapes do not fit it");
  }
  if (got != io.out_shapes) r.fail("its output shapes are not the ones it computes");
}
// A strided window along one axis: n elements from `start` by `step` inside [0, size).
inline void window(StateReader& r, int64_t start, int64_t step, int64_t n, int64_t size) {
  if (n <= 0) return;
  int64_t last = start + (n - 1) * step;
  if (start < 0 || start >= size || last < 0 || last >= size) r.fail("a window reaches outside its input");
}

}  // namespace mlx::core::detail
