// vjp, jvp and vmap rules (and output-shape inference) of the indexing primitives
// (primitives_index.h), written with ops and the primitives themselves so derivatives are lazy
// graphs that can be differentiated again. Semantics follow MLX's mlx/primitives.cpp (0.32):
// a gather pulls back as a scatter-add into zeros, a scatter as a gather of the cotangent (the
// overwritten input positions get none); scatter-max/min pass the cotangent to whichever of
// input and update equals the result; scatter-prod has no derivative; index arguments (and the
// mask, and dynamic slice starts) on the differentiated path are an error that asks for
// stop_gradient. vmap batches with one primitive call (the batch becomes an extra indexed axis,
// as MLX's Gather::vmap / Scatter::vmap do).
#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "autograd.h"
#include "ops.h"
#include "primitives_index.h"
#include "primitives_shape.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;
using rules::batch_front;
using rules::batch_size;
using rules::to_front;

[[noreturn]] void no_index_vjp(const char* op, const char* what = "indices") {
  throw std::invalid_argument(std::string("[") + op + "] Cannot calculate VJP with respect to " +
                              what + ". Use stop_gradient on " + what +
                              " to stop gradients from being computed.");
}

[[noreturn]] void no_index_jvp(const char* op, const char* what = "indices") {
  throw std::invalid_argument(std::string("[") + op + "] Cannot calculate JVP with respect to " +
                              what + ".");
}

// The tangent of input i when it is among argnums, else zeros like the primal.
array tangent_or_zeros(const std::vector<array>& primals, const std::vector<array>& tangents,
                       const std::vector<int>& argnums, int i, Stream s) {
  auto it = std::find(argnums.begin(), argnums.end(), i);
  return it == argnums.end() ? zeros_like(primals[i], s) : tangents[it - argnums.begin()];
}

// A row of length n with value j at position j, shaped to broadcast along dim `dim` of `ndim`.
array iota(int n, int dim, int ndim, Dtype dt, Stream s) {
  Shape shape(ndim, 1);
  shape[dim] = n;
  return reshape(arange(0, n, 1, dt, s), shape, s);
}

// Per batch element b and sliced axis i, start[b, i] (negative counting from the end of the
// axis) plus 0..size-1 along output dim 1 + i: the index arrays of a batched dynamic slice.
std::vector<array> window_indices(const array& start, const std::vector<int>& axes,
                                  const Shape& in_shape, const Shape& sizes, Stream s) {
  int n = start.shape(0), k = int(axes.size());
  array st = astype(reshape(start, {n, k}, s), int32, s);
  std::vector<array> idx{iota(n, 0, k + 1, int32, s)};
  for (int i = 0; i < k; ++i) {
    array si = reshape(slice(st, {0, i}, {n, i + 1}, s), {n}, s);
    si = where(less(si, array(0), s), add(si, array(in_shape[axes[i]]), s), si, s);
    Shape sh(k + 1, 1);
    sh[0] = n;
    idx.push_back(add(reshape(si, sh, s), iota(sizes[i], i + 1, k + 1, int32, s), s));
  }
  return idx;
}

}  // namespace

// ---- Gather -----------------------------------------------------------------------------------

std::vector<array> Gather::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  std::vector<array> idx(primals.begin() + 1, primals.end());
  for (int arg : argnums) {
    if (arg > 0) no_index_vjp("gather");
    out.push_back(scatter_add(zeros_like(primals[0], stream()), idx, cotangents[0], axes_, stream()));
  }
  return out;
}

std::vector<array> Gather::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents,
                               const std::vector<int>& argnums) {
  if (argnums.size() > 1 || argnums[0] != 0) no_index_jvp("gather");
  std::vector<array> in{tangents[0]};
  in.insert(in.end(), primals.begin() + 1, primals.end());
  Shape shape = output_shapes(primals)[0];
  return {array(std::move(shape), tangents[0].dtype(),
                std::make_shared<Gather>(stream(), axes_, slice_sizes_, op_), std::move(in))};
}

std::pair<std::vector<array>, std::vector<int>> Gather::vmap(const std::vector<array>& inputs,
                                                             const std::vector<int>& axes) {
  // MLX's rule: batched indices keep their batch axis in place; a batched source with
  // batched indices is indexed along its batch axis by an extra iota index.
  Stream s = stream();
  const array& src = inputs[0];
  std::vector<array> idx(inputs.begin() + 1, inputs.end());
  std::vector<int> gaxes = axes_;
  Shape sizes = slice_sizes_;
  bool src_b = axes[0] >= 0;
  int out_ax = -1;
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] >= 0) {
      out_ax = axes[i];
      break;
    }
  bool idx_b = out_ax >= 0;
  if (idx_b) {
    for (size_t i = 1; i < axes.size(); ++i) {
      if (axes[i] < 0) idx[i - 1] = expand_dims(idx[i - 1], {out_ax}, s);
      else if (axes[i] != out_ax) idx[i - 1] = moveaxis(idx[i - 1], axes[i], out_ax, s);
    }
  } else {
    out_ax = axes[0];
  }
  int idx_dims = idx.empty() ? 0 : idx[0].ndim();
  if (src_b) {
    for (auto& g : gaxes)
      if (g >= axes[0]) ++g;
    if (idx_b) {
      int n = src.shape(axes[0]);
      idx.push_back(iota(n, out_ax, idx_dims, idx[0].dtype(), s));
      sizes.insert(sizes.begin() + axes[0], 1);
      gaxes.push_back(axes[0]);
    } else {
      sizes.insert(sizes.begin() + axes[0], src.shape(axes[0]));
      out_ax = axes[0] + idx_dims;
    }
  }
  array out = gather(src, idx, gaxes, sizes, s, op_.c_str());
  if (src_b && idx_b) out = squeeze(out, {idx_dims + axes[0]}, s);
  return {{out}, {out_ax}};
}

std::vector<Shape> Gather::output_shapes(const std::vector<array>& inputs) {
  Shape shape = inputs.size() > 1 ? inputs[1].shape() : Shape{};
  shape.insert(shape.end(), slice_sizes_.begin(), slice_sizes_.end());
  return {shape};
}

// ---- Scatter ----------------------------------------------------------------------------------

std::vector<array> Scatter::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents,
                                const std::vector<int>& argnums, const std::vector<array>& outputs) {
  if (op_ == ScatterOp::Prod) throw std::runtime_error("[scatter] VJP not implemented for scatter_prod");
  Stream s = stream();
  const array& cot = cotangents[0];
  const array& result = outputs[0];
  const array& a = primals[0];
  const array& upd = primals.back();
  std::vector<array> idx(primals.begin() + 1, primals.end() - 1);
  int upd_arg = int(primals.size()) - 1;
  int idx_nd = idx.empty() ? 0 : idx[0].ndim();
  // The update slice, read back from the cotangent at the same positions.
  Shape slice_sizes(upd.shape().begin() + idx_nd, upd.shape().end());
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) {
      switch (op_) {
        case ScatterOp::None:
          // The overwritten positions get no gradient.
          out.push_back(array(a.shape(), cot.dtype(),
                              std::make_shared<Scatter>(s, ScatterOp::None, axes_, opname_),
                              [&] {
                                std::vector<array> in{cot};
                                in.insert(in.end(), idx.begin(), idx.end());
                                in.push_back(zeros_like(upd, s));
                                return in;
                              }()));
          break;
        case ScatterOp::Sum: out.push_back(cot); break;
        default:  // Max, Min: where the input is the result.
          out.push_back(where(equal(result, a, s), cot, array(0, cot.dtype()), s));
          break;
      }
    } else if (arg == upd_arg) {
      array g = gather(cot, idx, axes_, slice_sizes, s, "scatter");
      if (op_ == ScatterOp::Max || op_ == ScatterOp::Min) {
        array r = gather(result, idx, axes_, slice_sizes, s, "scatter");
        g = multiply(g, astype(equal(r, upd, s), g.dtype(), s), s);
      }
      out.push_back(g);
    } else {
      no_index_vjp("scatter");
    }
  }
  return out;
}

// MLX has no scatter JVP; this one is the transpose of the vjp above (so both agree).
std::vector<array> Scatter::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents,
                                const std::vector<int>& argnums) {
  int upd_arg = int(primals.size()) - 1;
  for (int arg : argnums)
    if (arg != 0 && arg != upd_arg) no_index_jvp("scatter");
  if (op_ == ScatterOp::Prod) throw std::runtime_error("[scatter] JVP not implemented for scatter_prod");
  Stream s = stream();
  const array& a = primals[0];
  const array& upd = primals.back();
  std::vector<array> idx(primals.begin() + 1, primals.end() - 1);
  array ta = tangent_or_zeros(primals, tangents, argnums, 0, s);
  array tu = tangent_or_zeros(primals, tangents, argnums, upd_arg, s);
  auto node = [&](ScatterOp op, const array& base, const array& u) {
    std::vector<array> in{base};
    in.insert(in.end(), idx.begin(), idx.end());
    in.push_back(u);
    return array(a.shape(), base.dtype(), std::make_shared<Scatter>(s, op, axes_, opname_),
                 std::move(in));
  };
  if (op_ == ScatterOp::None || op_ == ScatterOp::Sum) return {node(op_, ta, tu)};
  // Max/Min: the input's tangent where it is the result, plus each update's where it is.
  array result = node(op_, a, upd);
  int idx_nd = idx.empty() ? 0 : idx[0].ndim();
  Shape slice_sizes(upd.shape().begin() + idx_nd, upd.shape().end());
  array r = gather(result, idx, axes_, slice_sizes, s, "scatter");
  array tu_kept = multiply(tu, astype(equal(r, upd, s), tu.dtype(), s), s);
  array ta_kept = where(equal(result, a, s), ta, array(0, ta.dtype()), s);
  return {node(ScatterOp::Sum, ta_kept, tu_kept)};
}

std::pair<std::vector<array>, std::vector<int>> Scatter::vmap(const std::vector<array>& inputs,
                                                              const std::vector<int>& axes) {
  // MLX's rule: every operand batched on axis 0 and the batch scattered along an extra iota
  // index, so one scatter writes every batch element.
  Stream s = stream();
  int n = batch_size(inputs, axes);
  if (n < 0) {
    Shape shape = inputs[0].shape();
    return {{array(std::move(shape), inputs[0].dtype(),
                   std::make_shared<Scatter>(s, op_, axes_, opname_), inputs)},
            {-1}};
  }
  size_t k = inputs.size() - 2;
  std::vector<array> in{batch_front(inputs[0], axes[0], n, s)};
  Shape ishape;
  if (k > 0) {
    ishape = inputs[1].shape();
    if (axes[1] >= 0) ishape.erase(ishape.begin() + axes[1]);
  }
  Dtype idt = k > 0 ? inputs[1].dtype() : int32;
  Shape full = ishape;
  full.insert(full.begin(), n);
  in.push_back(broadcast_to(iota(n, 0, int(full.size()), idt, s), full, s));
  std::vector<int> saxes{0};
  for (size_t i = 0; i < k; ++i) {
    in.push_back(batch_front(inputs[1 + i], axes[1 + i], n, s));
    saxes.push_back(axes_[i] + 1);
  }
  // Updates: (batch, index dims..., 1 for the batch axis of the slice, slice...).
  int ud = 1 + int(ishape.size());
  array u = batch_front(inputs.back(), axes.back(), n, s);
  in.push_back(expand_dims(u, {ud}, s));
  // The dtype is read before `in` is moved into the node (argument order is unspecified).
  Shape shape = in[0].shape();
  Dtype dt = in[0].dtype();
  return {{array(std::move(shape), dt, std::make_shared<Scatter>(s, op_, saxes, opname_),
                 std::move(in))},
          {0}};
}

std::vector<Shape> Scatter::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- GatherAxis (take_along_axis) -------------------------------------------------------------

std::vector<array> GatherAxis::vjp(const std::vector<array>& primals,
                                   const std::vector<array>& cotangents,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  const array& a = primals[0];
  for (int arg : argnums) {
    if (arg != 0) no_index_vjp("gather_axis");
    out.push_back(array(a.shape(), cotangents[0].dtype(),
                        std::make_shared<ScatterAxis>(stream(), ScatterOp::Sum, axis_),
                        {zeros_like(a, stream()), primals[1], cotangents[0]}));
  }
  return out;
}

std::vector<array> GatherAxis::jvp(const std::vector<array>& primals,
                                   const std::vector<array>& tangents,
                                   const std::vector<int>& argnums) {
  if (argnums.size() > 1 || argnums[0] != 0) no_index_jvp("gather_axis");
  return {array(primals[1].shape(), tangents[0].dtype(),
                std::make_shared<GatherAxis>(stream(), axis_, op_), {tangents[0], primals[1]})};
}

std::pair<std::vector<array>, std::vector<int>> GatherAxis::vmap(const std::vector<array>& inputs,
                                                                 const std::vector<int>& axes) {
  Stream s = stream();
  int n = batch_size(inputs, axes);
  if (n < 0)
    return {{array(inputs[1].shape(), inputs[0].dtype(),
                   std::make_shared<GatherAxis>(s, axis_, op_), inputs)},
            {-1}};
  array a = batch_front(inputs[0], axes[0], n, s);
  array idx = batch_front(inputs[1], axes[1], n, s);
  return {{array(idx.shape(), a.dtype(), std::make_shared<GatherAxis>(s, axis_ + 1, op_), {a, idx})},
          {0}};
}

std::vector<Shape> GatherAxis::output_shapes(const std::vector<array>& inputs) {
  return {inputs[1].shape()};
}

// ---- ScatterAxis (put_along_axis, scatter_add_axis) ------------------------------------------

std::vector<array> ScatterAxis::vjp(const std::vector<array>& primals,
                                    const std::vector<array>& cotangents,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  Stream s = stream();
  const array& cot = cotangents[0];
  const array& idx = primals[1];
  const array& upd = primals[2];
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) {
      if (op_ == ScatterOp::None)
        out.push_back(array(cot.shape(), cot.dtype(),
                            std::make_shared<ScatterAxis>(s, ScatterOp::None, axis_),
                            {cot, idx, zeros_like(upd, s)}));
      else
        out.push_back(cot);
    } else if (arg == 2) {
      out.push_back(array(idx.shape(), cot.dtype(), std::make_shared<GatherAxis>(s, axis_), {cot, idx}));
    } else {
      no_index_vjp("scatter_axis");
    }
  }
  return out;
}

std::vector<array> ScatterAxis::jvp(const std::vector<array>& primals,
                                    const std::vector<array>& tangents,
                                    const std::vector<int>& argnums) {
  for (int arg : argnums)
    if (arg == 1) no_index_jvp("scatter_axis");
  Stream s = stream();
  array ta = tangent_or_zeros(primals, tangents, argnums, 0, s);
  array tu = tangent_or_zeros(primals, tangents, argnums, 2, s);
  return {array(primals[0].shape(), ta.dtype(), std::make_shared<ScatterAxis>(s, op_, axis_),
                {ta, primals[1], tu})};
}

std::pair<std::vector<array>, std::vector<int>> ScatterAxis::vmap(const std::vector<array>& inputs,
                                                                  const std::vector<int>& axes) {
  Stream s = stream();
  int n = batch_size(inputs, axes);
  if (n < 0)
    return {{array(inputs[0].shape(), inputs[0].dtype(), std::make_shared<ScatterAxis>(s, op_, axis_),
                   inputs)},
            {-1}};
  std::vector<array> in;
  for (size_t i = 0; i < 3; ++i) in.push_back(batch_front(inputs[i], axes[i], n, s));
  Shape shape = in[0].shape();
  Dtype dt = in[0].dtype();
  return {{array(std::move(shape), dt, std::make_shared<ScatterAxis>(s, op_, axis_ + 1),
                 std::move(in))},
          {0}};
}

std::vector<Shape> ScatterAxis::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- MaskedScatter ----------------------------------------------------------------------------

std::vector<array> MaskedScatter::vjp(const std::vector<array>& primals,
                                      const std::vector<array>& cotangents,
                                      const std::vector<int>& argnums, const std::vector<array>&) {
  Stream s = stream();
  const array& cot = cotangents[0];
  const array& mask = primals[1];
  const array& vals = primals[2];
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) {
      out.push_back(where(mask, array(0, cot.dtype()), cot, s));
    } else if (arg == 2) {
      // The k-th true position took values[k]: its cotangent goes back there.
      int32_t n = int32_t(mask.size()), v = int32_t(vals.size());
      if (n == 0 || v == 0) {
        out.push_back(zeros_like(vals, s));
        continue;
      }
      array m = reshape(mask, {n}, s);
      array pos = subtract(cumsum(astype(m, int32, s), 0, false, true, s), array(1), s);
      pos = where(m, pos, array(0), s);
      array c = where(m, reshape(cot, {n}, s), array(0, cot.dtype()), s);
      array g = scatter_add(zeros({v}, cot.dtype(), s), {pos}, reshape(c, {n, 1}, s), {0}, s);
      out.push_back(reshape(g, vals.shape(), s));
    } else {
      no_index_vjp("masked_scatter", "mask");
    }
  }
  return out;
}

std::vector<array> MaskedScatter::jvp(const std::vector<array>& primals,
                                      const std::vector<array>& tangents,
                                      const std::vector<int>& argnums) {
  for (int arg : argnums)
    if (arg == 1) no_index_jvp("masked_scatter", "mask");
  Stream s = stream();
  array ta = tangent_or_zeros(primals, tangents, argnums, 0, s);
  array tv = tangent_or_zeros(primals, tangents, argnums, 2, s);
  return {array(primals[0].shape(), ta.dtype(), std::make_shared<MaskedScatter>(s, op_),
                {ta, primals[1], tv})};
}

std::pair<std::vector<array>, std::vector<int>> MaskedScatter::vmap(const std::vector<array>& inputs,
                                                                    const std::vector<int>& axes) {
  Stream s = stream();
  int n = batch_size(inputs, axes);
  if (n < 0)
    return {{array(inputs[0].shape(), inputs[0].dtype(), std::make_shared<MaskedScatter>(s, op_),
                   inputs)},
            {-1}};
  // Per batch element the k-th true position of its mask takes its k-th value: a gather of
  // the values at the running count of the mask, selected where the mask is set.
  array a = batch_front(inputs[0], axes[0], n, s);
  array m = batch_front(inputs[1], axes[1], n, s);
  array v = batch_front(inputs[2], axes[2], n, s);
  int32_t per = n ? int32_t(a.size() / n) : 0;
  int32_t vn = n ? int32_t(v.size() / n) : 0;
  if (per == 0 || vn == 0) return {{a}, {0}};
  array mf = reshape(m, {n, per}, s);
  array rank = subtract(cumsum(astype(mf, int32, s), 1, false, true, s), array(1), s);
  rank = where(mf, rank, array(0), s);
  array taken = take_along_axis(reshape(v, {n, vn}, s), rank, 1, s);
  array out = where(mf, taken, reshape(a, {n, per}, s), s);
  return {{reshape(out, a.shape(), s)}, {0}};
}

std::vector<Shape> MaskedScatter::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- DynamicSlice (mx.slice) ------------------------------------------------------------------

std::vector<array> DynamicSlice::vjp(const std::vector<array>& primals,
                                     const std::vector<array>& cotangents,
                                     const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg != 0) no_index_vjp("slice");
    const array& a = primals[0];
    out.push_back(array(a.shape(), a.dtype(), std::make_shared<DynamicSliceUpdate>(stream(), axes_),
                        {zeros_like(a, stream()), cotangents[0], primals[1]}));
  }
  return out;
}

std::vector<array> DynamicSlice::jvp(const std::vector<array>& primals,
                                     const std::vector<array>& tangents,
                                     const std::vector<int>& argnums) {
  if (argnums.size() > 1 || argnums[0] != 0) no_index_jvp("slice");
  return {array(slice_size_, tangents[0].dtype(),
                std::make_shared<DynamicSlice>(stream(), axes_, slice_size_), {tangents[0], primals[1]})};
}

std::pair<std::vector<array>, std::vector<int>> DynamicSlice::vmap(const std::vector<array>& inputs,
                                                                   const std::vector<int>& axes) {
  Stream s = stream();
  const array& src = inputs[0];
  if (axes[1] < 0) {
    // One window for every batch element: the batch axis is taken whole.
    int ax = axes[0];
    std::vector<int> saxes = axes_;
    Shape size = slice_size_;
    if (ax >= 0) {
      for (auto& a : saxes)
        if (a >= ax) ++a;
      size.insert(size.begin() + ax, src.shape(ax));
    }
    Shape shape = size;
    return {{array(std::move(shape), src.dtype(), std::make_shared<DynamicSlice>(s, saxes, size),
                   {src, inputs[1]})},
            {ax}};
  }
  // A start per batch element: one gather of every window.
  int n = inputs[1].shape(axes[1]);
  int k = int(axes_.size()), nd = src.ndim() - (axes[0] >= 0);
  array a = batch_front(src, axes[0], n, s);
  array start = to_front(inputs[1], axes[1], s);
  Shape in_shape(a.shape().begin() + 1, a.shape().end());
  Shape sizes;
  std::vector<bool> sliced(nd, false);
  for (int ax : axes_) {
    sliced[ax] = true;
    sizes.push_back(slice_size_[ax]);
  }
  std::vector<array> idx = window_indices(start, axes_, in_shape, sizes, s);
  std::vector<int> gaxes{0};
  Shape ss{1};
  for (int ax : axes_) gaxes.push_back(ax + 1);
  for (int d = 0; d < nd; ++d) ss.push_back(sliced[d] ? 1 : slice_size_[d]);
  array g = gather(a, idx, gaxes, ss, s, "slice");
  // (batch, window dims of axes_ order, 1, sizes or 1 per dim) -> (batch, slice_size).
  std::vector<int> drop{k + 1};
  for (int d = 0; d < nd; ++d)
    if (sliced[d]) drop.push_back(k + 2 + d);
  g = squeeze(g, drop, s);
  std::vector<int> perm{0};
  int rest = 0;
  for (int d = 0; d < nd; ++d) {
    if (sliced[d]) perm.push_back(1 + int(std::find(axes_.begin(), axes_.end(), d) - axes_.begin()));
    else perm.push_back(1 + k + rest++);
  }
  return {{transpose(g, perm, s)}, {0}};
}

std::vector<Shape> DynamicSlice::output_shapes(const std::vector<array>&) { return {slice_size_}; }

// ---- DynamicSliceUpdate (mx.slice_update) -----------------------------------------------------

std::vector<array> DynamicSliceUpdate::vjp(const std::vector<array>& primals,
                                           const std::vector<array>& cotangents,
                                           const std::vector<int>& argnums,
                                           const std::vector<array>&) {
  Stream s = stream();
  const array& cot = cotangents[0];
  const array& upd = primals[1];
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) {
      out.push_back(array(cot.shape(), cot.dtype(), std::make_shared<DynamicSliceUpdate>(s, axes_),
                          {cot, zeros_like(upd, s), primals[2]}));
    } else if (arg == 1) {
      out.push_back(array(upd.shape(), cot.dtype(),
                          std::make_shared<DynamicSlice>(s, axes_, upd.shape()), {cot, primals[2]}));
    } else {
      no_index_vjp("slice_update");
    }
  }
  return out;
}

std::vector<array> DynamicSliceUpdate::jvp(const std::vector<array>& primals,
                                           const std::vector<array>& tangents,
                                           const std::vector<int>& argnums) {
  for (int arg : argnums)
    if (arg == 2) no_index_jvp("slice_update");
  Stream s = stream();
  array ts = tangent_or_zeros(primals, tangents, argnums, 0, s);
  array tu = tangent_or_zeros(primals, tangents, argnums, 1, s);
  return {array(primals[0].shape(), ts.dtype(), std::make_shared<DynamicSliceUpdate>(s, axes_),
                {ts, tu, primals[2]})};
}

std::pair<std::vector<array>, std::vector<int>> DynamicSliceUpdate::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  int n = batch_size(inputs, axes);
  if (n < 0)
    return {{array(inputs[0].shape(), inputs[0].dtype(), std::make_shared<DynamicSliceUpdate>(s, axes_),
                   inputs)},
            {-1}};
  array src = batch_front(inputs[0], axes[0], n, s);
  array upd = batch_front(inputs[1], axes[1], n, s);
  if (axes[2] < 0) {
    // One window for every batch element, spanning the batch axis.
    std::vector<int> saxes = axes_;
    for (auto& a : saxes) ++a;
    Shape shape = src.shape();
    return {{array(std::move(shape), src.dtype(), std::make_shared<DynamicSliceUpdate>(s, saxes),
                   {src, upd, inputs[2]})},
            {0}};
  }
  // A start per batch element: one scatter of every window.
  int nd = src.ndim() - 1;
  array start = to_front(inputs[2], axes[2], s);
  Shape in_shape(src.shape().begin() + 1, src.shape().end());
  std::vector<bool> sliced(nd, false);
  Shape sizes;
  for (int ax : axes_) {
    sliced[ax] = true;
    sizes.push_back(upd.shape(1 + ax));
  }
  std::vector<array> idx = window_indices(start, axes_, in_shape, sizes, s);
  std::vector<int> saxes{0};
  for (int ax : axes_) saxes.push_back(ax + 1);
  // Updates: (batch, window dims in axes_ order, 1, then 1 or the size per dim).
  std::vector<int> perm{0};
  for (int ax : axes_) perm.push_back(1 + ax);
  for (int d = 0; d < nd; ++d)
    if (!sliced[d]) perm.push_back(1 + d);
  Shape ushape{n};
  ushape.insert(ushape.end(), sizes.begin(), sizes.end());
  ushape.push_back(1);
  for (int d = 0; d < nd; ++d) ushape.push_back(sliced[d] ? 1 : upd.shape(1 + d));
  array u = reshape(transpose(upd, perm, s), ushape, s);
  return {{scatter(src, idx, u, saxes, ScatterOp::None, s, "slice_update")}, {0}};
}

std::vector<Shape> DynamicSliceUpdate::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- IndexView (basic indexing) ---------------------------------------------------------------

namespace {

// The view's shape: out_src_ picks each output dim's input axis (-1: a new axis).
Shape index_view_shape(const Shape& count, const std::vector<int>& out_src) {
  Shape shape;
  for (int src : out_src) shape.push_back(src >= 0 ? count[src] : 1);
  return shape;
}

}  // namespace

std::vector<array> IndexView::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  // The cotangent, its new axes dropped, sliced dims in input order and integer-indexed axes as
  // size 1, written into zeros at the view's positions.
  Stream s = stream();
  const array& in = primals[0];
  const array& cot = cotangents[0];
  int nd = in.ndim();
  Shape region(nd, 1);
  std::vector<std::pair<int, int>> kept;  // (input axis, output dim)
  for (int d = 0; d < int(out_src_.size()); ++d)
    if (out_src_[d] >= 0) {
      kept.emplace_back(out_src_[d], d);
      region[out_src_[d]] = cot.shape(d);
    }
  std::vector<int> order(kept.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int x, int y) { return kept[x].first < kept[y].first; });
  Shape kshape;
  for (auto& k : kept) kshape.push_back(cot.shape(k.second));
  array c = reshape(cot, kshape, s);
  if (!std::is_sorted(order.begin(), order.end())) c = transpose(c, order, s);
  c = reshape(c, region, s);
  Shape strides(nd), stop(nd);
  for (int i = 0; i < nd; ++i) {
    strides[i] = step_[i] == 0 ? 1 : step_[i];
    stop[i] = start_[i] + region[i] * strides[i];
  }
  return {array(in.shape(), cot.dtype(), std::make_shared<SliceUpdate>(s, start_, stop, strides),
                {zeros_like(in, s), c})};
}

std::vector<array> IndexView::jvp(const std::vector<array>& primals,
                                  const std::vector<array>& tangents, const std::vector<int>&) {
  return {array(output_shapes(primals)[0], tangents[0].dtype(),
                std::make_shared<IndexView>(stream(), start_, step_, out_src_, count_), {tangents[0]})};
}

std::pair<std::vector<array>, std::vector<int>> IndexView::vmap(const std::vector<array>& inputs,
                                                                const std::vector<int>& axes) {
  const array& in = inputs[0];
  int ax = axes[0];
  if (ax < 0) return {{array(output_shapes(inputs)[0], in.dtype(), std::make_shared<IndexView>(
                               stream(), start_, step_, out_src_, count_), {in})},
                      {-1}};
  output_shapes({});  // the counts must be known
  // The batch axis taken whole, as the first output dim.
  Shape start = start_, step = step_, count = count_;
  start.insert(start.begin() + ax, 0);
  step.insert(step.begin() + ax, 1);
  count.insert(count.begin() + ax, in.shape(ax));
  std::vector<int> out_src{ax};
  for (int src : out_src_) out_src.push_back(src >= 0 && src >= ax ? src + 1 : src);
  return {{array(index_view_shape(count, out_src), in.dtype(),
                 std::make_shared<IndexView>(stream(), start, step, out_src, count), {in})},
          {0}};
}

std::vector<Shape> IndexView::output_shapes(const std::vector<array>&) {
  if (count_.size() != start_.size())
    throw std::invalid_argument(
        "[IndexView] The view's sizes are unknown (a primitive rebuilt without them).");
  return {index_view_shape(count_, out_src_)};
}

}  // namespace mlx::core
