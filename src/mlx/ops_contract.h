// Contractions and products: tensordot, inner, outer, vecdot, kron, addmm, block_masked_mm,
// gather_mm, segmented_mm, hadamard_transform (ops_contract.cpp) and einsum / einsum_path
// (einsum.cpp). All but hadamard_transform compose ordinary primitives (matmul, reshape,
// transpose, gather), so the transforms see nothing new. Errors name the op: axes out of range
// are std::out_of_range, other bad input std::invalid_argument.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ops.h"

namespace mlx::core {

// Contracts the last `axes` dims of a with the first `axes` dims of b.
array tensordot(const array& a, const array& b, int axes = 2, StreamOrDevice s = {});
// Contracts a's axes_a[i] with b's axes_b[i] (negative axes count from the end).
array tensordot(const array& a, const array& b, const std::vector<int>& axes_a,
                const std::vector<int>& axes_b, StreamOrDevice s = {});
array inner(const array& a, const array& b, StreamOrDevice s = {});
array outer(const array& a, const array& b, StreamOrDevice s = {});
// sum(conj(a) * b, axis) after broadcasting a and b.
array vecdot(const array& a, const array& b, int axis = -1, StreamOrDevice s = {});
array kron(const array& a, const array& b, StreamOrDevice s = {});
// beta * c + alpha * (a @ b).
array addmm(array c, array a, array b, float alpha = 1.f, float beta = 1.f, StreamOrDevice s = {});
// a @ b with block_size x block_size tiles of the output / operands masked (bool masks) or
// scaled (float masks).
array block_masked_mm(array a, array b, int block_size = 64,
                      std::optional<array> mask_out = std::nullopt,
                      std::optional<array> mask_lhs = std::nullopt,
                      std::optional<array> mask_rhs = std::nullopt, StreamOrDevice s = {});
// a[lhs_indices] @ b[rhs_indices] over the matrices of a's and b's batch dims (flattened).
array gather_mm(array a, array b, std::optional<array> lhs_indices = std::nullopt,
                std::optional<array> rhs_indices = std::nullopt, bool sorted_indices = false,
                StreamOrDevice s = {});
// out[..., :, :] = a[:, start:end] @ b[start:end, :] for each (start, end) of segments (..., 2).
array segmented_mm(array a, array b, array segments, StreamOrDevice s = {});
// Walsh-Hadamard transform along the last axis (n = m * 2^k, m in 1, 12, 20, 28), times scale
// (default 1/sqrt(n)).
array hadamard_transform(const array& a, std::optional<float> scale = std::nullopt,
                         StreamOrDevice s = {});

// Einstein summation as MLX (greedy contraction order for more than two operands).
array einsum(const std::string& subscripts, const std::vector<array>& operands,
             StreamOrDevice s = {});
// The contraction order (positions per step) and MLX's printable summary.
std::pair<std::vector<std::vector<int>>, std::string> einsum_path(
    const std::string& subscripts, const std::vector<array>& operands);

}  // namespace mlx::core
