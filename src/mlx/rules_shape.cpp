// vjp, jvp and vmap rules (and output-shape inference) of the shape primitives
// (primitives_shape.h), written with ops and the primitives themselves so derivatives are lazy
// graphs that can be differentiated again. Semantics follow MLX's mlx/primitives.cpp: a slice
// pulls back into zeros with slice_update, concatenate into slices, pad into the interior (and,
// for the edge/reflect/symmetric modes MLX builds from other ops, into the sources of the
// padded positions), as_strided into a scatter-add over the viewed positions.
#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "autograd.h"
#include "ops.h"
#include "primitives_shape.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;
using rules::batch_front;
using rules::batch_size;
using rules::to_front;

// Length of a slice dim from its normalised start, stop (start + length * stride) and stride.
int32_t slice_len(int64_t start, int64_t stop, int64_t stride) {
  int64_t d = stride > 0 ? stop - start : start - stop;
  int64_t st = stride > 0 ? stride : -stride;
  return d <= 0 ? 0 : int32_t((d + st - 1) / st);
}

Shape slice_shape(const Shape& start, const Shape& stop, const Shape& strides) {
  Shape out(start.size());
  for (size_t i = 0; i < start.size(); ++i) out[i] = slice_len(start[i], stop[i], strides[i]);
  return out;
}

Shape insert_at(Shape v, int pos, int32_t x) {
  v.insert(v.begin() + pos, x);
  return v;
}

// The padded position j's source index along an axis of length n (-1: the constant), as the
// CPU kernel maps it (reflect/symmetric are periodic for pads wider than the axis).
int32_t pad_source(int64_t j, int64_t n, PadMode mode) {
  if (j >= 0 && j < n) return int32_t(j);
  switch (mode) {
    case PadMode::constant: return -1;
    case PadMode::edge: return j < 0 ? 0 : int32_t(n - 1);
    case PadMode::reflect: {
      if (n == 1) return 0;
      int64_t p = 2 * (n - 1), k = ((j % p) + p) % p;
      return int32_t(k < n ? k : p - k);
    }
    case PadMode::symmetric: {
      int64_t p = 2 * n, k = ((j % p) + p) % p;
      return int32_t(k < n ? k : p - 1 - k);
    }
  }
  return -1;
}

}  // namespace

// ---- Slice ----------------------------------------------------------------------------------

std::vector<array> Slice::vjp(const std::vector<array>& primals,
                              const std::vector<array>& cotangents, const std::vector<int>&,
                              const std::vector<array>&) {
  // MLX: the cotangent written into zeros at the window.
  const array& in = primals[0];
  Shape shape = in.shape();
  return {array(std::move(shape), in.dtype(),
                std::make_shared<SliceUpdate>(stream(), start_, stop_, strides_),
                {zeros_like(in, stream()), cotangents[0]})};
}

std::vector<array> Slice::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                              const std::vector<int>&) {
  const array& t = tangents[0];
  return {array(slice_shape(start_, stop_, strides_), t.dtype(),
                std::make_shared<Slice>(stream(), start_, stop_, strides_), {t})};
}

std::pair<std::vector<array>, std::vector<int>> Slice::vmap(const std::vector<array>& inputs,
                                                            const std::vector<int>& axes) {
  const array& in = inputs[0];
  int ax = axes[0];
  Shape start = start_, stop = stop_, strides = strides_;
  if (ax >= 0) {
    // The batch axis is taken whole.
    start = insert_at(start, ax, 0);
    stop = insert_at(stop, ax, in.shape(ax));
    strides = insert_at(strides, ax, 1);
  }
  Shape shape = slice_shape(start, stop, strides);
  return {{array(std::move(shape), in.dtype(), std::make_shared<Slice>(stream(), start, stop, strides),
                 {in})},
          {ax}};
}

std::vector<Shape> Slice::output_shapes(const std::vector<array>&) {
  return {slice_shape(start_, stop_, strides_)};
}

// ---- SliceUpdate ------------------------------------------------------------------------------

std::vector<array> SliceUpdate::vjp(const std::vector<array>& primals,
                                    const std::vector<array>& cotangents,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  const array& cot = cotangents[0];
  const array& upd = primals[1];
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) {
      // The overwritten window gets no gradient.
      out.push_back(array(cot.shape(), cot.dtype(),
                          std::make_shared<SliceUpdate>(stream(), start_, stop_, strides_),
                          {cot, zeros_like(upd, stream())}));
    } else {
      out.push_back(array(upd.shape(), cot.dtype(),
                          std::make_shared<Slice>(stream(), start_, stop_, strides_), {cot}));
    }
  }
  return out;
}

std::vector<array> SliceUpdate::jvp(const std::vector<array>& primals,
                                    const std::vector<array>& tangents,
                                    const std::vector<int>& argnums) {
  array ts = zeros_like(primals[0], stream()), tu = zeros_like(primals[1], stream());
  for (size_t i = 0; i < argnums.size(); ++i) (argnums[i] == 0 ? ts : tu) = tangents[i];
  Shape shape = primals[0].shape();
  return {array(std::move(shape), ts.dtype(),
                std::make_shared<SliceUpdate>(stream(), start_, stop_, strides_), {ts, tu})};
}

std::pair<std::vector<array>, std::vector<int>> SliceUpdate::vmap(const std::vector<array>& inputs,
                                                                  const std::vector<int>& axes) {
  Stream s = stream();
  int n = batch_size(inputs, axes);
  if (n < 0) {
    Shape shape = inputs[0].shape();
    return {{array(std::move(shape), inputs[0].dtype(),
                   std::make_shared<SliceUpdate>(s, start_, stop_, strides_), inputs)},
            {-1}};
  }
  // Both batched on axis 0; the window spans the whole batch.
  array src = batch_front(inputs[0], axes[0], n, s);
  array upd = batch_front(inputs[1], axes[1], n, s);
  Shape shape = src.shape();
  return {{array(std::move(shape), src.dtype(),
                 std::make_shared<SliceUpdate>(s, insert_at(start_, 0, 0), insert_at(stop_, 0, n),
                                               insert_at(strides_, 0, 1)),
                 {src, upd})},
          {0}};
}

std::vector<Shape> SliceUpdate::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- Concatenate ----------------------------------------------------------------------------

std::vector<array> Concatenate::vjp(const std::vector<array>& primals,
                                    const std::vector<array>& cotangents,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  const array& cot = cotangents[0];
  std::vector<int32_t> offset(primals.size() + 1, 0);
  for (size_t i = 0; i < primals.size(); ++i) offset[i + 1] = offset[i] + primals[i].shape(axis_);
  std::vector<array> out;
  Shape start(cot.ndim(), 0), stop = cot.shape();
  for (int arg : argnums) {
    start[axis_] = offset[arg];
    stop[axis_] = offset[arg + 1];
    out.push_back(slice(cot, start, stop, stream()));
  }
  return out;
}

std::vector<array> Concatenate::jvp(const std::vector<array>& primals,
                                    const std::vector<array>& tangents,
                                    const std::vector<int>& argnums) {
  std::vector<array> parts;
  for (size_t i = 0; i < primals.size(); ++i) {
    auto it = std::find(argnums.begin(), argnums.end(), int(i));
    parts.push_back(it == argnums.end() ? zeros_like(primals[i], stream())
                                        : tangents[it - argnums.begin()]);
  }
  return {concatenate(std::move(parts), axis_, stream())};
}

std::pair<std::vector<array>, std::vector<int>> Concatenate::vmap(const std::vector<array>& inputs,
                                                                  const std::vector<int>& axes) {
  Stream s = stream();
  // MLX: the batch axis of the first batched input; the others moved there or broadcast.
  int out_ax = -1, first = -1;
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] >= 0) {
      out_ax = axes[i];
      first = int(i);
      break;
    }
  if (out_ax < 0) return {{concatenate(inputs, axis_, s)}, {-1}};
  int n = inputs[first].shape(out_ax);
  int axis = axis_ + (axis_ >= out_ax);
  std::vector<array> parts;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (axes[i] >= 0) {
      parts.push_back(axes[i] == out_ax ? inputs[i] : moveaxis(inputs[i], axes[i], out_ax, s));
    } else {
      Shape shape = insert_at(inputs[i].shape(), out_ax, n);
      parts.push_back(broadcast_to(expand_dims(inputs[i], {out_ax}, s), shape, s));
    }
  }
  return {{concatenate(std::move(parts), axis, s)}, {out_ax}};
}

std::vector<Shape> Concatenate::output_shapes(const std::vector<array>& inputs) {
  Shape shape = inputs[0].shape();
  for (size_t i = 1; i < inputs.size(); ++i) shape[axis_] += inputs[i].shape(axis_);
  return {shape};
}

// ---- Pad --------------------------------------------------------------------------------------

std::vector<array> Pad::vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                            const std::vector<int>& argnums, const std::vector<array>&) {
  Stream s = stream();
  const array& x = primals[0];
  const array& cot = cotangents[0];
  auto interior = [&] {
    Shape start(x.ndim()), stop(x.ndim());
    for (int d = 0; d < x.ndim(); ++d) {
      start[d] = low_[d];
      stop[d] = low_[d] + x.shape(d);
    }
    return slice(cot, start, stop, s);
  };
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 1) {
      // The constant fills every position outside the interior.
      array g = subtract(sum(cot, {}, false, s), sum(interior(), {}, false, s), s);
      out.push_back(astype(g, primals[1].dtype(), s));
      continue;
    }
    if (mode_ == PadMode::constant) {
      out.push_back(interior());
      continue;
    }
    // Edge/reflect/symmetric read input positions more than once: the transpose of each axis'
    // source map, one axis at a time, as a scatter-add.
    array g = cot;
    for (int d = 0; d < x.ndim(); ++d) {
      if (low_[d] == 0 && high_[d] == 0) continue;
      int W = g.shape(d), n = x.shape(d);
      std::vector<int32_t> src(W);
      for (int i = 0; i < W; ++i) src[i] = pad_source(int64_t(i) - low_[d], n, mode_);
      Shape ishape(g.ndim(), 1);
      ishape[d] = W;
      array idx = broadcast_to(array(src.data(), ishape, int32), g.shape(), s);
      Shape zshape = g.shape();
      zshape[d] = n;
      g = scatter_add_axis(zeros(zshape, g.dtype(), s), idx, g, d, s);
    }
    out.push_back(g);
  }
  return out;
}

std::vector<array> Pad::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                            const std::vector<int>& argnums) {
  Stream s = stream();
  const array& x = primals[0];
  array tx = zeros_like(x, s);
  array tv = array(0, x.dtype());
  for (size_t i = 0; i < argnums.size(); ++i) (argnums[i] == 0 ? tx : tv) = tangents[i];
  std::vector<array> in{tx};
  if (mode_ == PadMode::constant) in.push_back(astype(reshape(tv, {}, s), tx.dtype(), s));
  return {array(output_shapes(primals)[0], tx.dtype(), std::make_shared<Pad>(s, low_, high_, mode_),
                std::move(in))};
}

std::pair<std::vector<array>, std::vector<int>> Pad::vmap(const std::vector<array>& inputs,
                                                          const std::vector<int>& axes) {
  Stream s = stream();
  bool value_batched = inputs.size() > 1 && axes[1] >= 0;
  if (!value_batched) {
    // The batch axis is not padded.
    int ax = axes[0];
    const array& x = inputs[0];
    Shape low = low_, high = high_;
    if (ax >= 0) {
      low = insert_at(low, ax, 0);
      high = insert_at(high, ax, 0);
    }
    Shape shape = x.shape();
    for (size_t d = 0; d < shape.size(); ++d) shape[d] += low[d] + high[d];
    return {{array(std::move(shape), x.dtype(), std::make_shared<Pad>(s, low, high, mode_), inputs)},
            {ax}};
  }
  // One constant per batch element: pad with zeros, then fill the border from the values.
  int n = inputs[1].shape(axes[1]);
  array x = batch_front(inputs[0], axes[0], n, s);
  Shape low = insert_at(low_, 0, 0), high = insert_at(high_, 0, 0);
  Shape shape = x.shape();
  for (size_t d = 0; d < shape.size(); ++d) shape[d] += low[d] + high[d];
  auto pad_node = [&](const array& a, const array& v) {
    Shape sh = shape;
    return array(std::move(sh), a.dtype(), std::make_shared<Pad>(s, low, high, PadMode::constant),
                 {a, v});
  };
  array padded = pad_node(x, array(0, x.dtype()));
  array inside = pad_node(ones(x.shape(), bool_, s), array(false));
  Shape vshape(shape.size(), 1);
  vshape[0] = n;
  array v = reshape(to_front(inputs[1], axes[1], s), vshape, s);
  return {{where(inside, padded, v, s)}, {0}};
}

std::vector<Shape> Pad::output_shapes(const std::vector<array>& inputs) {
  Shape shape = inputs[0].shape();
  for (size_t d = 0; d < shape.size(); ++d) shape[d] += low_[d] + high_[d];
  return {shape};
}

// ---- AsStrided ------------------------------------------------------------------------------

// The input is the flattened, row-contiguous array the view reads.
std::vector<array> AsStrided::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  // MLX: each viewed element's cotangent added to the position it reads.
  Stream s = stream();
  const array& in = primals[0];
  const array& cot = cotangents[0];
  int32_t n = int32_t(in.size()), m = int32_t(cot.size());
  if (m == 0 || n == 0) return {zeros_like(in, s)};
  array idx = as_strided(arange(0, n, 1, int32, s), shape_, strides_, offset_, s);
  idx = reshape(idx, {m}, s);
  array g = scatter_add(zeros({n}, cot.dtype(), s), {idx}, reshape(cot, {m, 1}, s), {0}, s);
  return {reshape(g, in.shape(), s)};
}

std::vector<array> AsStrided::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {as_strided(tangents[0], shape_, strides_, offset_, stream())};
}

std::pair<std::vector<array>, std::vector<int>> AsStrided::vmap(const std::vector<array>& inputs,
                                                                const std::vector<int>& axes) {
  Stream s = stream();
  if (axes[0] < 0) return {{as_strided(inputs[0], shape_, strides_, offset_, s)}, {-1}};
  // (B, n): batch element b's view starts n elements further.
  array in = to_front(inputs[0], axes[0], s);
  int64_t n = in.size() / std::max<int64_t>(1, in.shape(0));
  Shape shape = insert_at(shape_, 0, in.shape(0));
  Strides strides = strides_;
  strides.insert(strides.begin(), n);
  return {{as_strided(in, std::move(shape), std::move(strides), offset_, s)}, {0}};
}

std::vector<Shape> AsStrided::output_shapes(const std::vector<array>&) { return {shape_}; }

// ---- Contiguous -----------------------------------------------------------------------------

std::vector<array> Contiguous::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                                   const std::vector<int>&, const std::vector<array>&) {
  return {cotangents[0]};
}

std::vector<array> Contiguous::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                   const std::vector<int>&) {
  return {tangents[0]};
}

std::pair<std::vector<array>, std::vector<int>> Contiguous::vmap(const std::vector<array>& inputs,
                                                                 const std::vector<int>& axes) {
  return {{contiguous(inputs[0], allow_col_, stream())}, axes};
}

std::vector<Shape> Contiguous::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- Reshape, Flatten, Unflatten: shapes that new inputs can follow -------------------------

std::vector<Shape> Reshape::output_shapes(const std::vector<array>& inputs) {
  return {resolve(inputs[0].size(), shape_)};
}

std::vector<array> Flatten::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents, const std::vector<int>&,
                                const std::vector<array>&) {
  return {reshape(cotangents[0], primals[0].shape(), stream())};
}

std::vector<array> Flatten::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                const std::vector<int>&) {
  return {flatten(tangents[0], start_, end_, stream())};
}

Batched Flatten::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  if (axes[0] < 0) return {{flatten(inputs[0], start_, end_, stream())}, {-1}};
  array in = to_front(inputs[0], axes[0], stream());
  return {{flatten(in, start_ + 1, end_ + 1, stream())}, {0}};
}

std::vector<Shape> Flatten::output_shapes(const std::vector<array>& inputs) {
  return {output_shape(inputs[0].shape(), start_, end_)};
}

std::vector<array> Unflatten::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  return {reshape(cotangents[0], primals[0].shape(), stream())};
}

std::vector<array> Unflatten::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {unflatten(tangents[0], axis_, shape_, stream())};
}

Batched Unflatten::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  if (axes[0] < 0) return {{unflatten(inputs[0], axis_, shape_, stream())}, {-1}};
  array in = to_front(inputs[0], axes[0], stream());
  return {{unflatten(in, axis_ + 1, shape_, stream())}, {0}};
}

std::vector<Shape> Unflatten::output_shapes(const std::vector<array>& inputs) {
  return {output_shape(inputs[0].shape(), axis_, shape_, axis_)};
}

}  // namespace mlx::core
