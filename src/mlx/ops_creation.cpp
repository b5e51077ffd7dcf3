// Creation and dtype extras: linspace, eye, tri/tril/triu, meshgrid, windows, empty, view, ...
// Checks and graph construction follow MLX's mlx/ops.cpp; bad input is std::invalid_argument
// with an "[op]" prefix.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "ops.h"
#include "ops_common.h"
#include "primitives_creation.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

// The shape must fit the engine's element count (2^53), as every other creation op checks.
void check_size(const char* op, const Shape& shape) {
  try {
    shape_size(shape);
  } catch (const std::invalid_argument&) {
    fail(op, "Shape " + shape_str(shape) + " is too large.");
  }
}

array window(Window::Kind kind, int M, StreamOrDevice s) {
  // As numpy (and MLX): M < 1 gives an empty window.
  return array({std::max(M, 0)}, float32, std::make_shared<Window>(to_stream(s), kind), {});
}

}  // namespace

array linspace(double start, double stop, int num, bool endpoint, Dtype dtype, StreamOrDevice s) {
  if (num < 0)
    fail("linspace", "number of samples, " + std::to_string(num) + ", must be non-negative.");
  return array({num}, dtype, std::make_shared<Linspace>(to_stream(s), start, stop, endpoint), {});
}

array full_like(const array& a, array vals, Dtype dtype, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  // As MLX: a and vals broadcast against each other, so the result has their common shape.
  Shape shape;
  try {
    shape = broadcast_shapes(a.shape(), vals.shape());
  } catch (const std::invalid_argument&) {
    fail("full_like", "Shapes " + shape_str(a.shape()) + " and " + shape_str(vals.shape()) +
                          " cannot be broadcast.");
  }
  vals = astype(std::move(vals), dtype, s);
  if (vals.shape() != shape) vals = broadcast_to(vals, shape, s);
  return array(shape, dtype, std::make_shared<Full>(s), {vals});
}

array full_like(const array& a, array vals, StreamOrDevice s) {
  return full_like(a, std::move(vals), a.dtype(), s);
}

array eye(int n, int m, int k, Dtype dtype, StreamOrDevice s) {
  if (n <= 0 || m <= 0) fail("eye", "N and M must be positive integers.");
  Shape shape{n, m};
  check_size("eye", shape);
  return array(std::move(shape), dtype,
               std::make_shared<Diagonal2D>(to_stream(s), Diagonal2D::Kind::eye, k), {});
}

array eye(int n, Dtype dtype, StreamOrDevice s) { return eye(n, n, 0, dtype, s); }

array identity(int n, Dtype dtype, StreamOrDevice s) { return eye(n, n, 0, dtype, s); }

array tri(int n, int m, int k, Dtype dtype, StreamOrDevice s) {
  // MLX builds tri from arange(n) and arange(-k, m - k): a negative n or m is an empty axis.
  Shape shape{std::max(n, 0), std::max(m, 0)};
  check_size("tri", shape);
  return array(std::move(shape), dtype,
               std::make_shared<Diagonal2D>(to_stream(s), Diagonal2D::Kind::tri, k), {});
}

array tri(int n, Dtype dtype, StreamOrDevice s) { return tri(n, n, 0, dtype, s); }

array tril(const array& x, int k, StreamOrDevice s) {
  if (x.ndim() < 2) fail("tril", "array must be at least 2-D");
  Shape shape = x.shape();
  return array(std::move(shape), x.dtype(), std::make_shared<Triangular>(to_stream(s), false, k),
               {x});
}

array triu(const array& x, int k, StreamOrDevice s) {
  if (x.ndim() < 2) fail("triu", "array must be at least 2-D");
  Shape shape = x.shape();
  return array(std::move(shape), x.dtype(), std::make_shared<Triangular>(to_stream(s), true, k),
               {x});
}

std::vector<array> meshgrid(const std::vector<array>& arrays, bool sparse,
                            const std::string& indexing, StreamOrDevice sd) {
  if (indexing != "xy" && indexing != "ij")
    fail("meshgrid", "Invalid indexing value. Valid values are 'xy' and 'ij'.");
  Stream s = to_stream(sd);
  size_t nd = arrays.size();
  std::vector<array> out;
  out.reserve(nd);
  // Input i (flattened) runs along axis i; 'xy' swaps the roles of the first two.
  for (size_t i = 0; i < nd; ++i) {
    size_t axis = i;
    if (indexing == "xy" && nd > 1 && i < 2) axis = 1 - i;
    Shape shape(nd, 1);
    shape[axis] = -1;
    out.push_back(reshape(arrays[i], std::move(shape), s));
  }
  if (sparse || nd == 0) return out;
  Shape full;
  for (auto& a : out) full = full.empty() ? a.shape() : broadcast_shapes(full, a.shape());
  check_size("meshgrid", full);
  for (auto& a : out)
    if (a.shape() != full) a = broadcast_to(a, full, s);
  return out;
}

array bartlett(int M, StreamOrDevice s) { return window(Window::Kind::bartlett, M, s); }
array hanning(int M, StreamOrDevice s) { return window(Window::Kind::hanning, M, s); }
array hamming(int M, StreamOrDevice s) { return window(Window::Kind::hamming, M, s); }
array blackman(int M, StreamOrDevice s) { return window(Window::Kind::blackman, M, s); }

array view(const array& a, Dtype dtype, StreamOrDevice s) {
  if (a.dtype() == dtype) return a;
  Shape shape = a.shape();
  int ib = a.dtype().size(), ob = dtype.size();
  if (a.ndim() == 0) {
    if (ib != ob)
      fail("view", "Changing the type of a scalar is only allowed for types with the same size.");
  } else if (ib < ob) {
    if (shape.back() % (ob / ib) != 0)
      fail("view",
           "When viewing as a larger dtype, the size in bytes of the last axis must be a multiple "
           "of the requested type size.");
    shape.back() /= ob / ib;
  } else {
    // Item sizes are powers of two, so the ratio is exact.
    int64_t last = int64_t(shape.back()) * (ib / ob);
    if (last > INT32_MAX) fail("view", "The last axis of the result is too large.");
    shape.back() = int32_t(last);
  }
  return array(std::move(shape), dtype, std::make_shared<View>(to_stream(s), dtype), {a});
}

array to_fp8(const array& x, StreamOrDevice s) {
  if (!is_floating(x.dtype()))
    fail("to_fp8", std::string("Only real floating types are supported but x.dtype() == ") +
                       dtype_name(x.dtype()) + ".");
  Shape shape = x.shape();
  return array(std::move(shape), uint8, std::make_shared<ConvertFP8>(to_stream(s), true, uint8), {x});
}

array from_fp8(const array& x, Dtype dtype, StreamOrDevice s) {
  if (x.dtype() != uint8)
    fail("from_fp8",
         std::string("Input must have type uint8 but x.dtype() == ") + dtype_name(x.dtype()) + ".");
  if (!is_floating(dtype))
    fail("from_fp8", std::string("Only real floating types are supported but dtype == ") +
                         dtype_name(dtype) + ".");
  Shape shape = x.shape();
  return array(std::move(shape), dtype, std::make_shared<ConvertFP8>(to_stream(s), false, dtype), {x});
}

}  // namespace mlx::core
