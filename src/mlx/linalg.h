// mx.linalg (defined in linalg.cpp; CPU kernels through LAPACK in backend/cpu/linalg.cpp).
// As in MLX, the factorizations run on the CPU only (a GPU stream is an error) and take
// float32 or float64 matrices (svd, eig, eigh also complex64) in the last two axes, batched
// over the leading ones. Errors are "[linalg.<name>] ..." (std::invalid_argument, or
// std::out_of_range for axes); a singular matrix where MLX reports one fails the evaluation.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ops.h"

namespace mlx::core::linalg {

// Norms. `axis` = nullopt: the flattened array (no ord) or every axis (with ord, which then
// needs a 1-D or 2-D input). One axis: a vector norm (ord any number: 0 counts non-zeros,
// +-inf max/min |x|, else (sum |x|^ord)^(1/ord)); two axes: a matrix norm (ord +-1, +-2,
// +-inf; "fro"/"f" and "nuc"). Integer inputs give float32 (as MLX).
array norm(const array& a, const std::optional<std::vector<int>>& axis = std::nullopt,
           bool keepdims = false, StreamOrDevice s = {});
array norm(const array& a, double ord, const std::optional<std::vector<int>>& axis = std::nullopt,
           bool keepdims = false, StreamOrDevice s = {});
array norm(const array& a, const std::string& ord,
           const std::optional<std::vector<int>>& axis = std::nullopt, bool keepdims = false,
           StreamOrDevice s = {});

// Q (..., M, K) and R (..., K, N), K = min(M, N).
std::pair<array, array> qr(const array& a, StreamOrDevice s = {});
// {U (..., M, M), S (..., K), Vt (..., N, N)} or {S}; S is float32 for complex64 input.
std::vector<array> svd(const array& a, bool compute_uv = true, StreamOrDevice s = {});
array inv(const array& a, StreamOrDevice s = {});
// Inverse of the lower (upper) triangle; the other triangle of the input is not read.
array tri_inv(const array& a, bool upper = false, StreamOrDevice s = {});
// L with L L^T = a (upper: U with U^T U = a); only that triangle of a is read. A matrix that is
// not positive definite gives an unspecified factor (as MLX).
array cholesky(const array& a, bool upper = false, StreamOrDevice s = {});
// a^-1 from its Cholesky factor L (upper: U).
array cholesky_inv(const array& L, bool upper = false, StreamOrDevice s = {});
array pinv(const array& a, StreamOrDevice s = {});
array cross(const array& a, const array& b, int axis = -1, StreamOrDevice s = {});

// Eigenvalues (complex64, in LAPACK's order) and right eigenvectors (complex64, columns).
array eigvals(const array& a, StreamOrDevice s = {});
std::pair<array, array> eig(const array& a, StreamOrDevice s = {});
// Symmetric / Hermitian: ascending eigenvalues (real) and orthonormal eigenvectors (columns);
// UPLO "L" or "U" picks the triangle that is read.
array eigvalsh(const array& a, const std::string& UPLO = "L", StreamOrDevice s = {});
std::pair<array, array> eigh(const array& a, const std::string& UPLO = "L", StreamOrDevice s = {});

// {P (uint32 row indices, (..., M)), L (..., M, K), U (..., K, N)} with a = L[P] @ U.
std::vector<array> lu(const array& a, StreamOrDevice s = {});
// LU (L below the diagonal with a unit diagonal, U on and above) and LAPACK's row
// interchanges as 0-based uint32 pivots (..., K).
std::pair<array, array> lu_factor(const array& a, StreamOrDevice s = {});
// X with a X = b: b is (..., N, K), or (N,) for one right-hand side; batch dims broadcast.
array solve(const array& a, const array& b, StreamOrDevice s = {});
array solve_triangular(const array& a, const array& b, bool upper = false, StreamOrDevice s = {});

// Integer inputs give float32; complex inputs are rejected (as MLX).
array det(const array& a, StreamOrDevice s = {});
std::pair<array, array> slogdet(const array& a, StreamOrDevice s = {});

}  // namespace mlx::core::linalg
