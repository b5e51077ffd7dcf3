#include "ops.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ops_common.h"
#include "pool.h"
#include "primitives.h"
#include "primitives_shape.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

// Normalises a possibly negative axis for an array of `ndim` dims.
int norm_axis(const char* op, int axis, int ndim) {
  if (axis < -ndim || axis >= ndim)
    throw std::out_of_range(std::string("[") + op + "] Axis " + std::to_string(axis) +
                            " is out of bounds for array with " + std::to_string(ndim) +
                            " dimensions.");
  return axis < 0 ? axis + ndim : axis;
}

void check_shape(const char* op, const Shape& shape) {
  for (auto d : shape)
    if (d < 0) fail(op, "Negative dimensions not allowed, got shape " + shape_str(shape) + ".");
  try {
    shape_size(shape);
  } catch (const std::invalid_argument&) {
    fail(op, "Shape " + shape_str(shape) + " is too large.");
  }
}

std::vector<array> broadcast_all(const char* op, std::vector<array> in, Stream s) {
  Shape shape = in[0].shape();
  for (size_t i = 1; i < in.size(); ++i) {
    if (in[i].shape() == shape) continue;
    try {
      shape = broadcast_shapes(shape, in[i].shape());
    } catch (const std::invalid_argument&) {
      std::string msg = "Shapes";
      for (auto& a : in) msg += " " + shape_str(a.shape());
      fail(op, msg + " cannot be broadcast.");
    }
  }
  for (auto& a : in)
    if (a.shape() != shape) a = broadcast_to(a, shape, s);
  return in;
}

array binary(const char* op, BinaryOp kind, const array& a, const array& b, Dtype dt,
             StreamOrDevice sd) {
  Stream s = to_stream(sd);
  auto in = broadcast_all(op, {astype(a, dt, s), astype(b, dt, s)}, s);
  Shape shape = in[0].shape();
  return array(std::move(shape), dt, make_pooled<Binary>(s, kind), std::move(in));
}

}  // namespace

Stream to_stream(StreamOrDevice s) {
  if (std::holds_alternative<Stream>(s)) {
    Stream st = std::get<Stream>(s);
    check_available(st.device, "stream");
    return st;
  }
  if (std::holds_alternative<Device>(s)) return default_stream(std::get<Device>(s));
  return default_stream(default_device());
}

array full(const Shape& shape, array vals, Dtype dtype, StreamOrDevice sd) {
  check_shape("full", shape);
  Stream s = to_stream(sd);
  vals = astype(std::move(vals), dtype, s);
  bool fits = vals.ndim() <= int(shape.size());
  try {
    fits = fits && broadcast_shapes(vals.shape(), shape) == shape;
  } catch (const std::invalid_argument&) {
    fits = false;
  }
  if (!fits)
    fail("full", "Cannot broadcast vals of shape " + shape_str(vals.shape()) + " to shape " +
                     shape_str(shape) + ".");
  if (vals.shape() != shape) vals = broadcast_to(vals, shape, s);
  return array(shape, dtype, std::make_shared<Full>(s), {vals});
}

array full(const Shape& shape, array vals, StreamOrDevice s) {
  Dtype dt = vals.dtype();
  return full(shape, std::move(vals), dt, s);
}

array zeros(const Shape& shape, Dtype dtype, StreamOrDevice s) {
  check_shape("zeros", shape);
  return full(shape, array(0, dtype), dtype, s);
}
array ones(const Shape& shape, Dtype dtype, StreamOrDevice s) {
  check_shape("ones", shape);
  return full(shape, array(1, dtype), dtype, s);
}
array zeros_like(const array& a, StreamOrDevice s) { return zeros(a.shape(), a.dtype(), s); }
array ones_like(const array& a, StreamOrDevice s) { return ones(a.shape(), a.dtype(), s); }

array arange(double start, double stop, double step, Dtype dtype, StreamOrDevice sd) {
  if (dtype == bool_) fail("arange", "bool not supported for arange.");
  if (dtype == complex64) fail("arange", "complex64 not supported for arange.");
  if (std::isnan(start) || std::isnan(step) || std::isnan(stop))
    fail("arange", "Cannot compute length.");
  if (std::isinf(start) || std::isinf(stop)) fail("arange", "Cannot compute length.");
  if (step == 0) fail("arange", "Cannot compute length with step 0.");
  double real = std::ceil((stop - start) / step);
  if (std::isnan(real)) fail("arange", "Cannot compute length.");
  if (real > double(INT32_MAX))
    fail("arange", "Maximum size exceeded: the range has more than 2^31-1 elements.");
  int32_t size = std::max(int32_t(0), int32_t(real));
  Stream s = to_stream(sd);
  return array({size}, dtype, std::make_shared<Arange>(s, start, stop, step), {});
}

array astype(array a, Dtype dtype, StreamOrDevice sd) {
  if (a.dtype() == dtype) return a;
  Stream s = to_stream(sd);
  Shape shape = a.shape();
  return array(std::move(shape), dtype, make_pooled<AsType>(s, dtype), {std::move(a)});
}

array copy(array a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Shape shape = a.shape();
  Dtype dt = a.dtype();
  return array(std::move(shape), dt, std::make_shared<Copy>(s), {std::move(a)});
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int32_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int32_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da == db || db == 1) out[i] = da;
    else if (da == 1) out[i] = db;
    else
      throw std::invalid_argument("[broadcast_shapes] Shapes " + shape_str(a) + " and " +
                                  shape_str(b) + " cannot be broadcast.");
  }
  return out;
}

array broadcast_to(const array& a, const Shape& shape, StreamOrDevice sd) {
  check_shape("broadcast_to", shape);
  if (a.shape() == shape) return a;
  bool ok = a.ndim() <= int(shape.size());
  if (ok) {
    Shape bs;
    try {
      bs = broadcast_shapes(a.shape(), shape);
    } catch (const std::invalid_argument&) {
      ok = false;
    }
    ok = ok && bs == shape;
  }
  if (!ok)
    fail("broadcast_to", "Cannot broadcast array of shape " + shape_str(a.shape()) +
                             " into shape " + shape_str(shape) + ".");
  Stream s = to_stream(sd);
  return array(shape, a.dtype(), std::make_shared<Broadcast>(s, shape), {a});
}

Shape Reshape::resolve(size_t size, Shape shape) {
  int infer = -1;
  size_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) fail("reshape", "Reshape can only infer one dimension.");
      infer = int(i);
    } else if (shape[i] < 0) {
      fail("reshape", "Invalid dimension " + std::to_string(shape[i]) + " in shape " +
                          shape_str(shape) + ".");
    } else {
      known *= size_t(shape[i]);
      if (known > (size_t(1) << 53)) fail("reshape", "Shape " + shape_str(shape) + " is too large.");
    }
  }
  if (infer >= 0) {
    if (known == 0 || size % known != 0)
      fail("reshape", "Cannot infer the shape of an array of size " + std::to_string(size) +
                          " into shape " + shape_str(shape) + ".");
    size_t d = size / known;
    if (d > size_t(INT32_MAX)) fail("reshape", "Inferred dimension is too large.");
    shape[infer] = int32_t(d);
    known *= d;
  }
  if (known != size)
    fail("reshape", "Cannot reshape array of size " + std::to_string(size) + " into shape " +
                        shape_str(shape) + ".");
  return shape;
}

array reshape(const array& a, Shape shape, StreamOrDevice sd) {
  Shape out = Reshape::resolve(a.size(), shape);
  // As MLX: a shape written with -1 always makes a node, so shapeless replays infer it again.
  if (shape == a.shape()) return a;
  Stream s = to_stream(sd);
  return array(std::move(out), a.dtype(), std::make_shared<Reshape>(s, std::move(shape)), {a});
}

array flatten(const array& a, int start_axis, int end_axis, StreamOrDevice s) {
  // As MLX: negative axes count from the end, then both are clamped to the dims (so end_axis
  // may run past the last dim); an axis still outside them ends up with end < start.
  int nd = a.ndim();
  int start = std::max(0, start_axis + (start_axis < 0 ? nd : 0));
  int end = std::min(nd - 1, end_axis + (end_axis < 0 ? nd : 0));
  if (nd == 0) return reshape(a, {1}, s);
  if (end < start) fail("flatten", "start_axis must be less than or equal to end_axis.");
  if (start == end) return a;
  Shape out = Flatten::output_shape(a.shape(), start, end);
  return array(std::move(out), a.dtype(), std::make_shared<Flatten>(to_stream(s), start, end), {a});
}

array squeeze(const array& a, const std::vector<int>& axes, StreamOrDevice s) {
  std::vector<bool> drop(a.ndim(), false);
  for (int ax : axes) {
    int i = norm_axis("squeeze", ax, a.ndim());
    if (drop[i]) fail("squeeze", "Received duplicate axes.");
    if (a.shape()[i] != 1) fail("squeeze", "Cannot squeeze axis with size != 1.");
    drop[i] = true;
  }
  Shape shape;
  for (int i = 0; i < a.ndim(); ++i)
    if (!drop[i]) shape.push_back(a.shape()[i]);
  return reshape(a, std::move(shape), s);
}

array squeeze(const array& a, StreamOrDevice s) {
  Shape shape;
  for (auto d : a.shape())
    if (d != 1) shape.push_back(d);
  return reshape(a, std::move(shape), s);
}

array expand_dims(const array& a, const std::vector<int>& axes, StreamOrDevice s) {
  int out_nd = a.ndim() + int(axes.size());
  std::vector<bool> is_new(out_nd, false);
  for (int ax : axes) {
    int i = norm_axis("expand_dims", ax, out_nd);
    if (is_new[i]) fail("expand_dims", "Received duplicate axes.");
    is_new[i] = true;
  }
  Shape shape;
  int j = 0;
  for (int i = 0; i < out_nd; ++i) shape.push_back(is_new[i] ? 1 : a.shape()[j++]);
  return reshape(a, std::move(shape), s);
}

array transpose(const array& a, std::vector<int> axes, StreamOrDevice sd) {
  if (int(axes.size()) != a.ndim())
    fail("transpose", "Received " + std::to_string(axes.size()) + " axes for array with " +
                          std::to_string(a.ndim()) + " dimensions.");
  std::vector<bool> seen(a.ndim(), false);
  Shape shape;
  for (auto& ax : axes) {
    ax = norm_axis("transpose", ax, a.ndim());
    if (seen[ax]) fail("transpose", "Repeat axes not allowed in transpose.");
    seen[ax] = true;
    shape.push_back(a.shape()[ax]);
  }
  bool identity = true;
  for (int i = 0; i < int(axes.size()); ++i) identity = identity && axes[i] == i;
  if (identity) return a;
  Stream s = to_stream(sd);
  return array(std::move(shape), a.dtype(), std::make_shared<Transpose>(s, std::move(axes)), {a});
}

array transpose(const array& a, StreamOrDevice s) {
  std::vector<int> axes(a.ndim());
  for (int i = 0; i < a.ndim(); ++i) axes[i] = a.ndim() - 1 - i;
  return transpose(a, std::move(axes), s);
}

array moveaxis(const array& a, int source, int destination, StreamOrDevice s) {
  int src = norm_axis("moveaxis", source, a.ndim());
  int dst = norm_axis("moveaxis", destination, a.ndim());
  std::vector<int> axes;
  for (int i = 0; i < a.ndim(); ++i)
    if (i != src) axes.push_back(i);
  axes.insert(axes.begin() + dst, src);
  return transpose(a, std::move(axes), s);
}

array swapaxes(const array& a, int axis1, int axis2, StreamOrDevice s) {
  int i = norm_axis("swapaxes", axis1, a.ndim());
  int j = norm_axis("swapaxes", axis2, a.ndim());
  std::vector<int> axes(a.ndim());
  for (int k = 0; k < a.ndim(); ++k) axes[k] = k;
  std::swap(axes[i], axes[j]);
  return transpose(a, std::move(axes), s);
}

array add(const array& a, const array& b, StreamOrDevice s) {
  return binary("add", BinaryOp::add, a, b, promote_types(a.dtype(), b.dtype()), s);
}
array subtract(const array& a, const array& b, StreamOrDevice s) {
  return binary("subtract", BinaryOp::subtract, a, b, promote_types(a.dtype(), b.dtype()), s);
}
array multiply(const array& a, const array& b, StreamOrDevice s) {
  return binary("multiply", BinaryOp::multiply, a, b, promote_types(a.dtype(), b.dtype()), s);
}
array divide(const array& a, const array& b, StreamOrDevice s) {
  return binary("divide", BinaryOp::divide, a, b,
                at_least_float(promote_types(a.dtype(), b.dtype())), s);
}

array where(const array& condition, const array& x, const array& y, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Dtype dt = promote_types(x.dtype(), y.dtype());
  auto in = broadcast_all("where", {astype(condition, bool_, s), astype(x, dt, s), astype(y, dt, s)}, s);
  Shape shape = in[0].shape();
  return array(std::move(shape), dt, std::make_shared<Select>(s), std::move(in));
}

array matmul(const array& a_in, const array& b_in, StreamOrDevice sd) {
  if (a_in.ndim() == 0 || b_in.ndim() == 0)
    fail("matmul", "Got 0 dimension input. Inputs must have at least one dimension.");
  Dtype dt = promote_types(a_in.dtype(), b_in.dtype());
  if (!is_inexact(dt))
    fail("matmul", std::string("Only inexact types are supported but ") +
                       dtype_name(a_in.dtype()) + " and " + dtype_name(b_in.dtype()) +
                       " were provided which results in " + dtype_name(dt) +
                       ", which is not inexact.");
  Stream s = to_stream(sd);
  // Vectors become matrices (a row for a, a column for b) and lose that dim afterwards.
  array a = a_in.ndim() == 1 ? reshape(a_in, {1, a_in.shape()[0]}, s) : a_in;
  array b = b_in.ndim() == 1 ? reshape(b_in, {b_in.shape()[0], 1}, s) : b_in;
  if (a.shape().back() != b.shape()[b.ndim() - 2])
    fail("matmul", "Last dimension of first input with shape " + shape_str(a_in.shape()) +
                       " must match second to last dimension of second input with shape " +
                       shape_str(b_in.shape()) + ".");
  a = astype(a, dt, s);
  b = astype(b, dt, s);
  Shape ba(a.shape().begin(), a.shape().end() - 2), bb(b.shape().begin(), b.shape().end() - 2);
  Shape batch;
  try {
    batch = broadcast_shapes(ba, bb);
  } catch (const std::invalid_argument&) {
    fail("matmul", "Batch dimensions of shapes " + shape_str(a_in.shape()) + " and " +
                       shape_str(b_in.shape()) + " cannot be broadcast.");
  }
  Shape sa = batch, sb = batch;
  sa.push_back(a.shape()[a.ndim() - 2]);
  sa.push_back(a.shape().back());
  sb.push_back(b.shape()[b.ndim() - 2]);
  sb.push_back(b.shape().back());
  a = broadcast_to(a, sa, s);
  b = broadcast_to(b, sb, s);
  Shape out_shape = batch;
  out_shape.push_back(sa[sa.size() - 2]);
  out_shape.push_back(sb.back());
  array out(out_shape, dt, std::make_shared<Matmul>(s), {a, b});
  if (a_in.ndim() == 1 || b_in.ndim() == 1) {
    Shape sq = batch;
    if (a_in.ndim() != 1) sq.push_back(out_shape[out_shape.size() - 2]);
    if (b_in.ndim() != 1) sq.push_back(out_shape.back());
    out = reshape(out, std::move(sq), s);
  }
  return out;
}

}  // namespace mlx::core
