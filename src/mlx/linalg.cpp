// mx.linalg: argument checks and graph nodes, following MLX's mlx/linalg.cpp (the same
// compositions for norm, pinv, cross, lu and the small determinants, so results round as
// MLX's do). Errors carry the "[linalg.<name>]" prefix of the JS function.
#include "linalg.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>

#include "ops_common.h"
#include "primitives_linalg.h"

namespace mlx::core::linalg {

namespace {

using detail::fail;
using detail::shape_str;

// MLX runs these on the CPU only.
Stream cpu_stream(StreamOrDevice sd, const char* op) {
  Stream s = to_stream(sd);
  if (s.device.type == Device::gpu)
    fail(op, "This op is not yet supported on the GPU. Explicitly pass a CPU stream to run it.");
  return s;
}

void check_float(Dtype t, const char* op) {
  if (t != float32 && t != float64)
    fail(op, std::string("Arrays must have type float32 or float64. Received array with type ") +
                 dtype_name(t) + ".");
}

void check_float_or_complex(Dtype t, const char* op) {
  if (t != float32 && t != float64 && t != complex64)
    fail(op, std::string("Arrays must have type float32, float64 or complex64. Received array with "
                         "type ") +
                 dtype_name(t) + ".");
}

void check_matrix(const array& a, const char* op, const char* what = "Arrays") {
  if (a.ndim() < 2)
    fail(op, std::string(what) + " must have >= 2 dimensions. Received array with " +
                 std::to_string(a.ndim()) + " dimensions.");
}

void check_square(const array& a, const char* op, const char* msg) {
  if (a.shape(-1) != a.shape(-2)) fail(op, msg);
}

Shape batch_of(const array& a) { return Shape(a.shape().begin(), a.shape().end() - 2); }

Shape with_tail(Shape s, std::initializer_list<int32_t> tail) {
  s.insert(s.end(), tail);
  return s;
}

// ---- norms ----------------------------------------------------------------------------------

std::string fmt_double(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// Normalised axes; out of range is std::out_of_range, a repeated axis std::invalid_argument.
std::vector<int> norm_axes(const std::vector<int>& axes, int ndim) {
  std::vector<int> out;
  for (int ax : axes) {
    int a = ax < 0 ? ax + ndim : ax;
    if (a < 0 || a >= ndim)
      throw std::out_of_range("[linalg.norm] Invalid axis " + std::to_string(ax) +
                              " for array with " + std::to_string(ndim) + " dimensions.");
    out.push_back(a);
  }
  if (std::set<int>(out.begin(), out.end()).size() != out.size())
    fail("linalg.norm", "Duplicate axes given.");
  return out;
}

array l2_norm(const array& a, const std::vector<int>& axes, bool keepdims, Stream s) {
  if (is_complex(a.dtype())) {
    array m = abs(a, s);
    return sqrt(sum(multiply(m, m, s), axes, keepdims, s), s);
  }
  return sqrt(sum(square(a, s), axes, keepdims, s), s);
}

array vector_norm(const array& a, double ord, const std::vector<int>& axes, bool keepdims,
                  Stream s) {
  Dtype dt = at_least_float(a.dtype());
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (ord == 0.0) return astype(sum(not_equal(a, array(0), s), axes, keepdims, s), dt, s);
  if (ord == 1.0) return astype(sum(abs(a, s), axes, keepdims, s), dt, s);
  if (ord == 2.0) return l2_norm(a, axes, keepdims, s);
  if (ord == inf) return astype(max(abs(a, s), axes, keepdims, s), dt, s);
  if (ord == -inf) return astype(min(abs(a, s), axes, keepdims, s), dt, s);
  return power(sum(power(abs(a, s), array(ord, dt), s), axes, keepdims, s), array(1.0 / ord, dt),
               s);
}

std::vector<array> svd_impl(const array& a, bool compute_uv, StreamOrDevice sd, const char* op);

// The singular values of the matrices in axes (r, c), and the result's shape fix-up.
array singular_values(const array& a, int r, int c, const char* op, Stream s) {
  array m =
      r > c ? moveaxis(moveaxis(a, r, -1, s), c, -1, s) : moveaxis(moveaxis(a, c, -1, s), r, -2, s);
  return svd_impl(m, false, s, op)[0];
}
array keep_matrix_dims(array x, int r, int c, bool keepdims, Stream s) {
  if (!keepdims) return x;
  return expand_dims(x, {std::min(r, c), std::max(r, c)}, s);
}

array matrix_norm(const array& a, double ord, int r, int c, bool keepdims, Stream s) {
  Dtype dt = at_least_float(a.dtype());
  constexpr double inf = std::numeric_limits<double>::infinity();
  // After the first reduction without keepdims, an axis above the reduced one moves down.
  if (ord == 1.0 || ord == -1.0) {
    int c2 = c - (!keepdims && c > r);
    array cols = sum(abs(a, s), std::vector<int>{r}, keepdims, s);
    array out = ord == 1.0 ? max(cols, std::vector<int>{c2}, keepdims, s)
                           : min(cols, std::vector<int>{c2}, keepdims, s);
    return astype(out, dt, s);
  }
  if (ord == inf || ord == -inf) {
    int r2 = r - (!keepdims && r > c);
    array rows = sum(abs(a, s), std::vector<int>{c}, keepdims, s);
    array out = ord == inf ? max(rows, std::vector<int>{r2}, keepdims, s)
                           : min(rows, std::vector<int>{r2}, keepdims, s);
    return astype(out, dt, s);
  }
  if (ord == 2.0 || ord == -2.0) {
    array sv = singular_values(a, r, c, "linalg.norm", s);
    sv = ord == 2.0 ? max(sv, std::vector<int>{-1}, false, s)
                    : min(sv, std::vector<int>{-1}, false, s);
    return astype(keep_matrix_dims(sv, r, c, keepdims, s), dt, s);
  }
  fail("linalg.norm", "Invalid ord " + fmt_double(ord) + " for matrix norm.");
}

}  // namespace

array norm(const array& a, const std::optional<std::vector<int>>& axis, bool keepdims,
           StreamOrDevice sd) {
  Stream s = to_stream(sd);
  if (!axis) return l2_norm(flatten(a, 0, -1, s), {0}, keepdims, s);
  if (axis->size() > 2) fail("linalg.norm", "Received too many axes for norm.");
  return l2_norm(a, norm_axes(*axis, a.ndim()), keepdims, s);
}

array norm(const array& a, double ord, const std::optional<std::vector<int>>& axis, bool keepdims,
           StreamOrDevice sd) {
  Stream s = to_stream(sd);
  std::vector<int> ax(a.ndim());
  if (axis)
    ax = *axis;
  else
    std::iota(ax.begin(), ax.end(), 0);
  if (ax.size() != 1 && ax.size() != 2) fail("linalg.norm", "Received too many axes for norm.");
  ax = norm_axes(ax, a.ndim());
  if (ax.size() == 1) return vector_norm(a, ord, ax, keepdims, s);
  return matrix_norm(a, ord, ax[0], ax[1], keepdims, s);
}

array norm(const array& a, const std::string& ord, const std::optional<std::vector<int>>& axis,
           bool keepdims, StreamOrDevice sd) {
  Stream s = to_stream(sd);
  std::vector<int> ax(a.ndim());
  if (axis)
    ax = *axis;
  else
    std::iota(ax.begin(), ax.end(), 0);
  if (ax.size() != 2)
    fail("linalg.norm", "Norm '" + ord + "' only supported for matrices, but received " +
                            std::to_string(ax.size()) + " axis/axes.");
  ax = norm_axes(ax, a.ndim());
  if (ord == "f" || ord == "fro") return l2_norm(a, ax, keepdims, s);
  if (ord == "nuc") {
    array sv =
        sum(singular_values(a, ax[0], ax[1], "linalg.norm", s), std::vector<int>{-1}, false, s);
    return keep_matrix_dims(sv, ax[0], ax[1], keepdims, s);
  }
  fail("linalg.norm", "Invalid ord value '" + ord + "' for matrix norm.");
}

// ---- factorizations -------------------------------------------------------------------------

std::pair<array, array> qr(const array& a, StreamOrDevice sd) {
  const char* op = "linalg.qr";
  Stream s = cpu_stream(sd, op);
  check_float(a.dtype(), op);
  check_matrix(a, op);
  int m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  Shape qs = a.shape(), rs = a.shape();
  qs.back() = k;
  rs[rs.size() - 2] = k;
  auto out =
      array::make_arrays({qs, rs}, {a.dtype(), a.dtype()}, std::make_shared<QRF>(s, op), {a});
  return {out[0], out[1]};
}

namespace {

std::vector<array> svd_impl(const array& a, bool compute_uv, StreamOrDevice sd, const char* op) {
  Stream s = cpu_stream(sd, op);
  check_float_or_complex(a.dtype(), op);
  check_matrix(a, op, "Input array");
  int m = a.shape(-2), n = a.shape(-1);
  Shape ss = batch_of(a);
  ss.push_back(std::min(m, n));
  Dtype sdt = a.dtype() == complex64 ? float32 : a.dtype();
  auto prim = std::make_shared<SVD>(s, op, compute_uv);
  if (!compute_uv) return {array(std::move(ss), sdt, prim, {a})};
  return array::make_arrays({with_tail(batch_of(a), {m, m}), ss, with_tail(batch_of(a), {n, n})},
                            {a.dtype(), sdt, a.dtype()}, prim, {a});
}

array inverse(const array& a, bool tri, bool upper, StreamOrDevice sd, const char* op) {
  Stream s = cpu_stream(sd, op);
  check_float(a.dtype(), op);
  check_matrix(a, op);
  check_square(a, op, "Inverses are only defined for square matrices.");
  return array(a.shape(), a.dtype(), std::make_shared<Inverse>(s, op, tri, upper), {a});
}

}  // namespace

std::vector<array> svd(const array& a, bool compute_uv, StreamOrDevice s) {
  return svd_impl(a, compute_uv, s, "linalg.svd");
}

array inv(const array& a, StreamOrDevice s) { return inverse(a, false, true, s, "linalg.inv"); }

array tri_inv(const array& a, bool upper, StreamOrDevice s) {
  return inverse(a, true, upper, s, "linalg.tri_inv");
}

array cholesky(const array& a, bool upper, StreamOrDevice sd) {
  const char* op = "linalg.cholesky";
  Stream s = cpu_stream(sd, op);
  check_float(a.dtype(), op);
  check_matrix(a, op);
  check_square(a, op, "Cholesky decomposition is only defined for square matrices.");
  return array(a.shape(), a.dtype(), std::make_shared<Cholesky>(s, op, upper), {a});
}

array cholesky_inv(const array& L, bool upper, StreamOrDevice sd) {
  const char* op = "linalg.cholesky_inv";
  Stream s = cpu_stream(sd, op);
  check_float(L.dtype(), op);
  check_matrix(L, op);
  check_square(L, op, "Cholesky inverse is only defined for square matrices.");
  return array(L.shape(), L.dtype(), std::make_shared<CholeskyInverse>(s, op, upper), {L});
}

array pinv(const array& a, StreamOrDevice sd) {
  const char* op = "linalg.pinv";
  Stream s = cpu_stream(sd, op);
  check_float(a.dtype(), op);
  check_matrix(a, op);
  int m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  // No singular values (or no matrices): zeros (MLX fails reducing the empty S).
  if (a.size() == 0) return zeros(with_tail(batch_of(a), {n, m}), a.dtype(), s);
  auto usv = svd_impl(a, true, s, op);
  Shape start(a.ndim(), 0), stop = a.shape();
  int i = a.ndim() - 2, j = a.ndim() - 1;
  stop[i] = m;
  stop[j] = k;
  array U = swapaxes(slice(usv[0], start, stop, s), -1, -2, s);  // (k, m)
  stop[i] = k;
  stop[j] = n;
  array V = swapaxes(slice(usv[2], start, stop, s), -1, -2, s);  // (n, k)
  array S = expand_dims(usv[1], std::vector<int>{-2}, s);        // (1, k)
  double eps = a.dtype() == float64 ? std::numeric_limits<double>::epsilon()
                                    : double(std::numeric_limits<float>::epsilon());
  double rcond = 10.0 * std::max(m, n) * eps;
  array cutoff = multiply(array(rcond, a.dtype()), max(S, std::vector<int>{-1}, true, s), s);
  array rS = where(greater(S, cutoff, s), reciprocal(S, s), array(0.0, a.dtype()), s);
  return matmul(multiply(V, rS, s), U, s);
}

array cross(const array& a, const array& b, int axis, StreamOrDevice sd) {
  const char* op = "linalg.cross";
  Stream s = to_stream(sd);
  for (const array* x : {&a, &b}) {
    if (axis >= x->ndim() || axis + x->ndim() < 0)
      throw std::out_of_range("[linalg.cross] axis " + std::to_string(axis) +
                              " invalid for array with " + std::to_string(x->ndim()) +
                              " dimensions.");
    int d = x->shape(axis < 0 ? axis + x->ndim() : axis);
    if (d < 2 || d > 3) fail(op, "The specified axis must have size 2 or 3.");
  }
  bool a2 = a.shape(axis < 0 ? axis + a.ndim() : axis) == 2;
  bool b2 = b.shape(axis < 0 ? axis + b.ndim() : axis) == 2;
  Dtype dt = promote_types(a.dtype(), b.dtype());
  Shape as = a.shape(), bs = b.shape();
  as[axis < 0 ? axis + a.ndim() : axis] = 3;
  bs[axis < 0 ? axis + b.ndim() : axis] = 3;
  Shape out;
  try {
    out = broadcast_shapes(as, bs);
  } catch (const std::invalid_argument&) {
    fail(op, "Shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                 " cannot be broadcast.");
  }
  if (axis < 0) axis += int(out.size());
  out[axis] = a2 ? 2 : 3;
  array x = broadcast_to(astype(a, dt, s), out, s);
  out[axis] = b2 ? 2 : 3;
  array y = broadcast_to(astype(b, dt, s), out, s);
  auto u = split(x, a2 ? 2 : 3, axis, s);
  auto v = split(y, b2 ? 2 : 3, axis, s);
  std::vector<array> parts;
  if (a2 && b2) {
    array z = zeros_like(u[0], s);
    parts = {z, z};
  } else if (b2) {
    parts = {negative(multiply(u[2], v[1], s), s), multiply(u[2], v[0], s)};
  } else if (a2) {
    parts = {multiply(u[1], v[2], s), negative(multiply(u[0], v[2], s), s)};
  } else {
    parts = {subtract(multiply(u[1], v[2], s), multiply(u[2], v[1], s), s),
             subtract(multiply(u[2], v[0], s), multiply(u[0], v[2], s), s)};
  }
  parts.push_back(subtract(multiply(u[0], v[1], s), multiply(u[1], v[0], s), s));
  return concatenate(parts, axis, s);
}

// ---- eigenproblems --------------------------------------------------------------------------

namespace {

Stream check_eig(const array& a, StreamOrDevice sd, const char* op) {
  Stream s = cpu_stream(sd, op);
  check_float_or_complex(a.dtype(), op);
  check_matrix(a, op);
  check_square(a, op, "Only defined for square matrices.");
  return s;
}

bool uplo_upper(const std::string& uplo, const char* op) {
  if (uplo != "L" && uplo != "U") fail(op, "UPLO must be 'L' or 'U', got '" + uplo + "'.");
  return uplo == "U";
}

Shape values_shape(const array& a) { return Shape(a.shape().begin(), a.shape().end() - 1); }

}  // namespace

array eigvals(const array& a, StreamOrDevice sd) {
  const char* op = "linalg.eigvals";
  Stream s = check_eig(a, sd, op);
  return array(values_shape(a), complex64, std::make_shared<Eig>(s, op, false), {a});
}

std::pair<array, array> eig(const array& a, StreamOrDevice sd) {
  const char* op = "linalg.eig";
  Stream s = check_eig(a, sd, op);
  auto out = array::make_arrays({values_shape(a), a.shape()}, {complex64, complex64},
                                std::make_shared<Eig>(s, op, true), {a});
  return {out[0], out[1]};
}

array eigvalsh(const array& a, const std::string& UPLO, StreamOrDevice sd) {
  const char* op = "linalg.eigvalsh";
  Stream s = check_eig(a, sd, op);
  bool upper = uplo_upper(UPLO, op);
  Dtype vdt = a.dtype() == complex64 ? float32 : a.dtype();
  return array(values_shape(a), vdt, std::make_shared<Eigh>(s, op, upper, false), {a});
}

std::pair<array, array> eigh(const array& a, const std::string& UPLO, StreamOrDevice sd) {
  const char* op = "linalg.eigh";
  Stream s = check_eig(a, sd, op);
  bool upper = uplo_upper(UPLO, op);
  Dtype vdt = a.dtype() == complex64 ? float32 : a.dtype();
  auto out = array::make_arrays({values_shape(a), a.shape()}, {vdt, a.dtype()},
                                std::make_shared<Eigh>(s, op, upper, true), {a});
  return {out[0], out[1]};
}

// ---- LU and solves --------------------------------------------------------------------------

namespace {

std::vector<array> lu_outputs(const array& a, StreamOrDevice sd, const char* op) {
  Stream s = cpu_stream(sd, op);
  check_float(a.dtype(), op);
  check_matrix(a, op);
  int m = a.shape(-2), n = a.shape(-1);
  Shape piv = batch_of(a);
  piv.push_back(std::min(m, n));
  Shape rows(a.shape().begin(), a.shape().end() - 1);
  return array::make_arrays({a.shape(), piv, rows}, {a.dtype(), uint32, uint32},
                            std::make_shared<LUF>(s, op), {a});
}

// MLX's checks of solve / solve_triangular; then a itself must be float32 or float64 (MLX
// factorizes it in its own dtype). Returns the result dtype.
Dtype check_solve(const array& a, const array& b, const char* op) {
  if (a.ndim() < 2)
    fail(op, "First input must have >= 2 dimensions. Received array with " +
                 std::to_string(a.ndim()) + " dimensions.");
  if (b.ndim() < 1)
    fail(op, "Second input must have >= 1 dimensions. Received array with " +
                 std::to_string(b.ndim()) + " dimensions.");
  if (a.shape(-1) != a.shape(-2))
    fail(op, "First input must be a square matrix. Received array with shape " +
                 shape_str(a.shape()) + ".");
  int last = b.ndim() > 1 ? -2 : -1;
  if (a.shape(-1) != b.shape(last))
    fail(op, "Last dimension of first input with shape " + shape_str(a.shape()) +
                 " must match second to last dimension of second input with shape " +
                 shape_str(b.shape()) + ".");
  Dtype dt = promote_types(a.dtype(), b.dtype());
  if (dt != float32 && dt != float64)
    fail(op, std::string("Input arrays must promote to float32 or float64. Received arrays with "
                         "type ") +
                 dtype_name(a.dtype()) + " and " + dtype_name(b.dtype()) + ".");
  check_float(a.dtype(), op);
  return dt;
}

array solve_impl(const array& a, const array& b, bool tri, bool upper, StreamOrDevice sd,
                 const char* op) {
  Stream s = cpu_stream(sd, op);
  Dtype dt = check_solve(a, b, op);
  bool vec = b.ndim() == 1;
  array B = vec ? expand_dims(b, std::vector<int>{-1}, s) : b;
  Shape batch;
  try {
    batch = broadcast_shapes(batch_of(a), batch_of(B));
  } catch (const std::invalid_argument&) {
    fail(op, "Shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                 " cannot be broadcast.");
  }
  int n = a.shape(-1), k = B.shape(-1);
  array A = broadcast_to(astype(a, dt, s), with_tail(batch, {n, n}), s);
  B = broadcast_to(astype(B, dt, s), with_tail(batch, {n, k}), s);
  array x(with_tail(batch, {n, k}), dt, std::make_shared<Solve>(s, op, tri, upper), {A, B});
  return vec ? squeeze(x, std::vector<int>{-1}, s) : x;
}

}  // namespace

std::vector<array> lu(const array& a, StreamOrDevice sd) {
  const char* op = "linalg.lu";
  auto out = lu_outputs(a, sd, op);
  Stream s = to_stream(sd);
  int m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  array L = tril(out[0], -1, s), U = triu(out[0], 0, s);
  if (n != k) {
    Shape start(L.ndim(), 0), stop = L.shape();
    stop.back() = k;
    L = slice(L, start, stop, s);
  } else if (m != k) {
    Shape start(U.ndim(), 0), stop = U.shape();
    stop[U.ndim() - 2] = k;
    U = slice(U, start, stop, s);
  }
  if (k > 0) L = add(L, eye(m, k, 0, a.dtype(), s), s);
  return {out[2], L, U};
}

std::pair<array, array> lu_factor(const array& a, StreamOrDevice s) {
  auto out = lu_outputs(a, s, "linalg.lu_factor");
  return {out[0], out[1]};
}

array solve(const array& a, const array& b, StreamOrDevice s) {
  return solve_impl(a, b, false, false, s, "linalg.solve");
}

array solve_triangular(const array& a, const array& b, bool upper, StreamOrDevice s) {
  return solve_impl(a, b, true, upper, s, "linalg.solve_triangular");
}

// ---- determinants ---------------------------------------------------------------------------

namespace {

Stream check_det(const array& a, StreamOrDevice sd, const char* op) {
  Stream s = cpu_stream(sd, op);
  if (is_complex(a.dtype())) fail(op, "Complex inputs are not supported.");
  check_matrix(a, op);
  check_square(a, op, "Only defined for square matrices.");
  return s;
}

// The determinant of 0x0 .. 3x3 matrices by MLX's explicit formulas (each step rounded to the
// dtype, as MLX's separate ops round).
array det_small(const array& a, Stream s) {
  int n = a.shape(-1);
  if (n == 0) return broadcast_to(array(1.0, a.dtype()), batch_of(a), s);
  auto e = [&](int i, int j) {
    Shape start(a.ndim(), 0), stop = a.shape();
    start[a.ndim() - 2] = i;
    stop[a.ndim() - 2] = i + 1;
    start[a.ndim() - 1] = j;
    stop[a.ndim() - 1] = j + 1;
    return squeeze(slice(a, start, stop, s), std::vector<int>{-2, -1}, s);
  };
  auto mul = [&](const array& x, const array& y) { return multiply(x, y, s); };
  auto sub = [&](const array& x, const array& y) { return subtract(x, y, s); };
  if (n == 1) return e(0, 0);
  if (n == 2) return sub(mul(e(0, 0), e(1, 1)), mul(e(0, 1), e(1, 0)));
  array m0 = sub(mul(e(1, 1), e(2, 2)), mul(e(1, 2), e(2, 1)));
  array m1 = sub(mul(e(1, 0), e(2, 2)), mul(e(1, 2), e(2, 0)));
  array m2 = sub(mul(e(1, 0), e(2, 1)), mul(e(1, 1), e(2, 0)));
  return add(sub(mul(e(0, 0), m0), mul(e(0, 1), m1)), mul(e(0, 2), m2), s);
}

// LU-based determinant outputs for n > 3; float16/bfloat16 go through float32.
std::vector<array> det_lu(const array& a, bool log_form, Stream s, const char* op) {
  Dtype dt = a.dtype();
  array in = (dt == float32 || dt == float64) ? a : astype(a, float32, s);
  auto prim = std::make_shared<Determinant>(s, op, log_form);
  std::vector<array> out;
  if (log_form)
    out = array::make_arrays({batch_of(a), batch_of(a)}, {in.dtype(), in.dtype()}, prim, {in});
  else
    out = {array(batch_of(a), in.dtype(), prim, {in})};
  for (auto& o : out) o = astype(o, dt, s);
  return out;
}

}  // namespace

std::pair<array, array> slogdet(const array& a, StreamOrDevice sd) {
  const char* op = "linalg.slogdet";
  Stream s = check_det(a, sd, op);
  array in = astype(a, at_least_float(a.dtype()), s);
  if (in.shape(-1) <= 3) {
    array raw = det_small(in, s);
    return {sign(raw, s), log(abs(raw, s), s)};
  }
  auto out = det_lu(in, true, s, op);
  return {out[0], out[1]};
}

array det(const array& a, StreamOrDevice sd) {
  const char* op = "linalg.det";
  Stream s = check_det(a, sd, op);
  array in = astype(a, at_least_float(a.dtype()), s);
  if (in.shape(-1) <= 3) return det_small(in, s);
  return det_lu(in, false, s, op)[0];
}

}  // namespace mlx::core::linalg
