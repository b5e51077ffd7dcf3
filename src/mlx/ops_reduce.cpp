// Reductions, scans and softmax: argument checks and graph construction, following MLX's
// mlx/ops.cpp (its identity-like cases included: sum/prod/max/min over an empty axis list
// return the input unchanged). Out-of-range axes are std::out_of_range, other bad input
// std::invalid_argument, each with an "[op]" prefix.
#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>

#include "ops.h"
#include "ops_common.h"
#include "primitives.h"
#include "primitives_meta.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

[[noreturn]] void axis_error(const char* op, int axis, int ndim) {
  throw std::out_of_range(std::string("[") + op + "] Invalid axis " + std::to_string(axis) +
                          " for array with " + std::to_string(ndim) + " dimensions.");
}

std::vector<int> all_axes(int ndim) {
  std::vector<int> v(ndim);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

// Normalised, sorted, unique axes; throws on out-of-range or duplicated axes.
std::vector<int> check_axes(const char* op, const std::vector<int>& axes, int ndim) {
  std::set<int> seen;
  for (int ax : axes) {
    int a = ax < 0 ? ax + ndim : ax;
    if (a < 0 || a >= ndim) axis_error(op, ax, ndim);
    seen.insert(a);
  }
  if (seen.size() != axes.size()) fail(op, "Duplicate axes detected in reduction.");
  return std::vector<int>(seen.begin(), seen.end());
}

struct ReduceShape {
  Shape shape;             // keepdims shape
  std::vector<int> axes;   // sorted
  bool noop;               // every reduced axis has size 1
};

ReduceShape reduce_shape(const char* op, const std::vector<int>& axes, const Shape& shape) {
  ReduceShape r;
  r.axes = check_axes(op, axes, int(shape.size()));
  r.shape = shape;
  r.noop = true;
  for (int a : r.axes) {
    if (shape[a] != 1) r.noop = false;
    r.shape[a] = 1;
  }
  return r;
}

array finish(array out, const ReduceShape& r, bool keepdims, Stream s) {
  if (!keepdims) out = squeeze(out, r.axes, s);
  return out;
}

Dtype sum_dtype(Dtype t) {
  if (t == bool_) return int32;
  if (is_integral(t)) {
    if (is_unsigned(t)) return t.size() <= 4 ? uint32 : uint64;
    return t.size() <= 4 ? int32 : int64;
  }
  return t;
}

array reduce(const char* op, ReduceOp kind, const array& a, const ReduceShape& r, Dtype out_type,
             Stream s) {
  Shape shape = r.shape;
  return array(std::move(shape), out_type, std::make_shared<Reduce>(s, kind, r.axes), {a});
}

// Moves the (sorted, unique) axes to the end and merges them into one: returns the
// (kept..., n) array and the kept shape.
array axes_last(const array& a, const std::vector<int>& axes, Shape& kept, Stream s) {
  std::vector<bool> red(a.ndim(), false);
  for (int ax : axes) red[ax] = true;
  std::vector<int> perm;
  kept.clear();
  for (int d = 0; d < a.ndim(); ++d)
    if (!red[d]) {
      perm.push_back(d);
      kept.push_back(a.shape(d));
    }
  int64_t n = 1;
  for (int ax : axes) {
    perm.push_back(ax);
    n *= a.shape(ax);
  }
  Shape flat = kept;
  flat.push_back(int32_t(n));
  return reshape(transpose(a, perm, s), flat, s);
}

// The result of a last-axis reduction primitive (shape kept..., 1) in the op's shape.
array reduced_shape(const array& out, const array& a, const std::vector<int>& axes, const Shape& kept,
                    bool keepdims, Stream s) {
  if (!keepdims) return reshape(out, kept, s);
  Shape shape = a.shape();
  for (int ax : axes) shape[ax] = 1;
  return reshape(out, shape, s);
}

std::vector<int> resolve(const OptAxes& axes, int ndim) { return axes ? *axes : all_axes(ndim); }

int scan_axis(const char* op, int axis, int ndim) {
  if (axis >= ndim || axis < -ndim)
    throw std::out_of_range(std::string("[") + op + "] Axis " + std::to_string(axis) +
                            " is out of bounds for array with " + std::to_string(ndim) +
                            " dimensions.");
  return axis < 0 ? axis + ndim : axis;
}

array scan(const char* op, ScanOp kind, const array& a_in, std::optional<int> axis, bool reverse,
           bool inclusive, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  array a = axis ? a_in : flatten(a_in, 0, -1, s);
  int ax = scan_axis(op, axis ? *axis : 0, a.ndim());
  Dtype dt = a.dtype();
  if (kind == ScanOp::Sum && dt == bool_) {
    a = astype(a, int32, s);
    dt = int32;
  }
  if (kind == ScanOp::LogAddExp && is_complex(dt)) fail(op, "complex64 is not supported.");
  array in = (kind == ScanOp::LogAddExp && !is_floating(dt)) ? astype(a, float32, s) : a;
  Shape shape = in.shape();
  array out(std::move(shape), in.dtype(), std::make_shared<Scan>(s, kind, ax, reverse, inclusive), {in});
  return astype(out, dt, s);
}

}  // namespace

array sum(const array& a, OptAxes axes, bool keepdims, StreamOrDevice sd) {
  auto ax = resolve(axes, a.ndim());
  if (ax.empty()) return a;
  auto r = reduce_shape("sum", ax, a.shape());
  Stream s = to_stream(sd);
  Dtype dt = sum_dtype(a.dtype());
  array out = r.noop ? astype(a, dt, s) : reduce("sum", ReduceOp::Sum, a, r, dt, s);
  return finish(out, r, keepdims, s);
}

array prod(const array& a, OptAxes axes, bool keepdims, StreamOrDevice sd) {
  auto ax = resolve(axes, a.ndim());
  if (ax.empty()) return a;
  auto r = reduce_shape("prod", ax, a.shape());
  Stream s = to_stream(sd);
  // As MLX: a reduction over size-1 axes only returns the input (its dtype unpromoted).
  array out = r.noop ? a : reduce("prod", ReduceOp::Prod, a, r, sum_dtype(a.dtype()), s);
  return finish(out, r, keepdims, s);
}

static array extreme(const char* op, ReduceOp kind, const array& a, OptAxes axes, bool keepdims,
                     StreamOrDevice sd) {
  if (a.size() == 0) fail(op, std::string("Cannot ") + op + " reduce zero size array.");
  auto ax = resolve(axes, a.ndim());
  if (ax.empty()) return a;
  auto r = reduce_shape(op, ax, a.shape());
  Stream s = to_stream(sd);
  array out = r.noop ? a : reduce(op, kind, a, r, a.dtype(), s);
  return finish(out, r, keepdims, s);
}

array max(const array& a, OptAxes axes, bool keepdims, StreamOrDevice s) {
  return extreme("max", ReduceOp::Max, a, std::move(axes), keepdims, s);
}
array min(const array& a, OptAxes axes, bool keepdims, StreamOrDevice s) {
  return extreme("min", ReduceOp::Min, a, std::move(axes), keepdims, s);
}

static array logic(const char* op, ReduceOp kind, const array& a, OptAxes axes, bool keepdims,
                   StreamOrDevice sd) {
  auto r = reduce_shape(op, resolve(axes, a.ndim()), a.shape());
  Stream s = to_stream(sd);
  array out = r.noop ? astype(a, bool_, s) : reduce(op, kind, a, r, bool_, s);
  return finish(out, r, keepdims, s);
}

array all(const array& a, OptAxes axes, bool keepdims, StreamOrDevice s) {
  return logic("all", ReduceOp::And, a, std::move(axes), keepdims, s);
}
array any(const array& a, OptAxes axes, bool keepdims, StreamOrDevice s) {
  return logic("any", ReduceOp::Or, a, std::move(axes), keepdims, s);
}

array mean(const array& a, OptAxes axes, bool keepdims, StreamOrDevice sd) {
  auto ax = resolve(axes, a.ndim());
  auto sorted = check_axes("mean", ax, a.ndim());
  Dtype dt = at_least_float(a.dtype());
  Stream s = to_stream(sd);
  // The divisor is a node while tracing, so that shapeless compile follows new shapes.
  array inv_n = number_of_elements(a, std::vector<int>(sorted.begin(), sorted.end()), true, dt, s);
  return multiply(sum(a, ax, keepdims, s), inv_n, s);
}

static array variance(const char* op, const array& a, OptAxes axes, bool keepdims, int ddof,
                      bool take_sqrt, StreamOrDevice sd) {
  auto ax = check_axes(op, resolve(axes, a.ndim()), a.ndim());
  Dtype dt = at_least_float(a.dtype());
  if (is_complex(dt)) fail(op, "complex64 is not supported.");
  Stream s = to_stream(sd);
  Shape kept;
  array flat = axes_last(astype(a, dt, s), ax, kept, s);
  Shape oshape = kept;
  oshape.push_back(1);
  array out(std::move(oshape), dt, std::make_shared<VarianceLast>(s, ddof, take_sqrt), {flat});
  return reduced_shape(out, a, ax, kept, keepdims, s);
}

array var(const array& a, OptAxes axes, bool keepdims, int ddof, StreamOrDevice s) {
  return variance("var", a, std::move(axes), keepdims, ddof, false, s);
}
array std(const array& a, OptAxes axes, bool keepdims, int ddof, StreamOrDevice s) {
  return variance("std", a, std::move(axes), keepdims, ddof, true, s);
}

array logsumexp(const array& a, OptAxes axes, bool keepdims, StreamOrDevice sd) {
  auto raw = resolve(axes, a.ndim());
  if (a.size() == 0) fail("logsumexp", "Received empty array.");
  if (a.ndim() == 0 && !raw.empty())
    fail("logsumexp", "Received non-empty axes for array with 0 dimensions.");
  auto ax = check_axes("logsumexp", raw, a.ndim());
  Dtype dt = at_least_float(a.dtype());
  if (is_complex(dt)) fail("logsumexp", "complex64 is not supported.");
  Stream s = to_stream(sd);
  Shape kept;
  array flat = axes_last(astype(a, dt, s), ax, kept, s);
  Shape oshape = kept;
  oshape.push_back(1);
  array out(std::move(oshape), dt, std::make_shared<LogSumExp>(s), {flat});
  return reduced_shape(out, a, ax, kept, keepdims, s);
}

array softmax(const array& a, OptAxes axes, bool precise, StreamOrDevice sd) {
  auto raw = resolve(axes, a.ndim());
  if (a.size() == 0) return a;
  if (a.ndim() == 0 && !raw.empty())
    fail("softmax", "Received non-empty axes for array with 0 dimensions.");
  auto ax = check_axes("softmax", raw, a.ndim());
  if (is_complex(a.dtype())) fail("softmax", "complex64 is not supported.");
  Stream s = to_stream(sd);
  // MLX's own Softmax runs when the axes are the last one (leading size-1 axes allowed);
  // its output is at_least_float. Other axes compose and cast back to the input dtype.
  bool last = !raw.empty() && (raw.back() == a.ndim() - 1 || raw.back() == -1);
  if (last)
    for (int i = int(raw.size()) - 2; i >= 0; --i)
      if (raw[i] + 1 != raw[i + 1] || a.shape(raw[i]) != 1) {
        last = false;
        break;
      }
  Dtype dt = at_least_float(a.dtype());
  if (last) {
    array in = astype(a, dt, s);
    Shape shape = a.shape();
    return array(std::move(shape), dt, std::make_shared<Softmax>(s, precise), {in});
  }
  // Move the axes to the end, softmax the merged last axis, and move them back.
  Shape kept;
  array flat = axes_last(astype(a, dt, s), ax, kept, s);
  Shape fshape = flat.shape();
  array sm(std::move(fshape), dt, std::make_shared<Softmax>(s, precise), {flat});
  std::vector<bool> red(a.ndim(), false);
  for (int i : ax) red[i] = true;
  std::vector<int> perm;
  Shape tshape;
  for (int d = 0; d < a.ndim(); ++d)
    if (!red[d]) perm.push_back(d);
  for (int i : ax) perm.push_back(i);
  for (int p : perm) tshape.push_back(a.shape(p));
  std::vector<int> inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[perm[i]] = int(i);
  array back = transpose(reshape(sm, tshape, s), inv, s);
  return astype(back, a.dtype(), s);
}

array count_nonzero(const array& a, OptAxes axes, bool keepdims, StreamOrDevice sd) {
  check_axes("count_nonzero", resolve(axes, a.ndim()), a.ndim());
  Stream s = to_stream(sd);
  return astype(sum(astype(a, bool_, s), std::move(axes), keepdims, s), int32, s);
}

array median(const array& a, OptAxes axes, bool keepdims, StreamOrDevice sd) {
  auto raw = resolve(axes, a.ndim());
  auto ax = check_axes("median", raw, a.ndim());
  if (ax.empty() && a.ndim() > 0) fail("median", "Received an empty list of axes.");
  Dtype dt = at_least_float(a.dtype());
  if (is_complex(dt)) fail("median", "complex64 is not supported.");
  Stream s = to_stream(sd);
  Shape kept;
  array flat = axes_last(astype(a, dt, s), ax, kept, s);
  if (flat.shape().back() == 0) fail("median", "Cannot take median along empty axis.");
  Shape oshape = kept;
  oshape.push_back(1);
  array out(std::move(oshape), dt, std::make_shared<MedianLast>(s), {flat});
  return reduced_shape(out, a, ax, kept, keepdims, s);
}

static array arg_reduce(const char* op, ArgReduceOp kind, const array& a, std::optional<int> axis,
                        bool keepdims, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!axis) {
    array r = arg_reduce(op, kind, flatten(a, 0, -1, s), 0, true, s);
    if (keepdims) return reshape(r, Shape(a.ndim(), 1), s);
    return reshape(r, {}, s);
  }
  if (a.size() == 0) fail(op, std::string("Cannot ") + op + " reduce zero size array.");
  auto r = reduce_shape(op, {*axis}, a.shape());
  Shape shape = r.shape;
  array out = r.noop ? zeros(shape, uint32, s)
                     : array(std::move(shape), uint32, std::make_shared<ArgReduce>(s, kind, r.axes[0]), {a});
  return finish(out, r, keepdims, s);
}

array argmax(const array& a, std::optional<int> axis, bool keepdims, StreamOrDevice s) {
  return arg_reduce("argmax", ArgReduceOp::ArgMax, a, axis, keepdims, s);
}
array argmin(const array& a, std::optional<int> axis, bool keepdims, StreamOrDevice s) {
  return arg_reduce("argmin", ArgReduceOp::ArgMin, a, axis, keepdims, s);
}

array cumsum(const array& a, std::optional<int> axis, bool reverse, bool inclusive, StreamOrDevice s) {
  return scan("cumsum", ScanOp::Sum, a, axis, reverse, inclusive, s);
}
array cumprod(const array& a, std::optional<int> axis, bool reverse, bool inclusive, StreamOrDevice s) {
  return scan("cumprod", ScanOp::Prod, a, axis, reverse, inclusive, s);
}
array cummax(const array& a, std::optional<int> axis, bool reverse, bool inclusive, StreamOrDevice s) {
  return scan("cummax", ScanOp::Max, a, axis, reverse, inclusive, s);
}
array cummin(const array& a, std::optional<int> axis, bool reverse, bool inclusive, StreamOrDevice s) {
  return scan("cummin", ScanOp::Min, a, axis, reverse, inclusive, s);
}
array logcumsumexp(const array& a, std::optional<int> axis, bool reverse, bool inclusive,
                   StreamOrDevice s) {
  return scan("logcumsumexp", ScanOp::LogAddExp, a, axis, reverse, inclusive, s);
}

array trace(const array& a, int offset, int axis1, int axis2, std::optional<Dtype> dtype,
            StreamOrDevice sd) {
  int nd = a.ndim();
  if (nd < 2) fail("trace", "Array must have at least two dimensions.");
  int a1 = axis1 < 0 ? axis1 + nd : axis1, a2 = axis2 < 0 ? axis2 + nd : axis2;
  if (a1 < 0 || a1 >= nd) axis_error("trace", axis1, nd);
  if (a2 < 0 || a2 >= nd) axis_error("trace", axis2, nd);
  if (a1 == a2) fail("trace", "axis1 and axis2 cannot be the same axis.");
  Stream s = to_stream(sd);
  Dtype out_dt = dtype ? *dtype : a.dtype();
  // The diagonal through a constant mask: where(j - i == offset, a, 0) summed over both axes.
  int32_t n1 = a.shape(a1), n2 = a.shape(a2);
  std::vector<uint8_t> mask(size_t(n1) * size_t(n2), 0);
  for (int64_t i = 0; i < n1; ++i) {
    int64_t j = i + offset;
    if (j >= 0 && j < n2) mask[size_t(i) * size_t(n2) + size_t(j)] = 1;
  }
  array m(mask.data(), Shape{n1, n2}, bool_);
  array moved = transpose(a, [&] {
    std::vector<int> perm;
    for (int d = 0; d < nd; ++d)
      if (d != a1 && d != a2) perm.push_back(d);
    perm.push_back(a1);
    perm.push_back(a2);
    return perm;
  }(), s);
  array masked = where(m, moved, array(0, a.dtype()), s);
  return astype(sum(masked, std::vector<int>{nd - 2, nd - 1}, false, s), out_dt, s);
}

array array_equal(const array& a, const array& b, bool equal_nan, StreamOrDevice sd) {
  if (a.shape() != b.shape()) return array(false);
  Stream s = to_stream(sd);
  Dtype dt = promote_types(a.dtype(), b.dtype());
  equal_nan = equal_nan && is_inexact(dt);
  return array(Shape{}, bool_, std::make_shared<AllEqual>(s, equal_nan), {astype(a, dt, s), astype(b, dt, s)});
}

}  // namespace mlx::core
