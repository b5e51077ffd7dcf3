// Indexing ops: argument checks and graph construction, following MLX's mlx/ops.cpp (gather,
// scatter, take, take_along_axis, put_along_axis, masked_scatter, diagonal, diag and the dynamic
// slice / slice_update). Out-of-range axes and integer indices are std::out_of_range, other bad
// input std::invalid_argument, each with an "[op]" prefix.
#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>

#include "ops.h"
#include "ops_common.h"
#include "primitives_index.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

int norm_axis(const char* op, int axis, int ndim, const char* what = "axis") {
  if (axis < -ndim || axis >= ndim)
    throw std::out_of_range(std::string("[") + op + "] Invalid " + what + " " + std::to_string(axis) +
                            " for array with " + std::to_string(ndim) + " dimensions.");
  return axis < 0 ? axis + ndim : axis;
}

// broadcast_to, its failure worded for `op`.
array bcast(const char* op, const array& a, const Shape& shape, Stream s) {
  if (a.shape() == shape) return a;
  try {
    return broadcast_to(a, shape, s);
  } catch (const std::invalid_argument&) {
    fail(op, "Cannot broadcast array of shape " + shape_str(a.shape()) + " into shape " +
                 shape_str(shape) + ".");
  }
}

Shape common_shape(const char* op, const std::vector<array>& xs) {
  Shape shape = xs.empty() ? Shape{} : xs[0].shape();
  for (size_t i = 1; i < xs.size(); ++i) {
    try {
      shape = broadcast_shapes(shape, xs[i].shape());
    } catch (const std::invalid_argument&) {
      std::string msg = "Shapes";
      for (auto& x : xs) msg += " " + shape_str(x.shape());
      fail(op, msg + " cannot be broadcast.");
    }
  }
  return shape;
}

// The index dtype shared by index arrays: their promotion, which must be an integer type.
Dtype index_dtype(const char* op, const std::vector<array>& indices) {
  Dtype dt = indices.empty() ? int32 : indices[0].dtype();
  for (auto& x : indices) {
    if (x.dtype() == bool_) fail(op, "Boolean indices not supported.");
    dt = promote_types(dt, x.dtype());
  }
  if (!is_integral(dt)) fail(op, "Got indices with invalid dtype. Indices must be integral.");
  return dt;
}

void check_index_axes(const char* op, const std::vector<array>& indices, const std::vector<int>& axes,
                      int ndim) {
  if (int(indices.size()) > ndim)
    fail(op, "Too many index arrays. Got " + std::to_string(indices.size()) +
                 " index arrays for input with " + std::to_string(ndim) + " dimensions.");
  std::set<int> dims(axes.begin(), axes.end());
  if (dims.size() != axes.size()) fail(op, "Repeat axes not allowed.");
  if (!dims.empty() && (*dims.begin() < 0 || *dims.rbegin() >= ndim))
    fail(op, "Axes don't match array dimensions.");
  if (indices.size() != axes.size()) fail(op, "Number of index arrays does not match number of axes.");
}

// Broadcasts a and b against each other on every axis but `axis` (MLX's take_along_axis rule).
std::pair<array, array> bcast_except(const char* op, const array& a, const array& b, int axis, Stream s) {
  Shape sa = a.shape(), sb = b.shape();
  sa[axis] = 1;
  sb[axis] = 1;
  Shape common;
  try {
    common = broadcast_shapes(sa, sb);
  } catch (const std::invalid_argument&) {
    fail(op, "Shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                 " cannot be broadcast (the indexed axis aside).");
  }
  Shape ta = common, tb = common;
  ta[axis] = a.shape(axis);
  tb[axis] = b.shape(axis);
  return {bcast(op, a, ta, s), bcast(op, b, tb, s)};
}

void check_integer_indices(const char* op, const array& indices) {
  if (indices.dtype() == bool_) fail(op, "Boolean indices not supported.");
  if (!is_integral(indices.dtype()))
    fail(op, "Got indices with invalid dtype. Indices must be integral.");
}

}  // namespace

array gather(const array& a, const std::vector<array>& indices, const std::vector<int>& axes,
             const Shape& slice_sizes, StreamOrDevice sd, const char* op) {
  check_index_axes(op, indices, axes, a.ndim());
  if (int(slice_sizes.size()) != a.ndim())
    fail(op, "Got slice_sizes with size " + std::to_string(slice_sizes.size()) + " for array with " +
                 std::to_string(a.ndim()) + " dimensions.");
  Dtype dt = index_dtype(op, indices);
  Stream s = to_stream(sd);
  Shape ishape = common_shape(op, indices);
  std::vector<array> inputs{a};
  for (auto& x : indices) inputs.push_back(bcast(op, astype(x, dt, s), ishape, s));
  size_t idx_size = shape_size(ishape);
  if (a.size() == 0) {
    size_t total = 1;
    for (auto d : slice_sizes) total *= size_t(std::max(d, 0));
    if (idx_size != 0 && total != 0)
      fail(op, "If the input is empty, either the indices must be empty or the total slice size "
               "must be 0.");
  }
  for (int i = 0; i < a.ndim(); ++i)
    if (slice_sizes[i] < 0 || (a.size() != 0 && slice_sizes[i] > a.shape(i)))
      fail(op, "Slice sizes must be in [0, a.shape(i)]. Got " + shape_str(slice_sizes) +
                   " for array with shape " + shape_str(a.shape()) + ".");
  Shape out_shape = ishape;
  out_shape.insert(out_shape.end(), slice_sizes.begin(), slice_sizes.end());
  return array(std::move(out_shape), a.dtype(), std::make_shared<Gather>(s, axes, slice_sizes, op),
               std::move(inputs));
}

array scatter(const array& a, const std::vector<array>& indices, const array& updates,
              const std::vector<int>& axes, ScatterOp mode, StreamOrDevice sd, const char* op) {
  check_index_axes(op, indices, axes, a.ndim());
  Dtype dt = index_dtype(op, indices);
  Stream s = to_stream(sd);
  Shape ishape = common_shape(op, indices);
  if (updates.ndim() != a.ndim() + int(ishape.size()))
    fail(op, "Updates with " + std::to_string(updates.ndim()) +
                 " dimensions does not match the sum of the array (" + std::to_string(a.ndim()) +
                 ") and indices (" + std::to_string(ishape.size()) + ") dimensions.");
  for (size_t i = 0; i < ishape.size(); ++i)
    if (updates.shape(int(i)) != ishape[i])
      fail(op, "Update shape " + shape_str(updates.shape()) +
                   " is not valid for broadcasted index shape " + shape_str(ishape) + ".");
  for (int i = 0; i < a.ndim(); ++i)
    if (updates.shape(int(ishape.size()) + i) > a.shape(i))
      fail(op, "Updates with shape " + shape_str(updates.shape()) +
                   " are too large for array with shape " + shape_str(a.shape()) + ".");
  std::vector<array> inputs{a};
  for (auto& x : indices) inputs.push_back(bcast(op, astype(x, dt, s), ishape, s));
  inputs.push_back(astype(updates, a.dtype(), s));
  return array(a.shape(), a.dtype(), std::make_shared<Scatter>(s, mode, axes, op), std::move(inputs));
}

array scatter(const array& a, const std::vector<array>& indices, const array& updates,
              const std::vector<int>& axes, StreamOrDevice s) {
  return scatter(a, indices, updates, axes, ScatterOp::None, s, "scatter");
}
array scatter_add(const array& a, const std::vector<array>& indices, const array& updates,
                  const std::vector<int>& axes, StreamOrDevice s) {
  return scatter(a, indices, updates, axes, ScatterOp::Sum, s, "scatter_add");
}
array scatter_prod(const array& a, const std::vector<array>& indices, const array& updates,
                   const std::vector<int>& axes, StreamOrDevice s) {
  return scatter(a, indices, updates, axes, ScatterOp::Prod, s, "scatter_prod");
}
array scatter_max(const array& a, const std::vector<array>& indices, const array& updates,
                  const std::vector<int>& axes, StreamOrDevice s) {
  return scatter(a, indices, updates, axes, ScatterOp::Max, s, "scatter_max");
}
array scatter_min(const array& a, const std::vector<array>& indices, const array& updates,
                  const std::vector<int>& axes, StreamOrDevice s) {
  return scatter(a, indices, updates, axes, ScatterOp::Min, s, "scatter_min");
}

array masked_scatter(const array& a, const array& mask, const array& values, StreamOrDevice sd,
                     const char* op) {
  if (mask.dtype() != bool_) fail(op, "The mask has to be boolean.");
  if (mask.ndim() > a.ndim()) fail(op, "The mask cannot have more dimensions than the target.");
  int unmasked = a.ndim() - mask.ndim();
  if (values.ndim() > unmasked + 1)
    fail(op, "Value array shape must be broadcastable with the last " + std::to_string(unmasked) +
                 " dimensions of the input.");
  if (!std::equal(mask.shape().begin(), mask.shape().end(), a.shape().begin()))
    fail(op, "The boolean mask should have the same shape as the beginning of the indexed array "
             "but the mask has shape " + shape_str(mask.shape()) + " and the array has shape " +
                 shape_str(a.shape()) + ".");
  Stream s = to_stream(sd);
  Shape mshape = mask.shape();
  mshape.resize(a.ndim(), 1);
  array m = bcast(op, reshape(mask, mshape, s), a.shape(), s);
  // Values: rows of the unmasked dims, one row per mask element unless given.
  array v = astype(values, a.dtype(), s);
  Shape tail(a.shape().end() - unmasked, a.shape().end());
  Shape vshape;
  if (values.ndim() < unmasked + 1) {
    Shape r(unmasked + 1 - values.ndim(), 1);
    r.insert(r.end(), values.shape().begin(), values.shape().end());
    v = reshape(v, r, s);
    vshape = tail;
    vshape.insert(vshape.begin(), int32_t(mask.size()));
  } else {
    vshape = tail;
    vshape.insert(vshape.begin(), values.shape(0));
  }
  v = bcast(op, v, vshape, s);
  return array(a.shape(), a.dtype(), std::make_shared<MaskedScatter>(s, op), {a, m, v});
}

array take(const array& a, const array& indices, int axis, StreamOrDevice sd) {
  int ax = norm_axis("take", axis, a.ndim());
  check_integer_indices("take", indices);
  if (a.shape(ax) == 0 && indices.size() != 0)
    fail("take", "Cannot do a non-empty take from an empty axis.");
  Stream s = to_stream(sd);
  if (ax == 0) {
    // Whole trailing slices: one contiguous copy per index.
    Shape slice_sizes = a.shape();
    slice_sizes[0] = 1;
    array out = gather(a, {indices}, {0}, slice_sizes, s, "take");
    return squeeze(out, {indices.ndim()}, s);
  }
  // Inner axis: gather along the axis row by row (row-major output, local reads).
  array flat = reshape(indices, {int32_t(indices.size())}, s);
  Shape ishape(a.ndim(), 1);
  ishape[ax] = int32_t(indices.size());
  Shape bshape = a.shape();
  bshape[ax] = int32_t(indices.size());
  array idx = broadcast_to(reshape(flat, ishape, s), bshape, s);
  array g = array(bshape, a.dtype(), std::make_shared<GatherAxis>(s, ax, "take"), {a, idx});
  Shape out_shape(a.shape().begin(), a.shape().begin() + ax);
  out_shape.insert(out_shape.end(), indices.shape().begin(), indices.shape().end());
  out_shape.insert(out_shape.end(), a.shape().begin() + ax + 1, a.shape().end());
  return reshape(g, out_shape, s);
}

array take(const array& a, const array& indices, StreamOrDevice s) {
  return take(flatten(a, 0, -1, s), indices, 0, s);
}

array take(const array& a, int index, int axis, StreamOrDevice s) {
  int ax = norm_axis("take", axis, a.ndim());
  int n = a.shape(ax);
  if (index < -n || index >= n)
    throw std::out_of_range("[take] Index " + std::to_string(index) + " is out of bounds for axis " +
                            std::to_string(ax) + " with size " + std::to_string(n) + ".");
  if (index < 0) index += n;
  Shape start(a.ndim(), 0), stop = a.shape();
  start[ax] = index;
  stop[ax] = index + 1;
  return squeeze(slice(a, start, stop, s), {ax}, s);
}

array take(const array& a, int index, StreamOrDevice s) {
  return take(flatten(a, 0, -1, s), index, 0, s);
}

array take_along_axis(const array& a, const array& indices, int axis, StreamOrDevice sd) {
  int ax = norm_axis("take_along_axis", axis, a.ndim());
  if (indices.ndim() != a.ndim())
    fail("take_along_axis", "Indices of dimension " + std::to_string(indices.ndim()) +
                                " does not match array of dimension " + std::to_string(a.ndim()) + ".");
  check_integer_indices("take_along_axis", indices);
  if (a.shape(ax) == 0 && indices.size() != 0)
    fail("take_along_axis", "Cannot do a non-empty take from an empty axis.");
  Stream s = to_stream(sd);
  auto [x, idx] = bcast_except("take_along_axis", a, indices, ax, s);
  Shape out_shape = idx.shape();
  return array(std::move(out_shape), a.dtype(), std::make_shared<GatherAxis>(s, ax), {x, idx});
}

static array scatter_axis(const char* op, const array& a, const array& indices, const array& values,
                          int axis, ScatterOp mode, StreamOrDevice sd) {
  int ax = norm_axis(op, axis, a.ndim());
  if (indices.ndim() != a.ndim())
    fail(op, "Indices of dimension " + std::to_string(indices.ndim()) +
                 " does not match array of dimension " + std::to_string(a.ndim()) + ".");
  check_integer_indices(op, indices);
  if (a.size() == 0) return a;
  Stream s = to_stream(sd);
  array upd = astype(values, a.dtype(), s);
  // Leading singleton dims of the values beyond the indices' rank go.
  if (upd.ndim() > indices.ndim()) {
    int extra = upd.ndim() - indices.ndim();
    for (int i = 0; i < extra; ++i)
      if (upd.shape(i) != 1)
        fail(op, "Values of shape " + shape_str(values.shape()) + " cannot be broadcast to indices of shape " +
                     shape_str(indices.shape()) + ".");
    upd = reshape(upd, Shape(upd.shape().begin() + extra, upd.shape().end()), s);
  }
  Shape iv = common_shape(op, {indices, upd});
  array idx = bcast(op, indices, iv, s);
  upd = bcast(op, upd, iv, s);
  // a, indices and values broadcast together except along the axis.
  auto [x, idx2] = bcast_except(op, a, idx, ax, s);
  auto [x2, upd2] = bcast_except(op, x, upd, ax, s);
  Shape out_shape = x2.shape();
  return array(std::move(out_shape), a.dtype(), std::make_shared<ScatterAxis>(s, mode, ax),
               {x2, bcast(op, idx2, upd2.shape(), s), upd2});
}

array put_along_axis(const array& a, const array& indices, const array& values, int axis,
                     StreamOrDevice s) {
  return scatter_axis("put_along_axis", a, indices, values, axis, ScatterOp::None, s);
}

array scatter_add_axis(const array& a, const array& indices, const array& values, int axis,
                       StreamOrDevice s) {
  return scatter_axis("scatter_add_axis", a, indices, values, axis, ScatterOp::Sum, s);
}

array diagonal(const array& a, int offset, int axis1, int axis2, StreamOrDevice sd) {
  int nd = a.ndim();
  if (nd < 2)
    fail("diagonal", "Array must have at least two dimensions, but got " + std::to_string(nd) +
                         " dimensions.");
  int ax1 = norm_axis("diagonal", axis1, nd, "axis1");
  int ax2 = norm_axis("diagonal", axis2, nd, "axis2");
  if (ax1 == ax2) fail("diagonal", "axis1 and axis2 cannot be the same axis");
  Stream s = to_stream(sd);
  int64_t off1 = std::max<int64_t>(-int64_t(offset), 0), off2 = std::max<int64_t>(offset, 0);
  int64_t n = std::min<int64_t>(a.shape(ax1) - off1, a.shape(ax2) - off2);
  n = std::max<int64_t>(n, 0);
  // As MLX: a gather of the diagonal positions (a copy), the diagonal moved last.
  std::vector<array> idx = {arange(double(off1), double(off1 + n), 1, int32, s),
                            arange(double(off2), double(off2 + n), 1, int32, s)};
  Shape slice_sizes = a.shape();
  slice_sizes[ax1] = 1;
  slice_sizes[ax2] = 1;
  array out = gather(a, idx, {ax1, ax2}, slice_sizes, s, "diagonal");
  out = squeeze(out, {ax1 + 1, ax2 + 1}, s);
  return moveaxis(out, 0, -1, s);
}

array diag(const array& a, int k, StreamOrDevice sd) {
  if (a.ndim() == 2) return diagonal(a, k, 0, 1, sd);
  if (a.ndim() != 1)
    fail("diag", "Input must be 1-D or 2-D, got an array with " + std::to_string(a.ndim()) +
                     " dimensions.");
  Stream s = to_stream(sd);
  int64_t n64 = int64_t(a.size()) + std::abs(int64_t(k));
  if (n64 > INT32_MAX) fail("diag", "The result is too large.");
  int32_t m = int32_t(a.size()), n = int32_t(n64);
  array res = zeros({n, n}, a.dtype(), s);
  if (m == 0) return res;
  int32_t s1 = std::max(0, -k), s2 = std::max(0, k);
  std::vector<array> idx = {arange(s1, double(s1) + m, 1, int32, s), arange(s2, double(s2) + m, 1, int32, s)};
  return scatter(res, idx, reshape(a, {m, 1, 1}, s), {0, 1}, ScatterOp::None, s, "diag");
}

namespace {

void check_dynamic(const char* op, const array& a, const array& start, std::vector<int>& axes) {
  if (int(start.size()) > a.ndim())
    fail(op, "Invalid number of starting positions for array with dimension " +
                 std::to_string(a.ndim()) + ".");
  if (start.ndim() > 1)
    fail(op, "array of starting indices must be zero or one dimensional but has dimension " +
                 std::to_string(start.ndim()) + ".");
  if (start.size() != axes.size())
    fail(op, "Number of starting indices " + std::to_string(start.size()) +
                 " does not match number of axes " + std::to_string(axes.size()) + ".");
  if (!is_integral(start.dtype()))
    fail(op, std::string("Start indices must be integers, got type ") + dtype_name(start.dtype()) + ".");
  for (auto& ax : axes) ax = norm_axis(op, ax, a.ndim());
  std::set<int> dims(axes.begin(), axes.end());
  if (dims.size() != axes.size()) fail(op, "Repeat axes not allowed.");
}

}  // namespace

array slice(const array& a, const array& start, std::vector<int> axes, Shape slice_size,
            StreamOrDevice sd) {
  check_dynamic("slice", a, start, axes);
  if (int(slice_size.size()) != a.ndim())
    fail("slice", "Invalid slice size for array with " + std::to_string(a.ndim()) + " dimensions.");
  for (int i = 0; i < a.ndim(); ++i)
    if (slice_size[i] < 0 || slice_size[i] > a.shape(i))
      fail("slice", "Invalid slice size " + shape_str(slice_size) + " for array with shape " +
                        shape_str(a.shape()) + ".");
  Stream s = to_stream(sd);
  Shape out_shape = slice_size;
  return array(std::move(out_shape), a.dtype(),
               std::make_shared<DynamicSlice>(s, std::move(axes), std::move(slice_size)), {a, start});
}

array slice_update(const array& src, const array& update, const array& start, std::vector<int> axes,
                   StreamOrDevice sd) {
  check_dynamic("slice_update", src, start, axes);
  if (update.ndim() > src.ndim())
    fail("slice_update", "The update has more dimensions (" + std::to_string(update.ndim()) +
                             ") than the array (" + std::to_string(src.ndim()) + ").");
  Stream s = to_stream(sd);
  // As MLX: missing leading dims of the update span src (or 1 on a sliced axis).
  int diff = src.ndim() - update.ndim();
  Shape up(src.shape().begin(), src.shape().begin() + diff);
  up.insert(up.end(), update.shape().begin(), update.shape().end());
  for (int d = diff; d < src.ndim(); ++d) up[d] = std::min(up[d], src.shape(d));
  for (int ax : axes)
    if (ax < diff) up[ax] = 1;
  array upd = bcast("slice_update", astype(update, src.dtype(), s), up, s);
  return array(src.shape(), src.dtype(), std::make_shared<DynamicSliceUpdate>(s, std::move(axes)),
               {src, upd, start});
}

array index_view(const array& a, const Shape& start, const Shape& step, const Shape& count,
                 const std::vector<int>& out_src, StreamOrDevice sd, const char* op) {
  int nd = a.ndim();
  if (int(start.size()) != nd || int(step.size()) != nd || int(count.size()) != nd)
    fail(op, "Invalid number of indices for array with " + std::to_string(nd) + " dimensions.");
  std::vector<int> used(nd, 0);
  Shape out_shape;
  for (int src : out_src) {
    if (src >= nd || src < -1) fail(op, "Invalid source axis.");
    if (src >= 0) {
      if (count[src] < 0 || used[src]++) fail(op, "Invalid source axis.");
      out_shape.push_back(count[src]);
    } else {
      out_shape.push_back(1);
    }
  }
  bool identity = int(out_src.size()) == nd;
  for (int i = 0; i < nd; ++i) {
    int64_t n = a.shape(i);
    if (count[i] < 0) {
      // An integer index: one element, the axis dropped.
      if (used[i]) fail(op, "Invalid source axis.");
      if (start[i] < 0 || start[i] >= n)
        throw std::out_of_range("[" + std::string(op) + "] Index " + std::to_string(start[i]) +
                                " is out of bounds for axis " + std::to_string(i) + " with size " +
                                std::to_string(n) + ".");
      identity = false;
      continue;
    }
    if (!used[i]) fail(op, "Every sliced axis must appear in the output.");
    if (count[i] > 0) {
      int64_t last = int64_t(start[i]) + int64_t(count[i] - 1) * step[i];
      if (start[i] < 0 || start[i] >= n || last < 0 || last >= n)
        throw std::out_of_range("[" + std::string(op) + "] Slice out of bounds for axis " +
                                std::to_string(i) + " with size " + std::to_string(n) + ".");
    }
    if (i >= int(out_src.size()) || out_src[i] != i || start[i] != 0 || step[i] != 1 || count[i] != n) identity = false;
  }
  if (identity) return a;
  Stream s = to_stream(sd);
  Shape st = start, sp = step;
  for (int i = 0; i < nd; ++i)
    if (count[i] <= 1) sp[i] = count[i] < 0 ? 0 : 1;
  return array(std::move(out_shape), a.dtype(), std::make_shared<IndexView>(s, st, sp, out_src, count), {a});
}

}  // namespace mlx::core
