// Shape ops: concatenate, stack, split, pad, tile, repeat, flip, roll, ... Checks and graph
// construction follow MLX's mlx/ops.cpp (its corner cases included: concatenate of one
// array returns it unchanged, repeat with 0 repeats gives shape (0,), split into sections
// that do not divide the axis is an error). Out-of-range axes are std::out_of_range, other
// bad input std::invalid_argument, each with an "[op]" prefix.
#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "ops.h"
#include "ops_common.h"
#include "primitives_shape.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

int norm_axis(const char* op, int axis, int ndim) {
  if (axis < -ndim || axis >= ndim)
    throw std::out_of_range(std::string("[") + op + "] Axis " + std::to_string(axis) +
                            " is out of bounds for array with " + std::to_string(ndim) +
                            " dimensions.");
  return axis < 0 ? axis + ndim : axis;
}

// Python's slice rules per axis, as MLX's normalize_slice: start is clamped into range,
// the output length follows from start, stop and stride (64-bit, so no overflow). Axes of
// length 1 get stride 1; stop becomes start + length * stride, so the Slice primitive's
// parameters alone give its shape (the transform rules need it). Returns whether a stride is
// negative, and the output shape.
std::pair<bool, Shape> normalize_slice(const char* op, const Shape& shape, Shape& start,
                                       Shape& stop, Shape& strides) {
  Shape out(shape.size());
  bool neg = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (strides[i] == 0) fail(op, "Slice step cannot be zero.");
    int64_t n = shape[i], s = start[i], e = stop[i], st = strides[i];
    s = s < 0 ? s + n : s;
    e = e < 0 ? e + n : e;
    int64_t len;
    if (st < 0) {
      neg = true;
      s = std::min(s, n - 1);
      int64_t ed = std::max<int64_t>(e, -1);
      if (ed > s) ed = s;
      len = s < 0 ? 0 : (s - ed - st - 1) / -st;
    } else {
      s = std::clamp<int64_t>(s, 0, n);
      int64_t ed = std::clamp<int64_t>(e, 0, n);
      if (ed < s) ed = s;
      len = (ed - s + st - 1) / st;
    }
    start[i] = int32_t(std::max<int64_t>(s, 0));
    out[i] = int32_t(len);
    if (len == 1) strides[i] = 1;
    stop[i] = int32_t(start[i] + len * strides[i]);
  }
  return {neg, out};
}

void check_slice_args(const char* op, int ndim, const Shape& start, const Shape& stop,
                      const Shape& strides) {
  if (int(start.size()) != ndim || int(stop.size()) != ndim || int(strides.size()) != ndim)
    fail(op, "Invalid number of indices or strides for array with dimension " +
                 std::to_string(ndim) + ".");
}

Dtype result_type(const std::vector<array>& arrays) {
  Dtype t = arrays[0].dtype();
  for (auto& a : arrays) t = promote_types(t, a.dtype());
  return t;
}

}  // namespace

array slice(const array& a, Shape start, Shape stop, Shape strides, StreamOrDevice sd) {
  check_slice_args("slice", a.ndim(), start, stop, strides);
  auto [neg, shape] = normalize_slice("slice", a.shape(), start, stop, strides);
  if (!neg && shape == a.shape()) return a;
  Stream s = to_stream(sd);
  return array(std::move(shape), a.dtype(),
               std::make_shared<Slice>(s, std::move(start), std::move(stop), std::move(strides)),
               {a});
}

array slice(const array& a, Shape start, Shape stop, StreamOrDevice s) {
  Shape strides(a.ndim(), 1);
  return slice(a, std::move(start), std::move(stop), std::move(strides), s);
}

array slice_update(const array& src, const array& update, Shape start, Shape stop,
                   Shape strides, StreamOrDevice sd) {
  check_slice_args("slice_update", src.ndim(), start, stop, strides);
  auto [neg, shape] = normalize_slice("slice_update", src.shape(), start, stop, strides);
  Stream s = to_stream(sd);
  array upd = astype(update, src.dtype(), s);
  bool fits = upd.ndim() <= int(shape.size());
  try {
    fits = fits && broadcast_shapes(upd.shape(), shape) == shape;
  } catch (const std::invalid_argument&) {
    fits = false;
  }
  if (!fits)
    fail("slice_update", "Cannot broadcast update of shape " + shape_str(update.shape()) +
                             " to the slice of shape " + shape_str(shape) + ".");
  upd = broadcast_to(upd, shape, s);
  // The slice covers the whole source: the result is the update itself.
  if (!neg && shape == src.shape()) return upd;
  return array(src.shape(), src.dtype(),
               std::make_shared<SliceUpdate>(s, std::move(start), std::move(stop),
                                             std::move(strides)),
               {src, upd});
}

array slice_update(const array& src, const array& update, Shape start, Shape stop,
                   StreamOrDevice s) {
  Shape strides(src.ndim(), 1);
  return slice_update(src, update, std::move(start), std::move(stop), std::move(strides), s);
}

array concatenate(std::vector<array> arrays, int axis, StreamOrDevice sd) {
  if (arrays.empty()) fail("concatenate", "No arrays provided for concatenation");
  if (arrays.size() == 1) return arrays[0];
  int ax = norm_axis("concatenate", axis, arrays[0].ndim());
  Shape shape = arrays[0].shape();
  shape[ax] = 0;
  int64_t total = 0;
  for (auto& a : arrays) {
    if (a.ndim() != int(shape.size()))
      fail("concatenate", "All the input arrays must have the same number of dimensions. "
                          "However, got arrays with dimensions " +
                              std::to_string(shape.size()) + " and " + std::to_string(a.ndim()) +
                              ".");
    for (int i = 0; i < a.ndim(); ++i) {
      if (i == ax || a.shape()[i] == shape[i]) continue;
      std::string msg =
          "All the input array dimensions must match exactly except for the concatenation "
          "axis. However, the provided shapes are ";
      for (auto& b : arrays) msg += shape_str(b.shape()) + ", ";
      fail("concatenate", msg + "and the concatenation axis is " + std::to_string(axis) + ".");
    }
    total += a.shape()[ax];
  }
  if (total > INT32_MAX) fail("concatenate", "The concatenated axis is too large.");
  shape[ax] = int32_t(total);
  Stream s = to_stream(sd);
  Dtype dt = result_type(arrays);
  for (auto& a : arrays) a = astype(a, dt, s);
  return array(std::move(shape), dt, std::make_shared<Concatenate>(s, ax), std::move(arrays));
}

array concatenate(std::vector<array> arrays, StreamOrDevice s) {
  for (auto& a : arrays) a = flatten(a, 0, -1, s);
  return concatenate(std::move(arrays), 0, s);
}

array stack(const std::vector<array>& arrays, int axis, StreamOrDevice s) {
  if (arrays.empty()) fail("stack", "No arrays provided for stacking");
  for (auto& a : arrays)
    if (a.shape() != arrays[0].shape()) fail("stack", "All arrays must have the same shape");
  int ax = norm_axis("stack", axis, arrays[0].ndim() + 1);
  std::vector<array> expanded;
  expanded.reserve(arrays.size());
  for (auto& a : arrays) expanded.push_back(expand_dims(a, {ax}, s));
  return concatenate(std::move(expanded), ax, s);
}

std::vector<array> unstack(const array& a, int axis, StreamOrDevice s) {
  if (a.ndim() == 0) fail("unstack", "Cannot unstack a scalar (0-d) array.");
  int ax = norm_axis("unstack", axis, a.ndim());
  std::vector<array> out;
  Shape start(a.ndim(), 0), stop = a.shape();
  for (int i = 0; i < a.shape()[ax]; ++i) {
    start[ax] = i;
    stop[ax] = i + 1;
    out.push_back(squeeze(slice(a, start, stop, s), {ax}, s));
  }
  return out;
}

std::vector<array> split(const array& a, const Shape& indices, int axis, StreamOrDevice s) {
  if (a.ndim() == 0) fail("split", "Cannot split a scalar (0-d) array.");
  int ax = norm_axis("split", axis, a.ndim());
  // Each part is a view from the previous index to the next (Python slice rules: indices
  // may be negative, out of order or past the end; such parts are empty or clamped).
  std::vector<array> out;
  Shape start(a.ndim(), 0), stop = a.shape();
  for (size_t i = 0; i <= indices.size(); ++i) {
    stop[ax] = i < indices.size() ? indices[i] : a.shape()[ax];
    out.push_back(slice(a, start, stop, s));
    start[ax] = stop[ax];
  }
  return out;
}

std::vector<array> split(const array& a, int num_splits, int axis, StreamOrDevice s) {
  if (a.ndim() == 0) fail("split", "Cannot split a scalar (0-d) array.");
  int ax = norm_axis("split", axis, a.ndim());
  if (num_splits <= 0)
    fail("split", "Number of sections must be positive, got " + std::to_string(num_splits) + ".");
  int n = a.shape()[ax];
  if (n % num_splits)
    fail("split", "Array split does not result in sub arrays with equal size: attempting " +
                      std::to_string(num_splits) + " splits along axis " + std::to_string(axis) +
                      " for shape " + shape_str(a.shape()) + ".");
  Shape indices(num_splits - 1);
  for (int i = 0; i + 1 < num_splits; ++i) indices[i] = (i + 1) * (n / num_splits);
  return split(a, indices, ax, s);
}

array repeat(const array& a, int repeats, int axis, StreamOrDevice s) {
  int ax = norm_axis("repeat", axis, a.ndim());
  if (repeats < 0) fail("repeat", "Number of repeats cannot be negative");
  // As MLX: zero repeats give an empty 1-d array whatever the input's shape.
  if (repeats == 0) return zeros({0}, a.dtype(), s);
  if (repeats == 1) return a;
  if (int64_t(a.shape()[ax]) * repeats > INT32_MAX) fail("repeat", "The repeated axis is too large.");
  // (.., n, ..) -> (.., n, repeats, ..) broadcast, made row-major, merged into n * repeats.
  Shape shape = a.shape();
  shape.insert(shape.begin() + ax + 1, repeats);
  array out = broadcast_to(expand_dims(a, {ax + 1}, s), shape, s);
  shape.erase(shape.begin() + ax + 1);
  shape[ax] *= repeats;
  return reshape(contiguous(out, false, s), std::move(shape), s);
}

array repeat(const array& a, int repeats, StreamOrDevice s) {
  return repeat(flatten(a, 0, -1, s), repeats, 0, s);
}

array tile(const array& a, std::vector<int> reps, StreamOrDevice s) {
  for (int r : reps)
    if (r < 0) fail("tile", "Negative repetitions are not allowed, got " + std::to_string(r) + ".");
  Shape shape = a.shape();
  if (reps.size() < shape.size()) reps.insert(reps.begin(), shape.size() - reps.size(), 1);
  if (reps.size() > shape.size()) shape.insert(shape.begin(), reps.size() - shape.size(), 1);
  // (.., n, ..) -> (.., reps, n, ..) broadcast, made row-major, merged into reps * n.
  Shape expand, broad, final_shape;
  bool identity = true;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (reps[i] != 1) {
      expand.push_back(1);
      broad.push_back(reps[i]);
      identity = false;
    }
    expand.push_back(shape[i]);
    broad.push_back(shape[i]);
    int64_t d = int64_t(reps[i]) * shape[i];
    if (d > INT32_MAX) fail("tile", "The tiled shape is too large.");
    final_shape.push_back(int32_t(d));
  }
  if (identity) return reshape(a, std::move(final_shape), s);
  array x = broadcast_to(reshape(a, std::move(expand), s), broad, s);
  return reshape(contiguous(x, false, s), std::move(final_shape), s);
}

array pad(const array& a, const std::vector<std::pair<int, int>>& pad_width,
          const array& pad_value, const std::string& mode, StreamOrDevice sd) {
  if (int(pad_width.size()) != a.ndim())
    fail("pad", "Invalid number of padding sizes passed to pad with axes of size " +
                    std::to_string(a.ndim()) + ".");
  PadMode m;
  if (mode == "constant") m = PadMode::constant;
  else if (mode == "edge") m = PadMode::edge;
  else if (mode == "reflect") m = PadMode::reflect;
  else if (mode == "symmetric") m = PadMode::symmetric;
  else fail("pad", "Invalid padding mode (" + mode + ") passed to pad.");
  Shape low, high, shape = a.shape();
  for (int i = 0; i < a.ndim(); ++i) {
    auto [lo, hi] = pad_width[i];
    if (lo < 0)
      fail("pad", "Invalid low padding size (" + std::to_string(lo) + ") passed to pad for axis " +
                      std::to_string(i) + ". Padding sizes must be non-negative");
    if (hi < 0)
      fail("pad", "Invalid high padding size (" + std::to_string(hi) +
                      ") passed to pad for axis " + std::to_string(i) +
                      ". Padding sizes must be non-negative");
    if (m != PadMode::constant && a.shape()[i] == 0 && (lo || hi))
      fail("pad", "Cannot pad the empty axis " + std::to_string(i) + " with mode '" + mode + "'.");
    int64_t d = int64_t(shape[i]) + lo + hi;
    if (d > INT32_MAX) fail("pad", "The padded shape is too large.");
    shape[i] = int32_t(d);
    low.push_back(lo);
    high.push_back(hi);
  }
  Stream s = to_stream(sd);
  std::vector<array> inputs{a};
  if (m == PadMode::constant) {
    if (pad_value.size() != 1) fail("pad", "constant_values must be a scalar.");
    inputs.push_back(astype(reshape(pad_value, {}, s), a.dtype(), s));
  }
  return array(std::move(shape), a.dtype(),
               std::make_shared<Pad>(s, std::move(low), std::move(high), m), std::move(inputs));
}

array flip(const array& a, const std::optional<std::vector<int>>& axes, StreamOrDevice s) {
  Shape start(a.ndim(), 0), stop = a.shape(), strides(a.ndim(), 1);
  auto reverse = [&](int ax) {
    start[ax] = -1;
    stop[ax] = -a.shape()[ax] - 1;
    strides[ax] = -1;
  };
  if (!axes) {
    for (int i = 0; i < a.ndim(); ++i) reverse(i);
  } else {
    for (int ax : *axes) reverse(norm_axis("flip", ax, a.ndim()));
  }
  return slice(a, std::move(start), std::move(stop), std::move(strides), s);
}

array roll(const array& a, const Shape& shift, const std::optional<std::vector<int>>& axes,
           StreamOrDevice s) {
  if (!axes) {
    // The flattened array, rolled by the sum of the shifts, in the input's shape.
    int64_t total = 0;
    for (auto v : shift) total += v;
    array flat = flatten(a, 0, -1, s);
    int64_t n = flat.shape()[0];
    if (n == 0) return a;
    int64_t k = ((total % n) + n) % n;
    if (k == 0) return reshape(flat, a.shape(), s);
    auto parts = split(flat, Shape{int32_t(n - k)}, 0, s);
    return reshape(concatenate({parts[1], parts[0]}, 0, s), a.shape(), s);
  }
  if (shift.size() < axes->size())
    fail("roll", "At least one shift value per axis is required, " +
                     std::to_string(shift.size()) + " provided for " +
                     std::to_string(axes->size()) + " axes.");
  array out = a;
  for (size_t i = 0; i < axes->size(); ++i) {
    int ax = norm_axis("roll", (*axes)[i], a.ndim());
    int64_t n = a.shape()[ax];
    if (n == 0) continue;
    int64_t k = ((int64_t(shift[i]) % n) + n) % n;
    if (k == 0) continue;
    auto parts = split(out, Shape{int32_t(n - k)}, ax, s);
    out = concatenate({parts[1], parts[0]}, ax, s);
  }
  return out;
}

array diff(const array& a, int n, int axis, StreamOrDevice s) {
  if (a.ndim() == 0) fail("diff", "Requires an input with at least one dimension.");
  int ax = norm_axis("diff", axis, a.ndim());
  if (n < 0) fail("diff", "Order n must be non-negative but got " + std::to_string(n) + ".");
  array out = a;
  for (int i = 0; i < n && out.shape()[ax] > 0; ++i) {
    Shape start(a.ndim(), 0), stop = out.shape();
    start[ax] = 1;
    array hi = slice(out, start, stop, s);
    start[ax] = 0;
    stop[ax] = out.shape()[ax] - 1;
    out = subtract(hi, slice(out, start, stop, s), s);
  }
  return out;
}

array as_strided(const array& a, Shape shape, Strides strides, int64_t offset, StreamOrDevice sd) {
  if (shape.size() != strides.size())
    fail("as_strided", "The shape " + shape_str(shape) + " and the strides (" +
                           std::to_string(strides.size()) + " of them) must have the same length.");
  for (auto d : shape)
    if (d < 0) fail("as_strided", "Negative dimensions are not allowed, got shape " + shape_str(shape) + ".");
  if (offset < 0) fail("as_strided", "The offset must be non-negative.");
  try {
    shape_size(shape);
  } catch (const std::invalid_argument&) {
    fail("as_strided", "Shape " + shape_str(shape) + " is too large.");
  }
  // Unlike MLX (which reads whatever lies there), every element the view can reach must lie
  // inside the input: a view past the end would read freed memory.
  bool empty = false;
  for (auto d : shape) empty = empty || d == 0;
  if (!empty) {
    __int128 lo = offset, hi = offset;
    for (size_t i = 0; i < shape.size(); ++i) {
      __int128 ext = __int128(shape[i] - 1) * strides[i];
      (ext < 0 ? lo : hi) += ext;
    }
    if (lo < 0 || hi >= __int128(a.size()))
      throw std::out_of_range("[as_strided] The view reaches elements outside the input of size " +
                              std::to_string(a.size()) + ".");
  }
  Stream s = to_stream(sd);
  Shape out = shape;
  return array(std::move(out), a.dtype(),
               std::make_shared<AsStrided>(s, std::move(shape), std::move(strides), offset),
               {contiguous(flatten(a, 0, -1, s), false, s)});
}

array contiguous(const array& a, bool allow_col_major, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  return array(a.shape(), a.dtype(), std::make_shared<Contiguous>(s, allow_col_major), {a});
}

Shape Unflatten::output_shape(const Shape& in, int ax, Shape shape, int axis) {
  int infer = -1;
  int64_t size = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) fail("unflatten", "Can only infer one dimension.");
      infer = int(i);
    } else {
      if (shape[i] < 0) fail("unflatten", "Invalid dimension " + std::to_string(shape[i]) + " in shape " + shape_str(shape) + ".");
      // Past INT32_MAX no dim can match: stop multiplying (no overflow), reported below.
      if (size <= INT32_MAX) size *= shape[i];
      if (size > INT32_MAX) size = int64_t(INT32_MAX) + 1;
    }
  }
  int64_t n = in[size_t(ax)];
  const std::string asked = shape_str(shape);  // as the caller wrote it, -1 included
  if (infer >= 0) {
    if (size == 0)
      fail("unflatten",
           "Cannot infer a dimension next to a zero dimension in shape " + asked + ".");
    shape[infer] = int32_t(n / size);
    size *= shape[infer];
  }
  if (size != n)
    fail("unflatten", "Cannot unflatten axis " + std::to_string(axis) + " with size " +
                          std::to_string(n) + " into shape " + asked + ".");
  Shape out(in.begin(), in.begin() + ax);
  out.insert(out.end(), shape.begin(), shape.end());
  out.insert(out.end(), in.begin() + ax + 1, in.end());
  return out;
}

array unflatten(const array& a, int axis, Shape shape, StreamOrDevice s) {
  if (shape.empty()) fail("unflatten", "Shape to unflatten to cannot be empty.");
  int ax = norm_axis("unflatten", axis, a.ndim());
  Shape out = Unflatten::output_shape(a.shape(), ax, shape, axis);
  if (shape.size() == 1) return a;
  return array(std::move(out), a.dtype(),
               std::make_shared<Unflatten>(to_stream(s), ax, std::move(shape)), {a});
}

Shape Flatten::output_shape(const Shape& in, int start, int end) {
  Shape out(in.begin(), in.begin() + start);
  int64_t merged = 1;
  for (int i = start; i <= end; ++i) merged *= in[size_t(i)];
  if (merged > INT32_MAX) fail("flatten", "The flattened dimension is too large.");
  out.push_back(int32_t(merged));
  out.insert(out.end(), in.begin() + end + 1, in.end());
  return out;
}

Shape broadcast_shapes(const std::vector<Shape>& shapes) {
  if (shapes.empty()) fail("broadcast_shapes", "Must provide at least one shape.");
  Shape out = shapes[0];
  for (size_t i = 1; i < shapes.size(); ++i) out = broadcast_shapes(out, shapes[i]);
  return out;
}

std::vector<array> broadcast_arrays(const std::vector<array>& inputs, StreamOrDevice s) {
  if (inputs.size() <= 1) return inputs;
  std::vector<Shape> shapes;
  for (auto& a : inputs) shapes.push_back(a.shape());
  Shape shape;
  try {
    shape = broadcast_shapes(shapes);
  } catch (const std::invalid_argument&) {
    std::string msg = "Shapes";
    for (auto& a : inputs) msg += " " + shape_str(a.shape());
    fail("broadcast_arrays", msg + " cannot be broadcast.");
  }
  std::vector<array> out;
  for (auto& a : inputs) out.push_back(broadcast_to(a, shape, s));
  return out;
}

array atleast_1d(const array& a, StreamOrDevice s) {
  return a.ndim() == 0 ? reshape(a, {1}, s) : a;
}

array atleast_2d(const array& a, StreamOrDevice s) {
  if (a.ndim() == 0) return reshape(a, {1, 1}, s);
  if (a.ndim() == 1) return reshape(a, {1, a.shape()[0]}, s);
  return a;
}

array atleast_3d(const array& a, StreamOrDevice s) {
  if (a.ndim() == 0) return reshape(a, {1, 1, 1}, s);
  if (a.ndim() == 1) return reshape(a, {1, a.shape()[0], 1}, s);
  if (a.ndim() == 2) return reshape(a, {a.shape()[0], a.shape()[1], 1}, s);
  return a;
}

}  // namespace mlx::core
