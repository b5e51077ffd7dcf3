// Elementwise ops: unary math, comparisons, logical and bitwise ops, power, remainder,
// divmod, clip, isclose, nan_to_num. Result dtypes follow MLX (dtype_rules.md section 5);
// operands are cast to the computation dtype and broadcast here, so kernels see one dtype.
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ops.h"
#include "ops_common.h"
#include "pool.h"
#include "primitives.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

std::pair<array, array> broadcast_pair(const char* op, array a, array b, Stream s) {
  if (a.shape() == b.shape()) return {std::move(a), std::move(b)};
  Shape shape;
  try {
    shape = broadcast_shapes(a.shape(), b.shape());
  } catch (const std::invalid_argument&) {
    fail(op, "Shapes " + shape_str(a.shape()) + " " + shape_str(b.shape()) + " cannot be broadcast.");
  }
  if (a.shape() != shape) a = broadcast_to(a, shape, s);
  if (b.shape() != shape) b = broadcast_to(b, shape, s);
  return {std::move(a), std::move(b)};
}

array unary(UnaryOp op, const array& a, Dtype out, Stream s) {
  Shape shape = a.shape();
  return array(std::move(shape), out, make_pooled<Unary>(s, op), {a});
}

// Casts to at_least_float(a) and applies op: the math functions.
array float_unary(const char* name, UnaryOp op, const array& a, StreamOrDevice sd,
                  bool real_only = false) {
  Stream s = to_stream(sd);
  Dtype dt = at_least_float(a.dtype());
  if (real_only && is_complex(dt))
    fail(name, "Not supported for complex64: the input must have a real floating point type.");
  return unary(op, astype(a, dt, s), dt, s);
}

array binary_op(const char* name, BinaryOp op, const array& a, const array& b, Dtype dt, Stream s) {
  auto [x, y] = broadcast_pair(name, astype(a, dt, s), astype(b, dt, s), s);
  Shape shape = x.shape();
  return array(std::move(shape), dt, make_pooled<Binary>(s, op), {std::move(x), std::move(y)});
}

array compare(const char* name, CompareOp op, const array& a, const array& b, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Dtype dt = promote_types(a.dtype(), b.dtype());
  auto [x, y] = broadcast_pair(name, astype(a, dt, s), astype(b, dt, s), s);
  Shape shape = x.shape();
  return array(std::move(shape), bool_, make_pooled<Compare>(s, op), {std::move(x), std::move(y)});
}

void check_not_complex(const char* name, Dtype dt) {
  if (is_complex(dt)) fail(name, "Not supported for complex64.");
}

array bitwise(const char* name, BinaryOp op, const array& a, const array& b, StreamOrDevice sd,
              bool shift) {
  Stream s = to_stream(sd);
  Dtype dt = promote_types(a.dtype(), b.dtype());
  if (!is_integral(dt) && dt != bool_)
    fail(name, std::string("Only allowed on integer or boolean types but got types ") +
                   dtype_name(a.dtype()) + " and " + dtype_name(b.dtype()) + ".");
  if (shift && dt == bool_) dt = uint8;  // shifts of bools compute in uint8, as MLX
  return binary_op(name, op, a, b, dt, s);
}

}  // namespace

// ---- unary --------------------------------------------------------------------------------

array abs(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  return unary(UnaryOp::abs, a, is_complex(a.dtype()) ? float32 : a.dtype(), s);
}

array negative(const array& a, StreamOrDevice sd) {
  if (a.dtype() == bool_) fail("negative", "Not supported for bool, use logical_not instead.");
  Stream s = to_stream(sd);
  return unary(UnaryOp::negative, a, a.dtype(), s);
}

array positive(const array& a, StreamOrDevice sd) {
  to_stream(sd);
  return a;
}

array sign(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  return unary(UnaryOp::sign, a, a.dtype(), s);
}

array square(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  return unary(UnaryOp::square, a, a.dtype(), s);
}

array sqrt(const array& a, StreamOrDevice s) { return float_unary("sqrt", UnaryOp::sqrt, a, s); }
array rsqrt(const array& a, StreamOrDevice s) { return float_unary("rsqrt", UnaryOp::rsqrt, a, s); }
array reciprocal(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Dtype dt = at_least_float(a.dtype());
  return divide(array(1.0f, dt), a, s);
}
array exp(const array& a, StreamOrDevice s) { return float_unary("exp", UnaryOp::exp, a, s); }
array expm1(const array& a, StreamOrDevice s) { return float_unary("expm1", UnaryOp::expm1, a, s); }
array log(const array& a, StreamOrDevice s) { return float_unary("log", UnaryOp::log, a, s); }
array log2(const array& a, StreamOrDevice s) { return float_unary("log2", UnaryOp::log2, a, s); }
array log10(const array& a, StreamOrDevice s) { return float_unary("log10", UnaryOp::log10, a, s); }
array log1p(const array& a, StreamOrDevice s) { return float_unary("log1p", UnaryOp::log1p, a, s); }
array sin(const array& a, StreamOrDevice s) { return float_unary("sin", UnaryOp::sin, a, s); }
array cos(const array& a, StreamOrDevice s) { return float_unary("cos", UnaryOp::cos, a, s); }
array tan(const array& a, StreamOrDevice s) { return float_unary("tan", UnaryOp::tan, a, s); }
array arcsin(const array& a, StreamOrDevice s) { return float_unary("arcsin", UnaryOp::arcsin, a, s); }
array arccos(const array& a, StreamOrDevice s) { return float_unary("arccos", UnaryOp::arccos, a, s); }
array arctan(const array& a, StreamOrDevice s) { return float_unary("arctan", UnaryOp::arctan, a, s); }
array sinh(const array& a, StreamOrDevice s) { return float_unary("sinh", UnaryOp::sinh, a, s); }
array cosh(const array& a, StreamOrDevice s) { return float_unary("cosh", UnaryOp::cosh, a, s); }
array tanh(const array& a, StreamOrDevice s) { return float_unary("tanh", UnaryOp::tanh, a, s); }
array arcsinh(const array& a, StreamOrDevice s) { return float_unary("arcsinh", UnaryOp::arcsinh, a, s); }
array arccosh(const array& a, StreamOrDevice s) { return float_unary("arccosh", UnaryOp::arccosh, a, s); }
array arctanh(const array& a, StreamOrDevice s) { return float_unary("arctanh", UnaryOp::arctanh, a, s); }
array sigmoid(const array& a, StreamOrDevice s) { return float_unary("sigmoid", UnaryOp::sigmoid, a, s); }
array erf(const array& a, StreamOrDevice s) { return float_unary("erf", UnaryOp::erf, a, s, true); }
array erfinv(const array& a, StreamOrDevice s) {
  return float_unary("erfinv", UnaryOp::erfinv, a, s, true);
}

array degrees(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Dtype dt = at_least_float(a.dtype());
  return multiply(astype(a, dt, s), array(180.0 / M_PI, dt), s);
}
array radians(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Dtype dt = at_least_float(a.dtype());
  return multiply(astype(a, dt, s), array(M_PI / 180.0, dt), s);
}

namespace {
// floor, ceil and trunc: the identity on integers and bools; complex64 is rejected.
array rounding(const char* name, UnaryOp op, const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  check_not_complex(name, a.dtype());
  if (!is_floating(a.dtype())) return a;
  return unary(op, a, a.dtype(), s);
}
}  // namespace

array floor(const array& a, StreamOrDevice s) { return rounding("floor", UnaryOp::floor, a, s); }
array ceil(const array& a, StreamOrDevice s) { return rounding("ceil", UnaryOp::ceil, a, s); }
array trunc(const array& a, StreamOrDevice s) { return rounding("trunc", UnaryOp::trunc, a, s); }

// Half to even. decimals != 0 scales by 10^decimals in at_least_float (float32 scale factors,
// as MLX) and casts back to the input dtype.
array round(const array& a, int decimals, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (decimals == 0) {
    if (!is_inexact(a.dtype())) return a;
    return unary(UnaryOp::round, a, a.dtype(), s);
  }
  Dtype dt = at_least_float(a.dtype());
  float scale = std::pow(10.0f, float(decimals));
  array r = multiply(astype(a, dt, s), array(scale, dt), s);
  r = round(r, 0, s);
  r = multiply(r, array(1.0f / scale, dt), s);
  return astype(r, a.dtype(), s);
}

array logical_not(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  return unary(UnaryOp::logical_not, astype(a, bool_, s), bool_, s);
}

array bitwise_invert(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (is_inexact(a.dtype()))
    fail("bitwise_invert", "Bitwise inverse only allowed on integer types.");
  if (a.dtype() == bool_) return logical_not(a, s);
  return unary(UnaryOp::bitwise_invert, a, a.dtype(), s);
}

array conjugate(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!is_complex(a.dtype())) return a;
  return unary(UnaryOp::conjugate, a, a.dtype(), s);
}

array real(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!is_complex(a.dtype())) return a;
  return unary(UnaryOp::real, a, float32, s);
}

array imag(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!is_complex(a.dtype())) return zeros(a.shape(), a.dtype(), s);
  return unary(UnaryOp::imag, a, float32, s);
}

array isnan(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!is_inexact(a.dtype())) return zeros(a.shape(), bool_, s);
  return not_equal(a, a, s);
}

array isposinf(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!is_inexact(a.dtype())) return zeros(a.shape(), bool_, s);
  return equal(a, array(std::numeric_limits<float>::infinity(), a.dtype()), s);
}

array isneginf(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!is_inexact(a.dtype())) return zeros(a.shape(), bool_, s);
  return equal(a, array(-std::numeric_limits<float>::infinity(), a.dtype()), s);
}

array isinf(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!is_inexact(a.dtype())) return zeros(a.shape(), bool_, s);
  return logical_or(isposinf(a, s), isneginf(a, s), s);
}

array isfinite(const array& a, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!is_inexact(a.dtype())) return ones(a.shape(), bool_, s);
  return logical_not(logical_or(isinf(a, s), isnan(a, s), s), s);
}

// As MLX: posinf/neginf default to the largest finite float16/bfloat16 for those dtypes and
// to float32's largest value otherwise (float64 included); integers are returned unchanged.
array nan_to_num(const array& a, float nan, std::optional<float> posinf,
                 std::optional<float> neginf, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Dtype dt = a.dtype();
  if (!is_inexact(dt)) return a;
  float big = dt == bfloat16 ? 3.38953139e38f : dt == float16 ? 65504.0f
                                                              : std::numeric_limits<float>::max();
  array out = where(isnan(a, s), array(nan, dt), a, s);
  out = where(isposinf(a, s), array(posinf.value_or(big), dt), out, s);
  out = where(isneginf(a, s), array(neginf.value_or(-big), dt), out, s);
  return out;
}

// ---- binary -------------------------------------------------------------------------------

array maximum(const array& a, const array& b, StreamOrDevice sd) {
  return binary_op("maximum", BinaryOp::maximum, a, b, promote_types(a.dtype(), b.dtype()), to_stream(sd));
}
array minimum(const array& a, const array& b, StreamOrDevice sd) {
  return binary_op("minimum", BinaryOp::minimum, a, b, promote_types(a.dtype(), b.dtype()), to_stream(sd));
}
array power(const array& a, const array& b, StreamOrDevice sd) {
  return binary_op("power", BinaryOp::power, a, b, promote_types(a.dtype(), b.dtype()), to_stream(sd));
}
array remainder(const array& a, const array& b, StreamOrDevice sd) {
  Dtype dt = promote_types(a.dtype(), b.dtype());
  if (is_complex(dt)) fail("remainder", "Complex type not supported.");
  return binary_op("remainder", BinaryOp::remainder, a, b, dt, to_stream(sd));
}
array floor_divide(const array& a, const array& b, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Dtype dt = promote_types(a.dtype(), b.dtype());
  if (is_complex(dt)) fail("floor_divide", "Complex type not supported.");
  if (is_floating(dt)) return floor(divide(a, b, s), s);
  return binary_op("floor_divide", BinaryOp::floor_divide, a, b, dt, s);
}
std::vector<array> divmod(const array& a, const array& b, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Dtype dt = promote_types(a.dtype(), b.dtype());
  if (is_complex(dt)) fail("divmod", "Complex type not supported.");
  auto [x, y] = broadcast_pair("divmod", astype(a, dt, s), astype(b, dt, s), s);
  Shape shape = x.shape();
  return array::make_arrays({shape, shape}, {dt, dt}, std::make_shared<DivMod>(s),
                            {std::move(x), std::move(y)});
}
array arctan2(const array& a, const array& b, StreamOrDevice sd) {
  Dtype dt = at_least_float(promote_types(a.dtype(), b.dtype()));
  check_not_complex("arctan2", dt);
  return binary_op("arctan2", BinaryOp::arctan2, a, b, dt, to_stream(sd));
}
array logaddexp(const array& a, const array& b, StreamOrDevice sd) {
  Dtype dt = at_least_float(promote_types(a.dtype(), b.dtype()));
  check_not_complex("logaddexp", dt);
  return binary_op("logaddexp", BinaryOp::logaddexp, a, b, dt, to_stream(sd));
}

array equal(const array& a, const array& b, StreamOrDevice s) {
  return compare("equal", CompareOp::equal, a, b, s);
}
array not_equal(const array& a, const array& b, StreamOrDevice s) {
  return compare("not_equal", CompareOp::not_equal, a, b, s);
}
array less(const array& a, const array& b, StreamOrDevice s) {
  return compare("less", CompareOp::less, a, b, s);
}
array less_equal(const array& a, const array& b, StreamOrDevice s) {
  return compare("less_equal", CompareOp::less_equal, a, b, s);
}
array greater(const array& a, const array& b, StreamOrDevice s) {
  return compare("greater", CompareOp::greater, a, b, s);
}
array greater_equal(const array& a, const array& b, StreamOrDevice s) {
  return compare("greater_equal", CompareOp::greater_equal, a, b, s);
}

array logical_and(const array& a, const array& b, StreamOrDevice sd) {
  return binary_op("logical_and", BinaryOp::logical_and, a, b, bool_, to_stream(sd));
}
array logical_or(const array& a, const array& b, StreamOrDevice sd) {
  return binary_op("logical_or", BinaryOp::logical_or, a, b, bool_, to_stream(sd));
}
array logical_xor(const array& a, const array& b, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  return compare("logical_xor", CompareOp::not_equal, astype(a, bool_, s), astype(b, bool_, s), s);
}

array bitwise_and(const array& a, const array& b, StreamOrDevice s) {
  return bitwise("bitwise_and", BinaryOp::bitwise_and, a, b, s, false);
}
array bitwise_or(const array& a, const array& b, StreamOrDevice s) {
  return bitwise("bitwise_or", BinaryOp::bitwise_or, a, b, s, false);
}
array bitwise_xor(const array& a, const array& b, StreamOrDevice s) {
  return bitwise("bitwise_xor", BinaryOp::bitwise_xor, a, b, s, false);
}
array left_shift(const array& a, const array& b, StreamOrDevice s) {
  return bitwise("left_shift", BinaryOp::left_shift, a, b, s, true);
}
array right_shift(const array& a, const array& b, StreamOrDevice s) {
  return bitwise("right_shift", BinaryOp::right_shift, a, b, s, true);
}

// |a - b| <= atol + rtol |b|, with infinities equal only to themselves (MLX's formula: the
// tolerances are float32 scalars, so integer inputs compare in float32).
array isclose(const array& a, const array& b, double rtol, double atol, bool equal_nan,
              StreamOrDevice sd) {
  Stream s = to_stream(sd);
  try {
    broadcast_shapes(a.shape(), b.shape());
  } catch (const std::invalid_argument&) {
    fail("isclose", "Shapes " + shape_str(a.shape()) + " " + shape_str(b.shape()) + " cannot be broadcast.");
  }
  array rhs = add(array(float(atol)), multiply(array(float(rtol)), abs(b, s), s), s);
  array lhs = abs(subtract(a, b, s), s);
  array out = less_equal(lhs, rhs, s);
  array any_inf = logical_or(isinf(a, s), isinf(b, s), s);
  array both_inf = logical_or(logical_and(isposinf(a, s), isposinf(b, s), s),
                              logical_and(isneginf(a, s), isneginf(b, s), s), s);
  out = logical_and(out, logical_not(any_inf, s), s);
  out = logical_or(out, both_inf, s);
  if (equal_nan) out = logical_or(out, logical_and(isnan(a, s), isnan(b, s), s), s);
  return out;
}

array clip(const array& a, const std::optional<array>& a_min, const std::optional<array>& a_max,
           StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!a_min && !a_max) fail("clip", "At most one of a_min and a_max may be None.");
  array out = a;
  if (a_min) out = maximum(out, *a_min, s);
  if (a_max) out = minimum(out, *a_max, s);
  return out;
}

}  // namespace mlx::core
