// Creation and dtype extras: linspace, eye, tri/tril/triu, meshgrid, windows, empty, view, ...
// (included by ops.h; defined in ops_creation.cpp).
#pragma once

#include <string>

#include "ops.h"

namespace mlx::core {

// num >= 0 values from start to stop (stop included when endpoint), MLX's arithmetic.
array linspace(double start, double stop, int num = 50, bool endpoint = true, Dtype dtype = float32,
               StreamOrDevice s = {});
// An array of the broadcast shape of a and vals, filled with vals as dtype (a's by default).
array full_like(const array& a, array vals, Dtype dtype, StreamOrDevice s = {});
array full_like(const array& a, array vals, StreamOrDevice s = {});
// n x m with ones on the k-th diagonal; n and m must be positive (as MLX).
array eye(int n, int m, int k = 0, Dtype dtype = float32, StreamOrDevice s = {});
array eye(int n, Dtype dtype = float32, StreamOrDevice s = {});
array identity(int n, Dtype dtype = float32, StreamOrDevice s = {});
// n x m with ones at and below the k-th diagonal (negative n or m give size-0 dims, as MLX).
array tri(int n, int m, int k = 0, Dtype dtype = float32, StreamOrDevice s = {});
array tri(int n, Dtype dtype = float32, StreamOrDevice s = {});
// Zeros above (tril) / below (triu) the k-th diagonal of the last two axes; ndim >= 2.
array tril(const array& x, int k = 0, StreamOrDevice s = {});
array triu(const array& x, int k = 0, StreamOrDevice s = {});
// Coordinate grids of the (flattened) inputs; indexing "xy" (Cartesian) or "ij" (matrix).
std::vector<array> meshgrid(const std::vector<array>& arrays, bool sparse = false,
                            const std::string& indexing = "xy", StreamOrDevice s = {});
// numpy's windows of length M as float32 (empty for M < 1, [1] for M == 1).
array bartlett(int M, StreamOrDevice s = {});
array hanning(int M, StreamOrDevice s = {});
array hamming(int M, StreamOrDevice s = {});
array blackman(int M, StreamOrDevice s = {});

// The bytes of a as dtype; the last axis scales by the ratio of the item sizes.
array view(const array& a, Dtype dtype, StreamOrDevice s = {});
// float8 e4m3 codes (uint8) of a floating array, and floating values of such codes.
array to_fp8(const array& x, StreamOrDevice s = {});
array from_fp8(const array& x, Dtype dtype = bfloat16, StreamOrDevice s = {});

}  // namespace mlx::core
