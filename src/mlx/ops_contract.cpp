// Contractions and products following MLX's mlx/ops.cpp: tensordot, inner, outer, vecdot, kron,
// addmm, block_masked_mm, gather_mm, segmented_mm compose matmul / reshape / transpose / gather;
// hadamard_transform is one primitive (Hadamard, primitives_contract.h).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>

#include "ops.h"
#include "ops_common.h"
#include "ops_contract.h"
#include "ops_index.h"
#include "ops_shape.h"
#include "primitives_contract.h"

namespace mlx::core {

namespace {

using detail::fail;
using detail::shape_str;

int norm_axis_of(const char* op, int axis, int ndim) {
  int a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim)
    throw std::out_of_range(std::string("[") + op + "] Invalid axis " + std::to_string(axis) +
                            " for array with " + std::to_string(ndim) + " dimensions.");
  return a;
}

void require_inexact(const char* op, const array& a, const array& b) {
  Dtype dt = promote_types(a.dtype(), b.dtype());
  if (!is_inexact(dt))
    fail(op, std::string("Only inexact types are supported but ") + dtype_name(a.dtype()) +
                 " and " + dtype_name(b.dtype()) + " were provided which results in " +
                 dtype_name(dt) + ", which is not inexact.");
}

// The real floating result type of the operands, or the "[op] Only real floating ..." error.
Dtype real_floating(const char* op, const std::vector<array>& xs) {
  Dtype dt = xs[0].dtype();
  for (size_t i = 1; i < xs.size(); ++i) dt = promote_types(dt, xs[i].dtype());
  if (!is_floating(dt)) {
    std::string names;
    for (size_t i = 0; i < xs.size(); ++i)
      names += (i == 0 ? "" : (i + 1 == xs.size() ? " and " : ", ")) +
               std::string(dtype_name(xs[i].dtype()));
    fail(op, "Only real floating point types are supported but " + names +
                 " were provided which results in " + dtype_name(dt) +
                 ", which is not a real floating point type.");
  }
  return dt;
}

array tensordot_impl(const char* op, const array& a, const array& b, std::vector<int> axes_a,
                     std::vector<int> axes_b, Stream s) {
  if (axes_a.size() != axes_b.size()) fail(op, "axes must have the same size.");
  std::vector<bool> ca(a.ndim(), false), cb(b.ndim(), false);
  int64_t csize = 1;
  for (size_t i = 0; i < axes_a.size(); ++i) {
    axes_a[i] = norm_axis_of(op, axes_a[i], a.ndim());
    axes_b[i] = norm_axis_of(op, axes_b[i], b.ndim());
    if (ca[axes_a[i]] || cb[axes_b[i]]) fail(op, "Repeated axes are not allowed.");
    ca[axes_a[i]] = cb[axes_b[i]] = true;
    if (a.shape(axes_a[i]) != b.shape(axes_b[i]))
      fail(op, "a and b must have the same shape on the contracted axes.");
    csize *= a.shape(axes_a[i]);
  }
  require_inexact(op, a, b);
  std::vector<int> ta, tb;
  Shape rshape;
  int64_t size1 = 1, size2 = 1;
  for (int i = 0; i < a.ndim(); ++i)
    if (!ca[i]) {
      ta.push_back(i);
      size1 *= a.shape(i);
      rshape.push_back(a.shape(i));
    }
  ta.insert(ta.end(), axes_a.begin(), axes_a.end());
  tb = axes_b;
  for (int i = 0; i < b.ndim(); ++i)
    if (!cb[i]) {
      tb.push_back(i);
      size2 *= b.shape(i);
      rshape.push_back(b.shape(i));
    }
  array x = reshape(transpose(a, ta, s), {int32_t(size1), int32_t(csize)}, s);
  array y = reshape(transpose(b, tb, s), {int32_t(csize), int32_t(size2)}, s);
  return reshape(matmul(x, y, s), std::move(rshape), s);
}

// Batch shape of a (..., M, K)-style operand.
Shape batch_of(const array& a) { return Shape(a.shape().begin(), a.shape().end() - 2); }

Shape bshapes(const char* op, const Shape& x, const Shape& y) {
  try {
    return broadcast_shapes(x, y);
  } catch (const std::invalid_argument&) {
    fail(op, "Shapes " + shape_str(x) + " and " + shape_str(y) + " cannot be broadcast.");
  }
}

array bcast_to(const char* op, const array& a, const Shape& shape, Stream s,
               const char* what) {
  Shape b;
  try {
    b = broadcast_shapes(a.shape(), shape);
  } catch (const std::invalid_argument&) {
    b.clear();
  }
  if (b != shape)
    fail(op, std::string(what) + " with shape " + shape_str(a.shape()) +
                 " cannot be broadcast to " + shape_str(shape) + ".");
  return broadcast_to(a, shape, s);
}

// A (..., tr, tc) block mask expanded to elements: (..., rows, cols).
array expand_mask(const array& m, int bs, int rows, int cols, Stream s) {
  int nd = m.ndim();
  array e = repeat(repeat(m, bs, nd - 2, s), bs, nd - 1, s);
  Shape start(nd, 0), stop = e.shape();
  stop[nd - 2] = rows;
  stop[nd - 1] = cols;
  return slice(e, start, stop, s);
}

// Applies a bool (select) or numeric (scale) mask.
array apply_mask(const array& x, const array& m, Stream s) {
  if (m.dtype() == bool_) return where(m, x, array(0, x.dtype()), s);
  return multiply(x, m, s);
}

array default_indices(const array& x, Stream s) {
  Shape shape = batch_of(x);
  int64_t total = 1;
  for (auto d : shape) total *= d;
  return reshape(arange(0, double(total), 1, uint32, s), shape, s);
}

bool is_pow2(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

array tensordot(const array& a, const array& b, int axes, StreamOrDevice sd) {
  if (axes < 0) fail("tensordot", "axis must be greater or equal to 0.");
  if (axes > std::min(a.ndim(), b.ndim()))
    fail("tensordot", "axis must be less than the number of dimensions of a and b.");
  std::vector<int> aa, bb;
  for (int i = 0; i < axes; ++i) {
    bb.push_back(i);
    aa.push_back(a.ndim() - axes + i);
  }
  return tensordot_impl("tensordot", a, b, aa, bb, to_stream(sd));
}

array tensordot(const array& a, const array& b, const std::vector<int>& axes_a,
                const std::vector<int>& axes_b, StreamOrDevice sd) {
  return tensordot_impl("tensordot", a, b, axes_a, axes_b, to_stream(sd));
}

array inner(const array& a, const array& b, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (a.ndim() == 0 || b.ndim() == 0) return multiply(a, b, s);
  if (a.shape(-1) != b.shape(-1)) fail("inner", "a and b must have the same last dimension.");
  return tensordot_impl("inner", a, b, {-1}, {-1}, s);
}

array outer(const array& a, const array& b, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  return multiply(reshape(a, {int32_t(a.size()), 1}, s), flatten(b, 0, -1, s), s);
}

array vecdot(const array& a, const array& b, int axis, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  Shape shape = bshapes("vecdot", a.shape(), b.shape());
  int ax = norm_axis_of("vecdot", axis, int(shape.size()));
  if (a.ndim() + ax >= int(shape.size()) && b.ndim() + ax >= int(shape.size())) {
    int ia = ax - (int(shape.size()) - a.ndim()), ib = ax - (int(shape.size()) - b.ndim());
    if (a.shape(ia) != b.shape(ib))
      fail("vecdot", "Inputs must have the same size along the contracted axis but got " +
                         shape_str(a.shape()) + " and " + shape_str(b.shape()) + ".");
  }
  return sum(multiply(conjugate(a, s), b, s), std::vector<int>{ax}, false, s);
}

array kron(const array& a, const array& b, StreamOrDevice sd) {
  if (a.size() == 0 || b.size() == 0) fail("kron", "Input arrays cannot be empty.");
  Stream s = to_stream(sd);
  int nd = std::max(a.ndim(), b.ndim());
  Shape sa(2 * nd, 1), sb(2 * nd, 1), so(nd, 1);
  for (int i = nd - 1, j = a.ndim() - 1; j >= 0; --i, --j) sa[2 * i] = a.shape(j);
  for (int i = nd - 1, j = b.ndim() - 1; j >= 0; --i, --j) sb[2 * i + 1] = b.shape(j);
  for (int i = 0; i < nd; ++i) so[i] = sa[2 * i] * sb[2 * i + 1];
  return reshape(multiply(reshape(a, sa, s), reshape(b, sb, s), s), so, s);
}

array addmm(array c, array a, array b, float alpha, float beta, StreamOrDevice sd) {
  const char* op = "addmm";
  Stream s = to_stream(sd);
  int and_ = a.ndim(), bnd = b.ndim();
  if (and_ == 0 || bnd == 0)
    fail(op, "Got 0 dimension input. Inputs must have at least one dimension.");
  Dtype dt = promote_types(promote_types(a.dtype(), b.dtype()), c.dtype());
  if (dt == complex64)
    return add(multiply(matmul(a, b, s), array(alpha), s), multiply(array(beta), c, s), s);
  array a2 = and_ == 1 ? reshape(a, {1, a.shape(0)}, s) : a;
  array b2 = bnd == 1 ? reshape(b, {b.shape(0), 1}, s) : b;
  if (a2.shape(-1) != b2.shape(-2))
    fail(op, "Last dimension of first input with shape " + shape_str(a2.shape()) +
                 " must match second to last dimension of second input with shape " +
                 shape_str(b2.shape()) + ".");
  dt = real_floating(op, {c, a, b});
  Shape batch = bshapes(op, batch_of(a2), batch_of(b2));
  Shape out_shape = batch;
  if (and_ != 1) out_shape.push_back(a2.shape(-2));
  if (bnd != 1) out_shape.push_back(b2.shape(-1));
  Shape cb;
  try {
    cb = broadcast_shapes(c.shape(), out_shape);
  } catch (const std::invalid_argument&) {
    cb.clear();
  }
  if (cb != out_shape) fail(op, "input c must broadcast to the output shape");
  array ab = matmul(astype(a, dt, s), astype(b, dt, s), s);
  if (alpha != 1.f) ab = multiply(ab, array(alpha, dt), s);
  // beta == 0 leaves c out entirely, as BLAS does (its NaN/inf do not reach the result).
  if (beta == 0.f) return ab;
  array cc = astype(c, dt, s);
  if (beta != 1.f) cc = multiply(cc, array(beta, dt), s);
  return add(ab, cc, s);
}

array block_masked_mm(array a, array b, int block_size, std::optional<array> mask_out,
                      std::optional<array> mask_lhs, std::optional<array> mask_rhs,
                      StreamOrDevice sd) {
  const char* op = "block_masked_mm";
  Stream s = to_stream(sd);
  if (!mask_out && !mask_lhs && !mask_rhs) return matmul(a, b, s);
  if (block_size != 32 && block_size != 64)
    fail(op, "Only block_sizes 32, 64 are supported.Got block size " +
                 std::to_string(block_size) + ".");
  int and_ = a.ndim(), bnd = b.ndim();
  if (and_ == 0 || bnd == 0)
    fail(op, "Got 0 dimension input. Inputs must have at least one dimension.");
  if (and_ == 1) a = reshape(a, {1, a.shape(0)}, s);
  if (bnd == 1) b = reshape(b, {b.shape(0), 1}, s);
  if (a.shape(-1) != b.shape(-2))
    fail(op, "Last dimension of first input with shape " + shape_str(a.shape()) +
                 " must match second to last dimension of second input with shape " +
                 shape_str(b.shape()) + ".");
  Dtype dt = real_floating(op, {a, b});
  Shape batch = bshapes(op, batch_of(a), batch_of(b));
  int M = a.shape(-2), N = b.shape(-1), K = a.shape(-1);
  int tm = (M + block_size - 1) / block_size, tn = (N + block_size - 1) / block_size,
      tk = (K + block_size - 1) / block_size;
  auto with = [&](int r, int c) {
    Shape sh = batch;
    sh.push_back(r);
    sh.push_back(c);
    return sh;
  };
  a = broadcast_to(astype(a, dt, s), with(M, K), s);
  b = broadcast_to(astype(b, dt, s), with(K, N), s);
  if (mask_lhs || mask_rhs) {
    array ml = mask_lhs.value_or(array(true)), mr = mask_rhs.value_or(array(true));
    Dtype mdt = (ml.dtype() == bool_ && mr.dtype() == bool_) ? bool_ : dt;
    if (and_ == 1 && mask_lhs) ml = expand_dims(ml, {-2}, s);
    if (bnd == 1 && mask_rhs) mr = expand_dims(mr, {-1}, s);
    ml = bcast_to(op, astype(ml, mdt, s), with(tm, tk), s, "mask_lhs");
    mr = bcast_to(op, astype(mr, mdt, s), with(tk, tn), s, "mask_rhs");
    a = apply_mask(a, expand_mask(ml, block_size, M, K, s), s);
    b = apply_mask(b, expand_mask(mr, block_size, K, N, s), s);
  }
  array out = matmul(a, b, s);
  if (mask_out) {
    array mo = *mask_out;
    std::vector<int> ex;
    if (and_ == 1) ex.push_back(-2);
    if (bnd == 1) ex.push_back(-1);
    if (!ex.empty()) mo = expand_dims(mo, ex, s);
    mo = bcast_to(op, astype(mo, mo.dtype() == bool_ ? bool_ : dt, s), with(tm, tn), s,
                  "mask_out");
    out = apply_mask(out, expand_mask(mo, block_size, M, N, s), s);
  }
  std::vector<int> sq;
  if (and_ == 1) sq.push_back(out.ndim() - 2);
  if (bnd == 1) sq.push_back(out.ndim() - 1);
  return sq.empty() ? out : squeeze(out, sq, s);
}

array gather_mm(array a, array b, std::optional<array> lhs_indices,
                std::optional<array> rhs_indices, bool /* sorted_indices: a hint only */,
                StreamOrDevice sd) {
  const char* op = "gather_mm";
  Stream s = to_stream(sd);
  if (!lhs_indices && !rhs_indices) return matmul(a, b, s);
  int and_ = a.ndim(), bnd = b.ndim();
  if (and_ == 0 || bnd == 0)
    fail(op, "Got 0 dimension input. Inputs must have at least one dimension.");
  if (and_ == 1) a = reshape(a, {1, a.shape(0)}, s);
  if (bnd == 1) b = reshape(b, {b.shape(0), 1}, s);
  if (a.shape(-1) != b.shape(-2))
    fail(op, "Last dimension of first input with shape " + shape_str(a.shape()) +
                 " must match second to last dimension of second input with shape " +
                 shape_str(b.shape()) + ".");
  Dtype dt = real_floating(op, {a, b});
  array li = lhs_indices ? *lhs_indices : default_indices(a, s);
  array ri = rhs_indices ? *rhs_indices : default_indices(b, s);
  if (!is_integral(li.dtype()))
    fail(op, "Got lhs_indices with invalid dtype. Indices must be integral.");
  if (!is_integral(ri.dtype()))
    fail(op, "Got rhs_indices with invalid dtype. Indices must be integral.");
  Shape ishape = bshapes(op, li.shape(), ri.shape());
  int M = a.shape(-2), K = a.shape(-1), N = b.shape(-1);
  // The matrices of each operand, flattened over its batch dims, gathered per index.
  array a3 = reshape(astype(a, dt, s), {-1, M, K}, s);
  array b3 = reshape(astype(b, dt, s), {-1, K, N}, s);
  if ((a3.shape(0) == 0 && li.size() != 0) || (b3.shape(0) == 0 && ri.size() != 0))
    fail(op, "Cannot gather from an operand without matrices.");
  array li2 = broadcast_to(astype(li, uint32, s), ishape, s);
  array ri2 = broadcast_to(astype(ri, uint32, s), ishape, s);
  array ga = gather(a3, {li2}, {0}, {1, M, K}, s, op);
  array gb = gather(b3, {ri2}, {0}, {1, K, N}, s, op);
  int nd = int(ishape.size());
  array out = matmul(squeeze(ga, {nd}, s), squeeze(gb, {nd}, s), s);
  std::vector<int> sq;
  if (and_ == 1) sq.push_back(out.ndim() - 2);
  if (bnd == 1) sq.push_back(out.ndim() - 1);
  return sq.empty() ? out : squeeze(out, sq, s);
}

array segmented_mm(array a, array b, array segments, StreamOrDevice sd) {
  const char* op = "segmented_mm";
  Stream s = to_stream(sd);
  if (a.ndim() != 2 || b.ndim() != 2) fail(op, "Batched matmul not supported");
  if (segments.ndim() < 1 || segments.shape(-1) != 2)
    fail(op, "The segments should have shape (..., 2) but " + shape_str(segments.shape()) +
                 " was provided.");
  Dtype dt = real_floating(op, {a, b});
  if (!is_integral(segments.dtype()))
    fail(op, "Got segments with invalid dtype. Segments must be integral.");
  if (a.shape(1) != b.shape(0))
    fail(op, "Last dimension of first input with shape " + shape_str(a.shape()) +
                 " must match first dimension of second input with shape " +
                 shape_str(b.shape()) + ".");
  int K = a.shape(1);
  // A 0/1 mask over K per segment: out[seg] = (a * mask[seg]) @ b.
  array seg = astype(segments, int64, s);
  int nd = seg.ndim();
  array start = slice(seg, Shape(nd, 0), [&] {
    Shape st = seg.shape();
    st[nd - 1] = 1;
    return st;
  }(), s);
  array stop = slice(seg, [&] {
    Shape st(nd, 0);
    st[nd - 1] = 1;
    return st;
  }(), seg.shape(), s);
  array k = arange(0, K, 1, int64, s);
  array mask = logical_and(greater_equal(k, start, s), less(k, stop, s), s);  // (..., K)
  array am = where(expand_dims(mask, {-2}, s), astype(a, dt, s), array(0, dt), s);
  return matmul(am, astype(b, dt, s), s);
}

array hadamard_transform(const array& a, std::optional<float> scale_, StreamOrDevice sd) {
  const char* op = "hadamard_transform";
  if (a.size() == 0) fail(op, "Does not support empty arrays.");
  Stream s = to_stream(sd);
  int n = a.ndim() > 0 ? a.shape(-1) : 1;
  float scale = scale_ ? *scale_ : 1.0f / std::sqrt(float(n));
  Dtype dt = is_floating(a.dtype()) ? a.dtype() : float32;
  if (n == 1) return scale == 1.f ? a : multiply(a, array(scale, dt), s);
  int m = hadamard_m(n);
  if (m == 0)
    fail(op, "Only supports n = m*2^k where m in (1, 12, 20, 28) and k <= 26 but got n = " +
                 std::to_string(n) + ".");
  return array(a.shape(), dt, std::make_shared<Hadamard>(s, scale), {astype(a, dt, s)});
}

int hadamard_m(int n) {
  if (is_pow2(n)) return n <= (1 << 26) ? 1 : 0;
  for (int m : {12, 20, 28})
    if (n % m == 0 && is_pow2(n / m) && n / m <= (1 << 26)) return m;
  return 0;
}

}  // namespace mlx::core

namespace mlx::core {

// H_n = H_m (x) H_2^k: the jvp applies it again; the vjp needs H_m^T (x) H_2^k, and H_m is
// symmetric only for m = 1 and 12 (MLX's vjp applies H itself, wrong for m = 20 and 28).
std::vector<array> Hadamard::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                                 const std::vector<int>&, const std::vector<array>&) {
  const array& c = cotangents[0];
  Stream s = stream();
  int n = c.shape(-1), m = hadamard_m(n);
  if (m == 1 || m == 12) return {hadamard_transform(c, scale_, s)};
  // (..., m, 2^k): H_2^k along the last axis, then H_m^T (the transform of the identity's
  // rows) along the m axis.
  Shape sh = c.shape();
  sh.back() = m;
  sh.push_back(n / m);
  array x = reshape(c, sh, s);
  if (n / m > 1) x = hadamard_transform(x, 1.0f, s);
  array ht = hadamard_transform(eye(m, m, 0, c.dtype(), s), 1.0f, s);
  x = matmul(multiply(ht, array(scale_, c.dtype()), s), x, s);
  return {reshape(x, c.shape(), s)};
}

std::vector<array> Hadamard::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                 const std::vector<int>&) {
  return {hadamard_transform(tangents[0], scale_, stream())};
}

std::pair<std::vector<array>, std::vector<int>> Hadamard::vmap(const std::vector<array>& inputs,
                                                               const std::vector<int>& axes) {
  array x = inputs[0];
  int ax = axes[0];
  // The transformed axis must stay last: a batch axis there moves to the front.
  if (ax >= 0 && ax == x.ndim() - 1) {
    x = moveaxis(x, ax, 0, stream());
    ax = 0;
  }
  return {{hadamard_transform(x, scale_, stream())}, {ax}};
}

std::vector<Shape> Hadamard::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

}  // namespace mlx::core
