// vjp and jvp rules of the primitives in primitives.h, written with ops (so derivatives are
// lazy graphs and can be differentiated again). Non-differentiable outputs (comparisons,
// rounding, integer ops, arg-reductions) get zero derivatives, as in MLX.
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "autograd.h"
#include "ops.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

array scalar(double v, Dtype dt) { return array(v, dt); }

// Complex gradients follow MLX's (and PyTorch's) convention: the cotangent is dL/dz*, so a
// holomorphic op's vjp multiplies it by the conjugate of the derivative.
array conj_if_complex(const array& d, Stream s) {
  return is_complex(d.dtype()) ? conjugate(d, s) : d;
}

// d out / d x of an elementwise unary op, as an array broadcastable to x; `out` is the
// op's output. Ops with zero derivative return nullopt.
std::optional<array> unary_derivative(UnaryOp op, const array& x, const array& out, Stream s) {
  Dtype dt = x.dtype();
  auto one = [&] { return scalar(1.0, dt); };
  switch (op) {
    case UnaryOp::abs: return sign(x, s);
    case UnaryOp::negative: return scalar(-1.0, dt);
    case UnaryOp::square: return multiply(scalar(2.0, dt), x, s);
    case UnaryOp::sqrt: return divide(scalar(0.5, dt), out, s);
    case UnaryOp::rsqrt: return multiply(scalar(-0.5, dt), multiply(out, square(out, s), s), s);
    case UnaryOp::exp: return out;
    case UnaryOp::expm1: return add(out, one(), s);
    case UnaryOp::log: return divide(one(), x, s);
    case UnaryOp::log2: return divide(one(), multiply(x, scalar(M_LN2, dt), s), s);
    case UnaryOp::log10: return divide(one(), multiply(x, scalar(M_LN10, dt), s), s);
    case UnaryOp::log1p: return divide(one(), add(x, one(), s), s);
    case UnaryOp::sin: return cos(x, s);
    case UnaryOp::cos: return negative(sin(x, s), s);
    case UnaryOp::tan: return divide(one(), square(cos(x, s), s), s);
    case UnaryOp::arcsin: return rsqrt(subtract(one(), square(x, s), s), s);
    case UnaryOp::arccos: return negative(rsqrt(subtract(one(), square(x, s), s), s), s);
    case UnaryOp::arctan: return divide(one(), add(one(), square(x, s), s), s);
    case UnaryOp::sinh: return cosh(x, s);
    case UnaryOp::cosh: return sinh(x, s);
    case UnaryOp::tanh: return subtract(one(), square(out, s), s);
    case UnaryOp::arcsinh: return rsqrt(add(square(x, s), one(), s), s);
    case UnaryOp::arccosh: return rsqrt(subtract(square(x, s), one(), s), s);
    case UnaryOp::arctanh: return divide(one(), subtract(one(), square(x, s), s), s);
    case UnaryOp::sigmoid: return multiply(out, subtract(one(), out, s), s);
    case UnaryOp::erf:
      return multiply(scalar(M_2_SQRTPI, dt), exp(negative(square(x, s), s), s), s);
    case UnaryOp::erfinv:
      return multiply(scalar(0.5 * std::sqrt(M_PI), dt), exp(square(out, s), s), s);
    case UnaryOp::sign:
    case UnaryOp::floor:
    case UnaryOp::ceil:
    case UnaryOp::round:
    case UnaryOp::trunc:
    case UnaryOp::logical_not:
    case UnaryOp::bitwise_invert:
      return std::nullopt;
    default:
      throw std::logic_error("unary_derivative: linear op");
  }
}

array unary_rule(UnaryOp op, const array& x, const array& out, const array& t, bool backward,
                 Stream s) {
  switch (op) {
    case UnaryOp::conjugate: return conjugate(t, s);
    case UnaryOp::real:
      // vjp: a real cotangent enters the real part; jvp: the real part of the tangent.
      return backward ? astype(t, x.dtype(), s) : real(t, s);
    case UnaryOp::imag:
      // L = c imag(z): dL/dx + i dL/dy = i c.
      return backward ? multiply(array(complex64_t(0.0f, 1.0f)), astype(t, x.dtype(), s), s)
                      : imag(t, s);
    default: break;
  }
  auto d = unary_derivative(op, x, out, s);
  if (!d) return zeros(backward ? x.shape() : out.shape(), backward ? x.dtype() : out.dtype(), s);
  // abs of a complex number is real: its gradient is c z/|z|, with no conjugate.
  if (backward && op != UnaryOp::abs) return multiply(t, conj_if_complex(*d, s), s);
  return multiply(t, *d, s);
}

// The gradient of one exclusive-product reduction along `axis` (MLX's stable prod rule).
// `conj`: the vjp (conjugated derivative for complex inputs); the jvp passes false.
array prod_grad_axis(const array& x, const array& cot, int axis, Stream s, bool conj = true) {
  array p1 = cumprod(x, axis, false, false, s);
  array p2 = cumprod(x, axis, true, false, s);
  array d = multiply(p1, p2, s);
  return multiply(conj ? conj_if_complex(d, s) : d, cot, s);
}

// d prod(x, axes) / dx times cot (cot has the reduced dims kept as 1).
array prod_grad(const array& in, const array& cot, const std::vector<int>& axes, Stream s,
                bool conj = true) {
  if (axes.size() == 1) return prod_grad_axis(in, cot, axes[0], s, conj);
  // Move the axes last and flatten them into one, take the exclusive products there.
  std::vector<int> perm, back(in.ndim());
  Shape flat;
  std::vector<bool> red(in.ndim(), false);
  for (int a : axes) red[a] = true;
  for (int i = 0; i < in.ndim(); ++i)
    if (!red[i]) {
      perm.push_back(i);
      flat.push_back(in.shape(i));
    }
  for (int a : axes) perm.push_back(a);
  flat.push_back(-1);
  for (size_t i = 0; i < perm.size(); ++i) back[perm[i]] = int(i);
  array x = transpose(in, perm, s);
  Shape moved = x.shape();
  x = reshape(x, flat, s);
  Shape cflat = flat;
  cflat.back() = 1;
  array c = reshape(transpose(broadcast_to(cot, [&] {
                                Shape sh = in.shape();
                                for (int a : axes) sh[a] = 1;
                                return sh;
                              }(), s),
                              perm, s),
                    cflat, s);
  array g = prod_grad_axis(x, c, x.ndim() - 1, s, conj);
  return transpose(reshape(g, moved, s), back, s);
}

array iota_along(const Shape& shape, int axis, Stream s) {
  array r = arange(0.0, double(shape[axis]), 1.0, int32, s);
  Shape sh(shape.size(), 1);
  sh[axis] = shape[axis];
  return broadcast_to(reshape(r, sh, s), shape, s);
}

array scan_op(ScanOp op, const array& x, int axis, bool reverse, bool inclusive, Stream s) {
  switch (op) {
    case ScanOp::Sum: return cumsum(x, axis, reverse, inclusive, s);
    case ScanOp::Prod: return cumprod(x, axis, reverse, inclusive, s);
    case ScanOp::Min: return cummin(x, axis, reverse, inclusive, s);
    case ScanOp::Max: return cummax(x, axis, reverse, inclusive, s);
    case ScanOp::LogAddExp: return logcumsumexp(x, axis, reverse, inclusive, s);
  }
  throw std::logic_error("scan_op");
}

// For cummax/cummin: the index along `axis` of the element each output takes its value from
// (the running extreme's first occurrence), and where an output has a source at all.
std::pair<array, array> scan_sources(ScanOp op, const array& x, int axis, bool reverse,
                                     bool inclusive, Stream s) {
  int n = x.shape(axis);
  array idx = iota_along(x.shape(), axis, s);
  array y = scan_op(op, x, axis, reverse, true, s);
  array prev = scan_op(op, x, axis, reverse, false, s);
  array first = equal(idx, array(reverse ? n - 1 : 0), s);
  array is_new = logical_and(equal(x, y, s), logical_or(first, not_equal(prev, y, s), s), s);
  array key = where(is_new, idx, array(reverse ? n : -1), s);
  array src = reverse ? cummin(key, axis, true, inclusive, s) : cummax(key, axis, false, inclusive, s);
  array valid = inclusive ? array(true) : logical_not(first, s);
  src = where(valid, src, array(0), s);
  return {src, valid};
}

}  // namespace

// ---- Unary --------------------------------------------------------------------------------

std::vector<array> Unary::vjp(const std::vector<array>& primals,
                              const std::vector<array>& cotangents, const std::vector<int>&,
                              const std::vector<array>& outputs) {
  return {unary_rule(op_, primals[0], outputs[0], cotangents[0], true, stream())};
}

std::vector<array> Unary::jvp(const std::vector<array>& primals,
                              const std::vector<array>& tangents, const std::vector<int>&) {
  array out = rules::unary_node(op_, primals[0], stream());
  return {unary_rule(op_, primals[0], out, tangents[0], false, stream())};
}

// ---- Binary -------------------------------------------------------------------------------

namespace {

// d out / d input[arg] of an elementwise binary op (nullopt: zero).
std::optional<array> binary_partial(BinaryOp op, int arg, const array& a, const array& b,
                                    const array& out, Stream s) {
  Dtype dt = out.dtype();
  switch (op) {
    case BinaryOp::add: return scalar(1.0, dt);
    case BinaryOp::subtract: return scalar(arg == 0 ? 1.0 : -1.0, dt);
    case BinaryOp::multiply: return arg == 0 ? b : a;
    case BinaryOp::divide:
      return arg == 0 ? divide(scalar(1.0, dt), b, s) : negative(divide(out, b, s), s);
    case BinaryOp::maximum:
      return astype(arg == 0 ? greater(a, b, s) : less_equal(a, b, s), dt, s);
    case BinaryOp::minimum:
      return astype(arg == 0 ? less(a, b, s) : greater_equal(a, b, s), dt, s);
    case BinaryOp::power:
      if (arg == 0) return multiply(power(a, subtract(b, scalar(1.0, dt), s), s), b, s);
      // 0 * log 0 -> 0
      return where(astype(out, bool_, s), multiply(log(a, s), out, s), scalar(0.0, dt), s);
    case BinaryOp::remainder:
      return arg == 0 ? scalar(1.0, dt) : negative(floor(divide(a, b, s), s), s);
    case BinaryOp::arctan2: {
      array t = add(square(a, s), square(b, s), s);
      return arg == 0 ? divide(b, t, s) : negative(divide(a, t, s), s);
    }
    case BinaryOp::logaddexp: {
      array sg = sigmoid(subtract(a, b, s), s);
      return arg == 0 ? sg : subtract(scalar(1.0, dt), sg, s);
    }
    default:  // floor_divide on integers, logical, bitwise, shifts
      return std::nullopt;
  }
}

}  // namespace

std::vector<array> Binary::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents,
                               const std::vector<int>& argnums,
                               const std::vector<array>& outputs) {
  std::vector<array> vjps;
  const array& cot = cotangents[0];
  for (int arg : argnums) {
    auto d = binary_partial(op_, arg, primals[0], primals[1], outputs[0], stream());
    if (!d) {
      vjps.push_back(zeros_like(primals[arg], stream()));
      continue;
    }
    array g = multiply(cot, conj_if_complex(*d, stream()), stream());
    if (g.dtype() != primals[arg].dtype()) g = astype(g, primals[arg].dtype(), stream());
    vjps.push_back(g);
  }
  return vjps;
}

std::vector<array> Binary::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents,
                               const std::vector<int>& argnums) {
  array out = rules::binary_node(op_, primals[0], primals[1], stream());
  std::optional<array> acc;
  for (size_t i = 0; i < argnums.size(); ++i) {
    auto d = binary_partial(op_, argnums[i], primals[0], primals[1], out, stream());
    if (!d) continue;
    array t = multiply(tangents[i], *d, stream());
    acc = acc ? add(*acc, t, stream()) : t;
  }
  if (!acc) return {zeros_like(out, stream())};
  if (acc->dtype() != out.dtype()) acc = astype(*acc, out.dtype(), stream());
  return {*acc};
}

// ---- comparisons, divmod, select ----------------------------------------------------------

std::vector<array> Compare::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int i : argnums) out.push_back(zeros_like(primals[i], stream()));
  return out;
}
std::vector<array> Compare::jvp(const std::vector<array>& primals, const std::vector<array>&,
                                const std::vector<int>&) {
  return {zeros(primals[0].shape(), bool_, stream())};
}

std::vector<array> DivMod::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents,
                               const std::vector<int>& argnums,
                               const std::vector<array>& outputs) {
  // The quotient is piecewise constant; the remainder is a - b * q.
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) out.push_back(cotangents[1]);
    else out.push_back(negative(multiply(cotangents[1], outputs[0], stream()), stream()));
  }
  return out;
}
std::vector<array> DivMod::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents,
                               const std::vector<int>& argnums) {
  array q = floor_divide(primals[0], primals[1], stream());
  std::optional<array> r;
  for (size_t i = 0; i < argnums.size(); ++i) {
    array t = argnums[i] == 0 ? tangents[i] : negative(multiply(tangents[i], q, stream()), stream());
    r = r ? add(*r, t, stream()) : t;
  }
  return {zeros_like(q, stream()), *r};
}

std::vector<array> Select::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  const array& c = primals[0];
  const array& cot = cotangents[0];
  array zero = scalar(0.0, cot.dtype());
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) out.push_back(zeros_like(c, stream()));
    else if (arg == 1) out.push_back(where(c, cot, zero, stream()));
    else out.push_back(where(c, zero, cot, stream()));
  }
  return out;
}
std::vector<array> Select::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents,
                               const std::vector<int>& argnums) {
  Dtype dt = primals[1].dtype();
  array tx = scalar(0.0, dt), ty = scalar(0.0, dt);
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 1) tx = tangents[i];
    if (argnums[i] == 2) ty = tangents[i];
  }
  array out = where(primals[0], tx, ty, stream());
  if (out.shape() != primals[0].shape()) out = broadcast_to(out, primals[0].shape(), stream());
  return {astype(out, dt, stream())};
}

// ---- casts, copies, creation, layout ------------------------------------------------------

std::vector<array> AsType::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents, const std::vector<int>&,
                               const std::vector<array>&) {
  return {astype(cotangents[0], primals[0].dtype(), stream())};
}
std::vector<array> AsType::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                               const std::vector<int>&) {
  return {astype(tangents[0], dtype_, stream())};
}

std::vector<array> Copy::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                             const std::vector<int>&, const std::vector<array>&) {
  return {cotangents[0]};
}
std::vector<array> Copy::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  return {tangents[0]};
}

// Full's input is the fill value already broadcast to the output shape.
std::vector<array> Full::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>&) {
  return {astype(cotangents[0], primals[0].dtype(), stream())};
}
std::vector<array> Full::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  return {tangents[0]};
}

// Arange has no inputs: it never lies between a primal and an output.
std::vector<array> Arange::vjp(const std::vector<array>&, const std::vector<array>&,
                               const std::vector<int>&, const std::vector<array>&) {
  return {};
}
std::vector<array> Arange::jvp(const std::vector<array>&, const std::vector<array>&,
                               const std::vector<int>&) {
  return {};
}

std::vector<array> Broadcast::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>&) {
  const Shape& shape = primals[0].shape();
  const array& cot = cotangents[0];
  int diff = cot.ndim() - int(shape.size());
  std::vector<int> axes;
  for (int i = 0; i < cot.ndim(); ++i)
    if (i < diff || shape[i - diff] != cot.shape(i)) axes.push_back(i);
  array g = axes.empty() ? cot : sum(cot, axes, true, stream());
  g = reshape(g, shape, stream());
  if (g.dtype() != primals[0].dtype()) g = astype(g, primals[0].dtype(), stream());
  return {g};
}
std::vector<array> Broadcast::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {broadcast_to(tangents[0], shape_, stream())};
}

std::vector<array> Reshape::vjp(const std::vector<array>& primals,
                                const std::vector<array>& cotangents, const std::vector<int>&,
                                const std::vector<array>&) {
  return {reshape(cotangents[0], primals[0].shape(), stream())};
}
std::vector<array> Reshape::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                const std::vector<int>&) {
  return {reshape(tangents[0], shape_, stream())};
}

std::vector<array> Transpose::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                                  const std::vector<int>&, const std::vector<array>&) {
  std::vector<int> inv(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) inv[axes_[i]] = int(i);
  return {transpose(cotangents[0], inv, stream())};
}
std::vector<array> Transpose::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                  const std::vector<int>&) {
  return {transpose(tangents[0], axes_, stream())};
}

// ---- matmul -------------------------------------------------------------------------------

// The Matmul node's operands are (batch..., M, K) and (batch..., K, N) with one batch shape.
std::vector<array> Matmul::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  const array& cot = cotangents[0];
  std::vector<array> out;
  for (int arg : argnums) {
    // Conjugate transposes for complex operands (MLX's convention).
    const array& other = primals[1 - arg];
    array ht = swapaxes(conj_if_complex(other, stream()), -1, -2, stream());
    if (arg == 0) out.push_back(matmul(cot, ht, stream()));
    else out.push_back(matmul(ht, cot, stream()));
  }
  return out;
}
std::vector<array> Matmul::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents,
                               const std::vector<int>& argnums) {
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    array t = argnums[i] == 0 ? matmul(tangents[i], primals[1], stream())
                              : matmul(primals[0], tangents[i], stream());
    out = out ? add(*out, t, stream()) : t;
  }
  return {*out};
}

// ---- reductions ---------------------------------------------------------------------------

std::vector<array> Reduce::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents, const std::vector<int>&,
                               const std::vector<array>& outputs) {
  const array& in = primals[0];
  const array& cot = cotangents[0];  // the reduced dims are kept as size 1
  Stream s = stream();
  array g = zeros_like(in, s);
  switch (op_) {
    case ReduceOp::Sum: g = broadcast_to(cot, in.shape(), s); break;
    case ReduceOp::Prod: g = prod_grad(in, cot, axes_, s); break;
    case ReduceOp::Min:
    case ReduceOp::Max: {
      // Ties share the gradient equally, as MLX does.
      array mask = equal(in, outputs[0], s);
      array count = sum(mask, axes_, true, s);
      g = multiply(divide(cot, count, s), mask, s);
      break;
    }
    case ReduceOp::And:
    case ReduceOp::Or: break;
  }
  if (g.dtype() != in.dtype()) g = astype(g, in.dtype(), s);
  return {g};
}

std::vector<array> Reduce::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents, const std::vector<int>&) {
  const array& in = primals[0];
  const array& t = tangents[0];
  Stream s = stream();
  Shape oshape = in.shape();
  for (int a : axes_) oshape[a] = 1;
  switch (op_) {
    case ReduceOp::Sum: return {sum(t, axes_, true, s)};
    case ReduceOp::Prod: {
      array g = prod_grad(in, ones(oshape, in.dtype(), s), axes_, s, false);
      return {sum(multiply(t, g, s), axes_, true, s)};
    }
    case ReduceOp::Min:
    case ReduceOp::Max: {
      array out = op_ == ReduceOp::Max ? max(in, axes_, true, s) : min(in, axes_, true, s);
      array mask = equal(in, out, s);
      array count = sum(mask, axes_, true, s);
      return {astype(divide(sum(multiply(t, mask, s), axes_, true, s), count, s), in.dtype(), s)};
    }
    case ReduceOp::And:
    case ReduceOp::Or: break;
  }
  return {zeros(oshape, bool_, s)};
}

std::vector<array> ArgReduce::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                  const std::vector<int>&, const std::vector<array>&) {
  return {zeros_like(primals[0], stream())};
}
std::vector<array> ArgReduce::jvp(const std::vector<array>& primals, const std::vector<array>&,
                                  const std::vector<int>&) {
  Shape shape = primals[0].shape();
  shape[axis_] = 1;
  return {zeros(shape, uint32, stream())};
}

std::vector<array> Scan::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>& outputs) {
  const array& x = primals[0];
  const array& cot = cotangents[0];
  Stream s = stream();
  switch (op_) {
    case ScanOp::Sum: return {astype(cumsum(cot, axis_, !reverse_, inclusive_, s), x.dtype(), s)};
    case ScanOp::Prod: {
      // MLX's rule: exact where the prefix holds one zero, zero after a second one.
      array excl = cumprod(x, axis_, reverse_, !inclusive_, s);
      array incl = outputs[0];
      if (!inclusive_) std::swap(excl, incl);
      array z = scalar(0.0, x.dtype());
      array eq_zero = equal(incl, z, s);
      array first_zero = logical_and(eq_zero, not_equal(excl, z, s), s);
      // Complex: sum_i cot_i conj(dy_i/dx_j), so the products and x enter conjugated.
      auto partial = [&](const array& arr) {
        return cumsum(multiply(conj_if_complex(arr, s), cot, s), axis_, !reverse_, inclusive_, s);
      };
      array with_one =
          cumprod(where(first_zero, scalar(1.0, x.dtype()), x, s), axis_, reverse_, inclusive_, s);
      array grad_one = partial(with_one);
      array safe_x = where(equal(x, z, s), scalar(1.0, x.dtype()), x, s);
      array grad = divide(partial(outputs[0]), conj_if_complex(safe_x, s), s);
      return {astype(where(first_zero, grad_one, where(eq_zero, z, grad, s), s), x.dtype(), s)};
    }
    case ScanOp::Min:
    case ScanOp::Max: {
      auto [src, valid] = scan_sources(op_, x, axis_, reverse_, inclusive_, s);
      array c = inclusive_ ? cot : where(valid, cot, scalar(0.0, cot.dtype()), s);
      return {astype(scatter_add_axis(zeros_like(x, s), src, c, axis_, s), x.dtype(), s)};
    }
    case ScanOp::LogAddExp: {
      // grad_j = exp(x_j) * sum_{i after j} cot_i exp(-y_i), summed in log space by sign.
      const array& y = outputs[0];
      array ninf = scalar(-INFINITY, x.dtype());
      array dead = isneginf(y, s);
      auto part = [&](const array& c) {
        array term = where(dead, ninf, subtract(log(c, s), y, s), s);
        array l = logcumsumexp(term, axis_, !reverse_, inclusive_, s);
        return exp(add(x, l, s), s);
      };
      array zero = scalar(0.0, x.dtype());
      array pos = maximum(cot, zero, s), neg = maximum(negative(cot, s), zero, s);
      return {subtract(part(pos), part(neg), s)};
    }
  }
  throw std::logic_error("Scan::vjp");
}

std::vector<array> Scan::jvp(const std::vector<array>& primals,
                             const std::vector<array>& tangents, const std::vector<int>&) {
  const array& x = primals[0];
  const array& t = tangents[0];
  Stream s = stream();
  switch (op_) {
    case ScanOp::Sum: return {cumsum(t, axis_, reverse_, inclusive_, s)};
    case ScanOp::Prod: {
      // Without zeros in the window dy = y * cumsum(t / x); with exactly one, only the
      // zero's own term survives: t_zero * (product of the others).
      array z = scalar(0.0, x.dtype());
      array y = cumprod(x, axis_, reverse_, inclusive_, s);
      array incl = cumprod(x, axis_, reverse_, true, s);
      array excl = cumprod(x, axis_, reverse_, false, s);
      array first_zero = logical_and(equal(incl, z, s), not_equal(excl, z, s), s);
      array safe_x = where(equal(x, z, s), scalar(1.0, x.dtype()), x, s);
      array no_zero = multiply(y, cumsum(divide(t, safe_x, s), axis_, reverse_, inclusive_, s), s);
      array others =
          cumprod(where(first_zero, scalar(1.0, x.dtype()), x, s), axis_, reverse_, inclusive_, s);
      array tz = cumsum(where(first_zero, t, z, s), axis_, reverse_, inclusive_, s);
      return {astype(where(not_equal(y, z, s), no_zero, multiply(others, tz, s), s), x.dtype(), s)};
    }
    case ScanOp::Min:
    case ScanOp::Max: {
      auto [src, valid] = scan_sources(op_, x, axis_, reverse_, inclusive_, s);
      array out = take_along_axis(t, src, axis_, s);
      if (!inclusive_) out = where(valid, out, scalar(0.0, t.dtype()), s);
      return {out};
    }
    case ScanOp::LogAddExp: {
      array y = logcumsumexp(x, axis_, reverse_, inclusive_, s);
      array dead = isneginf(y, s);
      auto part = [&](const array& tt) {
        array l = logcumsumexp(add(log(tt, s), x, s), axis_, reverse_, inclusive_, s);
        return where(dead, scalar(0.0, x.dtype()), exp(subtract(l, y, s), s), s);
      };
      array zero = scalar(0.0, x.dtype());
      array pos = maximum(t, zero, s), neg = maximum(negative(t, s), zero, s);
      return {subtract(part(pos), part(neg), s)};
    }
  }
  throw std::logic_error("Scan::jvp");
}

// ---- last-axis reductions -----------------------------------------------------------------

std::vector<array> Softmax::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                                const std::vector<int>&, const std::vector<array>& outputs) {
  const array& sm = outputs[0];
  const array& cot = cotangents[0];
  Stream s = stream();
  array dot = sum(multiply(sm, cot, s), std::vector<int>{-1}, true, s);
  return {astype(multiply(sm, subtract(cot, dot, s), s), sm.dtype(), s)};
}
std::vector<array> Softmax::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents, const std::vector<int>&) {
  Stream s = stream();
  array sm = softmax(primals[0], std::vector<int>{-1}, precise_, s);
  const array& t = tangents[0];
  array dot = sum(multiply(sm, t, s), std::vector<int>{-1}, true, s);
  return {astype(multiply(sm, subtract(t, dot, s), s), sm.dtype(), s)};
}

std::vector<array> LogSumExp::vjp(const std::vector<array>& primals,
                                  const std::vector<array>& cotangents, const std::vector<int>&,
                                  const std::vector<array>& outputs) {
  Stream s = stream();
  array p = exp(subtract(primals[0], outputs[0], s), s);
  return {multiply(cotangents[0], p, s)};
}
std::vector<array> LogSumExp::jvp(const std::vector<array>& primals,
                                  const std::vector<array>& tangents, const std::vector<int>&) {
  Stream s = stream();
  array p = softmax(primals[0], std::vector<int>{-1}, true, s);
  return {sum(multiply(tangents[0], p, s), std::vector<int>{-1}, true, s)};
}

namespace {

// d var(x, last axis) / dx (or of std when take_sqrt; `out` is the reduction's output).
array variance_grad(const array& x, const array& out, int ddof, bool take_sqrt, Stream s) {
  int n = x.shape(-1);
  double d = std::max(n - ddof, 0);
  array centered = subtract(x, mean(x, std::vector<int>{-1}, true, s), s);
  array g = multiply(centered, scalar(2.0 / d, x.dtype()), s);
  if (take_sqrt) g = divide(g, multiply(scalar(2.0, x.dtype()), out, s), s);
  return g;
}

// The indices (along the last axis) of the middle element(s) and their weights.
std::vector<std::pair<array, double>> median_sources(const array& x, Stream s) {
  int n = x.shape(-1);
  array order = argsort(x, -1, s);
  auto at = [&](int k) {
    Shape start(x.ndim(), 0), stop = x.shape();
    start.back() = k;
    stop.back() = k + 1;
    return slice(order, start, stop, s);
  };
  if (n % 2) return {{at((n - 1) / 2), 1.0}};
  return {{at(n / 2 - 1), 0.5}, {at(n / 2), 0.5}};
}

}  // namespace

std::vector<array> VarianceLast::vjp(const std::vector<array>& primals,
                                     const std::vector<array>& cotangents,
                                     const std::vector<int>&, const std::vector<array>& outputs) {
  array g = variance_grad(primals[0], outputs[0], ddof_, sqrt_, stream());
  return {multiply(cotangents[0], g, stream())};
}
std::vector<array> VarianceLast::jvp(const std::vector<array>& primals,
                                     const std::vector<array>& tangents, const std::vector<int>&) {
  Stream s = stream();
  const array& x = primals[0];
  array out = sqrt_ ? std(x, std::vector<int>{-1}, true, ddof_, s) : array(0.0f);
  array g = variance_grad(x, out, ddof_, sqrt_, s);
  return {sum(multiply(tangents[0], g, s), std::vector<int>{-1}, true, s)};
}

std::vector<array> MedianLast::vjp(const std::vector<array>& primals,
                                   const std::vector<array>& cotangents, const std::vector<int>&,
                                   const std::vector<array>&) {
  Stream s = stream();
  const array& x = primals[0];
  array g = zeros_like(x, s);
  for (auto& [idx, w] : median_sources(x, s))
    g = scatter_add_axis(g, idx, multiply(cotangents[0], scalar(w, x.dtype()), s), -1, s);
  return {g};
}
std::vector<array> MedianLast::jvp(const std::vector<array>& primals,
                                   const std::vector<array>& tangents, const std::vector<int>&) {
  Stream s = stream();
  std::optional<array> out;
  for (auto& [idx, w] : median_sources(primals[0], s)) {
    array t = multiply(take_along_axis(tangents[0], idx, -1, s), scalar(w, tangents[0].dtype()), s);
    out = out ? add(*out, t, s) : t;
  }
  return {*out};
}

std::vector<array> AllEqual::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                 const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int i : argnums) out.push_back(zeros_like(primals[i], stream()));
  return out;
}
std::vector<array> AllEqual::jvp(const std::vector<array>&, const std::vector<array>&,
                                 const std::vector<int>&) {
  return {zeros({}, bool_, stream())};
}

}  // namespace mlx::core
