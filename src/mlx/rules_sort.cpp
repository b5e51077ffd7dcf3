// vjp, jvp and vmap rules (and output shapes) of the sorting primitives (primitives_sort.h),
// as MLX's: values get their derivatives through the permutation that produced them (the
// stable argsort / argpartition of the input, which the value kernels follow element for
// element, under stop_gradient so the rules differentiate again); index outputs and
// searchsorted are not differentiable (zero derivatives).
#include <stdexcept>

#include "autograd.h"
#include "ops.h"
#include "primitives_sort.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;

// The primitive's axis once a batch axis `bax` (-1: none) is inserted in front of or at it.
int shifted(int axis, int bax) { return axis + (bax >= 0 && bax <= axis); }

// Positions of the elements TopK keeps: the tail of the input's argpartition at n - k.
array topk_indices(const array& x, int k, int axis, Stream s) {
  int n = x.shape(axis);
  array idx = stop_gradient(argpartition(x, n - k, axis, s), s);
  Shape start(x.ndim(), 0), stop = x.shape();
  start[axis] = n - k;
  return slice(idx, start, stop, s);
}

// k = 0 keeps nothing: zero derivatives.
bool topk_empty(int k) { return k == 0; }

array scatter_back(const array& x, const array& idx, const array& cot, int axis, Stream s) {
  return scatter_add_axis(zeros_like(x, s), idx, astype(cot, x.dtype(), s), axis, s);
}

}  // namespace

// ---- Sort -----------------------------------------------------------------------------------

std::vector<array> Sort::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>&) {
  array idx = stop_gradient(argsort(primals[0], axis_, stream()), stream());
  return {scatter_back(primals[0], idx, cotangents[0], axis_, stream())};
}
std::vector<array> Sort::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  array idx = stop_gradient(argsort(primals[0], axis_, stream()), stream());
  return {take_along_axis(tangents[0], idx, axis_, stream())};
}
Batched Sort::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const array& in = inputs[0];
  Shape shape = in.shape();
  return {{array(std::move(shape), in.dtype(),
                 std::make_shared<Sort>(stream(), shifted(axis_, axes[0])), {in})},
          axes};
}
std::vector<Shape> Sort::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- ArgSort --------------------------------------------------------------------------------

std::vector<array> ArgSort::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                const std::vector<int>&, const std::vector<array>&) {
  return {zeros_like(primals[0], stream())};
}
std::vector<array> ArgSort::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                const std::vector<int>&) {
  return {zeros_like(tangents[0], stream())};
}
Batched ArgSort::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const array& in = inputs[0];
  Shape shape = in.shape();
  return {{array(std::move(shape), uint32,
                 std::make_shared<ArgSort>(stream(), shifted(axis_, axes[0])), {in})},
          axes};
}
std::vector<Shape> ArgSort::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- Partition ------------------------------------------------------------------------------

std::vector<array> Partition::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  array idx = stop_gradient(argpartition(primals[0], kth_, axis_, stream()), stream());
  return {scatter_back(primals[0], idx, cotangents[0], axis_, stream())};
}
std::vector<array> Partition::jvp(const std::vector<array>& primals,
                                  const std::vector<array>& tangents, const std::vector<int>&) {
  array idx = stop_gradient(argpartition(primals[0], kth_, axis_, stream()), stream());
  return {take_along_axis(tangents[0], idx, axis_, stream())};
}
Batched Partition::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const array& in = inputs[0];
  Shape shape = in.shape();
  return {{array(std::move(shape), in.dtype(),
                 std::make_shared<Partition>(stream(), kth_, shifted(axis_, axes[0])), {in})},
          axes};
}
std::vector<Shape> Partition::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- ArgPartition ---------------------------------------------------------------------------

std::vector<array> ArgPartition::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                     const std::vector<int>&, const std::vector<array>&) {
  return {zeros_like(primals[0], stream())};
}
std::vector<array> ArgPartition::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                     const std::vector<int>&) {
  return {zeros_like(tangents[0], stream())};
}
Batched ArgPartition::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const array& in = inputs[0];
  Shape shape = in.shape();
  return {{array(std::move(shape), uint32,
                 std::make_shared<ArgPartition>(stream(), kth_, shifted(axis_, axes[0])), {in})},
          axes};
}
std::vector<Shape> ArgPartition::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- TopK (MLX: partition then a slice; the same rules through the slice) -------------------

std::vector<array> TopK::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>&) {
  if (topk_empty(k_)) return {zeros_like(primals[0], stream())};
  array idx = topk_indices(primals[0], k_, axis_, stream());
  return {scatter_back(primals[0], idx, cotangents[0], axis_, stream())};
}
std::vector<array> TopK::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  if (topk_empty(k_)) {
    Shape shape = primals[0].shape();
    shape[axis_] = 0;
    return {zeros(shape, tangents[0].dtype(), stream())};
  }
  array idx = topk_indices(primals[0], k_, axis_, stream());
  return {take_along_axis(tangents[0], idx, axis_, stream())};
}
Batched TopK::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  const array& in = inputs[0];
  int axis = shifted(axis_, axes[0]);
  Shape shape = in.shape();
  shape[axis] = k_;
  return {{array(std::move(shape), in.dtype(), std::make_shared<TopK>(stream(), k_, axis), {in})},
          axes};
}
std::vector<Shape> TopK::output_shapes(const std::vector<array>& inputs) {
  Shape shape = inputs[0].shape();
  shape[axis_] = k_;
  return {shape};
}

// ---- SearchSorted ---------------------------------------------------------------------------

std::vector<array> SearchSorted::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                     const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int i : argnums) out.push_back(zeros_like(primals[i], stream()));
  return out;
}
std::vector<array> SearchSorted::jvp(const std::vector<array>& primals, const std::vector<array>&,
                                     const std::vector<int>&) {
  return {zeros(primals[1].shape(), uint32, stream())};
}
Batched SearchSorted::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  const array& seq = inputs[0];
  const array& vals = inputs[1];
  auto node = [&](const array& q, const array& v) {
    Shape shape = v.shape();
    return array(std::move(shape), uint32, std::make_shared<SearchSorted>(s, right_), {q, v});
  };
  // Values batched only: the output has the values' shape, batch axis included.
  if (axes[0] < 0) return {{node(seq, vals)}, {axes[1]}};
  // A batch of sequences: the kernel searches one 1-D sequence, so one node per sequence.
  int b = seq.shape(axes[0]);
  std::vector<array> outs;
  for (int i = 0; i < b; ++i) {
    array q = take(seq, i, axes[0], s);
    array v = axes[1] >= 0 ? take(vals, i, axes[1], s) : vals;
    outs.push_back(node(q, v));
  }
  if (b == 0) {
    Shape shape = vals.shape();
    if (axes[1] >= 0) shape.erase(shape.begin() + axes[1]);
    shape.insert(shape.begin(), 0);
    return {{zeros(shape, uint32, s)}, {0}};
  }
  return {{stack(outs, 0, s)}, {0}};
}
std::vector<Shape> SearchSorted::output_shapes(const std::vector<array>& inputs) {
  return {inputs[1].shape()};
}

}  // namespace mlx::core
