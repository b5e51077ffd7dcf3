// vjp, jvp and vmap rules (and output shapes) of the linalg primitives (primitives_linalg.h).
// Derivatives are the standard matrix-calculus ones for real (float32/float64) matrices,
// written with ops so they are lazy graphs:
//   Inverse     dY = -Y dA Y                     (tri: only the triangle that is read)
//   Cholesky    dL = L Phi(L^-1 dA L^-T)         Phi: lower triangle, half diagonal
//   CholeskyInverse, Solve, Determinant (det: det * A^-T; slogdet: A^-T, sign constant)
//   Eigh        dw = diag(V^T dA V), dV = V (F o V^T dA V), F_ij = 1 / (w_j - w_i)
//   SVD         the thin-SVD formulas (U, S, V of the first min(M, N) columns); the rest of a
//               full U or V is kept orthogonal to them (dU_c = -U_k dU_k^T U_c)
//   QRF         dQ, dR from Q^T dA R^-1 (square or tall; wide through its square block)
//   LUF         dL, dU from L^-1 dA U^-1 on the pivoted rows (pivots are constant)
// Primitives that read one triangle of the input (Cholesky, Eigh, tri Inverse/Solve) get
// derivatives of that triangle only. Complex inputs (SVD, Eigh) and Eig have no derivatives.
// vmap moves the batch axis to the front: the primitives are batched over leading axes.
#include <stdexcept>
#include <string>

#include "autograd.h"
#include "linalg.h"
#include "ops.h"
#include "primitives_linalg.h"
#include "rules_common.h"

namespace mlx::core {

namespace {

using rules::Batched;

array mT(const array& x, Stream s) { return swapaxes(x, -1, -2, s); }
array mm(const array& a, const array& b, Stream s) { return matmul(a, b, s); }

// Rows [r0, r1) and columns [c0, c1) of the matrices.
array block(const array& x, int r0, int r1, int c0, int c1, Stream s) {
  Shape start(x.ndim(), 0), stop = x.shape();
  start[x.ndim() - 2] = r0;
  stop[x.ndim() - 2] = r1;
  start[x.ndim() - 1] = c0;
  stop[x.ndim() - 1] = c1;
  return slice(x, start, stop, s);
}

array eye_of(int n, Dtype dt, Stream s) { return eye(n, dt, s); }

// tril(x, k), or triu(x, k) for the upper triangle.
array tri(const array& x, bool upper, int k, Stream s) {
  return upper ? triu(x, k, s) : tril(x, k, s);
}

using rules::to_front;

// The matrix of 1 / (d_j - d_i) (row i, column j), zero where d_j == d_i (the diagonal).
array inv_differences(const array& d, Stream s) {
  array diff =
      subtract(expand_dims(d, std::vector<int>{-2}, s), expand_dims(d, std::vector<int>{-1}, s), s);
  array zero = array(0.0, d.dtype());
  array is_zero = equal(diff, zero, s);
  array safe = where(is_zero, array(1.0, d.dtype()), diff, s);
  return where(is_zero, zero, reciprocal(safe, s), s);
}

// diag(v) for a batch of vectors.
array diag_matrix(const array& v, Stream s) {
  int n = v.shape(-1);
  return multiply(eye_of(n, v.dtype(), s), expand_dims(v, std::vector<int>{-2}, s), s);
}

array diag_part(const array& x, Stream s) { return diagonal(x, 0, -2, -1, s); }

// A symmetric matrix from the lower (upper) triangle of x, and the adjoint of that map.
array sym_from_tri(const array& x, bool upper, Stream s) {
  return add(tri(x, upper, 0, s), mT(tri(x, upper, upper ? 1 : -1, s), s), s);
}
array sym_from_tri_adjoint(const array& g, bool upper, Stream s) {
  array both = tri(add(g, mT(g, s), s), upper, upper ? 1 : -1, s);
  return add(both, multiply(eye_of(g.shape(-1), g.dtype(), s), g, s), s);
}

[[noreturn]] void no_complex(const char* op) {
  throw std::invalid_argument(std::string("[") + op +
                              "] Derivatives of complex decompositions are not supported.");
}

// Phi(X): the strictly lower triangle plus half the diagonal.
array phi(const array& x, Stream s) {
  return add(tril(x, -1, s),
             multiply(array(0.5, x.dtype()), multiply(eye_of(x.shape(-1), x.dtype(), s), x, s), s),
             s);
}

}  // namespace

// ---- Inverse --------------------------------------------------------------------------------

namespace {
array inverse_node(const array& a, const char* op, bool tri_, bool upper, Stream s) {
  Shape shape = a.shape();
  return array(std::move(shape), a.dtype(), std::make_shared<Inverse>(s, op, tri_, upper), {a});
}
}  // namespace

std::vector<array> Inverse::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                                const std::vector<int>&, const std::vector<array>& outputs) {
  Stream s = stream();
  array yt = mT(outputs[0], s);
  array g = negative(mm(mm(yt, cotangents[0], s), yt, s), s);
  return {tri_ ? tri(g, upper_, 0, s) : g};
}
std::vector<array> Inverse::jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents, const std::vector<int>&) {
  Stream s = stream();
  array y = inverse_node(primals[0], op_, tri_, upper_, s);
  array t = tri_ ? tri(tangents[0], upper_, 0, s) : tangents[0];
  return {negative(mm(mm(y, t, s), y, s), s)};
}
Batched Inverse::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  return {{inverse_node(a, op_, tri_, upper_, stream())}, {0}};
}
std::vector<Shape> Inverse::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- Cholesky -------------------------------------------------------------------------------

namespace {
array cholesky_node(const array& a, const char* op, bool upper, Stream s) {
  Shape shape = a.shape();
  return array(std::move(shape), a.dtype(), std::make_shared<Cholesky>(s, op, upper), {a});
}
}  // namespace

std::vector<array> Cholesky::vjp(const std::vector<array>&, const std::vector<array>& cotangents,
                                 const std::vector<int>&, const std::vector<array>& outputs) {
  Stream s = stream();
  // Work with the lower factor L (upper: L = U^T of the same symmetric matrix).
  array L = upper_ ? mT(outputs[0], s) : outputs[0];
  array Lbar = upper_ ? mT(cotangents[0], s) : cotangents[0];
  array Linv = linalg::tri_inv(L, false, s);
  array S = mm(mm(mT(Linv, s), phi(mm(mT(L, s), Lbar, s), s), s), Linv, s);
  return {sym_from_tri_adjoint(S, upper_, s)};
}
std::vector<array> Cholesky::jvp(const std::vector<array>& primals,
                                 const std::vector<array>& tangents, const std::vector<int>&) {
  Stream s = stream();
  array out = cholesky_node(primals[0], op_, upper_, s);
  array L = upper_ ? mT(out, s) : out;
  array Linv = linalg::tri_inv(L, false, s);
  array dA = sym_from_tri(tangents[0], upper_, s);
  array dL = mm(L, phi(mm(mm(Linv, dA, s), mT(Linv, s), s), s), s);
  return {upper_ ? mT(dL, s) : dL};
}
Batched Cholesky::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  return {{cholesky_node(a, op_, upper_, stream())}, {0}};
}
std::vector<Shape> Cholesky::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- CholeskyInverse: Y = (L L^T)^-1 (upper: (U^T U)^-1) from the factor's triangle ---------

namespace {
array cholesky_inverse_node(const array& a, const char* op, bool upper, Stream s) {
  Shape shape = a.shape();
  return array(std::move(shape), a.dtype(), std::make_shared<CholeskyInverse>(s, op, upper), {a});
}
}  // namespace

std::vector<array> CholeskyInverse::vjp(const std::vector<array>& primals,
                                        const std::vector<array>& cotangents,
                                        const std::vector<int>&,
                                        const std::vector<array>& outputs) {
  Stream s = stream();
  const array& y = outputs[0];
  array f = tri(primals[0], upper_, 0, s);
  array c = cotangents[0];
  array ycy = mm(mm(y, add(c, mT(c, s), s), s), y, s);
  // lower: -(Y (C + C^T) Y) L; upper: -U (Y (C + C^T) Y)
  array g = negative(upper_ ? mm(f, ycy, s) : mm(ycy, f, s), s);
  return {tri(g, upper_, 0, s)};
}
std::vector<array> CholeskyInverse::jvp(const std::vector<array>& primals,
                                        const std::vector<array>& tangents,
                                        const std::vector<int>&) {
  Stream s = stream();
  array y = cholesky_inverse_node(primals[0], op_, upper_, s);
  array f = tri(primals[0], upper_, 0, s);
  array df = tri(tangents[0], upper_, 0, s);
  // d(F F^T) (lower) or d(F^T F) (upper)
  array dm = upper_ ? add(mm(mT(df, s), f, s), mm(mT(f, s), df, s), s)
                    : add(mm(df, mT(f, s), s), mm(f, mT(df, s), s), s);
  return {negative(mm(mm(y, dm, s), y, s), s)};
}
Batched CholeskyInverse::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  return {{cholesky_inverse_node(a, op_, upper_, stream())}, {0}};
}
std::vector<Shape> CholeskyInverse::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

// ---- Solve: X = A^-1 B (tri: the triangle of A) ---------------------------------------------

namespace {
array solve_node(const array& a, const array& b, const char* op, bool tri_, bool upper, Stream s) {
  Shape shape = b.shape();
  return array(std::move(shape), b.dtype(), std::make_shared<Solve>(s, op, tri_, upper), {a, b});
}
}  // namespace

std::vector<array> Solve::vjp(const std::vector<array>& primals,
                              const std::vector<array>& cotangents, const std::vector<int>& argnums,
                              const std::vector<array>& outputs) {
  Stream s = stream();
  const array& a = primals[0];
  // B's cotangent: A^-T C (A^T's triangle is the other one).
  array bbar = solve_node(mT(a, s), cotangents[0], op_, tri_, !upper_, s);
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 1) {
      out.push_back(bbar);
    } else {
      array g = negative(mm(bbar, mT(outputs[0], s), s), s);
      out.push_back(tri_ ? tri(g, upper_, 0, s) : g);
    }
  }
  return out;
}
std::vector<array> Solve::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                              const std::vector<int>& argnums) {
  Stream s = stream();
  const array& a = primals[0];
  std::optional<array> rhs;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 1) {
      rhs = rhs ? add(*rhs, tangents[i], s) : tangents[i];
    } else {
      array x = solve_node(a, primals[1], op_, tri_, upper_, s);
      array da = tri_ ? tri(tangents[i], upper_, 0, s) : tangents[i];
      array t = negative(mm(da, x, s), s);
      rhs = rhs ? add(*rhs, t, s) : t;
    }
  }
  return {solve_node(a, *rhs, op_, tri_, upper_, s)};
}
Batched Solve::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  Stream s = stream();
  array a = to_front(inputs[0], axes[0], s);
  array b = to_front(inputs[1], axes[1], s);
  // The node takes equal batch shapes: an unbatched operand is broadcast to the batch.
  int n = axes[0] >= 0 ? a.shape(0) : b.shape(0);
  auto batch = [&](const array& x, int ax) {
    if (ax >= 0) return x;
    Shape shape = x.shape();
    shape.insert(shape.begin(), n);
    return broadcast_to(expand_dims(x, std::vector<int>{0}, s), shape, s);
  };
  return {{solve_node(batch(a, axes[0]), batch(b, axes[1]), op_, tri_, upper_, s)}, {0}};
}
std::vector<Shape> Solve::output_shapes(const std::vector<array>& inputs) {
  return {inputs[1].shape()};
}

// ---- Determinant ----------------------------------------------------------------------------

namespace {
std::vector<array> det_nodes(const array& a, const char* op, bool log_form, Stream s) {
  Shape batch(a.shape().begin(), a.shape().end() - 2);
  auto prim = std::make_shared<Determinant>(s, op, log_form);
  if (log_form) return array::make_arrays({batch, batch}, {a.dtype(), a.dtype()}, prim, {a});
  return {array(batch, a.dtype(), prim, {a})};
}
array as_matrix_scale(const array& v, Stream s) {
  return expand_dims(v, std::vector<int>{-2, -1}, s);
}
}  // namespace

std::vector<array> Determinant::vjp(const std::vector<array>& primals,
                                    const std::vector<array>& cotangents, const std::vector<int>&,
                                    const std::vector<array>& outputs) {
  Stream s = stream();
  array inv_t = mT(linalg::inv(primals[0], s), s);
  // det: d det = det tr(A^-1 dA); slogdet: d log|det| = tr(A^-1 dA), the sign is constant.
  array scale = log_form_ ? cotangents[1] : multiply(cotangents[0], outputs[0], s);
  return {multiply(as_matrix_scale(scale, s), inv_t, s)};
}
std::vector<array> Determinant::jvp(const std::vector<array>& primals,
                                    const std::vector<array>& tangents, const std::vector<int>&) {
  Stream s = stream();
  const array& a = primals[0];
  array tr =
      sum(multiply(mT(linalg::inv(a, s), s), tangents[0], s), std::vector<int>{-2, -1}, false, s);
  if (log_form_) return {zeros(tr.shape(), tr.dtype(), s), tr};
  return {multiply(det_nodes(a, op_, false, s)[0], tr, s)};
}
Batched Determinant::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  auto out = det_nodes(a, op_, log_form_, stream());
  return {out, std::vector<int>(out.size(), 0)};
}
std::vector<Shape> Determinant::output_shapes(const std::vector<array>& inputs) {
  const Shape& in = inputs[0].shape();
  Shape batch(in.begin(), in.end() - 2);
  if (log_form_) return {batch, batch};
  return {batch};
}

// ---- Eigh -----------------------------------------------------------------------------------

namespace {
std::vector<array> eigh_nodes(const array& a, const char* op, bool upper, bool vectors, Stream s) {
  Shape values(a.shape().begin(), a.shape().end() - 1);
  Dtype vdt = a.dtype() == complex64 ? float32 : a.dtype();
  auto prim = std::make_shared<Eigh>(s, op, upper, vectors);
  if (!vectors) return {array(values, vdt, prim, {a})};
  return array::make_arrays({values, a.shape()}, {vdt, a.dtype()}, prim, {a});
}
}  // namespace

std::vector<array> Eigh::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents, const std::vector<int>&,
                             const std::vector<array>& outputs) {
  Stream s = stream();
  const array& a = primals[0];
  if (is_complex(a.dtype())) no_complex(op_);
  auto wv = vectors_ ? outputs : eigh_nodes(a, op_, upper_, true, s);
  const array& w = wv[0];
  const array& v = wv[1];
  array m = diag_matrix(cotangents[0], s);
  if (vectors_) m = add(m, multiply(inv_differences(w, s), mm(mT(v, s), cotangents[1], s), s), s);
  array g = mm(mm(v, m, s), mT(v, s), s);
  return {sym_from_tri_adjoint(g, upper_, s)};
}
std::vector<array> Eigh::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                             const std::vector<int>&) {
  Stream s = stream();
  const array& a = primals[0];
  if (is_complex(a.dtype())) no_complex(op_);
  auto wv = eigh_nodes(a, op_, upper_, true, s);
  const array& w = wv[0];
  const array& v = wv[1];
  array m = mm(mm(mT(v, s), sym_from_tri(tangents[0], upper_, s), s), v, s);
  array dw = diag_part(m, s);
  if (!vectors_) return {dw};
  return {dw, mm(v, multiply(inv_differences(w, s), m, s), s)};
}
Batched Eigh::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  auto out = eigh_nodes(a, op_, upper_, vectors_, stream());
  return {out, std::vector<int>(out.size(), 0)};
}
std::vector<Shape> Eigh::output_shapes(const std::vector<array>& inputs) {
  const Shape& in = inputs[0].shape();
  Shape values(in.begin(), in.end() - 1);
  if (vectors_) return {values, in};
  return {values};
}

// ---- Eig: vmap only (MLX has no derivatives of the general eigenproblem) --------------------

namespace {
std::vector<array> eig_nodes(const array& a, const char* op, bool vectors, Stream s) {
  Shape values(a.shape().begin(), a.shape().end() - 1);
  auto prim = std::make_shared<Eig>(s, op, vectors);
  if (!vectors) return {array(values, complex64, prim, {a})};
  return array::make_arrays({values, a.shape()}, {complex64, complex64}, prim, {a});
}
}  // namespace

Batched Eig::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  auto out = eig_nodes(a, op_, vectors_, stream());
  return {out, std::vector<int>(out.size(), 0)};
}
std::vector<Shape> Eig::output_shapes(const std::vector<array>& inputs) {
  const Shape& in = inputs[0].shape();
  Shape values(in.begin(), in.end() - 1);
  if (vectors_) return {values, in};
  return {values};
}

// ---- SVD ------------------------------------------------------------------------------------

namespace {

std::vector<array> svd_nodes(const array& a, const char* op, bool uv, Stream s) {
  int m = a.shape(-2), n = a.shape(-1);
  Shape batch(a.shape().begin(), a.shape().end() - 2);
  Shape ss = batch;
  ss.push_back(std::min(m, n));
  Dtype sdt = a.dtype() == complex64 ? float32 : a.dtype();
  auto prim = std::make_shared<SVD>(s, op, uv);
  if (!uv) return {array(ss, sdt, prim, {a})};
  Shape us = batch, vs = batch;
  us.insert(us.end(), {m, m});
  vs.insert(vs.end(), {n, n});
  return array::make_arrays({us, ss, vs}, {a.dtype(), sdt, a.dtype()}, prim, {a});
}

// F_ij = 1 / (s_j^2 - s_i^2), zero where equal.
array svd_f(const array& sv, Stream s) { return inv_differences(square(sv, s), s); }

array cols(const array& x, int c0, int c1, Stream s) { return block(x, 0, x.shape(-2), c0, c1, s); }

}  // namespace

std::vector<array> SVD::vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                            const std::vector<int>&, const std::vector<array>& outputs) {
  Stream s = stream();
  const array& a = primals[0];
  if (is_complex(a.dtype())) no_complex(op_);
  int m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  auto usv = compute_uv_ ? outputs : svd_nodes(a, op_, true, s);
  const array& sv = usv[1];
  array uk = cols(usv[0], 0, k, s);
  array vfull = mT(usv[2], s);
  array vk = cols(vfull, 0, k, s);
  array sbar = compute_uv_ ? cotangents[1] : cotangents[0];
  array srow = expand_dims(sv, std::vector<int>{-2}, s);  // (1, k): scales columns
  array scol = expand_dims(sv, std::vector<int>{-1}, s);  // (k, 1): scales rows
  array pbar = diag_matrix(sbar, s);
  std::optional<array> extra;
  if (compute_uv_) {
    array ubar = cotangents[0], vbar = mT(cotangents[2], s);
    array ubar_k = cols(ubar, 0, k, s), vbar_k = cols(vbar, 0, k, s);
    // The complement columns of a full U (V) follow U_k (V_k): dU_c = -U_k dU_k^T U_c.
    if (m > k) {
      array uc = cols(usv[0], k, m, s);
      ubar_k = subtract(ubar_k, mm(uc, mm(mT(cols(ubar, k, m, s), s), uk, s), s), s);
    }
    if (n > k) {
      array vc = cols(vfull, k, n, s);
      vbar_k = subtract(vbar_k, mm(vc, mm(mT(cols(vbar, k, n, s), s), vk, s), s), s);
    }
    array f = svd_f(sv, s);
    array utu = mm(mT(uk, s), ubar_k, s);
    array vtv = mm(mT(vk, s), vbar_k, s);
    array j = multiply(f, subtract(utu, mT(utu, s), s), s);
    array kk = multiply(f, subtract(vtv, mT(vtv, s), s), s);
    pbar = add(pbar, add(multiply(j, srow, s), multiply(scol, kk, s), s), s);
    if (m > k) {  // (I - U U^T) Ubar S^-1 V^T
      array t = divide(ubar_k, srow, s);
      extra = mm(subtract(t, mm(uk, mm(mT(uk, s), t, s), s), s), mT(vk, s), s);
    }
    if (n > k) {  // U S^-1 Vbar^T (I - V V^T)
      array t = mT(divide(vbar_k, srow, s), s);
      array e = mm(uk, subtract(t, mm(mm(t, vk, s), mT(vk, s), s), s), s);
      extra = extra ? add(*extra, e, s) : e;
    }
  }
  array g = mm(mm(uk, pbar, s), mT(vk, s), s);
  if (extra) g = add(g, *extra, s);
  return {g};
}

std::vector<array> SVD::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                            const std::vector<int>&) {
  Stream s = stream();
  const array& a = primals[0];
  if (is_complex(a.dtype())) no_complex(op_);
  const array& da = tangents[0];
  int m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  auto usv = svd_nodes(a, op_, true, s);
  const array& sv = usv[1];
  array uk = cols(usv[0], 0, k, s);
  array vfull = mT(usv[2], s);
  array vk = cols(vfull, 0, k, s);
  array dp = mm(mm(mT(uk, s), da, s), vk, s);
  array ds = diag_part(dp, s);
  if (!compute_uv_) return {ds};
  array srow = expand_dims(sv, std::vector<int>{-2}, s);
  array scol = expand_dims(sv, std::vector<int>{-1}, s);
  array f = svd_f(sv, s);
  array du = mm(uk, multiply(f, add(multiply(dp, srow, s), multiply(scol, mT(dp, s), s), s), s), s);
  array dv = mm(vk, multiply(f, add(multiply(scol, dp, s), multiply(mT(dp, s), srow, s), s), s), s);
  if (m > k) {
    du = add(du, divide(subtract(mm(da, vk, s), mm(uk, dp, s), s), srow, s), s);
    array uc = cols(usv[0], k, m, s);
    du = concatenate({du, negative(mm(uk, mm(mT(du, s), uc, s), s), s)}, -1, s);
  }
  if (n > k) {
    dv = add(dv, divide(subtract(mm(mT(da, s), uk, s), mm(vk, mT(dp, s), s), s), srow, s), s);
    array vc = cols(vfull, k, n, s);
    dv = concatenate({dv, negative(mm(vk, mm(mT(dv, s), vc, s), s), s)}, -1, s);
  }
  return {du, ds, mT(dv, s)};
}

Batched SVD::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  auto out = svd_nodes(a, op_, compute_uv_, stream());
  return {out, std::vector<int>(out.size(), 0)};
}
std::vector<Shape> SVD::output_shapes(const std::vector<array>& inputs) {
  const Shape& in = inputs[0].shape();
  int m = in[in.size() - 2], n = in.back();
  Shape batch(in.begin(), in.end() - 2);
  Shape ss = batch;
  ss.push_back(std::min(m, n));
  if (!compute_uv_) return {ss};
  Shape us = batch, vs = batch;
  us.insert(us.end(), {m, m});
  vs.insert(vs.end(), {n, n});
  return {us, ss, vs};
}

// ---- QRF ------------------------------------------------------------------------------------

namespace {

std::vector<array> qr_nodes(const array& a, const char* op, Stream s) {
  int m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  Shape qs = a.shape(), rs = a.shape();
  qs.back() = k;
  rs[rs.size() - 2] = k;
  return array::make_arrays({qs, rs}, {a.dtype(), a.dtype()}, std::make_shared<QRF>(s, op), {a});
}

// The cotangent of A = Q R with R square (M >= N): (Qbar + Q copyltu(M)) R^-T,
// M = R Rbar^T - Qbar^T Q, copyltu the symmetric matrix of M's lower triangle.
array qr_square_vjp(const array& q, const array& r, const array& qbar, const array& rbar,
                    Stream s) {
  array mtx = subtract(mm(r, mT(rbar, s), s), mm(mT(qbar, s), q, s), s);
  array low = tril(mtx, -1, s);
  array sym =
      add(add(low, mT(low, s), s), multiply(eye_of(mtx.shape(-1), mtx.dtype(), s), mtx, s), s);
  array b = add(qbar, mm(q, sym, s), s);
  return mm(b, mT(linalg::tri_inv(r, true, s), s), s);
}

// dQ, dR of A = Q R with R square: C = Q^T dA R^-1, Omega its antisymmetric lower part.
std::pair<array, array> qr_square_jvp(const array& q, const array& r, const array& da, Stream s) {
  array rinv = linalg::tri_inv(r, true, s);
  array dar = mm(da, rinv, s);
  array c = mm(mT(q, s), dar, s);
  array low = tril(c, -1, s);
  array c_minus_omega = subtract(c, subtract(low, mT(low, s), s), s);
  return {subtract(dar, mm(q, c_minus_omega, s), s), mm(c_minus_omega, r, s)};
}

}  // namespace

std::vector<array> QRF::vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                            const std::vector<int>&, const std::vector<array>& outputs) {
  Stream s = stream();
  const array& a = primals[0];
  int m = a.shape(-2), n = a.shape(-1);
  const array& q = outputs[0];
  const array& r = outputs[1];
  if (m >= n) return {qr_square_vjp(q, r, cotangents[0], cotangents[1], s)};
  // Wide: A = [X Y] with X = Q R1 and Y = Q R2.
  array r1 = block(r, 0, m, 0, m, s), r2 = block(r, 0, m, m, n, s);
  array rbar1 = block(cotangents[1], 0, m, 0, m, s), rbar2 = block(cotangents[1], 0, m, m, n, s);
  array y = block(a, 0, m, m, n, s);
  array qbar = add(cotangents[0], mm(y, mT(rbar2, s), s), s);
  array xbar = qr_square_vjp(q, r1, qbar, rbar1, s);
  return {concatenate({xbar, mm(q, rbar2, s)}, -1, s)};
}
std::vector<array> QRF::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                            const std::vector<int>&) {
  Stream s = stream();
  const array& a = primals[0];
  const array& da = tangents[0];
  int m = a.shape(-2), n = a.shape(-1);
  auto qr = qr_nodes(a, op_, s);
  if (m >= n) {
    auto [dq, dr] = qr_square_jvp(qr[0], qr[1], da, s);
    return {dq, dr};
  }
  array r1 = block(qr[1], 0, m, 0, m, s), r2 = block(qr[1], 0, m, m, n, s);
  auto [dq, dr1] = qr_square_jvp(qr[0], r1, block(da, 0, m, 0, m, s), s);
  array dr2 = mm(mT(qr[0], s), subtract(block(da, 0, m, m, n, s), mm(dq, r2, s), s), s);
  return {dq, concatenate({dr1, dr2}, -1, s)};
}
Batched QRF::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  return {qr_nodes(a, op_, stream()), {0, 0}};
}
std::vector<Shape> QRF::output_shapes(const std::vector<array>& inputs) {
  Shape qs = inputs[0].shape(), rs = qs;
  int m = qs[qs.size() - 2], n = qs.back(), k = std::min(m, n);
  qs.back() = k;
  rs[rs.size() - 2] = k;
  return {qs, rs};
}

// ---- LUF: A = L[P] U; on the rows Ap = A[P^-1], Ap = L U --------------------------------------

namespace {

std::vector<array> lu_nodes(const array& a, const char* op, Stream s) {
  int m = a.shape(-2), n = a.shape(-1);
  Shape piv(a.shape().begin(), a.shape().end() - 2);
  piv.push_back(std::min(m, n));
  Shape rows(a.shape().begin(), a.shape().end() - 1);
  return array::make_arrays({a.shape(), piv, rows}, {a.dtype(), uint32, uint32},
                            std::make_shared<LUF>(s, op), {a});
}

// Row-index array broadcast over the columns of an (..., M, N) matrix.
array row_indices(const array& p, int ncols, Stream s) {
  array e = expand_dims(p, std::vector<int>{-1}, s);
  Shape shape = e.shape();
  shape.back() = ncols;
  return broadcast_to(e, shape, s);
}

}  // namespace

std::vector<array> LUF::vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                            const std::vector<int>&, const std::vector<array>& outputs) {
  Stream s = stream();
  const array& a = primals[0];
  int m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  const array& lu = outputs[0];
  const array& cot = cotangents[0];
  Dtype dt = a.dtype();
  array lu1 = block(lu, 0, k, 0, k, s);
  array l1 = add(tril(lu1, -1, s), eye_of(k, dt, s), s);
  array u1 = triu(lu1, 0, s);
  array l1inv = linalg::tri_inv(l1, false, s), u1inv = linalg::tri_inv(u1, true, s);
  array cot1 = block(cot, 0, k, 0, k, s);
  array lbar1 = tril(cot1, -1, s), ubar1 = triu(cot1, 0, s);
  std::optional<array> rest;
  if (m > k) {  // A21 = L2 U1
    array l2 = block(lu, k, m, 0, n, s);
    array a21bar = mm(block(cot, k, m, 0, n, s), mT(u1inv, s), s);
    ubar1 = subtract(ubar1, mm(mT(l2, s), a21bar, s), s);
    rest = a21bar;
  } else if (n > k) {  // A12 = L1 U2
    array u2 = block(lu, 0, m, k, n, s);
    array a12bar = mm(mT(l1inv, s), block(cot, 0, m, k, n, s), s);
    lbar1 = subtract(lbar1, mm(a12bar, mT(u2, s), s), s);
    rest = a12bar;
  }
  array cbar = add(tril(mm(mT(l1, s), lbar1, s), -1, s), triu(mm(ubar1, mT(u1, s), s), 0, s), s);
  array apbar = mm(mm(mT(l1inv, s), cbar, s), mT(u1inv, s), s);
  if (rest) apbar = concatenate({apbar, *rest}, m > k ? -2 : -1, s);
  // A's row i is Ap's row P[i].
  return {take_along_axis(apbar, row_indices(stop_gradient(outputs[2], s), n, s), -2, s)};
}
std::vector<array> LUF::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                            const std::vector<int>&) {
  Stream s = stream();
  const array& a = primals[0];
  int m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  Dtype dt = a.dtype();
  auto outs = lu_nodes(a, op_, s);
  const array& lu = outs[0];
  array perm = stop_gradient(argsort(outs[2], -1, s), s);
  array dap = take_along_axis(tangents[0], row_indices(perm, n, s), -2, s);
  array lu1 = block(lu, 0, k, 0, k, s);
  array l1 = add(tril(lu1, -1, s), eye_of(k, dt, s), s);
  array u1 = triu(lu1, 0, s);
  array l1inv = linalg::tri_inv(l1, false, s), u1inv = linalg::tri_inv(u1, true, s);
  array c = mm(mm(l1inv, block(dap, 0, k, 0, k, s), s), u1inv, s);
  array dl1 = mm(l1, tril(c, -1, s), s);
  array du1 = mm(triu(c, 0, s), u1, s);
  array dlu = add(dl1, du1, s);
  if (m > k) {
    array l2 = block(lu, k, m, 0, n, s);
    array dl2 = mm(subtract(block(dap, k, m, 0, n, s), mm(l2, du1, s), s), u1inv, s);
    dlu = concatenate({dlu, dl2}, -2, s);
  } else if (n > k) {
    array u2 = block(lu, 0, m, k, n, s);
    array du2 = mm(l1inv, subtract(block(dap, 0, m, k, n, s), mm(dl1, u2, s), s), s);
    dlu = concatenate({dlu, du2}, -1, s);
  }
  return {dlu, zeros(outs[1].shape(), uint32, s), zeros(outs[2].shape(), uint32, s)};
}
Batched LUF::vmap(const std::vector<array>& inputs, const std::vector<int>& axes) {
  array a = to_front(inputs[0], axes[0], stream());
  return {lu_nodes(a, op_, stream()), {0, 0, 0}};
}
std::vector<Shape> LUF::output_shapes(const std::vector<array>& inputs) {
  const Shape& in = inputs[0].shape();
  int m = in[in.size() - 2], n = in.back();
  Shape piv(in.begin(), in.end() - 2);
  piv.push_back(std::min(m, n));
  Shape rows(in.begin(), in.end() - 1);
  return {in, piv, rows};
}

}  // namespace mlx::core
