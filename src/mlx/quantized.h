// Quantization (MLX's quantize, dequantize, quantized_matmul, gather_qmm, qqmm, gather_qqmm),
// defined in quantized.cpp with CPU kernels in backend/cpu/quantized.cpp. Modes: 'affine' (bits 2,
// 3, 4, 5, 6, 8; group sizes 32, 64, 128; w ~ scale * q + bias), 'mxfp4' (fp4 e2m1 values, e8m0
// scales, groups of 32), 'mxfp8' (fp8 e4m3 values, e8m0 scales, groups of 32) and 'nvfp4'
// (fp4 e2m1 values, e4m3 scales, groups of 16). Packed values lie low bits first in a little-
// endian bit stream of uint32 words, as MLX packs them (bits 3, 5, 6 cross word boundaries).
// 'nvfp4' takes an optional float32 global scale g (one value): block scales are stored for
// w * (448 * 6) / g and dequantized values are multiplied by g / (448 * 6) (NVIDIA's two-level
// scaling, as MLX's kernels do it). Errors are "[op] ..." std::invalid_argument.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ops.h"

namespace mlx::core {

// {w_q (uint32), scales, biases} for 'affine'; {w_q, scales (uint8)} for the fp modes.
std::vector<array> quantize(const array& w, std::optional<int> group_size = std::nullopt,
                            std::optional<int> bits = std::nullopt,
                            const std::string& mode = "affine",
                            const std::optional<array>& global_scale = std::nullopt,
                            StreamOrDevice s = {});

array dequantize(const array& w, const array& scales,
                 const std::optional<array>& biases = std::nullopt,
                 std::optional<int> group_size = std::nullopt,
                 std::optional<int> bits = std::nullopt, const std::string& mode = "affine",
                 const std::optional<array>& global_scale = std::nullopt,
                 std::optional<Dtype> dtype = std::nullopt, StreamOrDevice s = {});

array quantized_matmul(const array& x, const array& w, const array& scales,
                       const std::optional<array>& biases = std::nullopt, bool transpose = true,
                       std::optional<int> group_size = std::nullopt,
                       std::optional<int> bits = std::nullopt, const std::string& mode = "affine",
                       StreamOrDevice s = {});

array gather_qmm(const array& x, const array& w, const array& scales,
                 const std::optional<array>& biases = std::nullopt,
                 std::optional<array> lhs_indices = std::nullopt,
                 std::optional<array> rhs_indices = std::nullopt, bool transpose = true,
                 std::optional<int> group_size = std::nullopt,
                 std::optional<int> bits = std::nullopt, const std::string& mode = "affine",
                 bool sorted_indices = false, StreamOrDevice s = {});

// x @ w.T with x rounded through the fp format of `mode` (quantized and dequantized in groups
// along its last axis, with global_scale_x for nvfp4) and w either quantized already (uint32
// with uint8 scales) or quantized the same way on the fly (with global_scale_w). 2-D operands
// (a 1-D x is one row; an n-D x with a 2-D w is flattened); the result has x's dtype.
array qqmm(const array& x, const array& w, const std::optional<array>& scales = std::nullopt,
           std::optional<int> group_size = std::nullopt, std::optional<int> bits = std::nullopt,
           const std::string& mode = "nvfp4",
           const std::optional<array>& global_scale_x = std::nullopt,
           const std::optional<array>& global_scale_w = std::nullopt, StreamOrDevice s = {});

// qqmm with gather_mm's matrix-level gather: out[i] = qqmm(x[lhs[i]], w[rhs[i]]).
array gather_qqmm(const array& x, const array& w, const std::optional<array>& scales = std::nullopt,
                  std::optional<array> lhs_indices = std::nullopt,
                  std::optional<array> rhs_indices = std::nullopt,
                  std::optional<int> group_size = std::nullopt,
                  std::optional<int> bits = std::nullopt, const std::string& mode = "nvfp4",
                  const std::optional<array>& global_scale_x = std::nullopt,
                  const std::optional<array>& global_scale_w = std::nullopt,
                  bool sorted_indices = false, StreamOrDevice s = {});

}  // namespace mlx::core
