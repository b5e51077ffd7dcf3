// vmap rules and output-shape inference (for shapeless compile) of the primitives in
// primitives.h. A rule gets the real inputs and the position of their batch axis (-1: not
// batched) and returns the batched outputs and theirs.
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "autograd.h"
#include "ops.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;

// Brings batched operands of an elementwise op into one layout: if all are batched on the same
// axis with the same rank nothing moves; otherwise every batch axis goes to the front and
// every operand gets the same rank (unbatched ones a size-1 batch dim), so ordinary
// broadcasting lines them up. Returns the operands and the batch axis of the result.
std::pair<std::vector<array>, int> align_batch(const std::vector<array>& in,
                                               const std::vector<int>& axes, Stream s) {
  bool same = true;
  int first = -1;
  for (size_t i = 0; i < in.size(); ++i) {
    if (axes[i] < 0) {
      same = false;
      continue;
    }
    if (first < 0) first = axes[i];
    same = same && axes[i] == first && in[i].ndim() == in[0].ndim();
  }
  if (first < 0) return {in, -1};
  if (same) return {in, first};
  int rank = 0;  // rank without the batch dim
  for (size_t i = 0; i < in.size(); ++i) rank = std::max(rank, in[i].ndim() - (axes[i] >= 0));
  std::vector<array> out;
  for (size_t i = 0; i < in.size(); ++i) {
    array a = in[i];
    Shape shape;
    if (axes[i] >= 0) {
      if (axes[i] != 0) a = moveaxis(a, axes[i], 0, s);
      shape.push_back(a.shape(0));
      shape.insert(shape.end(), size_t(rank - (a.ndim() - 1)), 1);
      shape.insert(shape.end(), a.shape().begin() + 1, a.shape().end());
    } else {
      shape.assign(size_t(rank + 1 - a.ndim()), 1);
      shape.insert(shape.end(), a.shape().begin(), a.shape().end());
    }
    if (shape != a.shape()) a = reshape(a, shape, s);
    out.push_back(a);
  }
  return {out, 0};
}

using rules::to_front;

// For primitives over the last axis: the batch axis must not be the last one.
std::pair<array, int> batch_off_last(const array& a, int ax, Stream s) {
  if (ax >= 0 && ax == a.ndim() - 1) return {moveaxis(a, ax, 0, s), 0};
  return {a, ax};
}

Shape last_to_one(Shape shape) {
  shape.back() = 1;
  return shape;
}

Shape broadcast_all_shapes(const std::vector<array>& in) {
  Shape shape = in[0].shape();
  for (size_t i = 1; i < in.size(); ++i) shape = broadcast_shapes(shape, in[i].shape());
  return shape;
}

}  // namespace

std::vector<Shape> Primitive::output_shapes(const std::vector<array>&) {
  throw std::invalid_argument(std::string("[Primitive::output_shapes] ") + name() +
                              " cannot infer output shapes.");
}

// ---- elementwise ----------------------------------------------------------------------------

Batched Unary::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  return {{rules::unary_node(op_, inputs[0], stream())}, axes};
}
std::vector<Shape> Unary::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

Batched Binary::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto [in, ax] = align_batch(inputs, axes, stream());
  return {{rules::binary_node(op_, in[0], in[1], stream())}, {ax}};
}
std::vector<Shape> Binary::output_shapes(const std::vector<array>& inputs) {
  return {broadcast_all_shapes(inputs)};
}

Batched Compare::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto [in, ax] = align_batch(inputs, axes, stream());
  return {{rules::compare_node(op_, in[0], in[1], stream())}, {ax}};
}
std::vector<Shape> Compare::output_shapes(const std::vector<array>& inputs) {
  return {broadcast_all_shapes(inputs)};
}

Batched DivMod::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto [in, ax] = align_batch(inputs, axes, stream());
  auto b = rules::broadcast_same(in, stream());
  Shape shape = b[0].shape();
  Dtype dt = b[0].dtype();
  auto outs = array::make_arrays({shape, shape}, {dt, dt}, std::make_shared<DivMod>(stream()),
                                 std::move(b));
  return {outs, {ax, ax}};
}
std::vector<Shape> DivMod::output_shapes(const std::vector<array>& inputs) {
  Shape s = broadcast_all_shapes(inputs);
  return {s, s};
}

Batched Select::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto [in, ax] = align_batch(inputs, axes, stream());
  auto b = rules::broadcast_same(in, stream());
  Shape shape = b[0].shape();
  Dtype dt = b[1].dtype();
  return {{array(std::move(shape), dt, std::make_shared<Select>(stream()), std::move(b))}, {ax}};
}
std::vector<Shape> Select::output_shapes(const std::vector<array>& inputs) {
  return {broadcast_all_shapes(inputs)};
}

Batched AsType::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  return {{astype(inputs[0], dtype_, stream())}, axes};
}
std::vector<Shape> AsType::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

Batched Copy::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  return {{copy(inputs[0], stream())}, axes};
}
std::vector<Shape> Copy::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

Batched Full::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const array& in = inputs[0];
  Shape shape = in.shape();
  return {{array(std::move(shape), in.dtype(), std::make_shared<Full>(stream()), {in})}, axes};
}
std::vector<Shape> Full::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

Batched Arange::vmap(const std::vector<array>&, const std::vector<int>&) {
  throw std::logic_error("[Arange] has no inputs to batch.");
}
std::vector<Shape> Arange::output_shapes(const std::vector<array>&) {
  double n = std::ceil((stop_ - start_) / step_);
  return {{std::max(int32_t(0), int32_t(n))}};
}

// ---- layout -------------------------------------------------------------------------------

Batched Broadcast::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  if (ax < 0) return {{broadcast_to(inputs[0], shape_, stream())}, {-1}};
  array in = to_front(inputs[0], ax, stream());
  // (B, s...) -> (B, 1..., s...) -> (B, shape_...)
  Shape sh{in.shape(0)};
  sh.insert(sh.end(), shape_.size() - size_t(in.ndim() - 1), 1);
  sh.insert(sh.end(), in.shape().begin() + 1, in.shape().end());
  Shape target{in.shape(0)};
  target.insert(target.end(), shape_.begin(), shape_.end());
  return {{broadcast_to(reshape(in, sh, stream()), target, stream())}, {0}};
}

Batched Reshape::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  if (ax < 0) return {{reshape(inputs[0], shape_, stream())}, {-1}};
  array in = to_front(inputs[0], ax, stream());
  Shape sh{in.shape(0)};
  sh.insert(sh.end(), shape_.begin(), shape_.end());
  return {{reshape(in, sh, stream())}, {0}};
}

Batched Transpose::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  if (ax < 0) return {{transpose(inputs[0], axes_, stream())}, {-1}};
  array in = to_front(inputs[0], ax, stream());
  std::vector<int> perm{0};
  for (int p : axes_) perm.push_back(p + 1);
  return {{transpose(in, perm, stream())}, {0}};
}
std::vector<Shape> Transpose::output_shapes(const std::vector<array>& inputs) {
  Shape out;
  for (int p : axes_) out.push_back(inputs[0].shape(p));
  return {out};
}

Batched Matmul::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = axes[0] >= 0 ? to_front(inputs[0], axes[0], stream()) : inputs[0];
  array b = axes[1] >= 0 ? to_front(inputs[1], axes[1], stream()) : inputs[1];
  // An unbatched operand broadcasts against the batched one's leading batch dim.
  return {{matmul(a, b, stream())}, {0}};
}
std::vector<Shape> Matmul::output_shapes(const std::vector<array>& inputs) {
  const Shape& a = inputs[0].shape();
  const Shape& b = inputs[1].shape();
  Shape ba(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  Shape out = broadcast_shapes(ba, bb);
  out.push_back(a[a.size() - 2]);
  out.push_back(b.back());
  return {out};
}

// ---- reductions ---------------------------------------------------------------------------

Batched Reduce::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  std::vector<int> red = axes_;
  if (ax >= 0)
    for (auto& r : red)
      if (r >= ax) ++r;
  const array& in = inputs[0];
  Stream s = stream();
  array out = [&] {
    switch (op_) {
      case ReduceOp::And: return all(in, red, true, s);
      case ReduceOp::Or: return any(in, red, true, s);
      case ReduceOp::Sum: return sum(in, red, true, s);
      case ReduceOp::Prod: return prod(in, red, true, s);
      case ReduceOp::Min: return min(in, red, true, s);
      case ReduceOp::Max: return max(in, red, true, s);
    }
    throw std::logic_error("Reduce::vmap");
  }();
  return {{out}, axes};
}
std::vector<Shape> Reduce::output_shapes(const std::vector<array>& inputs) {
  Shape out = inputs[0].shape();
  for (int a : axes_) out[a] = 1;
  return {out};
}

Batched ArgReduce::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  int red = axis_ + (ax >= 0 && ax <= axis_);
  array out = op_ == ArgReduceOp::ArgMin ? argmin(inputs[0], red, true, stream())
                                          : argmax(inputs[0], red, true, stream());
  return {{out}, axes};
}
std::vector<Shape> ArgReduce::output_shapes(const std::vector<array>& inputs) {
  Shape out = inputs[0].shape();
  out[axis_] = 1;
  return {out};
}

Batched Scan::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int ax = axes[0];
  const array& in = inputs[0];
  int axis = axis_ + (ax >= 0 && ax <= axis_);
  Shape shape = in.shape();
  return {{array(std::move(shape), in.dtype(),
                 std::make_shared<Scan>(stream(), op_, axis, reverse_, inclusive_), {in})},
          axes};
}
std::vector<Shape> Scan::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

Batched Softmax::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto [in, ax] = batch_off_last(inputs[0], axes[0], stream());
  Shape shape = in.shape();
  return {{array(std::move(shape), in.dtype(), std::make_shared<Softmax>(stream(), precise_), {in})},
          {ax}};
}
std::vector<Shape> Softmax::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

Batched LogSumExp::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto [in, ax] = batch_off_last(inputs[0], axes[0], stream());
  return {{array(last_to_one(in.shape()), in.dtype(), std::make_shared<LogSumExp>(stream()), {in})},
          {ax}};
}
std::vector<Shape> LogSumExp::output_shapes(const std::vector<array>& inputs) {
  return {last_to_one(inputs[0].shape())};
}

Batched VarianceLast::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto [in, ax] = batch_off_last(inputs[0], axes[0], stream());
  return {{array(last_to_one(in.shape()), in.dtype(),
                 std::make_shared<VarianceLast>(stream(), ddof_, sqrt_), {in})},
          {ax}};
}
std::vector<Shape> VarianceLast::output_shapes(const std::vector<array>& inputs) {
  return {last_to_one(inputs[0].shape())};
}

Batched MedianLast::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  auto [in, ax] = batch_off_last(inputs[0], axes[0], stream());
  return {{array(last_to_one(in.shape()), in.dtype(), std::make_shared<MedianLast>(stream()), {in})},
          {ax}};
}
std::vector<Shape> MedianLast::output_shapes(const std::vector<array>& inputs) {
  return {last_to_one(inputs[0].shape())};
}

Batched AllEqual::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  auto [in, ax] = align_batch(inputs, axes, s);
  auto b = rules::broadcast_same(in, s);
  array eq = rules::compare_node(CompareOp::equal, b[0], b[1], s);
  if (equal_nan_)
    eq = logical_or(eq, logical_and(isnan(b[0], s), isnan(b[1], s), s), s);
  std::vector<int> red;
  for (int i = 0; i < eq.ndim(); ++i)
    if (i != ax) red.push_back(i);
  return {{all(eq, red, false, s)}, {0}};
}
std::vector<Shape> AllEqual::output_shapes(const std::vector<array>&) { return {Shape{}}; }

}  // namespace mlx::core
