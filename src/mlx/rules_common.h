// Helpers shared by the transform rules (grad_rules.cpp, vmap_rules.cpp) and compile: build a
// node of this header's elementwise primitives directly, and derived output dtypes.
#pragma once

#include "ops.h"
#include "pool.h"
#include "primitives.h"

namespace mlx::core::rules {

// The output dtype of a Unary op on an input of dtype `in` (abs/real/imag of complex64 are
// float32; everything else keeps the dtype).
inline Dtype unary_out_dtype(UnaryOp op, Dtype in) {
  if (is_complex(in) && (op == UnaryOp::abs || op == UnaryOp::real || op == UnaryOp::imag))
    return float32;
  return in;
}

inline array unary_node(UnaryOp op, const array& x, Stream s) {
  Shape shape = x.shape();
  return array(std::move(shape), unary_out_dtype(op, x.dtype()), make_pooled<Unary>(s, op), {x});
}

// Broadcasts operands of one dtype to a common shape (the primitives expect that).
inline std::vector<array> broadcast_same(std::vector<array> in, Stream s) {
  Shape shape = in[0].shape();
  for (size_t i = 1; i < in.size(); ++i) shape = broadcast_shapes(shape, in[i].shape());
  for (auto& a : in)
    if (a.shape() != shape) a = broadcast_to(a, shape, s);
  return in;
}

inline array binary_node(BinaryOp op, const array& a, const array& b, Stream s) {
  auto in = broadcast_same({a, b}, s);
  Shape shape = in[0].shape();
  Dtype dt = in[0].dtype();
  return array(std::move(shape), dt, make_pooled<Binary>(s, op), std::move(in));
}

inline array compare_node(CompareOp op, const array& a, const array& b, Stream s) {
  auto in = broadcast_same({a, b}, s);
  Shape shape = in[0].shape();
  return array(std::move(shape), bool_, make_pooled<Compare>(s, op), std::move(in));
}

// ---- vmap helpers ----------------------------------------------------------------------------

// A vmap rule's result: the outputs and the batch axis of each (-1: not batched).
using Batched = std::pair<std::vector<array>, std::vector<int>>;

// The batch axis moved to the front (-1: unbatched, returned as is).
inline array to_front(const array& a, int ax, Stream s) {
  return ax > 0 ? moveaxis(a, ax, 0, s) : a;
}

// `a` with a leading batch axis of size n: moved there, or broadcast there when unbatched.
inline array batch_front(const array& a, int ax, int n, Stream s) {
  if (ax >= 0) return to_front(a, ax, s);
  Shape shape = a.shape();
  shape.insert(shape.begin(), n);
  return broadcast_to(expand_dims(a, {0}, s), shape, s);
}

// The size of the batch: that of the first batched input (-1 when none is).
inline int batch_size(const std::vector<array>& in, const std::vector<int>& axes) {
  for (size_t i = 0; i < in.size(); ++i)
    if (axes[i] >= 0) return in[i].shape(axes[i]);
  return -1;
}

}  // namespace mlx::core::rules
